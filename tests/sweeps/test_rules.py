"""Every automatable rule of the catalogue (SPEC §7.3 and the data-quality rules) with a household (member,
subject, village) that trips it and one that does not. Each case builds both, runs the rule over the township as
the sweep does, and checks which keys come back."""

import datetime
import inspect
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.grants import household_grant_to_cadre
from accounts.roles import Role
from funds.models import FundAllocation, FundBatch
from households.choices import (
    DestituteMode,
    EmploymentStatus,
    Gender,
    HealthStatus,
    HouseholdFlagKind,
    HousingSafety,
    LabourCapacity,
    MigrantType,
    Relationship,
    RigidExpenseKind,
    SchoolingStatus,
    SelfCare,
    VisitKind,
)
from households.models import HouseholdFlag, Visit
from monitoring.models import EliminationCase, EntryApplication
from projects.models import AssetDistribution, AssetIncome, Project, ProjectAsset, ProjectBeneficiary, ProjectCategory
from sweeps.rules import AUTOMATED, BY_ID, Scope
from sweeps.services import rule_hits
from tests.factories import (
    HouseholdFactory,
    MemberFactory,
    RiskFlagFactory,
    UserFactory,
    VillageFactory,
    valid_id_number,
)
from tests.worlds.monitoring import TODAY
from tests.worlds.sweeps import BEFORE, DAY, LAST, World, assert_rule, key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world():
    return World()


# ----------------------------------------------------------------------------------------------------------- 漏统


def test_reg_01_below_the_line_and_not_monitored(world):
    below = world.family(per_capita=Decimal("5999.99"))
    at_line = world.family(per_capita=Decimal("6000"))  # SPEC §3.7: 6000 is not below the line
    monitored = world.family(per_capita=Decimal("5000"))
    world.subject(monitored)
    rejected = world.family(per_capita=Decimal("5000"))
    EntryApplication.objects.create(
        household=rejected,
        channel="cadre_screening",
        proposed_category="marginal_at_risk",
        risk_types=["illness"],
        reason="因病",
        reported_by=world.village_worker,
        reported_on=TODAY - 30 * DAY,
        state="rejected",
    )
    assert_rule(world, "FC-GAP-MISSED-REG-01", trips=[below], passes=[at_line, monitored, rejected])
    evidence = rule_hits(BY_ID["FC-GAP-MISSED-REG-01"], Scope.of(world.township, on=TODAY))[key(below)].evidence
    assert evidence == {"net_income": "23999.96", "size": 4, "per_capita": "5999.99"}


def test_reg_02_serious_illness_under_one_and_a_half_lines(world):
    ill = world.family(per_capita=Decimal("8999"))  # under 1.5 × 6000 = 9000
    ill.members.filter(pk=ill.head_id).update(health_status=HealthStatus.SERIOUS_ILLNESS)
    ill_but_well_off = world.family(per_capita=Decimal("9000"))
    ill_but_well_off.members.filter(pk=ill_but_well_off.head_id).update(health_status=HealthStatus.SERIOUS_ILLNESS)
    chronic_with_costs = world.family(per_capita=Decimal("12000"), size=2)
    chronic_with_costs.members.update(health_status=HealthStatus.CHRONIC_DISEASE)
    world.bill(chronic_with_costs, RigidExpenseKind.MEDICAL_OUT_OF_POCKET, Decimal("30000"))  # > 24,000 net
    assert_rule(world, "FC-GAP-MISSED-REG-02", trips=[ill, chronic_with_costs], passes=[ill_but_well_off])


def test_reg_03_severe_disability(world):
    severe = world.family(per_capita=Decimal("8000"))
    MemberFactory(household=severe, disability_category="physical", disability_grade=2)
    mild = world.family(per_capita=Decimal("8000"))
    MemberFactory(household=mild, disability_category="physical", disability_grade=3)
    multi = world.family(per_capita=Decimal("8000"))
    world.flag(multi, HouseholdFlagKind.MULTI_DISABLED)
    assert_rule(world, "FC-GAP-MISSED-REG-03", trips=[severe, multi], passes=[mild])


