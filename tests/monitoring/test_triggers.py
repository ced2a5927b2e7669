"""Trigger conditions (界定条件, SPEC §4.2) and the rigid test NR-INC-06 (§3.3, §3.6), with the worked examples
of SPEC §3.7: suggested from the registry, cited by the reporter, confirmed at home verification, required by
county approval."""

import datetime
from decimal import Decimal

import pytest

from core.errors import DomainError
from geo.models import PolicyParameter
from households import rules as household_rules
from households.choices import (
    HealthStatus,
    HouseholdFlagKind,
    LabourCapacity,
    RigidExpenseKind,
    SchoolingStatus,
)
from households.models import HouseholdFlag, IncomeRecord, RigidExpense
from households.selectors import household_hardship
from monitoring.choices import SubjectCategory
from monitoring.selectors.eligibility import entry_checks, trigger_choices
from monitoring.services import entry_approve, entry_report
from tests.factories import HouseholdFactory, MemberFactory
from tests.worlds.monitoring import TODAY, County, walk_to_county

pytestmark = pytest.mark.django_db
JUNE_2021 = datetime.date(2021, 6, 15)  # SPEC §3.5: window 2020-06 … 2021-05


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def county():
    return County()


def _example_one(county):
    """SPEC §3.7 example 1: 4 members, 脱贫户, the head hospitalised with a confirmed serious illness; 2020 net
    21,400 (12,000 + 8,000 − 2,500 + 300 + 3,600); self-paid medical costs 24,000 in the window."""
    household = HouseholdFactory(managing_area=county.village, with_head=False)
    MemberFactory(
        household=household, health_status=HealthStatus.SERIOUS_ILLNESS, illness_confirmed_by_institution=True
    )
    for _ in range(3):
        MemberFactory(household=household)
    for year in (2020, 2021):
        IncomeRecord.objects.create(
            household=household,
            year=year,
            wage_income=12000,
            business_income=8000,
            business_expense=2500,
            property_income=300,
            transfer_income=3600,
        )
    RigidExpense.objects.create(
        household=household,
        incurred_on=datetime.date(2021, 3, 2),
        kind=RigidExpenseKind.MEDICAL_OUT_OF_POCKET,
        gross_amount=Decimal("40000"),
        reimbursed_amount=Decimal("16000"),
    )
    HouseholdFlag.objects.create(
        household=household, kind=HouseholdFlagKind.EXITED_POOR, valid_from=datetime.date(2019, 12, 31)
    )
    return household


# ------------------------------------------------------------------------------------------------ SPEC §3.3 rules


@pytest.mark.parametrize(
    ("rigid", "last_year", "expected"),
    [(Decimal("24000"), Decimal("21400"), True), (Decimal("21400"), Decimal("21400"), False), (Decimal(1), None, None)],
)
def test_rigid_spending_must_exceed_last_years_income(rigid, last_year, expected):
    assert household_rules.rigid_exceeds_income(rigid, last_year) is expected


@pytest.mark.parametrize(
    ("current", "expected"), [(Decimal("7000"), True), (Decimal("7000.01"), False), (Decimal("0"), True)]
)
def test_a_sharp_drop_is_thirty_percent_or_more(current, expected):
    """``income.sharp_drop_pct`` = 30 (design): 10,000 → 7,000 is a sharp drop; 7,000.01 is not."""
    assert household_rules.sharp_income_drop(current, Decimal("10000"), Decimal("30")) is expected


def test_large_medical_costs_are_half_of_last_years_income():
    assert household_rules.large_medical_oop(Decimal("10700"), Decimal("21400"), Decimal("0.5"))
    assert not household_rules.large_medical_oop(Decimal("10699.99"), Decimal("21400"), Decimal("0.5"))


@pytest.mark.parametrize(
    ("rigid", "drop", "both", "expected"),
    [
        (True, False, False, True),  # Ningxia: either
        (False, None, False, None),
        (False, False, False, False),
        (True, False, True, False),  # Longde: both (SPEC §15 C-08)
        (True, True, True, True),
        (True, None, True, None),
    ],
)
def test_the_rigid_test_is_or_in_ningxia_and_and_in_longde(rigid, drop, both, expected):
    assert household_rules.rigid_test(rigid, drop, require_both=both) is expected


def test_worked_example_one_hardship(county):
    hardship = household_hardship(_example_one(county), on=JUNE_2021)

    assert hardship.window.label == "2020-06 … 2021-05"
    assert hardship.last_year_net == Decimal("21400.00")
    assert hardship.rigid_total == Decimal("24000.00")
    assert hardship.rigid_exceeds_income is True
    assert hardship.large_medical_oop is True
    assert hardship.sharp_income_drop is None  # the twelve months before the window (2019-06 …) are not recorded


# --------------------------------------------------------------------------------------------- suggested triggers


def _suggested(household, on=JUNE_2021):
    return {code for code, _label, _category, suggested in trigger_choices(household, on=on) if suggested}


def test_worked_example_one_suggests_ue_1_and_passes_the_rigid_test(county):
    household = _example_one(county)

    assert "UE-1" in _suggested(household)
    found = entry_checks(household, SubjectCategory.UNSTABLE_EXITED, on=JUNE_2021, triggers=["UE-1"])
    assert [c.ok for c in found.checks if c.label in ("界定条件", "刚性支出超过上年度收入或收入大幅缩减")] == [
        True,
        True,
    ]
    assert found.summary.per_capita == Decimal("5350.00")
    assert found.failures == []


