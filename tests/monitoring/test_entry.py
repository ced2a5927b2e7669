"""The entry workflow of SPEC §4.6, walked by the roles SPEC §1.3 assigns, with every refusal."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.errors import DomainError, TransitionNotAllowed
from geo.workdays import WorkdayCalendar, notice_long_enough
from households.choices import VisitKind
from households.facts import awaiting_identification_q, facts_refresh_households
from households.models import Household, Visit
from monitoring import rules
from monitoring.choices import EntryState, SubjectCategory, SubjectStatus
from monitoring.models import EntryApplication, MonitoringSubject
from monitoring.services import (
    entry_approve,
    entry_notice_complete,
    entry_notice_object,
    entry_notice_post,
    entry_notice_resolve,
    entry_register,
    entry_reject,
    entry_report,
    entry_return,
    entry_review,
    entry_township_review,
    entry_verify,
    entry_withdraw,
    notices_complete_due,
)
from tests.factories import RiskFlagFactory, TownshipFactory, UserFactory, VillageFactory
from tests.worlds.monitoring import TODAY, County, report_entry, through_village, walk_to_county

pytestmark = pytest.mark.django_db
S = EntryState


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def county():
    return County()


def test_the_whole_entry_path_by_four_users(county):
    household = county.household(per_capita=Decimal("5350"))
    application = walk_to_county(county, household)
    entry_approve(
        application=application,
        actor=county.county_reviewer,
        category=SubjectCategory.MARGINAL_AT_RISK,
        risk_types=["illness", "medical_security"],
        decision_no="同乡振发〔2026〕12号",
    )
    subject = entry_register(application=application, actor=county.county_reviewer)
    application.refresh_from_db()
    assert application.state == S.REGISTERED
    assert subject.status == SubjectStatus.MONITORED
    assert subject.category == SubjectCategory.MARGINAL_AT_RISK
    trail = [(e.from_state, e.to_state, e.actor) for e in application.events.all()]
    assert [t[1] for t in trail] == [
        S.REPORTED,
        S.HOME_VERIFIED,
        S.DEMOCRATICALLY_REVIEWED,
        S.DEMOCRATICALLY_REVIEWED,
        S.NOTICE_COMPLETED,
        S.TOWNSHIP_REVIEWED,
        S.APPROVED,
        S.REGISTERED,
    ]
    assert trail[-3][2] == county.township_cadre
    assert application.per_capita_income == Decimal("5350.00")


@pytest.mark.parametrize(
    ("per_capita", "category", "exited", "message"),
    [
        (Decimal("6000"), SubjectCategory.MARGINAL_AT_RISK, False, "不低于 2021 年监测标准 6000.00 元"),
        (Decimal("5999.99"), SubjectCategory.MARGINAL_AT_RISK, True, "边缘易致贫户不能是脱贫户"),
        (Decimal("5000"), SubjectCategory.UNSTABLE_EXITED, False, "脱贫不稳定户须为脱贫户"),
    ],
)
def test_county_approval_refuses_income_at_the_line_and_wrong_categories(county, per_capita, category, exited, message):
    application = walk_to_county(county, county.household(per_capita=per_capita, exited=exited), category)
    with pytest.raises(DomainError, match=message):
        entry_approve(application=application, actor=county.county_reviewer, category=category, risk_types=["illness"])
    application.refresh_from_db()
    assert application.state == S.TOWNSHIP_REVIEWED


def test_just_below_the_line_and_sudden_hardship_above_it_are_approved(county):
    below = walk_to_county(county, county.household(per_capita=Decimal("5999.99")))
    entry_approve(
        application=below,
        actor=county.county_reviewer,
        category=SubjectCategory.MARGINAL_AT_RISK,
        risk_types=["illness"],
    )
    # SPEC §3.7 example 5: 12,000 per capita, a fire: income above the line is allowed for sudden hardship.
    fire = walk_to_county(
        county, county.household(per_capita=Decimal("12000"), size=3), SubjectCategory.SUDDEN_HARDSHIP
    )
    entry_approve(
        application=fire,
        actor=county.county_reviewer,
        category=SubjectCategory.SUDDEN_HARDSHIP,
        risk_types=["disaster"],
    )
    below.refresh_from_db()
    fire.refresh_from_db()
    assert {below.state, fire.state} == {S.APPROVED}


@pytest.mark.parametrize(
    ("role", "area_of", "error"),
    [
        (Role.TOWNSHIP_CADRE, lambda c: c.township, PermissionDenied),  # not the county's step
        (Role.VILLAGE_WORKER, lambda c: c.village, PermissionDenied),
        (Role.COUNTY_REVIEWER, lambda c: TownshipFactory().parent, PermissionDenied),  # another county
        (Role.REPORTING_OFFICER, lambda c: c.county, PermissionDenied),
    ],
)
def test_only_the_county_of_the_managing_area_approves(county, role, area_of, error):
    application = walk_to_county(county, county.household(per_capita=Decimal("5000")))
    actor = UserFactory(roles=[role], area=area_of(county))
    with pytest.raises(error):
        entry_approve(
            application=application, actor=actor, category=SubjectCategory.MARGINAL_AT_RISK, risk_types=["illness"]
        )
    application.refresh_from_db()
    assert application.state == S.TOWNSHIP_REVIEWED
    assert application.events.filter(to_state=S.APPROVED).count() == 0


def test_steps_out_of_order_are_refused_and_leave_no_trace(county):
    application = report_entry(county, county.household(per_capita=Decimal("5000")))
    with pytest.raises(TransitionNotAllowed):
        entry_township_review(application=application, actor=county.township_cadre, comment="同意")
    with pytest.raises(DomainError, match="请先登记一次“入户核实”走访"):
        entry_verify(application=application, actor=county.village_worker)
    assert application.events.count() == 1


def test_a_second_report_is_merged_not_opened_twice(county):
    household = county.household(per_capita=Decimal("5000"))
    first = report_entry(county, household)
    second = report_entry(county, household)
    assert second.state == S.MERGED
    assert "已有办理中的纳入申请" in second.closing_reason
    assert EntryApplication.objects.filter(household=household, state=S.REPORTED).get() == first


def test_self_declaration_needs_consent(county):
    with pytest.raises(DomainError, match="承诺授权查询家庭情况"):
        entry_report(
            actor=county.village_worker,
            household=county.household(per_capita=Decimal("5000")),
            channel="self_declaration",
            proposed_category="marginal_at_risk",
            risk_types=["illness"],
            triggers=["MA-1"],
            reason="申请",
        )


def test_the_notice_must_last_five_days_and_objections_pause_it(county):
    application = report_entry(county, county.household(per_capita=Decimal("5000")))
    Visit.objects.create(
        household=application.household,
        visited_on=TODAY,
        kind=VisitKind.VERIFICATION,
        recorded_by=county.village_worker,
    )
    entry_verify(application=application, actor=county.village_worker)
    entry_review(
        application=application,
        actor=county.village_worker,
        held_on=TODAY,
        body="representatives",
        participants_count=9,
        representatives_present=7,
        attendees="马某",
        votes_for=8,
        votes_against=0,
    )
    with pytest.raises(DomainError, match="公示期不得少于 5 天"):
        entry_notice_post(
            application=application,
            actor=county.village_worker,
            places="公示栏",
            starts_on=TODAY,
            ends_on=TODAY + datetime.timedelta(days=3),
        )
    entry_notice_post(
        application=application,
        actor=county.village_worker,
        places="公示栏",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=4),
    )
    with pytest.raises(DomainError, match="公示期至 2026-11-27 结束"):
        entry_notice_complete(application=application, actor=county.village_worker)
    objection = entry_notice_object(
        application=application, actor=county.village_worker, received_on=TODAY, content="该户有车辆"
    )
    with pytest.raises(DomainError, match="未处理的异议"):
        entry_notice_complete(application=application, actor=county.village_worker)
    entry_notice_resolve(
        objection=objection,
        actor=county.village_worker,
        handling="经核实为亲属借用车辆",
        upheld=False,
        resolved_on=TODAY + datetime.timedelta(days=2),
    )
    assert notices_complete_due(today=TODAY + datetime.timedelta(days=5)) == 0  # paused two days: ends 11-29
    assert notices_complete_due(today=TODAY + datetime.timedelta(days=7)) == 1
    application.refresh_from_db()
    assert application.state == S.NOTICE_COMPLETED
    assert application.events.last().actor is None  # the system moved it


def test_an_upheld_objection_sends_the_case_back(county):
    application = report_entry(county, county.household(per_capita=Decimal("5000")))
    notice = through_village(county, application)
    objection = entry_notice_object(
        application=application, actor=county.village_worker, received_on=notice.starts_on, content="该户隐瞒经营收入"
    )
    entry_notice_resolve(objection=objection, actor=county.village_worker, handling="核实属实", upheld=True)
    with pytest.raises(DomainError, match="有异议成立"):
        entry_notice_complete(application=application, actor=county.village_worker)
    entry_return(application=application, actor=county.village_worker, comment="重新入户核实收入")
    application.refresh_from_db()
    assert application.state == S.REPORTED


def test_township_returns_and_county_rejects_with_reasons(county):
    application = report_entry(county, county.household(per_capita=Decimal("5000")))
    through_village(county, application)
    entry_notice_complete(application=application, actor=county.village_worker)
    with pytest.raises(DomainError, match="请填写退回意见"):
        entry_return(application=application, actor=county.township_cadre, comment=" ")
    entry_return(application=application, actor=county.township_cadre, comment="收入核算有误")
    application.refresh_from_db()
    assert application.state == S.REPORTED
    application = walk_to_county(county, county.household(per_capita=Decimal("5000")))
    entry_reject(application=application, actor=county.county_reviewer, comment="经抽查不符合条件")
    application.refresh_from_db()
    assert (application.state, application.closing_reason) == (S.REJECTED, "经抽查不符合条件")
    with pytest.raises(TransitionNotAllowed):
        entry_return(application=application, actor=county.county_reviewer, comment="x")


def test_a_registered_household_is_merged_on_a_new_report_and_has_one_subject(county):
    household = county.household(per_capita=Decimal("5000"))
    application = walk_to_county(county, household)
    entry_approve(
        application=application, actor=county.county_reviewer, category="marginal_at_risk", risk_types=["illness"]
    )
    entry_register(application=application, actor=county.township_cadre)
    assert report_entry(county, household).closing_reason == "该户已是监测对象"
    assert MonitoringSubject.objects.filter(household=household).count() == 1


def test_reporting_takes_up_the_risk_of_the_visit_which_stays_open(county):
    household = county.household(per_capita=Decimal("5000"))
    RiskFlagFactory(household=household, found_on=TODAY)
    facts_refresh_households([household.pk])

    def waiting():
        return list(Household.objects.filter(awaiting_identification_q(path="facts__")))

    assert waiting() == [household]
    report_entry(county, household)
    # the risk is still open (only its resolution ends it), but no longer waits for identification
    assert household.risks.filter(resolved_on__isnull=True).count() == 1
    assert waiting() == []


@pytest.mark.parametrize(
    ("ends_on", "objections", "expected"),
    [
        (datetime.date(2026, 11, 27), [], datetime.date(2026, 11, 27)),
        (
            datetime.date(2026, 11, 27),
            [(datetime.date(2026, 11, 24), datetime.date(2026, 11, 26))],
            datetime.date(2026, 11, 29),
        ),
        # overlapping objections count once: 24–26 and 25–27 pause 24, 25, 26 = 3 days
        (
            datetime.date(2026, 11, 27),
            [
                (datetime.date(2026, 11, 24), datetime.date(2026, 11, 26)),
                (datetime.date(2026, 11, 25), datetime.date(2026, 11, 27)),
            ],
            datetime.date(2026, 11, 30),
        ),
    ],
)
def test_the_notice_clock(ends_on, objections, expected):
    assert rules.notice_effective_end(ends_on, objections, today=TODAY) == expected
    assert notice_long_enough(datetime.date(2026, 11, 23), datetime.date(2026, 11, 27), 5)
    assert not notice_long_enough(datetime.date(2026, 11, 23), datetime.date(2026, 11, 26), 5)


def test_the_admin_cannot_change_a_state(client, county):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    application = report_entry(county, county.household(per_capita=Decimal("5000")))
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    url = reverse("admin:monitoring_entryapplication_change", args=[application.pk])
    client.post(url, {"state": "approved"})
    application.refresh_from_db()
    assert application.state == S.REPORTED
    assert client.get(reverse("admin:monitoring_entryapplication_add")).status_code == 403


@pytest.mark.parametrize(("days", "level"), [(1, ""), (2, "yellow"), (3, "orange"), (4, "red")])
def test_waiting_turns_yellow_orange_red_against_the_limit(days, level):
    from monitoring.selectors.queues import Waiting

    assert Waiting(days=days, limit=3).level == level


def test_waiting_counts_working_days_across_national_day(county):
    import zoneinfo

    from monitoring.selectors.queues import waiting

    application = report_entry(county, county.household(per_capita=Decimal("5000")))
    reported = datetime.datetime(2026, 9, 30, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    application.events.update(at=reported)
    application = EntryApplication.objects.annotate(waiting_since=Max("events__at")).get(pk=application.pk)
    result = waiting(application, today=datetime.date(2026, 10, 9))
    assert (result.days, result.limit) == (2, 3)  # Oct 8 and 9 only: the holiday week does not count
    assert result.level == "yellow"


def test_the_queue_and_the_case_page_show_the_same_waiting_time_with_a_legend(client, county):
    """One definition: working days since the case's last step, whether read in the queue or on the case."""
    import re
    import zoneinfo

    application = report_entry(county, county.household(per_capita=Decimal("5000")))
    # Reported at the start of the previous working week: five working days ago, whatever today is.
    calendar = WorkdayCalendar()
    day = timezone.localdate()
    for _ in range(5):
        day -= datetime.timedelta(days=1)
        while not calendar.is_workday(day):
            day -= datetime.timedelta(days=1)
    reported = datetime.datetime.combine(day, datetime.time(10), tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    application.events.update(at=reported)
    EntryApplication.objects.filter(pk=application.pk).update(created_at=reported - datetime.timedelta(days=30))
    client.force_login(county.village_worker)

    badges = []
    for url in (reverse("monitoring:entry-queue"), application.get_absolute_url()):
        page = client.get(url).content.decode()
        assert 'data-testid="waiting-legend"' in page
        badges.append(re.search(r'data-testid="waiting-badge"[^>]*>([^<]*)<', page).group(1))

    assert badges[0] == badges[1] == "本环节已等待 5 个工作日，时限 3 个工作日"


@pytest.mark.parametrize(
    ("on", "days", "level"),
    [
        (datetime.date(2026, 11, 13), 15, "orange"),  # reported Fri Oct 23: 15 working days on Fri Nov 13
        (datetime.date(2026, 11, 16), 16, "red"),
        (datetime.date(2026, 11, 12), 14, "yellow"),
    ],
)
def test_the_whole_procedure_is_measured_against_the_total_target(county, on, days, level):
    """SPEC §4.14 ``entry.total_target_days`` = 15, in working days from the report (EN-0 → EN-6)."""
    from monitoring.selectors.queues import procedure_waiting

    application = report_entry(county, county.household(per_capita=Decimal("5000")))
    EntryApplication.objects.filter(pk=application.pk).update(reported_on=datetime.date(2026, 10, 23))
    application.refresh_from_db()

    result = procedure_waiting(application, today=on)

    assert (result.days, result.limit, result.level) == (days, 15, level)


def test_a_negative_list_hit_blocks_approval_until_the_county_overrides_with_a_reason(county):
    from monitoring.services import entry_negative_hit_record, entry_negative_override

    application = walk_to_county(county, county.household(per_capita=Decimal("5000")))
    entry_negative_hit_record(
        application=application, actor=county.township_cadre, item="NL-2", evidence="老人户，其子在银川有稳定工作和住房"
    )
    with pytest.raises(DomainError, match="须由县级审核人员说明理由放行"):
        entry_approve(
            application=application, actor=county.county_reviewer, category="marginal_at_risk", risk_types=["illness"]
        )
    with pytest.raises(PermissionDenied):
        entry_negative_override(application=application, actor=county.township_cadre, comment="理由" * 10)
    with pytest.raises(DomainError, match="不少于 10 个字"):
        entry_negative_override(application=application, actor=county.county_reviewer, comment="同意")
    entry_negative_override(
        application=application,
        actor=county.county_reviewer,
        comment="其子长期患病无力赡养，经入户核实两不愁三保障实际水平低（002 L299）",
    )
    entry_approve(
        application=application, actor=county.county_reviewer, category="marginal_at_risk", risk_types=["illness"]
    )
    application.refresh_from_db()
    assert application.state == S.APPROVED
    assert application.negative_hits.count() == 1  # the hit stays on the file


@pytest.mark.parametrize(
    ("hits", "mode", "overridden", "allowed"),
    [
        (0, "block", False, True),
        (1, "block", True, False),
        (1, "override", False, False),
        (1, "override", True, True),
        (1, "warn", False, True),
    ],
)
def test_negative_list_modes(hits, mode, overridden, allowed):
    assert rules.negative_list_allows_approval(hits=hits, mode=mode, overridden=overridden) is allowed


@pytest.mark.parametrize("size", [2, 15])
def test_the_queue_page_issues_a_bounded_number_of_queries(client, county, size, django_assert_max_num_queries):
    for _ in range(size):
        report_entry(county, county.household(per_capita=Decimal("5000")))
    client.force_login(county.village_worker)
    with django_assert_max_num_queries(10):
        response = client.get("/monitoring/")
    assert response.status_code == 200
    assert len(response.context["object_list"]) == size


def test_the_county_narrows_its_queue_to_a_township_and_orders_it_by_waiting_time(client, county):
    # given: two applications waiting at the county, one from a sibling township, reported on different days
    other = VillageFactory(
        code="640324101201", parent__code="640324101000", parent__parent=county.county, parent__name="河西镇"
    )
    UserFactory(roles=[Role.TOWNSHIP_CADRE], area=other.parent)
    ours = walk_to_county(county, county.household(per_capita=Decimal("5000")))
    household = county.household(per_capita=Decimal("5000"))
    household.managing_area = other
    household.save()
    theirs = report_entry(county, county.household(per_capita=Decimal("5000")))
    EntryApplication.objects.filter(pk=theirs.pk).update(state=S.TOWNSHIP_REVIEWED, household=household)
    ours.events.update(at=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC))
    client.force_login(county.county_reviewer)

    # when / then
    default = list(client.get("/monitoring/").context["object_list"])
    newest = list(client.get("/monitoring/?order=newest").context["object_list"])
    one_township = client.get(f"/monitoring/?township={other.parent.code}")
    assert [a.pk for a in default] == [ours.pk, theirs.pk]  # ours has waited longest
    assert [a.pk for a in newest] == [theirs.pk, ours.pk]
    assert [a.pk for a in one_township.context["object_list"]] == [theirs.pk]
    assert "河西镇" in one_township.content.decode()
    # a code outside the territory narrows nothing
    assert len(client.get("/monitoring/?township=110101001000").context["object_list"]) == 2


