"""Every household fact has two faces (``households.facts``): the Python face over one household's rows and the
query face over a set. Each test builds households at a boundary the documents give, refreshes the township's
facts set-based as the sweep does, and checks that both faces say the same, and what they say."""

import datetime
from decimal import Decimal

import pytest

from accounts.grants import household_grant_to_cadre
from accounts.roles import Role
from households.choices import (
    HealthStatus,
    HouseholdFlagKind,
    MemberStatus,
    RigidExpenseKind,
    SchoolingStatus,
)
from households.facts import (
    COLUMNS,
    context_for,
    facts_refresh,
    facts_refresh_area,
    household_facts,
    risk_open_on_q,
    risk_open_since,
)
from households.models import (
    GuaranteeCheck,
    Household,
    HouseholdFacts,
    HouseholdFlag,
    IncomeRecord,
    RigidExpense,
    RiskFlag,
    Visit,
)
from monitoring.models import EntryApplication
from tests.factories import HouseholdFactory, MemberFactory, MonitoringSubjectFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)  # a service that refreshes facts (a pairing) computes them on the day the faces are compared


DAY = datetime.timedelta(days=1)
LAST, BEFORE = 2025, 2024


@pytest.fixture
def village():
    """A Ningxia village: the seeded line of 6000 yuan (2021) is carried forward, the exit line is 6600."""
    return VillageFactory(
        code="640324100201",
        parent__code="640324100000",
        parent__parent__code="640324000000",
        parent__parent__parent__code="640300000000",
        parent__parent__parent__parent__code="640000000000",
    )


@pytest.fixture
def worker(village):
    return UserFactory(roles=[Role.VILLAGE_WORKER], area=village)


def family(village, *, size=4, per_capita=None, year=LAST, **fields):
    household = HouseholdFactory(managing_area=village, **fields)
    for _ in range(size - 1):
        MemberFactory(household=household)
    if per_capita is not None:
        IncomeRecord.objects.create(household=household, year=year, wage_income=Decimal(per_capita) * size)
    return household


def faces(village, on=TODAY):
    """Both faces of every household of the village's township: {household id: (python, stored)}."""
    township = village.parent
    facts_refresh_area(township, on=on)
    stored = {row["household_id"]: row for row in HouseholdFacts.objects.values("household_id", *COLUMNS)}
    ctx = context_for(township.code, on=on)
    out = {}
    households = Household.objects.prefetch_related(
        "members", "incomes", "flags", "rigid_expenses", "guarantee_checks", "visits", "risks"
    ).select_related("managing_area")
    for household in households:
        python = household_facts(household, on=on, ctx=ctx)
        row = stored[household.pk]
        for column in COLUMNS:
            assert python[column] == row[column], (
                f"{column} of household {household.pk}: {python[column]} ≠ {row[column]}"
            )
        out[household.pk] = row
    return out


# ------------------------------------------------------------------------------------------------------- size


def test_size_counts_present_members_who_count(village):
    household = family(village, size=4)
    left, not_counted = household.members.exclude(pk=household.head_id)[:2]
    left.member_status = MemberStatus.DECEASED
    left.save()
    not_counted.counts_in_household = False
    not_counted.save()
    facts = faces(village)[household.pk]
    assert (facts["size"], facts["present"]) == (2, 3)


# ---------------------------------------------------------------------------------------------- income, line


@pytest.mark.parametrize(
    ("per_capita", "position", "exit_met"),
    [
        ("5999.99", "below", False),
        ("6000", "near", False),  # SPEC §3.7 example 4: exactly the line is not below it
        ("6599.99", "near", False),
        ("6600", "safe", True),  # NR-INC-04: 6000 × 1.10, inclusive by default
    ],
)
def test_the_line_and_the_exit_line(village, per_capita, position, exit_met):
    household = family(village, per_capita=per_capita)
    facts = faces(village)[household.pk]
    assert facts["per_capita"] == Decimal(per_capita)
    assert (facts["line_position"], facts["exit_income_met"], facts["line"]) == (position, exit_met, Decimal("6000"))


def test_the_exit_line_is_exclusive_when_the_setting_says_so(village):
    from geo.models import PolicyParameter

    PolicyParameter.objects.create(
        key="exit.margin_inclusive", area_code="640324000000", value=False, valid_from=datetime.date(2020, 1, 1)
    )
    at_line = family(village, per_capita="6600")
    above = family(village, per_capita="6600.01")
    facts = faces(village)
    assert facts[at_line.pk]["exit_income_met"] is False
    assert facts[above.pk]["exit_income_met"] is True


