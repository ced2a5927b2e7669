"""The demo loader: a valid county tree, consistent households with flags and member details, visits whose
guarantee checks agree with the registry, one login per role, and jurisdiction and work queues that work on the demo
data exactly as on real data (SPEC §1.1, §1.2, §1.5, §1.6, §2, §3, §4.13)."""

import datetime
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from accounts.roles import ROLE_LEVELS, Role
from demo import load, names
from demo import plan as demo_plan
from geo.codes import AreaLevel, level_of
from geo.models import AdminArea
from households import idnumbers
from households.choices import (
    IN_SCHOOL,
    ChronicCondition,
    Gender,
    HealthStatus,
    HouseholdFlagKind,
    HousingSafety,
    MemberStatus,
    MigrantType,
    Relationship,
    VisitKind,
)
from households.models import (
    GuaranteeCheck,
    Household,
    HouseholdFlag,
    HouseholdMember,
    IncomeRecord,
    RiskFlag,
    Visit,
)
from households.selectors import overdue_visits

pytestmark = pytest.mark.django_db

SIZE, SEED = 200, 7
ROLE_OF = {
    "village": Role.VILLAGE_WORKER,
    "cadre": Role.ASSISTANCE_CADRE,
    "township": Role.TOWNSHIP_CADRE,
    "county": Role.COUNTY_REVIEWER,
    "screener": Role.DEPARTMENT_SCREENER,
    "finance": Role.COUNTY_FINANCE,
    "projunit": Role.PROJECT_UNIT,
    "report": Role.REPORTING_OFFICER,
    "supervisor": Role.SUPERVISOR,
    "useradmin": Role.COUNTY_ADMIN,
    "sysadmin": Role.SYSTEM_ADMIN,
} | {f"township{n:02d}": Role.TOWNSHIP_CADRE for n in range(1, 11)}