def test_reg_04_disabled_elderly(world):
    cared = world.family(per_capita=Decimal("7000"))
    MemberFactory(household=cared, self_care=SelfCare.DISABLED, birth_date=datetime.date(1940, 1, 1))
    independent = world.family(per_capita=Decimal("7000"))
    MemberFactory(household=independent, self_care=SelfCare.INDEPENDENT, birth_date=datetime.date(1940, 1, 1))
    assert_rule(world, "FC-GAP-MISSED-REG-04", trips=[cared], passes=[independent])


def test_reg_05_migrants_with_a_failed_guarantee(world):
    poor_migrant = world.family(per_capita=Decimal("8000"))
    world.flag(poor_migrant, HouseholdFlagKind.POLICY_MIGRANT)
    failing = world.family(per_capita=Decimal("20000"))
    world.flag(failing, HouseholdFlagKind.SELF_MIGRANT)
    world.check(failing, on=TODAY - 90 * DAY)
    world.check(failing, water_ok=False)  # the latest check counts
    recovered = world.family(per_capita=Decimal("20000"))
    world.flag(recovered, HouseholdFlagKind.SELF_MIGRANT)
    world.check(recovered, on=TODAY - 90 * DAY, water_ok=False)
    world.check(recovered)
    assert_rule(world, "FC-GAP-MISSED-REG-05", trips=[poor_migrant, failing], passes=[recovered])


def test_reg_06_rigid_spending_or_a_sharp_drop(world):
    spending = world.family(per_capita=Decimal("10000"))
    world.bill(spending, RigidExpenseKind.ACCIDENT, Decimal("40001"))  # net last year 40,000
    dropped = world.family(per_capita=Decimal("7000"), before=Decimal("10000"))  # −30 %
    steady = world.family(per_capita=Decimal("7000.01"), before=Decimal("10000"))
    assert_rule(world, "FC-GAP-MISSED-REG-06", trips=[spending, dropped], passes=[steady])


def test_reg_08_new_allowance_not_screened(world):
    new = world.family(per_capita=Decimal("9000"))
    world.flag(new, HouseholdFlagKind.SUBSISTENCE_ALLOWANCE, since=datetime.date(TODAY.year, 3, 1))
    screened = world.family(per_capita=Decimal("9000"))
    world.flag(screened, HouseholdFlagKind.SUBSISTENCE_ALLOWANCE, since=datetime.date(TODAY.year, 3, 1))
    Visit.objects.create(
        household=screened, visited_on=TODAY - DAY, kind=VisitKind.VERIFICATION, recorded_by=world.village_worker
    )
    old = world.family(per_capita=Decimal("9000"))
    world.flag(old, HouseholdFlagKind.SUBSISTENCE_ALLOWANCE, since=datetime.date(TODAY.year - 1, 3, 1))
    dispersed = world.family(per_capita=Decimal("9000"), destitute_mode=DestituteMode.DISPERSED)
    world.flag(dispersed, HouseholdFlagKind.DESTITUTE_SUPPORT, since=datetime.date(TODAY.year, 5, 1))
    centralized = world.family(per_capita=Decimal("9000"), destitute_mode=DestituteMode.CENTRALIZED)
    world.flag(centralized, HouseholdFlagKind.DESTITUTE_SUPPORT, since=datetime.date(TODAY.year, 5, 1))
    assert_rule(world, "FC-GAP-MISSED-REG-08", trips=[new, dispersed], passes=[screened, old, centralized])


def test_reg_09_two_special_identities(world):
    two = world.family(per_capita=Decimal("9000"))
    world.flag(two, HouseholdFlagKind.EXITED_POOR)
    world.flag(two, HouseholdFlagKind.DISABLED_HOUSEHOLD)
    one = world.family(per_capita=Decimal("9000"))
    world.flag(one, HouseholdFlagKind.EXITED_POOR)
    assert_rule(world, "FC-GAP-MISSED-REG-09", trips=[two], passes=[one])