def test_no_income_recorded_is_unknown_not_below(village):
    household = family(village)
    facts = faces(village)[household.pk]
    assert (facts["per_capita"], facts["line_position"], facts["exit_income_met"]) == (None, "unknown", None)


def test_the_rolling_window_mixes_months_and_prorated_years(village):
    """SPEC §3.5: a decision in November 2026 reads November 2025 … October 2026; the yearly 2025 record counts
    for the window's months of 2025 that no monthly record covers, at a twelfth each."""
    household = family(village, size=2)
    IncomeRecord.objects.create(household=household, year=2025, wage_income=Decimal("12001.20"))
    IncomeRecord.objects.create(household=household, year=2025, month=12, wage_income=Decimal("500"))
    for month in range(1, 11):
        IncomeRecord.objects.create(household=household, year=2026, month=month, wage_income=Decimal("1000.10"))
    facts = faces(village)[household.pk]
    # November 2025 from the year (12001.20 / 12 = 1000.10), December 2025 its own month, ten months of 2026.
    assert facts["income_window"] == "2025-11 … 2026-10"
    assert facts["net_income"] == Decimal("1000.10") + Decimal("500") + 10 * Decimal("1000.10")
    assert facts["per_capita"] == Decimal("5750.55")


def test_an_incomplete_window_falls_back_to_the_latest_complete_year(village):
    household = family(village, size=1, per_capita="7000", year=2024)
    IncomeRecord.objects.create(household=household, year=2026, month=3, wage_income=Decimal("100"))
    facts = faces(village)[household.pk]
    assert (facts["income_window"], facts["per_capita"]) == ("2024-01 … 2024-12", Decimal("7000.00"))


def test_a_sharp_drop_is_thirty_percent_or_more(village):
    dropped = family(village, per_capita="7000")
    IncomeRecord.objects.create(household=dropped, year=BEFORE, wage_income=Decimal("10000") * 4)
    steady = family(village, per_capita="7000.01")
    IncomeRecord.objects.create(household=steady, year=BEFORE, wage_income=Decimal("10000") * 4)
    facts = faces(village)
    assert facts[dropped.pk]["sharp_income_drop"] is True
    assert facts[steady.pk]["sharp_income_drop"] is False


# ------------------------------------------------------------------------------------------- medical self-pay


def test_large_medical_self_pay_when_net_income_is_zero(village):
    """SPEC §3.3: with last year's net income at 0, any self-paid medical cost is large and none is not."""
    paying = family(village, per_capita="0")
    RigidExpense.objects.create(
        household=paying, incurred_on=TODAY - 60 * DAY, kind=RigidExpenseKind.MEDICAL_OUT_OF_POCKET, gross_amount=1
    )
    without_bills = family(village, per_capita="0")
    facts = faces(village)
    assert facts[paying.pk]["large_medical_oop"] is True
    assert facts[without_bills.pk]["large_medical_oop"] is False


def test_large_medical_self_pay_is_half_of_last_years_income(village):
    half = family(village, size=1, per_capita="10000")
    RigidExpense.objects.create(
        household=half, incurred_on=TODAY - 60 * DAY, kind=RigidExpenseKind.MEDICAL_OUT_OF_POCKET, gross_amount=5000
    )
    less = family(village, size=1, per_capita="10000")
    RigidExpense.objects.create(
        household=less,
        incurred_on=TODAY - 60 * DAY,
        kind=RigidExpenseKind.MEDICAL_OUT_OF_POCKET,
        gross_amount=Decimal("5000"),
        reimbursed_amount=Decimal("0.01"),
    )
    facts = faces(village)
    assert (facts[half.pk]["large_medical_oop"], facts[less.pk]["large_medical_oop"]) == (True, False)
    assert facts[less.pk]["medical_oop"] == Decimal("4999.99")


# ---------------------------------------------------------------------------------------------- school age


