"""The risk-elimination workflow of SPEC §4.8 (EL-0 … EL-7), the no-labour hold of §4.9 and the look-back of §4.10,
walked by the roles SPEC assigns, with every refusal and the numbers the documents give."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.roles import Role
from core.errors import DomainError, TransitionNotAllowed
from households.choices import LabourCapacity, VisitKind
from households.facts import facts_refresh_households
from households.models import GuaranteeCheck, IncomeRecord, Visit
from monitoring import rules
from monitoring.choices import EliminationState, EntryState, LookbackOutcome, SubjectStatus
from monitoring.models import EliminationCase, EntryApplication, LookbackReview, MonitoringSubject, PublicNotice
from monitoring.selectors.eligibility import elimination_checks
from monitoring.selectors.queues import elimination_actions
from monitoring.services import (
    elimination_assess,
    elimination_decide,
    elimination_end,
    elimination_mark,
    elimination_notice_object,
    elimination_notice_post,
    elimination_notice_resolve,
    elimination_notices_complete_due,
    elimination_open,
    elimination_review,
    elimination_screen,
    elimination_township_notice_complete,
    elimination_verify,
    elimination_village_notice_complete,
    entry_register,
    lookback_record,
)
from national import facts as national_facts
from national.choices import NationalEntryKind
from tests.factories import RiskFlagFactory, UserFactory, VillageFactory
from tests.worlds.monitoring import (
    DAY,
    TODAY,
    County,
    age_notice,
    county_decides,
    elimination_visit,
    measure_with,
    monitored_subject,
    open_elimination,
    set_spot_check_pct,
    to_county,
    township_steps,
    village_steps,
)

pytestmark = pytest.mark.django_db
E = EliminationState


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def county():
    return County()


# ----------------------------------------------------------------------------------------------- the whole path


def test_the_whole_elimination_path_by_village_township_and_county(county):
    subject = monitored_subject(county)
    case = open_elimination(county, subject)
    subject.refresh_from_db()
    assert subject.status == SubjectStatus.ELIMINATION_IN_PROGRESS
    assert elimination_actions(county.village_worker, case) == ["verify", "not_eliminated"]
    assert elimination_actions(county.county_reviewer, case) == []

    age_notice(village_steps(county, case))
    elimination_village_notice_complete(case=case, actor=county.village_worker)
    age_notice(township_steps(county, case))
    set_spot_check_pct(0)
    elimination_township_notice_complete(case=case, actor=county.township_cadre)
    county_decides(county, case)
    elimination_mark(case=case, actor=county.county_reviewer)

    case.refresh_from_db()
    subject.refresh_from_db()
    assert case.state == E.MARKED
    assert subject.status == SubjectStatus.RISK_ELIMINATED
    assert subject.eliminated_on == TODAY
    # EL-7 records no entry into the national system by itself: the marking now awaits a person's entry there.
    assert not subject.national_entries.exists()
    assert [(p.kind, p.since, p.case) for p in national_facts.pending_of(subject)] == [
        (NationalEntryKind.SUBJECT_ENTRY, subject.entered_on, None),
        (NationalEntryKind.ELIMINATION, TODAY, case),
    ]
    assert case.per_capita_income == Decimal("7000.00")
    assert case.exit_line == Decimal("6600.00")
    assert [row["ok"] for row in case.screening] == [True, True, True, True, True]  # the last: no open warning
    # Every step left its event, in the order of SPEC §4.8, and nothing is rewritten.
    moves = [e.to_state for e in case.events.order_by("at", "pk") if e.from_state != e.to_state]
    assert moves == [
        E.OPENED,
        E.VILLAGE_VERIFIED,
        E.VILLAGE_REVIEWED_NOTICED,
        E.TOWNSHIP_ASSESSED,
        E.TOWNSHIP_REVIEWED_NOTICED,
        E.COUNTY_SCREENED,
        E.COUNTY_DECIDED,
        E.MARKED,
    ]
    recorded_inside_steps = [e.comment[:6] for e in case.events.all() if e.from_state == e.to_state]
    assert len(recorded_inside_steps) == 4  # the village review and notice, the township meeting and notice
    assert case.events.filter(to_state=E.MARKED).count() == 1
    # The look-back (回头看) is scheduled six months later (SPEC §4.10, exit.lookback_months).
    lookback = LookbackReview.objects.get(subject=subject)
    assert lookback.due_on == datetime.date(2027, 5, 23)


# ---------------------------------------------------------------------------------------------- NR-INC-04 at 6600


@pytest.mark.parametrize(
    ("per_capita", "passes"),
    [(Decimal("6599.99"), False), (Decimal("6600.00"), True), (Decimal("6600.01"), True)],
)
def test_the_exit_income_in_2021_is_the_line_times_1_10_inclusive(county, per_capita, passes):
    """SPEC §3.6 NR-INC-04, §3.7: the 2021 Ningxia line is 6000, so 6600 passes and 6599.99 does not."""
    subject = monitored_subject(county, per_capita=per_capita)
    IncomeRecord.objects.filter(household=subject.household).delete()
    for year in (2020, 2021):
        IncomeRecord.objects.create(household=subject.household, year=year, wage_income=per_capita * 4)
    checks = elimination_checks(subject, on=datetime.date(2021, 12, 15))
    income = checks.checks[0]
    assert income.ok is passes
    assert "6600.00" in income.detail


def test_screening_refuses_6599_99_and_accepts_6600(county):
    low = monitored_subject(county, per_capita=Decimal("6599.99"))
    case = to_county(county, low)
    with pytest.raises(DomainError, match=r"未达到风险消除标准 6600\.00 元"):
        elimination_screen(case=case, actor=county.county_reviewer)
    case.refresh_from_db()
    assert case.state == E.TOWNSHIP_REVIEWED_NOTICED
    assert case.screening == []

    exact = monitored_subject(county, per_capita=Decimal("6600"))
    case = to_county(county, exact)
    elimination_screen(case=case, actor=county.county_reviewer)
    assert EliminationCase.objects.get(pk=case.pk).state == E.COUNTY_SCREENED


def test_the_worked_examples_of_spec_3_7():
    """SPEC §3.7: 6000 is not below the 6000 line; 6600 meets the exit line; 6599.99 does not."""
    from households.rules import exit_line, is_below_line, meets_exit_income

    assert not is_below_line(Decimal("6000"), Decimal("6000"))
    assert exit_line(Decimal("6000"), Decimal("10")) == Decimal("6600.00")
    assert meets_exit_income(Decimal("6600"), Decimal("6000"), Decimal("10"), inclusive=True)
    assert not meets_exit_income(Decimal("6599.99"), Decimal("6000"), Decimal("10"), inclusive=True)
    assert not meets_exit_income(Decimal("6600"), Decimal("6000"), Decimal("10"), inclusive=False)


# ---------------------------------------------------------------------------------------------------- refusals


def test_missing_measures_or_their_effect_are_refused(county):
    without = monitored_subject(county, outcome=None)
    case = to_county(county, without)
    with pytest.raises(DomainError, match="录入帮扶措施并填写每项措施的帮扶成效"):
        elimination_screen(case=case, actor=county.county_reviewer)

    unrecorded_effect = monitored_subject(county, outcome="")
    case = to_county(county, unrecorded_effect)
    with pytest.raises(DomainError, match="帮扶成效"):
        elimination_screen(case=case, actor=county.county_reviewer)


def test_an_old_or_failing_guarantee_check_is_refused(county):
    subject = monitored_subject(county)
    case = to_county(county, subject)
    GuaranteeCheck.objects.filter(household=subject.household).update(checked_on=TODAY - 91 * DAY)
    with pytest.raises(DomainError, match="90 天内"):
        elimination_screen(case=case, actor=county.county_reviewer)
    elimination_visit(county, subject.household, kind=VisitKind.ROUTINE, water_ok=False)
    with pytest.raises(DomainError, match="两不愁三保障"):
        elimination_screen(case=case, actor=county.county_reviewer)


def test_an_old_check_and_a_registry_risk_are_both_named(county):
    subject = monitored_subject(county)
    case = to_county(county, subject)
    GuaranteeCheck.objects.filter(household=subject.household).update(checked_on=TODAY - 91 * DAY)
    subject.household.members.update(medical_insurance_enrolled=False)
    with pytest.raises(DomainError) as refused:
        elimination_screen(case=case, actor=county.county_reviewer)
    assert "须有 90 天内的“两不愁三保障”核查且全部达标" in refused.value.message
    assert "两不愁三保障未达标：基本医疗（有成员未参加基本医疗保险）" in refused.value.message


def test_a_missing_spot_check_is_named_with_the_other_failures(county):
    subject = monitored_subject(county)
    case = to_county(county, subject, spot_check_pct=100)
    RiskFlagFactory(household=subject.household, risk_type="illness", found_on=TODAY, evidence="新发大病")
    with pytest.raises(DomainError) as refused:
        elimination_screen(case=case, actor=county.county_reviewer)
    assert "风险“因病”" in refused.value.message
    assert "本户被抽中县级抽验：请先登记一次“抽查”走访" in refused.value.message
    assert len(refused.value.fixes) == 2


def test_an_open_risk_flag_is_refused(county):
    subject = monitored_subject(county)
    case = to_county(county, subject)
    RiskFlagFactory(household=subject.household, risk_type="illness", found_on=TODAY, evidence="新发大病")
    facts_refresh_households([subject.household.pk])
    with pytest.raises(DomainError) as refused:
        elimination_screen(case=case, actor=county.county_reviewer)
    # the refusal names the open risk (type, since when, source), and only what fails: the income (7000 per head)
    # is above the exit line
    assert refused.value.message == f"风险“因病”（{TODAY} 起，走访发现）尚未消除，须先落实帮扶并登记消除"
    assert [fix.url for fix in refused.value.fixes] == [f"/households/{subject.household.pk}/risks/"]


def test_wrong_role_wrong_jurisdiction_and_wrong_state_are_refused(county):
    subject = monitored_subject(county)
    case = open_elimination(county, subject)
    with pytest.raises(TransitionNotAllowed):
        elimination_screen(case=case, actor=county.county_reviewer)  # wrong state: EL-1 is pending
    with pytest.raises(PermissionDenied):
        elimination_verify(case=case, actor=county.county_reviewer)  # EL-1 is the village's
    elsewhere = UserFactory(
        roles=[Role.VILLAGE_WORKER], area=VillageFactory(parent=county.township, code="640324100202")
    )
    with pytest.raises(PermissionDenied):
        elimination_verify(case=case, actor=elsewhere)
    with pytest.raises(PermissionDenied):
        elimination_end(case=case, actor=elsewhere, comment="不属于本村")
    age_notice(village_steps(county, case))
    with pytest.raises(TransitionNotAllowed):
        elimination_assess(case=case, actor=county.township_cadre, comment="早")  # the village notice still pends
    elimination_village_notice_complete(case=case, actor=county.village_worker)
    with pytest.raises(PermissionDenied):
        elimination_assess(case=case, actor=county.village_worker, comment="越级")
    with pytest.raises(DomainError, match="综合研判意见"):
        elimination_assess(case=case, actor=county.township_cadre, comment=" ")
    assert EliminationCase.objects.get(pk=case.pk).state == E.VILLAGE_REVIEWED_NOTICED


def test_home_verification_needs_an_elimination_visit(county):
    subject = monitored_subject(county)
    case = elimination_open(subject=subject, actor=county.village_worker, proposal="收入稳定")
    with pytest.raises(DomainError, match="风险消除入户核实"):
        elimination_verify(case=case, actor=county.village_worker)


def test_one_open_case_per_subject_and_only_monitored_subjects(county):
    subject = monitored_subject(county)
    open_elimination(county, subject)
    with pytest.raises(TransitionNotAllowed):
        elimination_open(subject=subject, actor=county.village_worker, proposal="再发起")


def test_notices_last_five_days_and_objections_pause_them(county):
    subject = monitored_subject(county)
    case = open_elimination(county, subject)
    elimination_verify(case=case, actor=county.village_worker)
    with pytest.raises(DomainError, match="先记录村民代表评议"):
        elimination_notice_post(
            case=case, actor=county.village_worker, places="公示栏", starts_on=TODAY, ends_on=TODAY + 4 * DAY
        )
    elimination_review(
        case=case,
        actor=county.village_worker,
        held_on=TODAY,
        body="representatives",
        participants_count=10,
        representatives_present=8,
        attendees="马某 村民代表",
        votes_for=9,
        votes_against=1,
    )
    with pytest.raises(DomainError, match="不得少于 5 天"):
        elimination_notice_post(
            case=case, actor=county.village_worker, places="公示栏", starts_on=TODAY, ends_on=TODAY + 3 * DAY
        )
    notice = elimination_notice_post(
        case=case, actor=county.village_worker, places="公示栏", starts_on=TODAY, ends_on=TODAY + 4 * DAY
    )
    age_notice(notice, days_ago=5)  # ran TODAY-5 … TODAY-1
    objection = elimination_notice_object(
        case=case, actor=county.village_worker, received_on=TODAY - 2 * DAY, content="该户仍有大额医疗欠款"
    )
    with pytest.raises(DomainError, match="未处理的异议"):
        elimination_village_notice_complete(case=case, actor=county.village_worker)
    elimination_notice_resolve(
        objection=objection, actor=county.village_worker, handling="已核实，已报销", upheld=False
    )
    with pytest.raises(DomainError, match="期满后方可"):  # paused two days: the notice now ends tomorrow
        elimination_village_notice_complete(case=case, actor=county.village_worker)
    assert elimination_notices_complete_due(today=TODAY) == 0
    assert elimination_notices_complete_due(today=TODAY + 2 * DAY) == 1
    assert EliminationCase.objects.get(pk=case.pk).state == E.VILLAGE_REVIEWED_NOTICED


def test_an_upheld_objection_can_only_end_the_case(county):
    subject = monitored_subject(county)
    case = open_elimination(county, subject)
    notice = village_steps(county, case)
    age_notice(notice)
    objection = elimination_notice_object(
        case=case, actor=county.village_worker, received_on=TODAY - 3 * DAY, content="收入不实"
    )
    elimination_notice_resolve(objection=objection, actor=county.village_worker, handling="核实属实", upheld=True)
    with pytest.raises(DomainError, match="有异议成立"):
        elimination_village_notice_complete(case=case, actor=county.village_worker)
    elimination_end(case=case, actor=county.village_worker, comment="群众反映收入不实，核实属实")
    case.refresh_from_db()
    subject.refresh_from_db()
    assert case.state == E.NOT_ELIMINATED
    assert case.closing_reason.startswith("群众反映")
    assert subject.status == SubjectStatus.MONITORED
    with pytest.raises(TransitionNotAllowed):
        elimination_end(case=case, actor=county.village_worker, comment="again")
    # A new case may be opened later.
    elimination_open(subject=subject, actor=county.township_cadre, proposal="重新核实后发起")


def test_a_spot_checked_case_needs_a_spot_check_visit(county):
    subject = monitored_subject(county)
    case = to_county(county, subject, spot_check_pct=100)
    case.refresh_from_db()
    assert case.spot_check_required
    with pytest.raises(DomainError, match="抽中县级抽验"):
        elimination_screen(case=case, actor=county.county_reviewer)
    elimination_visit(county, subject.household, kind=VisitKind.SPOT_CHECK)
    elimination_screen(case=case, actor=county.county_reviewer)


def test_the_spot_check_draw_follows_the_percentage():
    assert rules.spot_check_drawn(0.099, 10)
    assert not rules.spot_check_drawn(0.10, 10)
    assert not rules.spot_check_drawn(0.0, 0)
    assert rules.spot_check_drawn(0.999, 100)


def test_marking_waits_for_the_announcement_and_checks_again(county):
    subject = monitored_subject(county)
    case = to_county(county, subject)
    elimination_screen(case=case, actor=county.county_reviewer)
    elimination_decide(
        case=case,
        actor=county.county_reviewer,
        meeting_on=TODAY,
        decision_no="县乡振发〔2026〕12号",
        places="县政府网站",
        starts_on=TODAY,
        ends_on=TODAY + 4 * DAY,
    )
    with pytest.raises(DomainError, match="期满后方可标注风险消除"):
        elimination_mark(case=case, actor=county.county_reviewer)
    age_notice(PublicNotice.objects.get(elimination=case, stage="elimination_county"))
    IncomeRecord.objects.filter(household=subject.household, year=2026).update(wage_income=Decimal("20000"))
    with pytest.raises(DomainError, match="未达到风险消除标准"):  # income fell during the announcement
        elimination_mark(case=case, actor=county.county_reviewer)
    with pytest.raises(PermissionDenied):
        elimination_mark(case=case, actor=county.township_cadre)


# ------------------------------------------------------------------------------------------ the no-labour hold


def test_a_refusal_links_to_the_steps_that_fix_it(client, county):
    """The county's screening is refused for a household without labour and without a measure's effect: the
    refusal names both and links to the subject's measures, and the case's checklist links there too; a case
    drawn for the spot check links to a spot-check visit form that opens on that kind."""
    subject = monitored_subject(county, labour=LabourCapacity.LOST, outcome="")
    case = to_county(county, subject)
    client.force_login(county.county_reviewer)

    page = client.post(reverse("monitoring:elimination-screen", args=[case.pk]), follow=True).content.decode()

    measures = f'href="{subject.get_absolute_url()}#measures" data-testid="refusal-fix">'
    assert "须先录入帮扶措施并填写每项措施的帮扶成效" in page
    assert "须先落实社会保障（兜底）措施" in page
    assert page.count(measures) == 1  # both conditions are fixed at the same step: one link
    assert f'<a href="{subject.get_absolute_url()}#measures" data-testid="check-fix">录入帮扶措施</a>' in page
    assert 'id="measures"' in client.get(subject.get_absolute_url()).content.decode()

    subject.measures.update(outcome_note="已按月发放低保金", measure_type="social_security")
    EliminationCase.objects.filter(pk=case.pk).update(spot_check_required=True)
    page = client.post(reverse("monitoring:elimination-screen", args=[case.pk]), follow=True).content.decode()
    visit = reverse("households:visit-create", args=[subject.household.pk]) + "?kind=spot_check"
    assert f'href="{visit}" data-testid="refusal-fix">登记抽查走访</a>' in page
    form = client.get(visit).content.decode()
    assert '<option value="spot_check" selected>' in form


def test_a_household_without_labour_is_held_not_eliminated(county):
    """SPEC §4.9 (003 L238–L240): 对无劳动能力的，落实社会保障措施后，暂不标注'风险消除'，持续跟踪监测."""
    subject = monitored_subject(county, labour=LabourCapacity.LOST)
    case = to_county(county, subject)
    with pytest.raises(DomainError, match="须先落实社会保障"):
        elimination_screen(case=case, actor=county.county_reviewer)
    safety_net = measure_with(
        county,
        subject,
        measure_type="social_security",
        subtype="subsistence_allowance",
        responsible_department="civil_affairs",
        description="纳入农村低保",
    )
    safety_net.outcome_note = "已按月发放低保金"
    safety_net.save()
    county_decides(county, case)
    elimination_mark(case=case, actor=county.county_reviewer)
    case.refresh_from_db()
    subject.refresh_from_db()
    assert case.state == E.HELD
    assert subject.status == SubjectStatus.ELIMINATION_HOLD
    assert subject.eliminated_on is None
    assert not LookbackReview.objects.filter(subject=subject).exists()
    # Exit from hold: once someone can work, a normal case may be opened (SPEC §4.9).
    subject.household.members.update(labour_capacity=LabourCapacity.ORDINARY)
    again = elimination_open(subject=subject, actor=county.village_worker, proposal="子女已成年务工")
    elimination_end(case=again, actor=county.village_worker, comment="收入尚不稳定")
    subject.refresh_from_db()
    assert subject.status == SubjectStatus.ELIMINATION_HOLD  # back where it was


@pytest.mark.parametrize(
    ("scope", "weak", "members", "expected"),
    [
        ("whole_household", True, [("lost", True), ("weak_or_partial", False)], True),
        ("whole_household", False, [("lost", True), ("weak_or_partial", False)], False),
        ("whole_household", True, [("lost", True), ("none_age", False)], False),
        ("main_labourer", True, [("lost", True), ("ordinary", False)], False),
        ("main_labourer", True, [("skilled", True), ("lost", False)], True),
    ],
)
def test_labour_capacity_scope(scope, weak, members, expected):
    assert rules.labour_capacity_present(members, scope=scope, weak_counts_as_labour=weak) is expected


# --------------------------------------------------------------------------------------- look-back and re-entry


def _eliminated(county):
    subject = monitored_subject(county)
    case = to_county(county, subject)
    county_decides(county, case)
    elimination_mark(case=case, actor=county.county_reviewer)
    subject.refresh_from_db()
    return subject


def test_a_lookback_can_return_the_household_to_monitoring(county):
    subject = _eliminated(county)
    lookback = subject.lookbacks.get()
    with pytest.raises(DomainError, match="回头看"):
        lookback_record(review=lookback, actor=county.village_worker, outcome="return_to_monitoring", note="复发")
    Visit.objects.create(
        household=subject.household, visited_on=TODAY, kind=VisitKind.LOOKBACK, recorded_by=county.village_worker
    )
    lookback_record(
        review=lookback, actor=county.village_worker, outcome=LookbackOutcome.RETURN_TO_MONITORING, note="户主旧病复发"
    )
    lookback.refresh_from_db()
    application = lookback.new_application
    assert application.channel == "lookback"
    assert application.state == EntryState.REPORTED
    with pytest.raises(DomainError, match="已于"):
        lookback_record(review=lookback, actor=county.village_worker, outcome="stable", note="again")
    # The new episode, once through the normal steps, links to the previous one (SPEC §4.10).
    EntryApplication.objects.filter(pk=application.pk).update(state=EntryState.APPROVED, category="marginal_at_risk")
    new_subject = entry_register(application=application, actor=county.county_reviewer)
    assert new_subject.previous_subject == subject
    assert MonitoringSubject.objects.filter(household=subject.household).count() == 2


def test_help_again_keeps_the_household_eliminated_and_takes_new_measures(county):
    subject = _eliminated(county)
    with pytest.raises(DomainError, match="不能新增措施"):
        measure_with(county, subject)
    Visit.objects.create(
        household=subject.household, visited_on=TODAY, kind=VisitKind.LOOKBACK, recorded_by=county.village_worker
    )
    lookback_record(
        review=subject.lookbacks.get(), actor=county.village_worker, outcome="help_again", note="务工收入下降"
    )
    measure_with(
        county,
        subject,
        measure_type="employment",
        subtype="job_services",
        responsible_department="human_resources",
        description="推荐就近就业岗位",
    )
    subject.refresh_from_db()
    assert subject.status == SubjectStatus.RISK_ELIMINATED
    assert subject.lookbacks.filter(done_on__isnull=True).get().due_on == datetime.date(2027, 5, 23)