def test_reg_10_two_college_students(world):
    students = world.family(per_capita=Decimal("9000"))
    for status in (SchoolingStatus.HIGHER_VOCATIONAL, SchoolingStatus.UNDERGRADUATE_PLUS):
        MemberFactory(household=students, schooling_status=status, birth_date=datetime.date(2005, 1, 1))
    one_student = world.family(per_capita=Decimal("9000"))
    MemberFactory(household=one_student, schooling_status=SchoolingStatus.UNDERGRADUATE_PLUS)
    assert_rule(world, "FC-GAP-MISSED-REG-10", trips=[students], passes=[one_student])


def test_reg_11_self_declaration_without_a_decision(world):
    def declared(days_ago):
        household = world.family(per_capita=Decimal("5000"))
        EntryApplication.objects.create(
            household=household,
            channel="self_declaration",
            proposed_category="marginal_at_risk",
            risk_types=["illness"],
            reason="申请",
            reported_by=world.village_worker,
            reported_on=TODAY - days_ago * DAY,
        )
        return household

    assert_rule(world, "FC-GAP-MISSED-REG-11", trips=[declared(16)], passes=[declared(15)])


# ----------------------------------------------------------------------------------------------------------- 漏项


def test_item_01_compulsory_school_age_out_of_school(world):
    household = world.family()
    dropped = MemberFactory(
        household=household, birth_date=datetime.date(2014, 1, 1), schooling_status=SchoolingStatus.DROPOUT
    )
    at_home = MemberFactory(
        household=household, birth_date=datetime.date(2014, 1, 1), schooling_status=SchoolingStatus.HOME_TEACHING
    )
    sixteen = MemberFactory(
        household=household, birth_date=datetime.date(2010, 11, 23), schooling_status=SchoolingStatus.LEFT_SCHOOL
    )
    assert_rule(world, "FC-GAP-MISSED-ITEM-01", trips=[dropped], passes=[at_home, sixteen])


def test_item_02_low_income_member_without_medical_insurance(world):
    exited = world.family()
    world.flag(exited, HouseholdFlagKind.EXITED_POOR)
    uninsured = MemberFactory(household=exited, medical_insurance_enrolled=False)
    ordinary = world.family()
    other = MemberFactory(household=ordinary, medical_insurance_enrolled=False)
    assert_rule(world, "FC-GAP-MISSED-ITEM-02", trips=[uninsured], passes=[other])


def test_item_03_three_tier_medical_cover(world):
    allowance = world.family()
    world.flag(allowance, HouseholdFlagKind.SUBSISTENCE_ALLOWANCE)
    missing = MemberFactory(household=allowance, medical_assistance_eligible=False)
    covered = MemberFactory(household=allowance, medical_assistance_eligible=True, critical_illness_insurance=True)
    assert_rule(world, "FC-GAP-MISSED-ITEM-03", trips=[missing], passes=[covered])


def test_item_04_unsafe_house_without_a_housing_measure(world):
    unsafe = world.family(housing_safety=HousingSafety.UNSAFE_C)
    renovating = world.family(housing_safety=HousingSafety.UNSAFE_D)
    world.measure(world.subject(renovating), "housing", "dangerous_house_renovation")
    safe = world.family(housing_safety=HousingSafety.SAFE)
    assert_rule(world, "FC-GAP-MISSED-ITEM-04", trips=[unsafe], passes=[renovating, safe])


def test_item_05_unsafe_water_without_a_water_measure(world):
    unsafe = world.family()
    world.check(unsafe, water_ok=False)
    fixed = world.family()
    world.check(fixed, on=TODAY - 30 * DAY, water_ok=False)
    world.check(fixed)
    assert_rule(world, "FC-GAP-MISSED-ITEM-05", trips=[unsafe], passes=[fixed])


