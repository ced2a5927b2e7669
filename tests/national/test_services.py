"""Entries into the national system are a person's records (SPEC §4.6 EN-6, §4.8 EL-7, §4.11): recorded by a
township cadre or county reviewer of the managing area, refused in Chinese naming every failing condition, never
edited (a correction supersedes), in batches all or nothing — and nothing in the workflows records one by itself."""

import pytest
from django.core.exceptions import PermissionDenied

from core.batch import BatchRefused
from core.errors import DomainError
from monitoring.choices import SubjectStatus
from monitoring.services import elimination_mark
from national import facts
from national.choices import NationalEntryKind
from national.models import NationalEntry
from national.services import BatchItem, national_entries_record, national_entry_correct, national_entry_record
from tests.factories import UserFactory
from tests.national.world import closed, held, marked, subject_registered
from tests.worlds.monitoring import DAY, TODAY, County, county_decides, monitored_subject, to_county

pytestmark = pytest.mark.django_db
K = NationalEntryKind


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def county():
    return County()


def _record(actor, subject, kind=K.SUBJECT_ENTRY, no="640324-JC-000001", on=TODAY, note=""):
    return national_entry_record(subject=subject, kind=kind, record_no=no, entered_on=on, actor=actor, note=note)


def test_a_county_reviewer_records_the_subject_entry_with_its_number_day_and_person(county):
    subject = subject_registered(county, days_ago=20)
    entry = _record(county.county_reviewer, subject, on=TODAY - 5 * DAY, note="已在全国系统新增监测对象")

    assert entry.kind == K.SUBJECT_ENTRY
    assert entry.national_record_no == "640324-JC-000001"
    assert entry.entered_on == TODAY - 5 * DAY  # earlier than today, as entered
    assert entry.recorded_by == county.county_reviewer
    assert entry.recorded_at is not None
    assert facts.pending_of(subject) == []


def test_a_township_cadre_records_the_marking_of_the_case_it_answers(county):
    subject = subject_registered(county)
    _record(county.county_reviewer, subject)
    case = marked(county, subject, on=TODAY - 10 * DAY)

    entry = _record(county.township_cadre, subject, kind=K.ELIMINATION, no="640324-XC-000009", on=TODAY - 9 * DAY)

    assert entry.elimination_case == case
    assert entry.reported_status == ""
    assert facts.pending_of(subject) == []


@pytest.mark.parametrize("status_of", [held, lambda county, subject: closed(subject)])
def test_a_change_entry_reports_the_status_it_changes_to(county, status_of):
    subject = subject_registered(county)
    _record(county.county_reviewer, subject)
    status_of(county, subject)
    subject.refresh_from_db()

    entry = _record(county.county_reviewer, subject, kind=K.CHANGE, no="640324-BG-000001")

    assert entry.reported_status == subject.status
    assert subject.status in (SubjectStatus.ELIMINATION_HOLD, SubjectStatus.CLOSED_OTHER)
    assert facts.pending_of(subject) == []


def test_every_failing_condition_is_named_and_nothing_is_recorded(county):
    subject = subject_registered(county)
    other = subject_registered(county)
    _record(county.county_reviewer, other, no="640324-JC-000777")

    with pytest.raises(DomainError) as refused:
        _record(county.county_reviewer, subject, kind=K.ELIMINATION, no="640324-JC-000777", on=TODAY + DAY)

    assert refused.value.message == (
        "1. 全国系统记录编号“640324-JC-000777”已登记过，请核对；2. 该户没有待录入的“风险消除录入”；"
        "3. 录入日期不能晚于今天"
    )
    assert not subject.national_entries.exists()


@pytest.mark.parametrize(
    ("_case", "no", "on", "message"),
    [
        ("blank number", "  ", TODAY, "请填写全国系统记录编号"),
        ("tomorrow", "N-1", TODAY + DAY, "录入日期不能晚于今天"),
        ("before the registration", "N-1", TODAY - 191 * DAY, f"录入日期不能早于纳入监测日期 {TODAY - 190 * DAY}"),
    ],
)
def test_one_refusal_at_a_time(county, _case, no, on, message):
    subject = subject_registered(county)
    with pytest.raises(DomainError) as refused:
        _record(county.county_reviewer, subject, no=no, on=on)
    assert refused.value.message == message
    assert not NationalEntry.objects.exists()


def test_the_same_item_is_not_recorded_twice(county):
    subject = subject_registered(county)
    _record(county.county_reviewer, subject, no="N-1")
    with pytest.raises(DomainError) as refused:
        _record(county.township_cadre, subject, no="N-2")
    assert refused.value.message == "该户没有待录入的“纳入监测录入”"
    assert subject.national_entries.count() == 1


