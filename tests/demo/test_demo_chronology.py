"""The demo county tells one story: every case was built through the services on the days it happened, so its event
trail runs forward and ends before now, its dates agree with its trail, each notice ran as long as its rule asks and
the step after it came once it had run out, the villagers reviewed before the township, the national system learned
of a marking no earlier than the county decided it, and the ledgers read the same days. Dates are compared as local
(Asia/Shanghai) days, as the county reads them."""

import datetime
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from funds.models import FundAllocation
from geo.parameters import parameter
from geo.workdays import notice_long_enough
from households.choices import VisitKind
from households.models import Household, Visit
from ledgers.base import Context, Filters
from ledgers.catalogue import LEDGERS
from monitoring.choices import EliminationState, EntryState, NoticeStage
from monitoring.models import AssistanceMeasure, EliminationCase, EntryApplication, PublicNotice
from monitoring.selectors.queues import QueueFilter, entry_queue_narrow, waiting
from national.models import NationalEntry
from notifications.models import Notification
from projects import policy
from projects.models import Project
from tests.demo.test_load_demo import loaded  # noqa: F401 - the one demo load the classes share

pytestmark = pytest.mark.django_db

# Each notice's minimum length (calendar days, SPEC §4.14) and the state its end moves the case to.
NOTICE_RULE = {
    NoticeStage.ENTRY: ("notice.entry_days", EntryState.NOTICE_COMPLETED),
    NoticeStage.ELIMINATION_VILLAGE: ("notice.elimination_village_days", EliminationState.VILLAGE_REVIEWED_NOTICED),
    NoticeStage.ELIMINATION_TOWNSHIP: ("notice.elimination_township_days", EliminationState.TOWNSHIP_REVIEWED_NOTICED),
    NoticeStage.ELIMINATION_COUNTY: ("notice.elimination_county_days", EliminationState.MARKED),
}
L02_STEPS = (
    "发起日期",
    "村级入户核实",
    "村级评议公示期满",
    "乡级综合研判",
    "乡镇审核公示期满",
    "县级筛查抽验",
    "县级审定公告",
    "标注日期",
)


def local(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def _trail(case: Any) -> list[Any]:
    """The case's events in the order they were written."""
    return sorted(case.events.all(), key=lambda e: e.pk)


def _reached(case: Any, state: str) -> datetime.date | None:
    moved = [e for e in _trail(case) if e.to_state == state and e.from_state != state]
    return local(moved[0].at) if moved else None


def _assert_forward(case: Any, started_on: datetime.date, now: datetime.datetime) -> None:
    events = _trail(case)
    times = [e.at for e in events]
    assert times, case
    assert times == sorted(times), f"{case}: the trail goes back in time"
    assert times[-1] <= now, f"{case}: a step after now"
    assert started_on <= local(times[0]), f"{case}: begun {started_on}, first step {local(times[0])}"


def _ledger(code: str, user: User) -> list[dict[str, Any]]:
    """The ledger's rows as its export writes them (its own row query and cells), header → cell."""
    ledger = LEDGERS[code]
    ctx = Context(user=user, full_ids=False, today=timezone.localdate())
    headers = [column.header for column in ledger.columns]
    return [dict(zip(headers, ledger.row(obj, ctx), strict=True)) for obj in ledger.rows(user, Filters())]


def _period(cell: str) -> tuple[datetime.date, datetime.date] | None:
    if not cell:
        return None
    first, last = cell.split("至")
    return datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)