def test_item_06_guarantee_not_checked_for_a_year(world):
    stale = world.family()
    world.flag(stale, HouseholdFlagKind.EXITED_POOR)
    world.check(stale, on=TODAY - 366 * DAY)
    recent = world.family()
    world.flag(recent, HouseholdFlagKind.EXITED_POOR)
    world.check(recent, on=TODAY - 365 * DAY)
    ordinary = world.family()
    assert_rule(world, "FC-GAP-MISSED-ITEM-06", trips=[stale], passes=[recent, ordinary])


# ----------------------------------------------------------------------------------------------------------- 漏扶


def test_aid_01_no_measure_after_fifteen_days(world):
    late = world.subject(world.family(), entered_on=TODAY - 16 * DAY)
    fresh = world.subject(world.family(), entered_on=TODAY - 15 * DAY)
    helped = world.subject(world.family(), entered_on=TODAY - 60 * DAY)
    world.measure(helped)
    assert_rule(world, "FC-GAP-MISSED-AID-01", trips=[late], passes=[fresh, helped])


def test_aid_02_ready_for_elimination_without_a_case(world):
    ready = world.subject(world.family(per_capita=Decimal("6600")))  # the exit line 6000 × 1.10
    world.measure(ready)
    below = world.subject(world.family(per_capita=Decimal("6599.99")))
    world.measure(below)
    on_its_way = world.subject(world.family(per_capita=Decimal("7000")))
    world.measure(on_its_way)
    EliminationCase.objects.create(
        subject=on_its_way, proposal="收入稳定", opened_by=world.village_worker, opened_on=TODAY
    )
    recent = world.subject(world.family(per_capita=Decimal("7000")), entered_on=TODAY - 30 * DAY)
    world.measure(recent)
    assert_rule(world, "FC-GAP-MISSED-AID-02", trips=[ready], passes=[below, on_its_way, recent])


def _project(world, name, *, category="0101", status="in_progress"):
    return Project.objects.create(
        code=f"XM-{name}", name=name, year=2026, category=ProjectCategory.objects.get(code=category),
        area=world.village, implementing_unit="镇政府", content="建设", planned_start=datetime.date(2026, 3, 1),
        planned_end=datetime.date(2026, 10, 1), created_by=world.county_reviewer, status=status,
    )  # fmt: skip


def _fund(world, project, source="central_linkage"):
    batch, _ = FundBatch.objects.get_or_create(
        county=world.county, document_no=f"文-{source}", source=source,
        defaults={"year": 2026, "level": "central", "category": "consolidation_revitalization",
                  "amount": Decimal("1000000"), "issued_on": datetime.date(2026, 1, 5),
                  "created_by": world.county_reviewer},
    )  # fmt: skip
    FundAllocation.objects.create(
        batch=batch, project=project, use="industry_development", amount=Decimal("1000.00"),
        allocated_on=datetime.date(2026, 2, 1), created_by=world.county_reviewer,
    )  # fmt: skip


def test_aid_03_industry_project_with_linkage_funds_and_no_exited_beneficiary(world):
    unlinked = _project(world, "无联结")
    _fund(world, unlinked)
    ProjectBeneficiary.objects.create(project=unlinked, household=world.family(), linkage_mode="employment")
    linked = _project(world, "有联结")
    _fund(world, linked)
    exited = world.family()
    HouseholdFlag.objects.create(
        household=exited, kind=HouseholdFlagKind.EXITED_POOR, valid_from=datetime.date(2019, 12, 31)
    )
    ProjectBeneficiary.objects.create(project=linked, household=exited, linkage_mode="shares")
    social = _project(world, "社会资金")
    _fund(world, social, source="social")
    road = _project(world, "道路", category="0301")
    _fund(world, road)
    unfunded = _project(world, "未安排资金")
    assert_rule(world, "FC-GAP-MISSED-AID-03", trips=[unlinked], passes=[linked, social, road, unfunded])