@pytest.mark.parametrize(
    ("_case", "actor_of"),
    [
        ("village worker of the village", lambda c: c.village_worker),
        ("county reviewer of another county", lambda c: UserFactory(roles=["county_reviewer"], area=None)),
    ],
)
def test_only_the_township_or_county_of_the_managing_area_records(county, _case, actor_of):
    subject = subject_registered(county)
    with pytest.raises(PermissionDenied):
        _record(actor_of(county), subject)
    assert not NationalEntry.objects.exists()


def test_el7_marks_and_records_no_national_entry_by_itself(county):
    subject = monitored_subject(county)
    case = to_county(county, subject)
    county_decides(county, case)

    elimination_mark(case=case, actor=county.county_reviewer)

    subject.refresh_from_db()
    assert subject.status == SubjectStatus.RISK_ELIMINATED
    assert not hasattr(subject, "national_system_synced_at")
    assert not NationalEntry.objects.exists()
    assert [p.kind for p in facts.pending_of(subject)] == [K.SUBJECT_ENTRY, K.ELIMINATION]


def test_a_correction_is_a_new_record_superseding_the_old_which_stays(county):
    subject = subject_registered(county)
    first = _record(county.county_reviewer, subject, no="N-1", on=TODAY - 3 * DAY)

    second = national_entry_correct(
        entry=first, record_no="N-1", entered_on=TODAY - 2 * DAY, actor=county.township_cadre, note="日期填错"
    )

    first.refresh_from_db()
    assert (first.national_record_no, first.entered_on, first.recorded_by) == (
        "N-1",
        TODAY - 3 * DAY,
        county.county_reviewer,
    )
    assert second.supersedes == first
    assert (second.entered_on, second.recorded_by, second.note) == (TODAY - 2 * DAY, county.township_cadre, "日期填错")
    assert list(NationalEntry.objects.live()) == [second]
    with pytest.raises(DomainError, match="已被更正过"):
        national_entry_correct(entry=first, record_no="N-3", entered_on=TODAY, actor=county.county_reviewer, note="x")
    with pytest.raises(DomainError, match="请填写更正原因"):
        national_entry_correct(entry=second, record_no="N-3", entered_on=TODAY, actor=county.county_reviewer, note="")
    assert NationalEntry.objects.count() == 2


def test_a_correction_may_not_take_another_items_number(county):
    subject, other = subject_registered(county), subject_registered(county)
    first = _record(county.county_reviewer, subject, no="N-1")
    _record(county.county_reviewer, other, no="N-2")
    with pytest.raises(DomainError) as refused:
        national_entry_correct(
            entry=first, record_no="N-2", entered_on=TODAY, actor=county.county_reviewer, note="号错"
        )
    assert refused.value.message == "全国系统记录编号“N-2”已登记过，请核对"


def test_a_batch_records_each_subject_with_its_own_number(county):
    subjects = [subject_registered(county) for _ in range(3)]
    items = [BatchItem(subject=s, record_no=f"B-{n}") for n, s in enumerate(subjects, 1)]

    count = national_entries_record(
        items=items, kind=K.SUBJECT_ENTRY, entered_on=TODAY - DAY, actor=county.township_cadre
    )

    assert count == 3
    assert sorted(NationalEntry.objects.values_list("national_record_no", "entered_on")) == [
        ("B-1", TODAY - DAY),
        ("B-2", TODAY - DAY),
        ("B-3", TODAY - DAY),
    ]


def test_a_batch_is_all_or_nothing_and_names_the_first_household_refused(county):
    subjects = [subject_registered(county) for _ in range(3)]
    _record(county.county_reviewer, subjects[1], no="OLD-1")  # the second already entered
    items = [BatchItem(subject=s, record_no=f"B-{n}") for n, s in enumerate(subjects, 1)]

    with pytest.raises(BatchRefused) as refused:
        national_entries_record(items=items, kind=K.SUBJECT_ENTRY, entered_on=TODAY, actor=county.township_cadre)

    household = subjects[1].household
    assert refused.value.message == (
        f"第 2 户 {household.managing_area.name}{household.head_name}户：该户没有待录入的“纳入监测录入”。"
        "本批未办理任何录入，请更正后重新提交"
    )
    assert refused.value.pk == subjects[1].pk
    assert list(NationalEntry.objects.values_list("national_record_no", flat=True)) == ["OLD-1"]


def test_a_number_used_twice_in_one_batch_is_refused_at_its_second_household(county):
    subjects = [subject_registered(county) for _ in range(2)]
    items = [BatchItem(subject=s, record_no="SAME") for s in subjects]
    with pytest.raises(BatchRefused) as refused:
        national_entries_record(items=items, kind=K.SUBJECT_ENTRY, entered_on=TODAY, actor=county.county_reviewer)
    assert refused.value.message.startswith(f"第 2 户 {subjects[1].household.managing_area.name}")
    assert "全国系统记录编号“SAME”已登记过" in refused.value.message
    assert not NationalEntry.objects.exists()