def _load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", households=SIZE, seed=SEED, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker):
    """One load of the demo county, shared by the tests of a class and rolled back after them: the tests only read,
    and loading per test would take most of this file's time. Each test still runs in its own savepoint."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield _load()
        transaction.set_rollback(True)


def _row_counts() -> tuple[int, ...]:
    models = (AdminArea, Household, HouseholdMember, IncomeRecord, HouseholdFlag, Visit, GuaranteeCheck, User)
    return tuple(m.objects.count() for m in models)


def _age(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


F = HouseholdFlagKind


# --- the plan ---------------------------------------------------------------------------------------------------------

TODAY = datetime.date(2026, 11, 23)


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    first = demo_plan.plan_build(seed=SEED, households=120, today=TODAY)
    assert demo_plan.plan_build(seed=SEED, households=120, today=TODAY) == first
    assert demo_plan.plan_build(seed=SEED + 1, households=120, today=TODAY) != first


def test_family_ages_fit_the_relationships():
    plan = demo_plan.plan_build(seed=SEED, households=600, today=TODAY)
    sizes = Counter(len(h.members) for h in plan.households)
    assert set(sizes) <= set(range(1, 8))
    assert 3.2 <= plan.member_count / len(plan.households) <= 4.0
    younger_by = {
        Relationship.SON: (20, 35),
        Relationship.DAUGHTER: (20, 35),
        Relationship.GRANDSON: (40, 60),
        Relationship.GRANDDAUGHTER: (40, 60),
        Relationship.SPOUSE: (-5, 5),
        Relationship.FATHER: (-35, -20),
        Relationship.MOTHER: (-35, -20),
    }
    for household in plan.households:
        head = household.members[0]
        assert head.relationship == Relationship.HEAD
        for member in household.members[1:]:
            if member.relationship in younger_by:
                low, high = younger_by[member.relationship]
                gap = _age(head.birth_date, TODAY) - _age(member.birth_date, TODAY)
                assert low <= gap <= high, (household.household_no, member)
            if member.relationship == Relationship.SPOUSE:
                assert member.gender != head.gender
            if member.member_status != MemberStatus.PRESENT:
                assert member.status_changed_on is not None
                assert not member.counts_in_household


def test_incomes_straddle_the_monitoring_line_like_a_real_county():
    plan = demo_plan.plan_build(seed=SEED, households=1000, today=TODAY)
    per_capita = []
    for household in plan.households:
        last = [i for i in household.incomes if i.year == TODAY.year - 1]
        if last:
            counted = sum(1 for m in household.members if m.counts_in_household)
            per_capita.append(last[0].net_income / counted)
    under = sum(1 for x in per_capita if x < 6000) / len(per_capita)
    between = sum(1 for x in per_capita if 6000 <= x < 6600) / len(per_capita)
    assert 0.02 <= under <= 0.10
    assert 0.005 <= between <= 0.06
    assert all(
        i.wage_income >= 0 and i.wage_income.as_tuple().exponent == -2 for h in plan.households for i in h.incomes
    )


def test_self_migrants_are_co_managed_by_their_hukou_village_in_another_township():
    plan = demo_plan.plan_build(seed=SEED, households=1000, today=TODAY)
    migrants = [h for h in plan.households if h.is_self_migrant]
    assert 5 <= len(migrants) <= 40
    assert all(h.hukou_village_code[:9] != h.village_code[:9] for h in migrants)


@pytest.fixture(scope="module")
def county() -> demo_plan.DemoPlan:
    """A plan big enough for shares to be stable; plans are pure, so the tests of this module can share one."""
    return demo_plan.plan_build(seed=SEED, households=1500, today=TODAY)


def test_flags_have_the_shares_of_a_former_poverty_county(county):
    households = county.households
    share = Counter(kind for h in households for kind in h.flag_kinds)
    assert 0.30 <= share[F.EXITED_POOR] / len(households) <= 0.40
    assert 0.05 <= share[F.SUBSISTENCE_ALLOWANCE] / len(households) <= 0.11
    assert 0.002 <= share[F.DESTITUTE_SUPPORT] / len(households) <= 0.025
    assert 0.07 <= share[F.RELOCATED] / len(households) <= 0.13
    for household in households:
        kinds, details = household.flag_kinds, household.details
        assert len(kinds) == len(household.flags)  # one open flag per kind
        assert all(f.valid_from <= TODAY for f in household.flags)
        disabled = any(m.health_status == HealthStatus.DISABLED for m in household.present_members)
        assert (F.DISABLED_HOUSEHOLD in kinds) == disabled
        assert (F.SELF_MIGRANT in kinds) == household.is_self_migrant
        assert (details.migrant_type == MigrantType.SELF_MIGRANT) == household.is_self_migrant
        assert not {F.SUBSISTENCE_ALLOWANCE, F.DESTITUTE_SUPPORT} <= kinds
        assert bool(details.destitute_mode) == (F.DESTITUTE_SUPPORT in kinds)
        assert bool(details.relocation_batch) == bool(details.resettlement_site) == (F.RELOCATED in kinds)
        assert (details.exit_year is not None) == (F.EXITED_POOR in kinds)
        if details.bank_account:
            assert details.account_holder_name == household.head_name
            assert len(details.bank_account) == 19
    banked = sum(1 for h in households if h.details.bank_account) / len(households)
    assert 0.7 <= banked <= 0.9
    unsafe = sum(1 for h in households if h.details.housing_safety != HousingSafety.SAFE) / len(households)
    assert 0.002 <= unsafe <= 0.03


def test_member_details_fit_health_age_and_work(county):
    present = [(h, m) for h in county.households for m in h.present_members]
    disabled = [m for _, m in present if m.health_status == HealthStatus.DISABLED]
    assert all(m.disability_category and m.disability_grade in (1, 2, 3, 4) for m in disabled)
    assert all(m.disability_certificate_no.startswith(m.id_number) for m in disabled)
    assert 0.25 <= sum(1 for m in disabled if m.disability_grade <= 2) / len(disabled) <= 0.55
    for _, member in present:
        assert (member.disability_grade is not None) == (member.health_status == HealthStatus.DISABLED)
        assert bool(member.chronic_conditions) == (member.health_status == HealthStatus.CHRONIC_DISEASE)
        assert set(member.chronic_conditions) <= set(ChronicCondition.values)
        if member.health_status == HealthStatus.SERIOUS_ILLNESS:
            assert member.illness_confirmed_by_institution
        assert 0 <= member.employment_months_this_year <= TODAY.month
        if member.employment_months_this_year:
            assert member.employment_status
    not_enrolled = sum(1 for _, m in present if not m.medical_insurance_enrolled) / len(present)
    assert 0.001 <= not_enrolled <= 0.015
    adults = [m for _, m in present if 16 <= _age(m.birth_date, TODAY) <= 59 and m.employment_status != "student"]
    assert sum(1 for m in adults if m.pension_enrolled) / len(adults) >= 0.8
    assert sum(1 for m in adults if m.employment_status == "employed") / len(adults) >= 0.3
    for household in county.households:
        main = [m for m in household.members if m.is_main_labourer]
        assert len(main) <= 1
        for member in main:
            assert 16 <= _age(member.birth_date, TODAY) <= 59
            assert member.member_status == MemberStatus.PRESENT


def test_exited_households_are_mostly_visited_within_the_last_six_months(county):
    exited = [h for h in county.households if F.EXITED_POOR in h.flag_kinds]
    half_year = TODAY - datetime.timedelta(days=183)
    recent = [h for h in exited if any(v.visited_on >= half_year for v in h.visits)]
    assert 0.7 <= len(recent) / len(exited) <= 0.95
    visits = [v for h in county.households for v in h.visits]
    assert all(v.visited_on <= TODAY for v in visits)
    assert all(v.next_visit_on is None or v.next_visit_on > v.visited_on for v in visits)
    assert 0.002 <= sum(1 for v in visits if v.risk_found) / len(visits) <= 0.025
    assert 0.2 <= sum(1 for v in visits if v.next_visit_on) / len(visits) <= 0.4


# --- a fresh database -------------------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_registry_details_visits_and_risks(county):
    again = demo_plan.plan_build(seed=SEED, households=len(county.households), today=TODAY)
    assert [(h.details, h.flags, h.visits) for h in again.households] == [
        (h.details, h.flags, h.visits) for h in county.households
    ]
    assert any(h.details.risk_flagged_on for h in county.households)


def test_a_failure_half_way_leaves_nothing_behind():
    User.objects.create_user("county", password="x")  # makes the loader's user step refuse
    before = _row_counts()
    with pytest.raises(CommandError, match="用户名“county”已存在"):
        _load()
    assert _row_counts() == before
    assert not load.demo_is_loaded()


def test_a_household_count_out_of_range_is_refused():
    with pytest.raises(CommandError, match="农户数应在 1 到"):
        call_command("load_demo", households=0, stdout=io.StringIO())
    assert not load.demo_is_loaded()


def test_production_refuses_the_demo_with_its_public_passwords(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境"):
        _load()
    assert not load.demo_is_loaded()


class TestTheLoadedCounty:
    """Read-only checks of one load with ``--households 200 --seed 7``."""

    # --- areas --------------------------------------------------------------------------------------------------------

    def test_the_county_has_ten_townships_and_about_120_villages_with_valid_codes(self, loaded):
        county = AdminArea.objects.get(code=demo_plan.COUNTY_CODE)
        townships = list(AdminArea.objects.filter(parent=county))
        villages = list(AdminArea.objects.filter(parent__in=townships))
        assert len(townships) == 10
        assert 100 <= len(villages) <= 140
        assert county.parent.code == "640300000000"
        assert county.parent.parent.code == "640000000000"
        for area in [county, *townships, *villages]:
            assert level_of(area.code) == area.level
        for village in villages:
            assert village.level == AreaLevel.VILLAGE
            assert village.code.startswith(village.parent.prefix)
            assert 200 <= int(village.code[9:]) <= 399  # NBS: 200–399 are villages, not urban communities
        for township in townships:
            names = [v.name for v in villages if v.parent_id == township.pk]
            assert 10 <= len(names) <= 14
            assert len(set(names)) == len(names)

    # --- households and members ---------------------------------------------------------------------------------------

    def test_every_household_has_exactly_one_head_whose_name_it_carries(self, loaded):
        households = Household.objects.select_related("head").prefetch_related("members")
        assert households.count() == SIZE
        for household in households:
            heads = [m for m in household.members.all() if m.relationship == Relationship.HEAD]
            assert heads == [household.head]
            assert household.head_name == household.head.name
            assert household.head.member_status == MemberStatus.PRESENT
            assert household.managing_area_id == household.residence_area_id
            assert household.managing_area.level == AreaLevel.VILLAGE
            assert household.household_no.startswith(household.managing_area.code)

    def test_member_id_numbers_are_valid_unique_and_agree_with_birth_date_and_sex(self, loaded):
        members = list(HouseholdMember.objects.all())
        assert SIZE <= len(members) <= 7 * SIZE
        assert len({m.id_number for m in members}) == len(members)
        for member in members:
            facts = idnumbers.parse(member.id_number)
            assert facts.birth_date == member.birth_date
            assert (Gender.MALE if facts.is_male else Gender.FEMALE) == member.gender
            assert member.id_number.startswith(demo_plan.AREA6)

    def test_two_income_years_per_household_except_a_few_without_last_year(self, loaded):
        last_year = timezone.localdate().year - 1
        years: dict[int, set[int]] = {}
        # This year's income is recorded only where it came back above the exit line (a risk-elimination case).
        recovered = IncomeRecord.objects.filter(
            year=last_year + 1, household__monitoring_subjects__elimination_cases__isnull=False
        )
        assert IncomeRecord.objects.filter(year=last_year + 1).count() == recovered.count()
        for household_id, year in IncomeRecord.objects.exclude(year=last_year + 1).values_list("household_id", "year"):
            years.setdefault(household_id, set()).add(year)
        assert len(years) == SIZE
        missing = [h for h, y in years.items() if y != {last_year - 1, last_year}]
        assert all(years[h] == {last_year - 1} for h in missing)
        assert 0 < len(missing) <= SIZE * 0.08  # the home work queue has something to show

    # --- --once and repeated runs -------------------------------------------------------------------------------------

    def test_once_prints_the_logins_and_loads_nothing_more(self, loaded):
        before = _row_counts()
        output = _load(once=True)
        assert _row_counts() == before
        assert "演示账号（密码均为 demo12345）" in output
        assert "township10" in output
        assert "已加载演示数据" not in output

    def test_loading_again_without_once_fails_and_changes_nothing(self, loaded):
        before = _row_counts()
        with pytest.raises(CommandError, match="演示数据已加载"):
            _load()
        assert _row_counts() == before

    def test_the_output_reports_counts_time_and_logins(self, loaded):
        assert f"{SIZE} 户" in loaded
        assert "10 个乡镇" in loaded
        assert f"{Visit.objects.count()} 次走访" in loaded
        assert f"脱贫户 {HouseholdFlag.objects.filter(kind=F.EXITED_POOR).count()}" in loaded
        assert "用时" in loaded
        for username in ROLE_OF:
            assert username in loaded

    # --- users and jurisdiction ---------------------------------------------------------------------------------------

    def test_every_role_has_a_demo_user_in_its_group_at_an_allowed_level(self, loaded):
        for username, role in ROLE_OF.items():
            user = User.objects.get(username=username)
            assert user.roles == frozenset({role}), username
            assert user.area.level in ROLE_LEVELS[role], username
            assert user.last_name, username
            assert user.check_password(demo_plan.DEMO_PASSWORD), username
        assert set(ROLE_OF.values()) == set(Role)
        assert User.objects.get(username="screener").department == "health"
        assert User.objects.get(username="supervisor").area.code == "640300000000"
        assert User.objects.get(username="sysadmin").is_staff
        admin = User.objects.get(username="admin")
        assert admin.is_superuser
        assert admin.is_staff

    def test_the_township_cadre_is_bound_to_the_first_township(self, loaded):
        user = User.objects.get(username="township")
        assert user.area.level == AreaLevel.TOWNSHIP
        assert user.area.code == "640324100000"

    def test_the_assistance_cadre_sees_exactly_the_eight_paired_households(self, loaded):
        cadre = User.objects.get(username="cadre")
        visible = list(Household.objects.visible_to(cadre).select_related("managing_area"))
        assert len(visible) == 8
        assert len({h.managing_area.code[:9] for h in visible}) == 2

    def test_a_township_cadre_sees_only_households_of_their_township(self, loaded):
        cadre = User.objects.get(username="township")
        prefix = cadre.area.prefix
        visible = set(Household.objects.visible_to(cadre))
        expected = {
            h
            for h in Household.objects.select_related("managing_area", "co_managing_area")
            if h.managing_area.code.startswith(prefix)
            or (h.co_managing_area is not None and h.co_managing_area.code.startswith(prefix))
        }
        assert visible
        assert visible == expected

    def test_the_village_worker_sees_their_village(self, loaded):
        worker = User.objects.get(username="village")
        visible = list(Household.objects.visible_to(worker))
        assert visible
        assert all(worker.area.code in (h.managing_area.code, getattr(h.co_managing_area, "code", "")) for h in visible)

    # --- flags, visits and guarantee checks ---------------------------------------------------------------------------

    def test_flags_are_loaded_with_history_and_exit_years_inside_the_poverty_campaign(self, loaded):
        flags = list(HouseholdFlag.objects.select_related("household"))
        kinds = Counter(f.kind for f in flags)
        assert 0.25 * SIZE <= kinds[F.EXITED_POOR] <= 0.45 * SIZE
        assert all(kinds[kind] for kind in (F.SUBSISTENCE_ALLOWANCE, F.RELOCATED, F.DISABLED_HOUSEHOLD))
        assert HouseholdFlag.history.count() == len(flags)
        for flag in flags:
            household = flag.household
            assert flag.valid_to is None
            if flag.kind == F.EXITED_POOR:
                assert 2014 <= household.registered_poor_since <= household.exit_year <= demo_plan.LAST_EXIT_YEAR
                assert flag.valid_from == datetime.date(household.exit_year, 12, 31)

    def test_every_guarantee_check_agrees_with_the_registry_on_its_day(self, loaded):
        checks = list(
            GuaranteeCheck.objects.select_related("visit", "household").prefetch_related("household__members")
        )
        assert len(checks) == Visit.objects.count() > 0
        derived_failures = 0
        for check in checks:
            present = [m for m in check.household.members.all() if m.member_status == MemberStatus.PRESENT]
            out_of_school = any(
                6 <= _age(m.birth_date, check.checked_on) <= 15 and m.schooling_status not in IN_SCHOOL for m in present
            )
            assert check.education_ok == (not out_of_school)
            assert check.medical_ok == all(m.medical_insurance_enrolled for m in present)
            assert check.housing_ok == (check.household.housing_safety == HousingSafety.SAFE)
            water = (check.water_quantity_ok, check.water_quality_ok, check.water_access_ok, check.water_reliability_ok)
            assert check.water_ok == all(water)
            assert check.checked_on == check.visit.visited_on
            assert check.checked_by_id == check.visit.recorded_by_id
            assert check.source == "visit"
            assert bool(check.note) == (not check.all_ok)
            derived_failures += not (check.education_ok and check.medical_ok and check.housing_ok)
        assert derived_failures  # the demo shows what a failed check looks like

    def test_visits_are_in_the_past_and_recorded_by_the_cadre_of_the_place(self, loaded):
        today = timezone.localdate()
        village_worker = User.objects.get(username="village")
        visits = list(Visit.objects.select_related("household__managing_area", "recorded_by__area"))
        assert visits
        for visit in visits:
            assert visit.visited_on <= today
            village = visit.household.managing_area
            if visit.recorded_by.username == "county":  # SPEC §4.8 EL-5: the county's spot-check visit
                assert visit.kind == "spot_check"
            elif village == village_worker.area:
                assert visit.recorded_by == village_worker
            else:
                assert visit.recorded_by.username.startswith("township")
                assert visit.recorded_by.area == village.parent

    def test_township_cadres_have_some_but_not_all_households_overdue_for_a_visit(self, loaded):
        # About 20 households per township in this small load: a township may have none overdue, most have some.
        today = timezone.localdate()
        with_overdue = 0
        for cadre in User.objects.filter(username__in=demo_plan.TOWNSHIP_USERNAMES):
            overdue = overdue_visits(user=cadre, on=today).count()
            assert overdue < Household.objects.visible_to(cadre).count(), cadre.username
            with_overdue += overdue > 0
        assert with_overdue >= 5

    # --- monitoring ----------------------------------------------------------------------------------------------

    def test_households_below_the_line_went_through_the_real_workflow(self, loaded):
        from monitoring.models import EliminationCase, EntryApplication, MonitoringSubject
        from notifications.models import Notification

        states = Counter(EntryApplication.objects.values_list("state", flat=True))
        assert states["registered"] >= 3
        assert len(states) >= 3  # some stop on the way: the queues have work
        for application in EntryApplication.objects.prefetch_related("events"):
            assert application.triggers  # SPEC §4.2: every report cites a trigger
            moves = [e.to_state for e in application.events.all() if e.from_state != e.to_state]
            assert moves[0] == "reported"
            assert moves[-1] == application.state
        subjects = MonitoringSubject.objects.all()
        assert subjects.count() == states["registered"]
        assert subjects.filter(measures__isnull=False).exists()
        assert all(s.entered_on < timezone.localdate() for s in subjects)  # entry dates spread over the past
        assert EliminationCase.objects.exists()
        assert Notification.objects.filter(recipient__username="county").exists()

    def test_each_risk_a_visit_found_is_a_typed_risk_open_or_resolved_by_a_measure(self, loaded):
        risks = list(RiskFlag.objects.filter(source="visit").select_related("visit"))
        assert risks
        for risk in risks:  # the visit that found it, its note as the evidence
            assert risk.visit.risk_found
            assert (risk.found_on, risk.evidence) == (risk.visit.visited_on, risk.visit.risk_note)
            if risk.visit.kind == VisitKind.VERIFICATION:  # EN-1 confirms the application's risk types
                applied = risk.household.entry_applications.values_list("risk_types", flat=True)
                assert any(risk.risk_type in types for types in applied)
            else:  # a routine visit: the type its note names
                assert risk.risk_type == names.RISK_TYPE_OF_NOTE[risk.visit.risk_note]
        at_risk = set(Visit.objects.filter(risk_found=True).values_list("household_id", flat=True))
        assert {risk.household_id for risk in risks} == at_risk
        # some still open; some answered by a subject's measure and resolved by its effect
        assert any(risk.resolved_on is None for risk in risks)
        resolved = [risk for risk in risks if risk.resolved_on is not None]
        assert resolved
        assert all(risk.measure_id and risk.resolution.startswith("帮扶措施") for risk in resolved)

    def test_the_project_library_and_funds_went_through_the_real_services(self, loaded):
        from funds.models import FundAllocation
        from funds.selectors import county_compliance
        from projects.models import Project, ProjectAsset
        from sweeps.models import Problem

        statuses = Counter(Project.objects.values_list("status", flat=True))
        assert len(statuses) >= 8  # every step of the chain has projects waiting
        for project in Project.objects.prefetch_related("events"):
            moves = [e.to_status for e in project.events.all()]
            assert moves[0] == "proposed"
            assert moves[-1] == project.status
        # NR-PRJ-02: every allocation of linkage funds went to a project that had entered the library.
        assert not FundAllocation.objects.filter(project__status__in=["proposed", "appraised"]).exists()
        county = AdminArea.objects.get(code="640324000000")
        year = FundAllocation.objects.order_by("-batch__year").values_list("batch__year", flat=True).first()
        result = county_compliance(county, year, on=timezone.localdate())
        checks = {c.rule: c.ok for c in result.checks}
        assert checks["NR-FUND-02"]
        assert checks["NR-FUND-03"]
        assert checks["NR-FUND-05"]
        assert ProjectAsset.objects.filter(status="idle").exists()
        assert Problem.objects.filter(rule_id="FC-GAP-MISSED-AID-03").exists()
        assert Problem.objects.filter(rule_id="FC-GAP-MISSED-AID-06").exists()

    # --- support programmes (SPEC §11) --------------------------------------------------------------------------------

    def test_the_programmes_have_records_through_every_step(self, loaded):
        from credit.models import MicroLoan
        from employment.models import EmploymentRecord
        from insurance.models import InsuranceClaim, InsurancePolicy
        from ledgers.models import KpiValue
        from welfare_posts.models import PostHire, PostPayment

        assert InsurancePolicy.objects.exists()
        assert InsuranceClaim.objects.filter(status="paid").exists()
        assert EmploymentRecord.objects.count() >= 4
        assert PostHire.objects.exists()
        assert PostPayment.objects.exists()
        assert KpiValue.objects.filter(indicator__code="YH-03", value=9860).exists()
        dropped = HouseholdMember.history.filter(schooling_status="dropout").values("id")
        # back at school: a row of L-15 with its return date
        assert HouseholdMember.objects.filter(pk__in=dropped, schooling_status="junior").count() == 1
        if timezone.localdate() < datetime.date(2027, 7, 1):  # the demo's history reaches back into the loans' years
            assert MicroLoan.objects.count() == 3
            assert MicroLoan.objects.filter(repayments__isnull=False).exists()