def _asset(world, name, *, transferred_on=TODAY - 400 * DAY, status="in_use", nature="operating"):
    return ProjectAsset.objects.create(
        project=_project(world, f"项目{name}", status="assets_transferred"), code=f"ZC-{name}", name=name,
        asset_class="industry", nature=nature, area=world.village, owner_kind="village_collective",
        owner_name="村集体", operating_mode="lease", custodian="村委会", value=Decimal("1000"),
        transferred_on=transferred_on, status=status,
    )  # fmt: skip


def test_aid_06_idle_assets_and_undistributed_income(world):
    silent = _asset(world, "一年无收益")
    earning = _asset(world, "有收益")
    income = AssetIncome.objects.create(
        asset=earning, period="2026", amount=Decimal("100"), received_on=TODAY - 364 * DAY
    )
    AssetDistribution.objects.create(income=income, use="operation_maintenance", amount=Decimal("100"), paid_on=TODAY)
    idle = _asset(world, "闲置", transferred_on=TODAY - 30 * DAY, status="idle")
    new = _asset(world, "新移交", transferred_on=TODAY - 30 * DAY)
    road = _asset(world, "道路", nature="public_welfare")
    hoarded = _asset(world, "收益未分配")
    income = AssetIncome.objects.create(
        asset=hoarded, period="2025", amount=Decimal("100"), received_on=TODAY - 181 * DAY
    )
    AssetDistribution.objects.create(income=income, use="consolidation", amount=Decimal("99.99"), paid_on=TODAY)
    shared = _asset(world, "已分配")
    income = AssetIncome.objects.create(
        asset=shared, period="2025", amount=Decimal("100"), received_on=TODAY - 181 * DAY
    )
    AssetDistribution.objects.create(income=income, use="consolidation", amount=Decimal("100"), paid_on=TODAY)
    recent = _asset(world, "收益刚到账")
    AssetIncome.objects.create(asset=recent, period="2026", amount=Decimal("100"), received_on=TODAY - 180 * DAY)
    assert_rule(
        world, "FC-GAP-MISSED-AID-06", trips=[silent, idle, hoarded], passes=[earning, new, road, shared, recent]
    )


def test_aid_08_subject_without_a_paired_cadre(world):
    alone = world.subject(world.family())
    paired = world.subject(world.family())
    cadre = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=world.county)
    household_grant_to_cadre(household=paired.household, cadre=cadre)
    assert_rule(world, "FC-GAP-MISSED-AID-08", trips=[alone], passes=[paired])


def test_aid_09_able_to_work_with_only_safety_net_measures(world):
    dependent = world.subject(world.family())
    world.measure(dependent, "social_security", "subsistence_allowance")
    mixed = world.subject(world.family())
    world.measure(mixed, "social_security", "subsistence_allowance")
    world.measure(mixed, "employment", "local_employment")
    unable = world.subject(world.family(size=1))
    unable.household.members.update(labour_capacity=LabourCapacity.NONE_AGE)
    world.measure(unable, "social_security", "subsistence_allowance")
    assert_rule(world, "FC-GAP-MISSED-AID-09", trips=[dependent], passes=[mixed, unable])


def test_aid_10_measures_ended_while_still_monitored(world):
    ended = world.subject(world.family())
    world.measure(ended, status="delivered")
    world.measure(ended, "employment", "local_employment", status="stopped")
    running = world.subject(world.family())
    world.measure(running, status="delivered")
    world.measure(running, "employment", "local_employment", status="in_progress")
    none_yet = world.subject(world.family())  # that is FC-GAP-MISSED-AID-01's case
    assert_rule(world, "FC-GAP-MISSED-AID-10", trips=[ended], passes=[running, none_yet])


# ----------------------------------------------------------------------------------------------------------- 漏管


def test_mgmt_01_self_migrant_without_dual_management(world):
    other_village = VillageFactory(parent=world.township, code="640324100299")
    unmanaged = world.family(hukou_area=other_village)
    world.flag(unmanaged, HouseholdFlagKind.EXITED_POOR)
    managed = world.family(hukou_area=other_village, co_managing_area=other_village)
    world.flag(managed, HouseholdFlagKind.EXITED_POOR)
    assert_rule(world, "FC-GAP-MISSED-MGMT-01", trips=[unmanaged], passes=[managed])


