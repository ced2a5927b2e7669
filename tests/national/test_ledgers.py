"""L-01 and L-02 show the entries into the national system as people recorded them — record number, day, person —
and 待录入 for what awaits entry; never a time the code set (SPEC §13.1)."""

import pytest
from django.utils import timezone

from ledgers.base import Context, Filters
from ledgers.catalogue import LEDGERS
from national.choices import NationalEntryKind
from national.services import national_entry_correct, national_entry_record
from tests.national.world import marked, subject_registered
from tests.worlds.monitoring import DAY, TODAY, County

pytestmark = pytest.mark.django_db
K = NationalEntryKind


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


def _ledger(code, user):
    ledger = LEDGERS[code]
    ctx = Context(user=user, full_ids=False, today=timezone.localdate())
    headers = [column.header for column in ledger.columns]
    rows = [dict(zip(headers, ledger.row(obj, ctx), strict=True)) for obj in ledger.rows(user, Filters())]
    return {row["户编号"]: row for row in rows}


def test_l01_shows_who_entered_what_and_when_and_what_awaits():
    county = County()
    entered, waiting, eliminated = (subject_registered(county) for _ in range(3))
    first = national_entry_record(
        subject=entered, kind=K.SUBJECT_ENTRY, record_no="JC-1", entered_on=TODAY - 9 * DAY,
        actor=county.county_reviewer,
    )  # fmt: skip
    national_entry_correct(  # the day was wrong: the correction is what the ledger shows
        entry=first, record_no="JC-1", entered_on=TODAY - 8 * DAY, actor=county.township_cadre, note="日期填错"
    )
    national_entry_record(
        subject=eliminated, kind=K.SUBJECT_ENTRY, record_no="JC-2", entered_on=TODAY - 30 * DAY,
        actor=county.county_reviewer,
    )  # fmt: skip
    marked(county, eliminated, on=TODAY - 5 * DAY)

    rows = _ledger("L-01", county.county_reviewer)

    row = rows[entered.household.household_no]
    assert (row["全国系统纳入录入编号"], row["录入全国系统日期"], row["录入人"], row["全国系统待录入"]) == (
        "JC-1",
        TODAY - 8 * DAY,
        str(county.township_cadre),
        "",
    )
    row = rows[waiting.household.household_no]
    assert (row["全国系统纳入录入编号"], row["录入全国系统日期"], row["录入人"], row["全国系统待录入"]) == (
        "待录入",
        None,
        "",
        "纳入监测录入",
    )
    row = rows[eliminated.household.household_no]
    assert (row["全国系统纳入录入编号"], row["全国系统待录入"]) == ("JC-2", "风险消除录入")


def test_l02_shows_the_marking_entry_or_waits_for_it():
    county = County()
    subject = subject_registered(county)
    national_entry_record(
        subject=subject, kind=K.SUBJECT_ENTRY, record_no="JC-1", entered_on=TODAY, actor=county.county_reviewer
    )
    marked(county, subject, on=TODAY - 5 * DAY)
    header = ("全国系统风险消除录入编号", "录入全国系统日期", "录入人")

    row = _ledger("L-02", county.county_reviewer)[subject.household.household_no]
    assert tuple(row[h] for h in header) == ("待录入", None, "")

    national_entry_record(
        subject=subject, kind=K.ELIMINATION, record_no="XC-1", entered_on=TODAY - 4 * DAY, actor=county.township_cadre
    )
    row = _ledger("L-02", county.county_reviewer)[subject.household.household_no]
    assert tuple(row[h] for h in header) == ("XC-1", TODAY - 4 * DAY, str(county.township_cadre))