def test_worked_example_five_a_fire_suggests_sh_1(county):
    """SPEC §3.7 example 5: 3 members, net 36,000 (12,000 each); a fire: loss and rebuilding 50,000."""
    household = HouseholdFactory(managing_area=county.village, with_head=False)
    for _ in range(3):
        MemberFactory(household=household)
    for year in (2020, 2021):
        IncomeRecord.objects.create(household=household, year=year, wage_income=36000)
    RigidExpense.objects.create(
        household=household,
        incurred_on=datetime.date(2021, 4, 9),
        kind=RigidExpenseKind.DISASTER_LOSS,
        gross_amount=Decimal("50000"),
    )

    suggested = _suggested(household)

    assert {"SH-1", "UE-2", "MA-3"} <= suggested
    found = entry_checks(household, SubjectCategory.SUDDEN_HARDSHIP, on=JUNE_2021, triggers=["SH-1"])
    assert found.failures == []  # 12,000 is above the line, allowed for sudden hardship


def test_two_college_students_a_disabled_main_labourer_and_a_business_loss(county):
    household = HouseholdFactory(managing_area=county.village, with_head=False)
    MemberFactory(household=household, schooling_status=SchoolingStatus.UNDERGRADUATE_PLUS)
    MemberFactory(household=household, schooling_status=SchoolingStatus.HIGHER_VOCATIONAL)
    MemberFactory(
        household=household,
        is_main_labourer=True,
        labour_capacity=LabourCapacity.WEAK_OR_PARTIAL,
        disability_category="physical",
        disability_grade=3,
    )
    IncomeRecord.objects.create(household=household, year=2019, business_income=20000)
    IncomeRecord.objects.create(household=household, year=2020, business_income=14000)  # −30 %

    suggested = _suggested(household, on=datetime.date(2021, 1, 10))

    assert {"MA-2", "MA-4", "UE-4", "UE-5"} <= suggested
    assert not {"UE-1", "MA-1"} & suggested


def test_a_healthy_household_with_steady_income_has_no_suggestion(county):
    household = HouseholdFactory(managing_area=county.village)
    for year in (2020, 2021):
        IncomeRecord.objects.create(household=household, year=year, wage_income=30000)

    assert _suggested(household) == set()


# ------------------------------------------------------------------------------------- cited, confirmed, approved


def report_entry(county, household, category, triggers):
    return entry_report(
        actor=county.village_worker,
        household=household,
        channel="cadre_screening",
        proposed_category=category,
        risk_types=["illness"],
        triggers=triggers,
        reason="因病",
    )


def test_a_report_must_cite_a_trigger_of_its_category(county):
    household = county.household(per_capita=Decimal("5000"))

    with pytest.raises(DomainError, match="请至少选择一项“边缘易致贫户”的界定条件") as nothing:
        report_entry(county, household, SubjectCategory.MARGINAL_AT_RISK, [])
    with pytest.raises(DomainError, match="不适用于“边缘易致贫户”") as wrong:
        report_entry(county, household, SubjectCategory.MARGINAL_AT_RISK, ["UE-1"])

    assert nothing.value.field == wrong.value.field == "triggers"
    assert not household.entry_applications.exists()


def test_the_longde_profile_has_its_own_triggers(county):
    PolicyParameter.objects.create(
        key="monitoring.trigger_profile", area_code=county.county.code, value="longde", valid_from=TODAY
    )
    household = county.household(per_capita=Decimal("5000"))

    with pytest.raises(DomainError, match="longde"):
        report_entry(county, household, SubjectCategory.MARGINAL_AT_RISK, ["MA-1"])
    application = report_entry(county, household, SubjectCategory.MARGINAL_AT_RISK, ["MA-L1", "MA-L5"])

    assert application.triggers == ["MA-L1", "MA-L5"]


def test_a_county_changing_the_category_must_cite_its_triggers(county):
    application = walk_to_county(county, county.household(per_capita=Decimal("5000")))  # cited MA-1

    with pytest.raises(DomainError, match="须至少引用一项“突发严重困难户”的界定条件") as refused:
        entry_approve(
            application=application,
            actor=county.county_reviewer,
            category=SubjectCategory.SUDDEN_HARDSHIP,
            risk_types=["illness"],
        )
    assert refused.value.field == "triggers"
    entry_approve(
        application=application,
        actor=county.county_reviewer,
        category=SubjectCategory.SUDDEN_HARDSHIP,
        risk_types=["illness"],
        triggers=["SH-1"],
    )

    application.refresh_from_db()
    assert (application.category, application.triggers) == ("sudden_hardship", ["SH-1"])


def test_home_verification_confirms_or_corrects_the_triggers(county):
    from households.choices import VisitKind
    from households.models import Visit
    from monitoring.services import entry_verify

    application = report_entry(county, county.household(per_capita=Decimal("5000")), "marginal_at_risk", ["MA-1"])
    Visit.objects.create(
        household=application.household,
        visited_on=TODAY,
        kind=VisitKind.VERIFICATION,
        recorded_by=county.village_worker,
    )

    entry_verify(
        application=application, actor=county.village_worker, triggers=["MA-1", "MA-3"], trigger_evidence="诊断证明"
    )

    application.refresh_from_db()
    assert (application.triggers, application.trigger_evidence) == (["MA-1", "MA-3"], "诊断证明")


def test_the_report_page_ticks_what_the_data_suggests(client, county):
    household = county.household(per_capita=Decimal("5000"))
    sick = household.members.first()
    sick.health_status = HealthStatus.CHRONIC_DISEASE
    sick.save()
    IncomeRecord.objects.filter(household=household).update(medical_self_pay=Decimal("15000"))
    client.force_login(county.village_worker)

    page = client.get(f"/monitoring/report/{household.pk}/")

    form = page.context["form"]
    assert form.initial["triggers"] == ["MA-1"]
    labels = dict(form.fields["triggers"].choices)
    assert labels["MA-1"].endswith("（数据提示）")
    assert "UE-L1" not in labels  # another profile's triggers are not offered
