"""A household that leaves the registry leaves monitoring with it (SPEC §4.11 ``closed_other``, §2.6): its open
monitoring subject ends with the registry's reason and day, its open elimination case ends as not eliminated and its
open entry application is withdrawn, each with one more event; nothing is deleted and no earlier event changes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from core.errors import TransitionNotAllowed
from households.choices import ClosedReason
from households.services import household_close
from monitoring.choices import EliminationState, EntryState, SubjectStatus
from monitoring.models import EliminationCase, EliminationEvent, EntryApplication, EntryEvent, MonitoringSubject
from monitoring.services import entry_approve, entry_withdraw
from tests.worlds.monitoring import TODAY, County, monitored_subject, to_county, walk_to_county

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def county():
    return County()


def _trail(events):
    return list(events.order_by("pk").values_list("pk", "from_state", "to_state", "comment"))


def test_closing_a_household_ends_its_subject_and_elimination_case_with_the_reason(county):
    # given: a monitored household whose elimination case waits for the county
    subject = monitored_subject(county)
    case = to_county(county, subject)
    before = _trail(case.events)
    measures = subject.measures.count()

    # when: the village records that the whole household has died
    household_close(
        actor=county.village_worker, household=subject.household, reason=ClosedReason.ALL_DECEASED, on=TODAY - DAY
    )

    # then: the subject is ended with the registry's reason and day, not deleted
    subject.refresh_from_db()
    assert subject.status == SubjectStatus.CLOSED_OTHER
    assert subject.closed_on == TODAY - DAY
    assert subject.closing_reason == "农户已注销（全户死亡）"
    assert subject.eliminated_on is None
    # the case ends as not eliminated, its trail kept and one event added
    case.refresh_from_db()
    assert case.state == EliminationState.NOT_ELIMINATED
    assert case.closing_reason == "农户已注销（全户死亡）"
    after = _trail(case.events)
    assert after[: len(before)] == before
    (ending,) = after[len(before) :]
    assert ending[1:] == (
        EliminationState.TOWNSHIP_REVIEWED_NOTICED,
        EliminationState.NOT_ELIMINATED,
        case.closing_reason,
    )
    assert EliminationEvent.objects.get(pk=ending[0]).actor == county.village_worker
    assert subject.measures.count() == measures
    assert MonitoringSubject.objects.filter(pk=subject.pk).exists()
    # the system wrote the reason: each reader reads it in their own language, the registry's label included
    with translation.override("en"):
        assert subject.closing_reason_shown == "Household closed (All members deceased)"
        assert EliminationEvent.objects.get(pk=ending[0]).comment_shown == "Household closed (All members deceased)"


@pytest.mark.parametrize("approved", [False, True], ids=["waiting for the county", "approved, not yet registered"])
def test_closing_a_household_withdraws_its_open_application_at_any_step(county, approved):
    application = walk_to_county(county, county.household(per_capita=Decimal("5000")))
    if approved:
        entry_approve(
            application=application, actor=county.county_reviewer, category="marginal_at_risk", risk_types=["illness"]
        )
    before = _trail(application.events)
    state = EntryState.APPROVED if approved else EntryState.TOWNSHIP_REVIEWED

    household_close(
        actor=county.township_cadre, household=application.household, reason=ClosedReason.MOVED_OUT, on=TODAY
    )

    application.refresh_from_db()
    assert application.state == EntryState.WITHDRAWN
    assert application.closing_reason == "农户已注销（整户迁出）"
    after = _trail(application.events)
    assert after[: len(before)] == before
    assert [row[1:] for row in after[len(before) :]] == [(state, EntryState.WITHDRAWN, application.closing_reason)]
    assert not MonitoringSubject.objects.filter(household=application.household).exists()


def test_an_ended_episode_and_closed_cases_are_left_as_they_were(county):
    # given: an episode already ended (risk eliminated), with a case that ended long ago
    subject = monitored_subject(county)
    MonitoringSubject.objects.filter(pk=subject.pk).update(
        status=SubjectStatus.RISK_ELIMINATED, eliminated_on=TODAY - 30 * DAY
    )
    rejected = EntryApplication.objects.create(
        household=subject.household,
        channel="cadre_screening",
        proposed_category="marginal_at_risk",
        risk_types=["illness"],
        reason="因病",
        reported_by=county.village_worker,
        reported_on=TODAY - 400 * DAY,
        state=EntryState.REJECTED,
        closing_reason="收入高于监测标准",
    )
    events = EntryEvent.objects.count() + EliminationEvent.objects.count()

    household_close(actor=county.village_worker, household=subject.household, reason=ClosedReason.MERGED, on=TODAY)

    subject.refresh_from_db()
    assert (subject.status, subject.eliminated_on, subject.closed_on) == (
        SubjectStatus.RISK_ELIMINATED,
        TODAY - 30 * DAY,
        None,
    )
    rejected.refresh_from_db()
    assert (rejected.state, rejected.closing_reason) == (EntryState.REJECTED, "收入高于监测标准")
    assert EntryEvent.objects.count() + EliminationEvent.objects.count() == events
    assert not EliminationCase.objects.exists()


def test_the_applicant_still_withdraws_only_during_the_village_steps(county):
    """Withdrawal from later steps is kept for a household that leaves the registry."""
    application = walk_to_county(county, county.household(per_capita=Decimal("5000")))

    with pytest.raises(TransitionNotAllowed):
        entry_withdraw(application=application, actor=county.village_worker, comment="申请人要求撤回")

    application.refresh_from_db()
    assert application.state == EntryState.TOWNSHIP_REVIEWED


def test_closing_on_the_household_page_ends_the_subject_and_its_page_says_why(client, county):
    subject = monitored_subject(county)
    client.force_login(county.village_worker)

    client.post(
        reverse("households:household-close", args=[subject.household.pk]),
        {"reason": ClosedReason.MOVED_OUT, "on": TODAY.isoformat()},
    )

    subject.refresh_from_db()
    assert subject.status == SubjectStatus.CLOSED_OTHER
    page = client.get(subject.get_absolute_url())
    closed = page.text[page.text.index('data-testid="subject-closed"') :]
    assert "2026-11-23" in closed[:200]
    assert "农户已注销（整户迁出）" in closed[:200]
    assert "其他原因退出" in page.text