def test_withdrawal_is_offered_only_while_the_service_takes_it(county):
    """The applicant may withdraw during the village steps (SPEC §4.6); the case page offers it exactly then."""
    from monitoring.selectors.queues import available_actions

    application = report_entry(county, county.household(per_capita=Decimal("5000")))
    assert "withdraw" in available_actions(county.village_worker, application)
    through_village(county, application)
    entry_notice_complete(application=application, actor=county.village_worker)
    application.refresh_from_db()
    assert application.state == EntryState.NOTICE_COMPLETED
    assert "withdraw" not in available_actions(county.village_worker, application)
    with pytest.raises(TransitionNotAllowed):
        entry_withdraw(application=application, actor=county.village_worker, comment="申请人要求撤回")


@pytest.mark.parametrize(("per_capita", "returned"), [(Decimal("3999.99"), True), (Decimal("4000"), False)])
def test_approval_below_the_national_line_decides_return_to_poverty(county, per_capita, returned):
    """SPEC §4.10: 返贫致贫 is the county's decision at approval, by the national line (4000 in 2021), not the
    monitoring line; the flag opens that day with the decision, and nobody sets it by hand."""
    from households.choices import HouseholdFlagKind
    from households.services import household_flag_set

    household = county.household(per_capita=per_capita, exited=True)
    application = walk_to_county(county, household, SubjectCategory.UNSTABLE_EXITED)
    entry_approve(
        application=application, actor=county.county_reviewer, category=SubjectCategory.UNSTABLE_EXITED,
        risk_types=["illness"], decision_no="同乡振发〔2026〕12号",
    )  # fmt: skip
    flag = household.flags.filter(kind=HouseholdFlagKind.RETURNED_TO_POVERTY, valid_to=None).first()
    assert (flag is not None) == returned
    if returned:
        assert (flag.valid_from, flag.note) == (TODAY, "县级批准纳入监测时认定（同乡振发〔2026〕12号）")
    with pytest.raises(DomainError, match="县级批准纳入监测时认定"):
        household_flag_set(
            actor=county.county_reviewer, household=household, kind=HouseholdFlagKind.RETURNED_TO_POVERTY,
            valid_from=TODAY,
        )  # fmt: skip