def test_the_first_and_last_day_of_compulsory_school_age(village):
    """school.compulsory_age 6–15: from the 6th birthday to the day before the 16th."""
    household = family(village, size=1)

    def child(birth):
        return MemberFactory(household=household, birth_date=birth, schooling_status=SchoolingStatus.DROPOUT)

    child(datetime.date(2020, 11, 23))  # 6 today: in
    child(datetime.date(2020, 11, 24))  # 6 tomorrow: out
    child(datetime.date(2010, 11, 24))  # 16 tomorrow: in (last day)
    child(datetime.date(2010, 11, 23))  # 16 today: out
    facts = faces(village)[household.pk]
    assert facts["school_age_out"] == 2
    assert facts["education_ok"] is False


@pytest.mark.parametrize(("on", "counted"), [(datetime.date(2028, 2, 28), 2), (datetime.date(2028, 2, 29), 1)])
def test_a_child_born_on_29_february(village, on, counted):
    """Born 29 February 2012: 16 on 29 February 2028 (a leap year), so the last day of school age is the 28th."""
    household = family(village, size=1)
    MemberFactory(household=household, birth_date=datetime.date(2012, 2, 29), schooling_status=SchoolingStatus.DROPOUT)
    MemberFactory(household=household, birth_date=datetime.date(2022, 2, 28), schooling_status=SchoolingStatus.DROPOUT)
    assert faces(village, on=on)[household.pk]["school_age_out"] == counted


def test_29_february_in_a_common_year(village):
    """On 28 February 2027 someone born 29 February 2011 is still 15 (the birthday falls on 1 March)."""
    household = family(village, size=1)
    MemberFactory(household=household, birth_date=datetime.date(2011, 2, 28), schooling_status=SchoolingStatus.DROPOUT)
    MemberFactory(household=household, birth_date=datetime.date(2012, 2, 29), schooling_status=SchoolingStatus.DROPOUT)
    assert faces(village, on=datetime.date(2027, 2, 28))[household.pk]["school_age_out"] == 1


def test_uninsured_members(village):
    household = family(village, size=2)
    MemberFactory(household=household, medical_insurance_enrolled=False)
    MemberFactory(household=household, medical_insurance_enrolled=False, member_status=MemberStatus.DECEASED)
    facts = faces(village)[household.pk]
    assert (facts["uninsured"], facts["medical_ok"]) == (1, False)


# ------------------------------------------------------------------------------------------------ flags


def test_flags_in_force_on_the_day(village):
    household = family(village)
    HouseholdFlag.objects.create(household=household, kind=HouseholdFlagKind.EXITED_POOR, valid_from=TODAY - 10 * DAY)
    HouseholdFlag.objects.create(
        household=household,
        kind=HouseholdFlagKind.SUBSISTENCE_ALLOWANCE,
        valid_from=TODAY - 100 * DAY,
        valid_to=TODAY - DAY,
    )
    HouseholdFlag.objects.create(household=household, kind=HouseholdFlagKind.DESTITUTE_SUPPORT, valid_from=TODAY + DAY)
    ended_today = family(village)
    HouseholdFlag.objects.create(
        household=ended_today, kind=HouseholdFlagKind.EXITED_POOR, valid_from=TODAY - 9 * DAY, valid_to=TODAY
    )
    facts = faces(village)
    from households.facts import FLAG_BITS

    assert facts[household.pk]["flags"] == FLAG_BITS[HouseholdFlagKind.EXITED_POOR]
    assert facts[ended_today.pk]["flags"] == FLAG_BITS[HouseholdFlagKind.EXITED_POOR]
    assert facts[household.pk]["special_identities"] == 1


# ----------------------------------------------------------------------------------------------- guarantees


def test_guarantees_are_secure_with_a_check_exactly_max_age_days_old(village, worker):
    """exit.guarantee_check_max_age_days (90): a check 90 days old is recent, 91 is not."""
    recent, stale = family(village), family(village)
    GuaranteeCheck.objects.create(household=recent, checked_on=TODAY - 90 * DAY, checked_by=worker)
    GuaranteeCheck.objects.create(household=stale, checked_on=TODAY - 91 * DAY, checked_by=worker)
    failed = family(village)
    GuaranteeCheck.objects.create(household=failed, checked_on=TODAY - 100 * DAY, checked_by=worker)
    GuaranteeCheck.objects.create(household=failed, checked_on=TODAY - 5 * DAY, checked_by=worker, water_ok=False)
    facts = faces(village)
    assert facts[recent.pk]["guarantees_secure"] is True
    assert facts[stale.pk]["guarantees_secure"] is False
    assert (facts[failed.pk]["latest_check_ok"], facts[failed.pk]["latest_water_ok"]) == (False, False)