def test_mgmt_02_living_away_without_records_this_year(world):
    elsewhere = VillageFactory(
        code="640423100201",
        parent__code="640423100000",
        parent__parent__code="640423000000",
        parent__parent__parent=world.county.parent,
    )
    away = HouseholdFactory(managing_area=world.village, hukou_area=elsewhere)
    world.flag(away, HouseholdFlagKind.EXITED_POOR)
    recorded = HouseholdFactory(managing_area=world.village, hukou_area=elsewhere)
    world.flag(recorded, HouseholdFlagKind.EXITED_POOR)
    world.check(recorded)
    assert_rule(world, "FC-GAP-MISSED-MGMT-02", trips=[away], passes=[recorded])


def test_mgmt_04_subject_not_visited_for_thirty_days(world):
    forgotten = world.subject(world.family())
    Visit.objects.create(household=forgotten.household, visited_on=TODAY - 31 * DAY, recorded_by=world.village_worker)
    followed = world.subject(world.family())
    Visit.objects.create(household=followed.household, visited_on=TODAY - 30 * DAY, recorded_by=world.village_worker)
    assert_rule(world, "FC-GAP-MISSED-MGMT-04", trips=[forgotten], passes=[followed])


# ------------------------------------------------------------------------------------------------------- 查损补失


def test_loss_disaster_02(world):
    flooded = world.family(per_capita=Decimal("20000"))
    world.bill(flooded, RigidExpenseKind.DISASTER_LOSS, Decimal("5000"))
    damaged = world.family(per_capita=Decimal("20000"), housing_safety=HousingSafety.DISASTER_DAMAGED)
    long_ago = world.family(per_capita=Decimal("20000"))
    world.bill(long_ago, RigidExpenseKind.DISASTER_LOSS, Decimal("5000"), on=TODAY - 400 * DAY)
    assert_rule(world, "FC-LOSS-DISASTER-02", trips=[flooded, damaged], passes=[long_ago])


def test_loss_epidemic_01(world):
    hit = world.family(per_capita=Decimal("7000"), before=Decimal("10000"))
    world.bill(hit, RigidExpenseKind.EPIDEMIC, Decimal("1000"))
    steady = world.family(per_capita=Decimal("10000"), before=Decimal("10000"))
    world.bill(steady, RigidExpenseKind.EPIDEMIC, Decimal("1000"))
    assert_rule(world, "FC-LOSS-EPIDEMIC-01", trips=[hit], passes=[steady])


def test_loss_emergency_01(world):
    accident = world.family(per_capita=Decimal("10000"))
    world.bill(accident, RigidExpenseKind.ACCIDENT, Decimal("50000"), reimbursed=Decimal("9999"))  # 40,001 net
    covered = world.family(per_capita=Decimal("10000"))
    world.bill(covered, RigidExpenseKind.MAJOR_CHANGE, Decimal("50000"), reimbursed=Decimal("10000"))  # 40,000
    assert_rule(world, "FC-LOSS-EMERGENCY-01", trips=[accident], passes=[covered])


def _business(world, village, last, before):
    household = HouseholdFactory(managing_area=village)
    world.income(household, LAST, business_income=last)
    world.income(household, BEFORE, business_income=before)


def test_loss_market_01_a_fifth_of_business_households_fell(world):
    swinging = world.village
    for _ in range(4):
        _business(world, swinging, 10000, 10000)
    _business(world, swinging, 7000, 10000)  # 1 of 5 = 20 %
    calm = VillageFactory(parent=world.township, code="640324100298")
    for _ in range(5):
        _business(world, calm, 10000, 10000)
    _business(world, calm, 7000, 10000)  # 1 of 6
    assert_rule(world, "FC-LOSS-MARKET-01", trips=[swinging], passes=[calm])