@pytest.mark.usefixtures("loaded")
class TestTheDemoCountyTellsOneStory:
    """Read-only checks of one load (``--households 200 --seed 7``), every case walked."""

    def test_entry_cases_run_forward_from_their_report_and_end_before_now(self):
        now = timezone.now()
        applications = list(EntryApplication.objects.prefetch_related("events", "household__visits"))
        assert len(applications) >= 5
        for application in applications:
            _assert_forward(application, application.reported_on, now)
            first = _trail(application)[0]
            assert local(application.created_at) == application.reported_on == local(first.at)
            assert application.updated_at <= now
            verified = _reached(application, EntryState.HOME_VERIFIED)
            if verified is not None:  # EN-1 is a verification visit between the report and the step
                visits = [v.visited_on for v in application.household.visits.all() if v.kind == VisitKind.VERIFICATION]
                assert any(application.reported_on <= day <= verified for day in visits), application
            if application.decided_on is not None:
                assert application.decided_on == _reached(application, EntryState.APPROVED)

    def test_elimination_cases_run_forward_from_their_opening_and_end_before_now(self):
        now = timezone.now()
        cases = list(EliminationCase.objects.prefetch_related("events").select_related("subject"))
        assert cases
        for case in cases:
            _assert_forward(case, case.opened_on, now)
            assert local(case.created_at) == case.opened_on
            assert case.subject.entered_on < case.opened_on  # monitored before the risk could be found gone
            if case.township_meeting_on is not None:
                assert _reached(case, EliminationState.TOWNSHIP_ASSESSED) <= case.township_meeting_on
            if case.decided_on is not None:
                assert case.county_meeting_on <= case.decided_on == _reached(case, EliminationState.COUNTY_DECIDED)
            if case.marked_on is not None:
                assert case.marked_on == _reached(case, case.state)

    def test_every_notice_ran_its_rule_and_agrees_with_its_trail(self):
        today = timezone.localdate()
        notices = list(PublicNotice.objects.select_related("household__managing_area", "application", "elimination"))
        assert NoticeStage.ENTRY in Counter(n.stage for n in notices)
        for notice in notices:
            key, ends_in = NOTICE_RULE[NoticeStage(notice.stage)]
            days = int(parameter(key, area_code=notice.household.managing_area.code, on=notice.starts_on))
            assert notice.starts_on <= notice.ends_on
            assert notice_long_enough(notice.starts_on, notice.ends_on, days), notice
            assert (notice.ends_on - notice.starts_on).days + 1 == days  # the demo posts the rule's minimum
            case = notice.application or notice.elimination
            period = f"{notice.starts_on} 至 {notice.ends_on}"
            trail = _trail(case)
            if notice.stage == NoticeStage.ELIMINATION_COUNTY:  # the announcement is posted with the decision
                assert case.county_meeting_on <= notice.starts_on == _reached(case, EliminationState.COUNTY_DECIDED)
            else:
                posted = [e for e in trail if e.from_state == e.to_state and period in e.comment]
                assert [local(e.at) for e in posted] == [notice.starts_on], (notice, [e.comment for e in trail])
            ended = [e for e in trail if e.to_state == ends_in and e.from_state != ends_in]
            if not ended:
                assert notice.ends_on >= today - datetime.timedelta(days=1), f"{notice}: ran out and nothing moved"
                continue
            assert local(ended[0].at) > notice.ends_on, f"{notice}: moved on before it ran out"
            if notice.stage != NoticeStage.ELIMINATION_COUNTY:
                assert f"（{period}）" in ended[0].comment, (notice, ended[0].comment)

    def test_the_villagers_review_before_the_township_and_the_notice(self):
        for application in EntryApplication.objects.prefetch_related("events", "democratic_reviews", "public_notices"):
            for review in application.democratic_reviews.all():
                assert application.reported_on <= review.held_on
                assert review.held_on == _reached(application, EntryState.DEMOCRATICALLY_REVIEWED)
                township = _reached(application, EntryState.TOWNSHIP_REVIEWED)
                assert township is None or review.held_on <= township, application
                assert all(review.held_on <= n.starts_on for n in application.public_notices.all())
        for case in EliminationCase.objects.prefetch_related("democratic_reviews"):
            for review in case.democratic_reviews.all():
                assert case.opened_on <= review.held_on
                assert case.township_meeting_on is None or review.held_on <= case.township_meeting_on, case

    def test_measures_follow_the_entry_and_visits_were_recorded_on_their_day(self):
        now = timezone.now()
        for measure in AssistanceMeasure.objects.select_related("subject"):
            assert measure.subject.entered_on <= measure.started_on <= timezone.localdate()
            recorded = [local(h.history_date) for h in measure.history.all()]
            assert min(recorded) == measure.started_on
            assert max(recorded) <= timezone.localdate()
        for visit in Visit.objects.all():
            assert local(visit.created_at) == visit.visited_on, visit
            assert visit.created_at <= now
        assert not Notification.objects.filter(created_at__gt=now).exists()

    def test_a_household_history_starts_before_its_cases_and_runs_forward(self):
        now = timezone.now()
        reported = Household.objects.filter(entry_applications__isnull=False).prefetch_related(
            "entry_applications__events"
        )
        for household in reported.distinct():
            rows = sorted(household.history.all(), key=lambda h: h.history_id)
            times = [h.history_date for h in rows]
            assert times == sorted(times), household
            assert times[-1] <= now
            first_event = min(e.at for a in household.entry_applications.all() for e in a.events.all())
            assert times[0] <= first_event <= now
            assert household.created_at == times[0]

    # --- the ledgers read the same days ------------------------------------------------------------------------

    def test_l02_starts_each_case_before_every_step_and_dates_its_notices(self):
        rows = _ledger("L-02", User.objects.get(username="county"))
        assert len(rows) == EliminationCase.objects.count()
        marked = 0
        for row in rows:
            days = [row[h] for h in L02_STEPS if row[h] is not None]
            assert days == sorted(days), row
            assert all(row["发起日期"] <= day for day in days), row
            assert row["审定日期"] == row["县级审定公告"]
            village = _period(row["村级公示期"])
            if village is not None:
                assert row["村级入户核实"] <= village[0]
                assert village[1] < row["村级评议公示期满"]
            township = _period(row["乡镇公示期"])
            if township is not None:
                assert row["乡级综合研判"] <= township[0]
                assert township[1] < row["乡镇审核公示期满"]
            county = _period(row["县级公告期"])
            if county is not None and row["标注日期"] is not None:
                assert county[0] == row["县级审定公告"]
                assert county[1] < row["标注日期"]
                marked += 1
        assert marked >= 1

    def test_the_national_system_learned_of_a_marking_no_earlier_than_the_decision(self):
        """Entries into the national system are a person's records, dated no earlier than what they entered; the
        ledgers show them, and 待录入 for what still awaits entry — never a time the code set."""
        county = User.objects.get(username="county")
        decided = {row["户编号"]: row for row in _ledger("L-02", county) if row["审定日期"]}
        entered = [row for row in decided.values() if row["全国系统风险消除录入编号"] not in ("", "待录入")]
        waiting_marks = [row for row in decided.values() if row["全国系统风险消除录入编号"] == "待录入"]
        assert entered
        assert waiting_marks
        for row in entered:
            assert row["审定日期"] <= row["标注日期"] <= row["录入全国系统日期"], row
            assert row["录入人"] == str(county)
        for row in waiting_marks:
            assert row["标注日期"] is not None, row
            assert row["录入全国系统日期"] is None, row
        subjects = _ledger("L-01", county)
        recorded = [row for row in subjects if row["全国系统纳入录入编号"] not in ("", "待录入")]
        awaiting = [row for row in subjects if row["全国系统纳入录入编号"] == "待录入"]
        assert recorded
        assert awaiting
        for row in recorded:
            assert row["纳入日期"] <= row["录入全国系统日期"], row
        for row in awaiting:
            assert row["录入全国系统日期"] is None, row
            assert "纳入监测录入" in row["全国系统待录入"], row

    def test_every_national_entry_was_recorded_by_a_person_on_the_local_day_it_names(self):
        entries = NationalEntry.objects.select_related("recorded_by", "subject", "elimination_case")
        assert entries.exists()
        now = timezone.now()
        for entry in entries:
            assert entry.recorded_by.username == "county"
            assert local(entry.recorded_at) == entry.entered_on, entry
            assert entry.recorded_at <= now
            assert entry.entered_on >= (
                entry.elimination_case.marked_on if entry.elimination_case else entry.subject.entered_on
            )

    def test_l01a_dates_every_entry_step_in_order(self):
        headers = ("申报日期", "入户核实", "民主评议", "公示期满", "乡镇审核", "县级批准", "纳入监测")
        rows = _ledger("L-01A", User.objects.get(username="county"))
        for row in rows:
            days = [row[h] for h in headers if row[h] is not None]
            assert days == sorted(days), row

    # --- projects and funds ---------------------------------------------------------------------------------------

    def test_projects_climb_the_levels_once_each_notice_ran_out(self):
        now = timezone.now()
        for project in Project.objects.prefetch_related("events", "disclosures").select_related("area"):
            events = sorted(project.events.all(), key=lambda e: e.pk)
            assert [e.at for e in events] == sorted(e.at for e in events), project
            assert events[-1].at <= now
            assert local(project.created_at) == local(events[0].at)
            moved = {e.to_status: local(e.at) for e in events}
            for disclosure in project.disclosures.all():
                days = policy.notice_days(project.area.code, on=disclosure.starts_on)
                assert notice_long_enough(disclosure.starts_on, disclosure.ends_on, days), disclosure
            after = {"village_application": "township_reviewed", "township_review": "county_approved"}
            after["county_approval"] = "in_library"
            for disclosure in project.disclosures.all():
                step = moved.get(after.get(disclosure.stage, ""))
                assert step is None or step > disclosure.ends_on, (project, disclosure.stage)
            if project.accepted_on is not None:
                assert project.accepted_on == moved["accepted"]
                assert all(a.transferred_on >= project.accepted_on for a in project.assets.all())

    def test_money_was_allocated_to_library_projects_and_paid_before_the_hand_over(self):
        allocations = FundAllocation.objects.select_related("batch", "project").prefetch_related(
            "disbursements", "project__events"
        )
        assert allocations.exists()
        for allocation in allocations:
            assert allocation.batch.issued_on <= allocation.allocated_on <= timezone.localdate()
            moved = {e.to_status: local(e.at) for e in allocation.project.events.all()}
            assert moved["in_library"] <= allocation.allocated_on, allocation
            for payment in allocation.disbursements.all():
                assert allocation.allocated_on <= payment.paid_on
                assert payment.paid_on <= moved.get("assets_transferred", timezone.localdate())

    # --- the queues ---------------------------------------------------------------------------------------------------

    def test_open_cases_waited_a_few_working_days(self):
        county = User.objects.get(username="county")
        queue = entry_queue_narrow(EntryApplication.objects.all(), user=county, chosen=QueueFilter(mine=False))
        found = [waiting(a) for a in queue if a.is_open]
        assert found
        for waited in found:  # from within the step's time limit to a couple of working days past it
            assert waited.limit is not None
            assert 1 <= waited.days <= waited.limit + 2, waited
