"""What awaits entry into the national system has one definition with two faces (national.facts): the row face a
subject's page reads and the set face the queue, the API and the ledgers filter on give the same answer."""

import pytest

from monitoring.models import MonitoringSubject
from national import facts
from national.choices import NationalEntryKind
from national.models import NationalEntry
from national.services import national_entry_record
from tests.national.world import closed, held, marked, subject_registered
from tests.worlds.monitoring import DAY, TODAY, County

pytestmark = pytest.mark.django_db
K = NationalEntryKind


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


def _record(county, subject, kind, no, on=TODAY):
    return national_entry_record(subject=subject, kind=kind, record_no=no, entered_on=on, actor=county.county_reviewer)


def _by_set() -> dict[int, tuple]:
    rows = MonitoringSubject.objects.annotate(**facts.pending_annotations()).values_list(
        "pk",
        "awaits_subject_entry",
        "subject_entry_since",
        "awaits_elimination",
        "elimination_since",
        "elimination_case_id",
        "awaits_change",
        "change_since",
    )
    return {pk: rest for pk, *rest in [tuple(r) for r in rows]}


def _by_row() -> dict[int, tuple]:
    found = {}
    for subject in MonitoringSubject.objects.all():
        items = {item.kind: item for item in facts.pending_of(subject)}
        entry, elim, change = items.get(K.SUBJECT_ENTRY), items.get(K.ELIMINATION), items.get(K.CHANGE)
        found[subject.pk] = [
            entry is not None,
            entry.since if entry else None,
            elim is not None,
            elim.since if elim else None,
            elim.case.pk if elim else None,
            change is not None,
            change.since if change else None,
        ]
    return found


def test_the_row_face_and_the_set_face_agree_at_every_point_of_the_entries():
    county = County()
    fresh = subject_registered(county, days_ago=30)  # awaits its subject entry only
    entered = subject_registered(county)
    _record(county, entered, K.SUBJECT_ENTRY, "A-1")  # awaits nothing
    eliminated = subject_registered(county)
    case = marked(county, eliminated, on=TODAY - 10 * DAY)  # awaits both: never entered, then marked
    eliminated_entered = subject_registered(county)
    _record(county, eliminated_entered, K.SUBJECT_ENTRY, "A-2")
    marked(county, eliminated_entered, on=TODAY - 4 * DAY)  # awaits its elimination entry
    on_hold = subject_registered(county)
    _record(county, on_hold, K.SUBJECT_ENTRY, "A-3")
    held(county, on_hold, on=TODAY - 8 * DAY)  # awaits a change (暂不标注)
    left = subject_registered(county)
    _record(county, left, K.SUBJECT_ENTRY, "A-4")
    closed(left, on=TODAY - 3 * DAY)
    reported = subject_registered(county)
    _record(county, reported, K.SUBJECT_ENTRY, "A-5")
    closed(reported, on=TODAY - 3 * DAY)
    _record(county, reported, K.CHANGE, "A-6")  # the change is entered: nothing awaits
    closed_unentered = subject_registered(county)
    closed(closed_unentered)  # the change waits for the subject entry first: only that awaits

    by_set = {pk: list(row) for pk, row in _by_set().items()}
    assert by_set == _by_row()
    assert by_set[fresh.pk] == [True, TODAY - 30 * DAY, False, None, None, False, None]
    assert by_set[entered.pk] == [False, None, False, None, None, False, None]
    assert by_set[eliminated.pk] == [True, TODAY - 190 * DAY, True, TODAY - 10 * DAY, case.pk, False, None]
    assert by_set[on_hold.pk] == [False, None, False, None, None, True, TODAY - 8 * DAY]
    assert by_set[left.pk] == [False, None, False, None, None, True, TODAY - 3 * DAY]
    assert by_set[reported.pk] == [False, None, False, None, None, False, None]
    assert by_set[closed_unentered.pk][5] is False
    waiting = dict(
        MonitoringSubject.objects.annotate(**facts.pending_annotations())
        .filter(facts.awaiting_q())
        .values_list("pk", "waiting_since")
    )
    assert waiting == {
        fresh.pk: TODAY - 30 * DAY,
        eliminated.pk: TODAY - 190 * DAY,
        eliminated_entered.pk: TODAY - 4 * DAY,
        on_hold.pk: TODAY - 8 * DAY,
        left.pk: TODAY - 3 * DAY,
        closed_unentered.pk: TODAY - 190 * DAY,
    }


def test_a_correction_answers_the_same_item_and_the_live_entry_is_the_latest():
    county = County()
    subject = subject_registered(county)
    first = _record(county, subject, K.SUBJECT_ENTRY, "B-1", on=TODAY - 2 * DAY)
    from national.services import national_entry_correct

    second = national_entry_correct(
        entry=first, record_no="B-1", entered_on=TODAY - DAY, actor=county.township_cadre, note="日期填错"
    )
    entries = list(NationalEntry.objects.filter(subject=subject))
    assert facts.live_entry(entries, K.SUBJECT_ENTRY) == second
    assert facts.pending_of(subject) == []
    assert _by_set()[subject.pk][0] is False