def test_loss_scale_01_many_new_risks_in_a_quarter(world):
    alarmed = world.village
    for index in range(19):
        household = HouseholdFactory(managing_area=alarmed)
        if index == 0:
            RiskFlagFactory(household=household, found_on=TODAY - 10 * DAY)
    # the 20th household has been at risk for 200 days: a second risk found this quarter does not make it new
    old = RiskFlagFactory(household=HouseholdFactory(managing_area=alarmed), found_on=TODAY - 200 * DAY)
    RiskFlagFactory(household=old.household, risk_type="disaster", found_on=TODAY - 5 * DAY)
    quiet = VillageFactory(parent=world.township, code="640324100297")
    for index in range(21):
        household = HouseholdFactory(managing_area=quiet)
        if index == 0:
            RiskFlagFactory(household=household, found_on=TODAY - 10 * DAY)
    assert_rule(world, "FC-LOSS-SCALE-01", trips=[alarmed], passes=[quiet])  # 1/20 = 5 %; 1/21 is less


# ------------------------------------------------------------------------------------------------------- 查弱补强


def test_weak_income_01_exited_household_earning_less(world):
    falling = world.family(per_capita=Decimal("7000"), before=Decimal("10000"))
    world.flag(falling, HouseholdFlagKind.EXITED_POOR)
    ordinary = world.family(per_capita=Decimal("7000"), before=Decimal("10000"))
    assert_rule(world, "FC-WEAK-INCOME-01", trips=[falling], passes=[ordinary])


def test_weak_income_02_vulnerable_share_of_exited_people(world):
    weak = world.village
    household = HouseholdFactory(managing_area=weak, with_head=False)
    world.flag(household, HouseholdFlagKind.EXITED_POOR)
    MemberFactory(household=household, birth_date=datetime.date(1950, 1, 1))
    for _ in range(2):
        MemberFactory(household=household)  # 1 of 3 is old: 33 %
    strong = VillageFactory(parent=world.township, code="640324100296")
    other = HouseholdFactory(managing_area=strong, with_head=False)
    world.flag(other, HouseholdFlagKind.EXITED_POOR)
    MemberFactory(household=other, birth_date=datetime.date(1950, 1, 1))
    for _ in range(3):
        MemberFactory(household=other)  # 1 of 4: 25 %
    assert_rule(world, "FC-WEAK-INCOME-02", trips=[weak], passes=[strong])


def test_weak_income_03_policy_income_half_of_the_total(world):
    dependent = HouseholdFactory(managing_area=world.village)
    world.income(dependent, LAST, wage_income=5000, transfer_income=5000, policy_transfer_income=5000)
    independent = HouseholdFactory(managing_area=world.village)
    world.income(independent, LAST, wage_income=5001, transfer_income=4999, policy_transfer_income=4999)
    assert_rule(world, "FC-WEAK-INCOME-03", trips=[dependent], passes=[independent])


def test_weak_reloc_01_relocated_without_stable_work(world):
    idle = world.family()
    world.flag(idle, HouseholdFlagKind.RELOCATED)
    working = world.family()
    world.flag(working, HouseholdFlagKind.RELOCATED)
    MemberFactory(household=working, employment_status=EmploymentStatus.EMPLOYED, employment_months_this_year=8)
    assert_rule(world, "FC-WEAK-RELOC-01", trips=[idle], passes=[working])


def test_weak_reloc_02_legacy_of_relocation(world):
    unsettled = world.family(migrant_type=MigrantType.POLICY_MIGRANT, land_rights_confirmed=True)
    settled = world.family(migrant_type=MigrantType.POLICY_MIGRANT, land_rights_confirmed=True, hukou_moved=True)
    stayed = world.family()
    assert_rule(world, "FC-WEAK-RELOC-02", trips=[unsettled], passes=[settled, stayed])


# ------------------------------------------------------------------------------------------------------ 疑点数据