# --------------------------------------------------------------------------------------------------- visits


def subject(household, worker, *, status="monitored", entered_on=TODAY - 200 * DAY, eliminated_on=None):
    return MonitoringSubjectFactory(
        household=household,
        application__reported_by=worker,
        entered_on=entered_on,
        status=status,
        eliminated_on=eliminated_on,
    )


def test_visits_fall_due_by_the_interval_of_each_class(village, worker):
    """visit.interval_days: monitored and held 30, exited and eliminated 90, a risk found 30 (SPEC §15.2)."""
    monitored = family(village)
    subject(monitored, worker)
    Visit.objects.create(household=monitored, visited_on=TODAY - 30 * DAY, recorded_by=worker)
    held = family(village)
    subject(held, worker, status="elimination_hold")
    Visit.objects.create(household=held, visited_on=TODAY - 31 * DAY, recorded_by=worker)
    eliminated = family(village)
    subject(eliminated, worker, status="risk_eliminated", eliminated_on=TODAY - 100 * DAY)
    Visit.objects.create(household=eliminated, visited_on=TODAY - 91 * DAY, recorded_by=worker)
    exited = family(village)
    HouseholdFlag.objects.create(household=exited, kind=HouseholdFlagKind.EXITED_POOR, valid_from=TODAY - 400 * DAY)
    never_visited = family(village)
    RiskFlag.objects.create(
        household=never_visited, risk_type="unstable_employment", source="visit", found_on=TODAY - 3 * DAY,
        evidence="务工中断",
    )  # fmt: skip
    planned = family(village)
    Visit.objects.create(household=planned, visited_on=TODAY - 20 * DAY, recorded_by=worker, next_visit_on=TODAY - DAY)
    ordinary = family(village)
    facts = faces(village)
    assert (facts[monitored.pk]["visit_class"], facts[monitored.pk]["visit_due_on"]) == ("monitored", TODAY)
    assert (facts[held.pk]["visit_class"], facts[held.pk]["visit_due_on"]) == ("hold", TODAY - DAY)
    assert (facts[eliminated.pk]["visit_class"], facts[eliminated.pk]["visit_due_on"]) == ("eliminated", TODAY - DAY)
    # Never visited: due one interval after entering the class.
    assert (facts[exited.pk]["visit_class"], facts[exited.pk]["visit_due_on"]) == ("exited", TODAY - 310 * DAY)
    assert (facts[never_visited.pk]["visit_class"], facts[never_visited.pk]["visit_due_on"]) == (
        "risk_flagged",
        TODAY + 27 * DAY,
    )
    assert (facts[planned.pk]["visit_class"], facts[planned.pk]["visit_due_on"]) == ("planned", TODAY - DAY)
    assert (facts[ordinary.pk]["visit_class"], facts[ordinary.pk]["visit_due_on"]) == ("", None)


# ------------------------------------------------------------------------------------- monitoring and pairing


def test_monitoring_status_and_an_open_entry(village, worker):
    monitored, applying, eliminated = family(village), family(village), family(village)
    subject(monitored, worker)
    subject(eliminated, worker, status="risk_eliminated", eliminated_on=TODAY - 10 * DAY)
    EntryApplication.objects.create(
        household=applying,
        channel="self_declaration",
        proposed_category="marginal_at_risk",
        risk_types=["illness"],
        reason="因病",
        reported_by=worker,
        reported_on=TODAY - DAY,
    )
    facts = faces(village)
    assert (facts[monitored.pk]["monitoring_status"], facts[monitored.pk]["monitoring_category"]) == (
        "monitored",
        "marginal_at_risk",
    )
    assert (facts[eliminated.pk]["monitoring_status"], facts[eliminated.pk]["monitoring_category"]) == (
        "risk_eliminated",
        "",
    )
    assert (facts[applying.pk]["entry_open"], facts[applying.pk]["monitoring_status"]) == (True, "")


def test_the_paired_cadre(village):
    paired, alone = family(village), family(village)
    cadre = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=village)
    household_grant_to_cadre(household=paired, cadre=cadre)
    facts = faces(village)
    assert (facts[paired.pk]["paired_cadre_id"], facts[alone.pk]["paired_cadre_id"]) == (cadre.pk, None)


# ----------------------------------------------------------------------------------------------- refreshing


