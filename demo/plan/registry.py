"""Registry details of the demo households: flags (SPEC §2.4), household fields (§2.1), member details (§2.2)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from demo import names
from demo.plan.people import _day_between, _money, _weighted
from demo.plan.seeds import _STUDYING, FlagSeed, HouseholdDetails, HouseholdSeed, MemberSeed
from households.choices import (
    ChronicCondition,
    DestituteMode,
    DisabilityCategory,
    EmploymentPlace,
    EmploymentStatus,
    Gender,
    HealthStatus,
    HouseholdFlagKind,
    HousingRemedy,
    HousingSafety,
    LabourCapacity,
    MemberStatus,
    MigrantType,
    PremiumSubsidy,
    RelocationBatch,
    SchoolingStatus,
    SelfCare,
    ToiletType,
    WaterSupplyType,
)
from households.rules import age_on

# ---------------------------------------------------------------------------------------------------------------
# Registry details: flags (SPEC §2.4), household fields (§2.1), member details (§2.2)
# ---------------------------------------------------------------------------------------------------------------

# 建档立卡 began in 2014; Tongxin's last poor households exited in 2020, the end of 脱贫攻坚.
_REGISTERED_YEARS: Final = ((2014, 75), (2015, 15), (2016, 10))
_EXIT_YEARS: Final = ((2016, 8), (2017, 14), (2018, 22), (2019, 30), (2020, 26))
LAST_EXIT_YEAR: Final = 2020
# Per-capita income under the 2021 exit line (SPEC §3.7) makes a household look fragile. This shapes the demo only:
# the policy reads its line from MonitoringThreshold.
_FRAGILE_INCOME: Final = 6600
_WORKING_AGE: Final = range(16, 60)
_CAN_WORK: Final = frozenset({LabourCapacity.SKILLED, LabourCapacity.ORDINARY, LabourCapacity.WEAK_OR_PARTIAL})
_DISABILITY_CODES: Final = {  # the digit after the ID number on a second-generation disability certificate
    DisabilityCategory.VISUAL: 1,
    DisabilityCategory.HEARING: 2,
    DisabilityCategory.SPEECH: 3,
    DisabilityCategory.PHYSICAL: 4,
    DisabilityCategory.INTELLECTUAL: 5,
    DisabilityCategory.MENTAL: 6,
    DisabilityCategory.MULTIPLE: 7,
}


def _registry(rng: random.Random, household: HouseholdSeed, *, site: str, today: datetime.date) -> HouseholdSeed:
    """Flags, registry fields and member details of one household, consistent with its family and income."""
    present = household.present_members
    ages = [age_on(m.birth_date, today) for m in present]
    can_work = any(a in _WORKING_AGE and m.labour_capacity in _CAN_WORK for m, a in zip(present, ages, strict=True))
    ill = any(m.health_status in (HealthStatus.SERIOUS_ILLNESS, HealthStatus.DISABLED) for m in present)
    per_capita = household.incomes[-1].net_income / len(present)
    flags: list[FlagSeed] = []
    details: dict[str, object] = {}

    def flag(kind: str, first: datetime.date, last: datetime.date, note: str = "") -> None:
        flags.append(FlagSeed(kind, min(_day_between(rng, first, last), today), note))

    # About 35 % exited poverty: Tongxin was a national poverty county until 2020.
    exit_year: int | None = None
    if rng.random() < 0.35:
        since = _weighted(rng, _REGISTERED_YEARS)
        exit_year = _weighted(rng, [(y, w) for y, w in _EXIT_YEARS if y > since])
        details.update(registered_poor_since=since, exit_year=exit_year)
        day = datetime.date(exit_year, 12, 31)
        flag(HouseholdFlagKind.EXITED_POOR, day, day)
    exited = exit_year is not None
    # 特困 is for old or disabled people who live alone or as an old couple; 低保 mostly for low incomes and
    # households without labour. A household gets one of the two at most.
    elderly_alone = len(present) <= 2 and min(ages) >= 60
    lost_alone = len(present) == 1 and present[0].labour_capacity == LabourCapacity.LOST
    if (elderly_alone or lost_alone) and rng.random() < 0.1:
        mode = DestituteMode.DISPERSED if rng.random() < 0.85 else DestituteMode.CENTRALIZED
        details["destitute_mode"] = mode
        flag(HouseholdFlagKind.DESTITUTE_SUPPORT, datetime.date(2016, 1, 1), today - datetime.timedelta(days=60))
    else:
        allowance = 0.035 + (0.3 if per_capita < _FRAGILE_INCOME else 0)
        allowance += (0 if can_work else 0.1) + (0.05 if ill else 0)
        if rng.random() < allowance:
            reviewed = today - datetime.timedelta(days=60)  # 低保 is reviewed yearly; the latest grant stands
            flag(HouseholdFlagKind.SUBSISTENCE_ALLOWANCE, datetime.date(2018, 1, 1), reviewed)
    disabled = [m for m in present if m.health_status == HealthStatus.DISABLED]
    if disabled:
        first = max(datetime.date(2014, 1, 1), min(m.birth_date for m in disabled))
        note = f"残疾人 {len(disabled)} 名" if len(disabled) > 1 else ""
        flag(HouseholdFlagKind.DISABLED_HOUSEHOLD, first, today - datetime.timedelta(days=1), note)
    # 易地扶贫搬迁: in the 13th plan (2016–2020) for poor households, who moved in before they exited; in the 12th
    # (生态移民, 2011–2015) for others.
    if rng.random() < (0.2 if exited else 0.05):
        details.update(resettlement_site=site, hukou_moved=True)
        if exit_year is not None:
            details["relocation_batch"] = RelocationBatch.FYP13
            moved = (datetime.date(2016, 3, 1), datetime.date(exit_year, 12, 31))
        else:
            details["relocation_batch"] = RelocationBatch.FYP12
            moved = (datetime.date(2011, 3, 1), datetime.date(2015, 12, 31))
        flag(HouseholdFlagKind.RELOCATED, *moved, note=site)
    if household.is_self_migrant:
        details.update(
            migrant_type=MigrantType.SELF_MIGRANT,
            has_residence_permit=rng.random() < 0.4,
            land_rights_confirmed=rng.random() < 0.85,
        )
        flag(HouseholdFlagKind.SELF_MIGRANT, datetime.date(2008, 1, 1), datetime.date(2020, 12, 31))
    kinds = frozenset(f.kind for f in flags)
    details.update(_dwelling(rng, relocated="relocation_batch" in details))
    paid_by_state = bool(kinds & {HouseholdFlagKind.SUBSISTENCE_ALLOWANCE, HouseholdFlagKind.DESTITUTE_SUPPORT})
    if rng.random() < (0.95 if exited or paid_by_state else 0.7):  # subsidies are paid into these accounts
        bank, prefix = _weighted(rng, [((name, prefix), weight) for name, prefix, weight in names.BANKS])
        details.update(bank_name=bank, bank_account=_card_number(rng, prefix), account_holder_name=household.head_name)
    members = [_member_details(rng, m, today=today, kinds=kinds) for m in household.members]
    main = _main_labourer(members, today)
    if main is not None:
        members[main] = replace(members[main], is_main_labourer=True)
    return replace(
        household,
        details=HouseholdDetails(**details),  # type: ignore[arg-type]
        flags=tuple(flags),
        members=tuple(members),
    )


def _dwelling(rng: random.Random, *, relocated: bool) -> dict[str, object]:
    """House, water, toilet and land. Resettlement sites were built safe, piped and with flush toilets."""
    housing, remedy = HousingSafety.SAFE, ""
    if not relocated:
        housing = _weighted(rng, ((HousingSafety.SAFE, 988), (HousingSafety.UNSAFE_C, 8), (HousingSafety.UNSAFE_D, 4)))
    if housing == HousingSafety.UNSAFE_C:
        remedy = HousingRemedy.REINFORCE
    elif housing == HousingSafety.UNSAFE_D:
        remedy = HousingRemedy.REBUILD_ON_SITE if rng.random() < 0.6 else HousingRemedy.TEMPORARY_HOUSING
    if relocated:
        water = WaterSupplyType.CENTRALIZED
        toilet = ToiletType.INDOOR_FLUSH_SMALL_PLANT if rng.random() < 0.6 else ToiletType.SEWER
    else:  # the dry south of the county still has rain cisterns (水窖)
        water = _weighted(
            rng, ((WaterSupplyType.CENTRALIZED, 86), (WaterSupplyType.CISTERN, 10), (WaterSupplyType.DISPERSED, 4))
        )
        toilet = _weighted(
            rng,
            (
                (ToiletType.THREE_COMPARTMENT, 45),
                (ToiletType.NONE_OR_DRY, 28),
                (ToiletType.INDOOR_FLUSH_SMALL_PLANT, 10),
                (ToiletType.BIOGAS, 10),
                (ToiletType.SEWER, 7),
            ),
        )
    contracted = _money(rng.uniform(4, 45)) if rng.random() < 0.92 else None
    forest = _money(rng.uniform(1, 15)) if rng.random() < 0.3 else None  # 退耕还林
    return {
        "housing_safety": housing,
        "housing_remedy": remedy,
        "water_supply_type": water,
        "toilet_type": toilet,
        "contracted_land_mu": contracted,
        "forest_land_mu": forest,
        "cooperative_member": rng.random() < 0.25,
    }


def _card_number(rng: random.Random, prefix: str) -> str:
    """A 19-digit card number with a valid Luhn check digit, so the demo passes a format check."""
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(18 - len(prefix)))
    total = 0
    for index, digit in enumerate(int(d) for d in reversed(body)):
        doubled = digit * 2 if index % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return body + str((10 - total % 10) % 10)


def _member_details(
    rng: random.Random, member: MemberSeed, *, today: datetime.date, kinds: frozenset[str]
) -> MemberSeed:
    """Health details, work and insurance of one member, consistent with the fields drawn with the family."""
    if member.member_status != MemberStatus.PRESENT:
        return member  # nobody updates a departed member's work or insurance
    age = age_on(member.birth_date, today)
    details: dict[str, object] = {}
    if member.health_status == HealthStatus.DISABLED:
        details.update(_disability(rng, member))
    elif member.health_status == HealthStatus.SERIOUS_ILLNESS:
        details.update(illness_confirmed_by_institution=True, in_37_disease_scheme=rng.random() < 0.55)
    elif member.health_status == HealthStatus.CHRONIC_DISEASE:
        details["chronic_conditions"] = _chronic_conditions(rng)
    if age >= 80 and "self_care" not in details and rng.random() < 0.2:
        details["self_care"] = SelfCare.PARTLY_DISABLED
    details.update(_work(rng, member, age, today))
    # Basic medical insurance: nearly everybody; a few gaps are what the 三保障 check exists to find.
    enrolled = rng.random() >= 0.005
    subsidy = PremiumSubsidy.NONE
    if HouseholdFlagKind.DESTITUTE_SUPPORT in kinds:
        subsidy = PremiumSubsidy.FULL
    elif HouseholdFlagKind.SUBSISTENCE_ALLOWANCE in kinds:
        subsidy = PremiumSubsidy.FIXED_AMOUNT
    elif HouseholdFlagKind.EXITED_POOR in kinds:
        subsidy = PremiumSubsidy.TRANSITIONAL  # the transition period tapers the subsidy for exited households
    supported = bool(kinds & {HouseholdFlagKind.SUBSISTENCE_ALLOWANCE, HouseholdFlagKind.DESTITUTE_SUPPORT})
    details.update(
        medical_insurance_enrolled=enrolled,
        critical_illness_insurance=enrolled,
        medical_premium_subsidy=subsidy if enrolled else "",
        medical_assistance_eligible=supported
        or (HouseholdFlagKind.EXITED_POOR in kinds and member.health_status == HealthStatus.SERIOUS_ILLNESS),
    )
    # 城乡居民养老保险: from 16 for people out of school; at 60 the pension is paid out.
    if age >= 16 and member.schooling_status not in _STUDYING:
        if age < 60 and rng.random() < 0.9:
            severe = details.get("disability_grade") in (1, 2)
            by_state = supported or severe  # the government pays the lowest grade for them (代缴)
            grade = 200 if by_state else _weighted(rng, ((200, 70), (300, 15), (500, 10), (1000, 5)))
            details.update(pension_enrolled=True, pension_grade=grade, pension_paid_by_government=by_state)
        elif age >= 60 and rng.random() < 0.96:
            details["pension_enrolled"] = True
    if member.schooling_status == SchoolingStatus.LEFT_SCHOOL and 16 <= age <= 17:
        details["is_post_school_youth"] = True  # 两后生: left after junior high school
    return replace(member, **details)  # type: ignore[arg-type]


def _disability(rng: random.Random, member: MemberSeed) -> dict[str, object]:
    """Category, grade 1–4 and certificate. The grade fits the labour capacity drawn before: about 40 % of the
    disabled are grade 1–2 (severe, SPEC §2.3)."""
    category = _weighted(
        rng,
        (
            (DisabilityCategory.PHYSICAL, 40),
            (DisabilityCategory.VISUAL, 12),
            (DisabilityCategory.HEARING, 12),
            (DisabilityCategory.INTELLECTUAL, 12),
            (DisabilityCategory.MENTAL, 12),
            (DisabilityCategory.MULTIPLE, 8),
            (DisabilityCategory.SPEECH, 4),
        ),
    )
    grades = {
        LabourCapacity.LOST: ((1, 40), (2, 40), (3, 15), (4, 5)),
        LabourCapacity.WEAK_OR_PARTIAL: ((1, 5), (2, 25), (3, 40), (4, 30)),
        LabourCapacity.NONE_AGE: ((1, 15), (2, 25), (3, 30), (4, 30)),
    }.get(LabourCapacity(member.labour_capacity), ((3, 40), (4, 60)))
    grade = _weighted(rng, grades)
    self_care = SelfCare.INDEPENDENT
    if grade == 1:
        self_care = SelfCare.DISABLED if rng.random() < 0.6 else SelfCare.PARTLY_DISABLED
    elif grade == 2 and rng.random() < 0.6:
        self_care = SelfCare.PARTLY_DISABLED
    return {
        "disability_category": category,
        "disability_grade": grade,
        "disability_certificate_no": f"{member.id_number}{_DISABILITY_CODES[category]}{grade}",
        "self_care": self_care,
    }


def _chronic_conditions(rng: random.Random) -> tuple[str, ...]:
    pairs = (
        (ChronicCondition.HYPERTENSION, 45),
        (ChronicCondition.DIABETES, 20),
        (ChronicCondition.OTHER, 25),
        (ChronicCondition.SEVERE_MENTAL_DISORDER, 5),
        (ChronicCondition.TUBERCULOSIS, 5),
    )
    chosen = {_weighted(rng, pairs)}
    if rng.random() < 0.25:
        chosen.add(_weighted(rng, pairs))
    return tuple(c.value for c in ChronicCondition if c in chosen)  # in the enumeration's order


_ES: Final = EmploymentStatus
_EP: Final = EmploymentPlace


def _work(rng: random.Random, member: MemberSeed, age: int, today: datetime.date) -> dict[str, object]:
    """Employment of a present member: 务工 in the province or the county for 6–10 months is the commonest."""
    if age < 16:
        return {}
    if member.schooling_status in _STUDYING:
        return {"employment_status": _ES.STUDENT}
    capacity = member.labour_capacity
    if capacity == LabourCapacity.LOST:
        return {"employment_status": _ES.NOT_WORKING}
    if capacity == LabourCapacity.NONE_AGE:  # 65 and over
        return {"employment_status": _ES.RETIRED_ELDERLY}
    statuses: Sequence[tuple[EmploymentStatus, int]]
    if age >= 60:
        statuses = ((_ES.FARMING, 55), (_ES.RETIRED_ELDERLY, 25), (_ES.PUBLIC_WELFARE_POST, 12), (_ES.EMPLOYED, 8))
    elif capacity == LabourCapacity.WEAK_OR_PARTIAL:
        statuses = (
            (_ES.FARMING, 45),
            (_ES.PUBLIC_WELFARE_POST, 20),
            (_ES.NOT_WORKING, 18),
            (_ES.FLEXIBLE, 10),
            (_ES.EMPLOYED, 7),
        )
    else:
        statuses = (
            (_ES.EMPLOYED, 62 if member.gender == Gender.MALE else 40),
            (_ES.FARMING, 22),
            (_ES.FLEXIBLE, 7),
            (_ES.SELF_EMPLOYED, 6),
            (_ES.NOT_WORKING, 7),
            (_ES.PUBLIC_WELFARE_POST, 3),
        )
    status = _weighted(rng, statuses)
    work: dict[str, object] = {"employment_status": status}
    months = 0
    if status == _ES.EMPLOYED:
        places: Sequence[tuple[EmploymentPlace, int]]
        if age < 60 and capacity != LabourCapacity.WEAK_OR_PARTIAL:
            places = (
                (_EP.CROSS_COUNTY_IN_PROVINCE, 40),  # Yinchuan, Wuzhong
                (_EP.IN_COUNTY, 25),
                (_EP.CROSS_PROVINCE, 20),
                (_EP.IN_TOWNSHIP, 15),
            )
        else:
            places = ((_EP.IN_TOWNSHIP, 60), (_EP.IN_COUNTY, 40))
        months = _weighted(rng, ((3, 3), (4, 4), (5, 6), (6, 14), (7, 16), (8, 20), (9, 16), (10, 14), (11, 7)))
        contract = rng.random() < 0.35
        work.update(
            employment_place=_weighted(rng, places),
            labour_contract=contract,
            social_insurance_paid=contract and rng.random() < 0.7,
        )
    elif status == _ES.FLEXIBLE:
        work["employment_place"] = _EP.IN_TOWNSHIP if rng.random() < 0.5 else _EP.IN_COUNTY
        months = rng.randint(3, 8)
    elif status == _ES.PUBLIC_WELFARE_POST:  # 公益岗位: cleaners, forest and road wardens, all year
        work["employment_place"] = _EP.IN_TOWNSHIP
        months = 12
    elif status == _ES.NOT_WORKING:
        work["employment_difficulty"] = capacity == LabourCapacity.WEAK_OR_PARTIAL or rng.random() < 0.3
    if months:
        work["employment_months_this_year"] = min(months, today.month)  # no more months than the year has had
    return work


def _main_labourer(members: Sequence[MemberSeed], today: datetime.date) -> int | None:
    """Index of the household's main labourer: the most capable working-age adult, a wage earner and the head
    before others. None when nobody of working age can work."""
    rank = {LabourCapacity.SKILLED: 2, LabourCapacity.ORDINARY: 1, LabourCapacity.WEAK_OR_PARTIAL: 0}
    candidates = [
        (rank[LabourCapacity(m.labour_capacity)], m.employment_status == EmploymentStatus.EMPLOYED, index == 0, -index)
        for index, m in enumerate(members)
        if m.member_status == MemberStatus.PRESENT
        and age_on(m.birth_date, today) in _WORKING_AGE
        and m.labour_capacity in _CAN_WORK
        and m.schooling_status not in _STUDYING
    ]
    return -max(candidates)[3] if candidates else None