def test_dq_01_a_present_member_recorded_as_deceased_elsewhere(world):
    number = valid_id_number()
    MemberFactory(household=world.family(), id_number=number, member_status="deceased")
    alive_again = MemberFactory(household=world.family(), id_number=number)
    unique = MemberFactory(household=world.family())
    assert_rule(world, "DQ-01", trips=[alive_again], passes=[unique])


def test_dq_02_schooling_that_does_not_fit_the_age(world):
    household = world.family()
    adult_pupil = MemberFactory(
        household=household, birth_date=datetime.date(1990, 1, 1), schooling_status=SchoolingStatus.PRIMARY
    )
    child_student = MemberFactory(
        household=household, birth_date=datetime.date(2016, 1, 1), schooling_status=SchoolingStatus.UNDERGRADUATE_PLUS
    )
    pupil = MemberFactory(
        household=household, birth_date=datetime.date(2016, 1, 1), schooling_status=SchoolingStatus.PRIMARY
    )
    assert_rule(world, "DQ-02", trips=[adult_pupil, child_student], passes=[pupil])


def test_dq_03_subject_without_housing_or_water_status(world):
    unknown = world.subject(world.family(water_supply_type=""))
    known = world.subject(world.family(water_supply_type="centralized", housing_safety=HousingSafety.SAFE))
    assert_rule(world, "DQ-03", trips=[unknown], passes=[known])


def test_dq_04_employment_measure_without_anyone_working(world):
    idle = world.subject(world.family())
    world.measure(idle, "employment", "local_employment")
    working = world.subject(world.family())
    MemberFactory(household=working.household, employment_status=EmploymentStatus.EMPLOYED)
    world.measure(working, "employment", "local_employment")
    assert_rule(world, "DQ-04", trips=[idle], passes=[working])


def test_dq_05_phone_not_eleven_digits(world):
    assert_rule(
        world,
        "DQ-05",
        trips=[world.family(phone="0953123456"), world.family(phone="1391234567")],
        passes=[world.family(phone="13912345678"), world.family(phone="")],
    )


def test_dq_06_household_without_exactly_one_head(world):
    headless = HouseholdFactory(managing_area=world.village, with_head=False)
    MemberFactory(household=headless)
    two_heads = world.family()
    MemberFactory(household=two_heads, relationship=Relationship.HEAD)
    one = world.family()
    assert_rule(world, "DQ-06", trips=[headless, two_heads], passes=[one])


def test_dq_07_id_number_disagrees_with_birth_date_or_sex(world):
    household = world.family()
    born = datetime.date(1980, 5, 17)
    wrong_date = MemberFactory(
        household=household, birth_date=born, id_number=valid_id_number(datetime.date(1981, 5, 17))
    )
    wrong_sex = MemberFactory(household=household, gender=Gender.FEMALE, id_number=valid_id_number(born, male=True))
    right = MemberFactory(household=household, gender=Gender.FEMALE, id_number=valid_id_number(born, male=False))
    assert_rule(world, "DQ-07", trips=[wrong_date, wrong_sex], passes=[right])


# --------------------------------------------------------------------------------------------- the catalogue


def test_every_automated_rule_has_its_test_here():
    """Here, or beside the feature it needs (the repeated-warning rule is with the screening tests)."""
    folder = Path(inspect.getfile(test_every_automated_rule_has_its_test_here)).parent
    # The support programmes test their own rules beside them (tests/<programme>/test_sweep_rules.py).
    source = "".join(path.read_text() for path in [*folder.glob("test_*.py"), *folder.parent.glob("*/test_sweep_*.py")])
    untested = [rule.id for rule in AUTOMATED if f'"{rule.id}"' not in source]
    assert untested == []


def test_every_rule_cites_the_spec_and_names_its_category():
    for rule in BY_ID.values():
        assert rule.basis.startswith(("SPEC §", "疑点数据")), rule.id
        assert rule.title, rule.id
        assert rule.find is None or rule.find.__doc__, f"{rule.id}: a rule's query says what it finds"