def test_a_second_refresh_writes_nothing_and_a_change_is_seen(village):
    household = family(village, per_capita="5000")
    family(village, per_capita="8000")
    first = facts_refresh_area(village.parent, on=TODAY)
    again = facts_refresh_area(village.parent, on=TODAY)
    assert (first.households, first.changed, again.changed) == (2, 2, 0)
    IncomeRecord.objects.filter(household=household).update(wage_income=Decimal("30000"))
    ctx = context_for(village.code, on=TODAY)
    assert facts_refresh(Household.objects.all(), ctx=ctx) == 1
    assert HouseholdFacts.objects.get(pk=household.pk).per_capita == Decimal("7500.00")


@pytest.mark.services
def test_a_refresh_where_nothing_changed_leaves_the_rows_untouched(village):
    """On PostgreSQL an unchanged row is not even locked: ON CONFLICT DO UPDATE … WHERE locks every row it compares
    (a write, and WAL a replica replays, for every household of a county every night)."""
    from django.db import connection

    household = family(village, per_capita="5000")
    other = family(village, per_capita="8000")
    facts_refresh_area(village.parent, on=TODAY)

    def locked() -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT household_id FROM households_householdfacts WHERE xmax <> '0'")
            return [row[0] for row in cursor.fetchall()]

    assert (facts_refresh_area(village.parent, on=TODAY).changed, locked()) == (0, [])
    IncomeRecord.objects.filter(household=household).update(wage_income=Decimal("30000"))
    assert facts_refresh_area(village.parent, on=TODAY).changed == 1
    assert other.pk not in locked()


def test_ill_members_are_counted(village):
    household = family(village, size=1)
    MemberFactory(
        household=household, health_status=HealthStatus.SERIOUS_ILLNESS, illness_confirmed_by_institution=True
    )
    MemberFactory(household=household, health_status=HealthStatus.CHRONIC_DISEASE)
    facts = faces(village)[household.pk]
    assert (facts["seriously_ill"], facts["confirmed_ill"], facts["chronically_ill"]) == (1, 1, 1)


def test_without_a_line_the_position_is_unknown():
    """A province whose administrator has not entered a monitoring line yet: the facts say so, not "below"."""
    elsewhere = VillageFactory()  # a generated province: no MonitoringThreshold
    household = family(elsewhere, per_capita="5000")
    facts = faces(elsewhere)[household.pk]
    assert (facts["line"], facts["line_position"], facts["exit_income_met"]) == (None, "unknown", None)
    assert facts["per_capita"] == Decimal("5000.00")


# ------------------------------------------------------------------------------------------------------- risks


def test_the_earliest_open_risk_at_the_boundaries_of_finding_and_resolving(village, worker):
    """SPEC §4.3: a risk is open from the day it is found until the day it is resolved (that day excluded)."""

    def risk(household, risk_type, found, resolved=None):
        RiskFlag.objects.create(
            household=household, risk_type=risk_type, source="visit", found_on=found, evidence="走访发现",
            resolved_on=resolved, resolution="已化解" if resolved else "",
        )  # fmt: skip

    found_today, resolved_today, resolved_tomorrow, two_open, none = (family(village) for _ in range(5))
    risk(found_today, "illness", TODAY)
    risk(resolved_today, "illness", TODAY - 9 * DAY, TODAY)
    risk(resolved_tomorrow, "illness", TODAY - 9 * DAY, TODAY + DAY)
    risk(two_open, "disaster", TODAY - 2 * DAY)
    risk(two_open, "illness", TODAY - 40 * DAY)
    risk(two_open, "housing", TODAY - 90 * DAY, TODAY - 50 * DAY)  # resolved before: not the earliest open
    facts = faces(village)  # both faces of every column agree, risk_open_since and the visit class among them
    assert {pk: facts[pk]["risk_open_since"] for pk in facts} == {
        found_today.pk: TODAY,
        resolved_today.pk: None,
        resolved_tomorrow.pk: TODAY - 9 * DAY,
        two_open.pk: TODAY - 40 * DAY,
        none.pk: None,
    }
    assert facts[found_today.pk]["visit_class"] == "risk_flagged"
    # the day before the one found today, it is not open yet; the query face says the same
    assert risk_open_since(found_today.risks.all(), TODAY - DAY) is None
    open_yesterday = RiskFlag.objects.filter(risk_open_on_q(TODAY - DAY), household=found_today)
    assert not open_yesterday.exists()
