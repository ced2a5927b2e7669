"""Property tests (hypothesis): over random sequences of steps taken by random users, an entry application and a
risk-elimination case never leave their transition graph, and their history is only ever appended to."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from households.choices import VisitKind
from households.models import GuaranteeCheck, Visit
from monitoring.models import EliminationCase, EntryApplication, PublicNotice
from monitoring.services import elimination as el
from monitoring.services import entry as en
from tests.worlds.monitoring import TODAY, County, monitored_subject, report_entry

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
ROLES = ("village_worker", "township_cadre", "county_reviewer")
PROPERTY = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


def _age_notices(**owner):
    PublicNotice.objects.filter(**owner).update(starts_on=TODAY - 6 * DAY, ends_on=TODAY - 2 * DAY)


def _review(service, actor, **owner):
    service(
        actor=actor,
        held_on=TODAY,
        body="representatives",
        participants_count=10,
        representatives_present=8,
        attendees="马某 村民代表",
        votes_for=9,
        votes_against=1,
        **owner,
    )


# Every step of each workflow with the input it needs; the records a step needs (visits) exist beforehand.
ELIMINATION_STEPS = {
    "verify": lambda c, a: el.elimination_verify(case=c, actor=a),
    "review": lambda c, a: _review(el.elimination_review, a, case=c),
    "notice": lambda c, a: el.elimination_notice_post(
        case=c, actor=a, places="公示栏", starts_on=TODAY, ends_on=TODAY + 4 * DAY
    ),
    "age_notices": lambda c, a: _age_notices(elimination=c),
    "object": lambda c, a: el.elimination_notice_object(case=c, actor=a, received_on=TODAY, content="有异议"),
    "complete_village": lambda c, a: el.elimination_village_notice_complete(case=c, actor=a),
    "assess": lambda c, a: el.elimination_assess(case=c, actor=a, comment="研判"),
    "meeting": lambda c, a: el.elimination_township_meeting(case=c, actor=a, meeting_on=TODAY, opinion="同意"),
    "complete_township": lambda c, a: el.elimination_township_notice_complete(case=c, actor=a),
    "screen": lambda c, a: el.elimination_screen(case=c, actor=a),
    "decide": lambda c, a: el.elimination_decide(
        case=c,
        actor=a,
        meeting_on=TODAY,
        decision_no="文号",
        places="网站",
        starts_on=TODAY,
        ends_on=TODAY + 4 * DAY,
    ),
    "mark": lambda c, a: el.elimination_mark(case=c, actor=a),
    "end": lambda c, a: el.elimination_end(case=c, actor=a, comment="不予消除"),
}

ENTRY_STEPS = {
    "verify": lambda c, a: en.entry_verify(application=c, actor=a),
    "review": lambda c, a: _review(en.entry_review, a, application=c),
    "notice": lambda c, a: en.entry_notice_post(
        application=c, actor=a, places="公示栏", starts_on=TODAY, ends_on=TODAY + 4 * DAY
    ),
    "age_notices": lambda c, a: _age_notices(application=c),
    "object": lambda c, a: en.entry_notice_object(application=c, actor=a, received_on=TODAY, content="有异议"),
    "complete_notice": lambda c, a: en.entry_notice_complete(application=c, actor=a),
    "township_review": lambda c, a: en.entry_township_review(application=c, actor=a, comment="同意"),
    "approve": lambda c, a: en.entry_approve(
        application=c, actor=a, category="marginal_at_risk", risk_types=["illness"]
    ),
    "register": lambda c, a: en.entry_register(application=c, actor=a),
    "return": lambda c, a: en.entry_return(application=c, actor=a, comment="退回补充"),
    "reject": lambda c, a: en.entry_reject(application=c, actor=a, comment="不符合"),
    "withdraw": lambda c, a: en.entry_withdraw(application=c, actor=a, comment="撤回"),
}


def _walk(case, steps, actions, county, workflow):
    """Take the steps, then check the invariants after each one (the workflow's own declaration names its table and
    its event rows)."""
    transitions = workflow.transitions

    def trail() -> list[tuple]:
        rows = workflow.event_model.objects.filter(**{workflow.event_case: case}).order_by("pk")
        return list(rows.values_list("pk", "from_state", "to_state", "comment"))

    history = trail()  # opening the case already wrote its first event
    for name, role in actions:
        before = type(case).objects.get(pk=case.pk).state
        try:
            with transaction.atomic():
                steps[name](case, getattr(county, role))
        except (DomainError, PermissionDenied):
            pass  # refusals (wrong state, wrong role, missing record) change nothing: checked below
        after = type(case).objects.get(pk=case.pk).state
        assert after in transitions, after
        if after != before:
            assert after in transitions[before], (before, after)
        rows = trail()
        assert rows[: len(history)] == history, "history was rewritten"
        moves = [row for row in rows[len(history) :] if row[1] != row[2]]
        assert len(moves) == (1 if after != before else 0)
        if moves:
            assert (moves[0][1], moves[0][2]) == (before, after)
        history = rows


@PROPERTY
@given(actions=st.lists(st.tuples(st.sampled_from(sorted(ELIMINATION_STEPS)), st.sampled_from(ROLES)), max_size=30))
def test_elimination_never_leaves_its_graph_nor_rewrites_history(actions):
    with transaction.atomic():
        county = County()
        subject = monitored_subject(county)
        case = el.elimination_open(subject=subject, actor=county.village_worker, proposal="收入稳定")
        for kind in (VisitKind.ELIMINATION, VisitKind.SPOT_CHECK):
            visit = Visit.objects.create(
                household=subject.household, visited_on=TODAY, kind=kind, recorded_by=county.village_worker
            )
        GuaranteeCheck.objects.create(
            household=subject.household, visit=visit, checked_on=TODAY, checked_by=county.village_worker
        )
        _walk(case, ELIMINATION_STEPS, actions, county, el.ELIMINATION)
        transaction.set_rollback(True)


@PROPERTY
@given(actions=st.lists(st.tuples(st.sampled_from(sorted(ENTRY_STEPS)), st.sampled_from(ROLES)), max_size=30))
def test_entry_never_leaves_its_graph_nor_rewrites_history(actions):
    with transaction.atomic():
        county = County()
        household = county.household(per_capita=Decimal("5000"))
        application = report_entry(county, household)
        Visit.objects.create(
            household=household, visited_on=TODAY, kind=VisitKind.VERIFICATION, recorded_by=county.village_worker
        )
        _walk(application, ENTRY_STEPS, actions, county, en.ENTRY)
        assert EntryApplication.objects.filter(pk=application.pk).exists()
        transaction.set_rollback(True)


def test_the_walk_can_reach_the_end_of_both_graphs():
    """The generator is not vacuous: the happy sequences reach 已标注风险消除 and 已纳入监测."""
    county = County()
    subject = monitored_subject(county)
    case = el.elimination_open(subject=subject, actor=county.village_worker, proposal="收入稳定")
    visit = Visit.objects.create(
        household=subject.household, visited_on=TODAY, kind=VisitKind.ELIMINATION, recorded_by=county.village_worker
    )
    GuaranteeCheck.objects.create(
        household=subject.household, visit=visit, checked_on=TODAY, checked_by=county.village_worker
    )
    Visit.objects.create(
        household=subject.household, visited_on=TODAY, kind=VisitKind.SPOT_CHECK, recorded_by=county.village_worker
    )
    happy = [
        ("verify", "village_worker"),
        ("review", "village_worker"),
        ("notice", "village_worker"),
        ("age_notices", "village_worker"),
        ("complete_village", "village_worker"),
        ("assess", "township_cadre"),
        ("meeting", "township_cadre"),
        ("notice", "township_cadre"),
        ("age_notices", "township_cadre"),
        ("complete_township", "township_cadre"),
        ("screen", "county_reviewer"),
        ("decide", "county_reviewer"),
        ("age_notices", "county_reviewer"),
        ("mark", "county_reviewer"),
    ]
    _walk(case, ELIMINATION_STEPS, happy, county, el.ELIMINATION)
    assert EliminationCase.objects.get(pk=case.pk).state == "marked"
