"""Visits of the demo households and their guarantee checks (SPEC §4.13, §2.5)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import replace

from demo import names
from demo.plan.people import _township_of, _weighted
from demo.plan.registry import _CAN_WORK, _FRAGILE_INCOME
from demo.plan.seeds import TOWNSHIP_USERNAMES, AccountSeed, AreaSeed, HouseholdSeed, VisitSeed
from households.choices import (
    HealthStatus,
    HouseholdFlagKind,
    HousingSafety,
    MemberStatus,
    SchoolingStatus,
    VisitKind,
    WaterSupplyType,
)
from households.rules import age_on

# ---------------------------------------------------------------------------------------------------------------
# Visits and their guarantee checks (SPEC §4.13, §2.5)
# ---------------------------------------------------------------------------------------------------------------


def _visitors(accounts: Sequence[AccountSeed], townships: Sequence[AreaSeed]) -> Callable[[str], str]:
    """Who visits a village: the demo village worker in their own village, else the cadre of the township."""
    village_worker = next(a for a in accounts if a.username == "village")
    cadres = {t.code: username for t, username in zip(townships, TOWNSHIP_USERNAMES, strict=True)}

    def visitor(village_code: str) -> str:
        if village_code == village_worker.area_code:
            return village_worker.username
        return cadres[_township_of(village_code)]

    return visitor


def _visit_days(rng: random.Random, household: HouseholdSeed, today: datetime.date) -> list[int]:
    """How many days ago each visit was, oldest first. Exited households are due every quarter (SPEC §4.13): about
    80 % were visited one to three times in the last six months, mostly within the quarter, the rest long ago or
    never; others now and then. A household whose registry shows a guarantee gap was visited recently: the visit
    is how the gap came to light."""
    kinds = household.flag_kinds
    details = household.details
    gap = details.housing_safety != HousingSafety.SAFE or any(
        not m.medical_insurance_enrolled
        or (6 <= age_on(m.birth_date, today) <= 15 and m.schooling_status == SchoolingStatus.DROPOUT)
        for m in household.present_members
    )
    roll = rng.random()
    supported = kinds & {HouseholdFlagKind.SUBSISTENCE_ALLOWANCE, HouseholdFlagKind.DESTITUTE_SUPPORT}
    if HouseholdFlagKind.EXITED_POOR in kinds or gap:
        if roll < 0.8 or gap:
            days = [rng.randint(1, 100)]
            for _ in range(_weighted(rng, ((0, 30), (1, 45), (2, 25)))):
                earlier = days[-1] + rng.randint(50, 80)
                if earlier <= 182:
                    days.append(earlier)
        elif roll < 0.9:
            days = rng.sample(range(200, 600), rng.randint(1, 2))
        else:
            days = []
    elif rng.random() < (0.45 if supported else 0.2):
        days = rng.sample(range(1, 540), rng.randint(1, 2))
    else:
        days = []
    return sorted(days, reverse=True)


def _risk_note(rng: random.Random, household: HouseholdSeed) -> str:
    """A risk note that fits the household: "the head had a stroke" only where the head is seriously ill."""
    present = household.present_members
    situations = ["any"]  # from the least to the most specific
    if not any(m.labour_capacity in _CAN_WORK for m in present):
        situations.append("no_labour")
    if any(m.schooling_status == SchoolingStatus.UNDERGRADUATE_PLUS for m in present):
        situations.append("tuition")
    if any(m.health_status == HealthStatus.SERIOUS_ILLNESS for m in present):
        situations.append("illness")
    if household.members[0].health_status == HealthStatus.SERIOUS_ILLNESS:  # the head
        situations.append("head_illness")
    # The most specific situation is likelier: it is why the visitor wrote a note at all.
    key = situations[-1] if rng.random() < 0.7 else rng.choice(situations)
    return rng.choice(names.RISK_NOTES[key])


def _member_changes(household: HouseholdSeed, after: datetime.date, until: datetime.date) -> str:
    """Members who left after ``after`` and by ``until``: the visitor records it (SPEC §4.13)."""
    changes = []
    for member in household.members:
        changed = member.status_changed_on
        if changed is not None and after < changed <= until:
            what = "去世" if member.member_status == MemberStatus.DECEASED else "迁出"
            changes.append(f"{member.name}于{changed.year}年{changed.month}月{changed.day}日{what}")
    return "；".join(changes)


def _with_visits(rng: random.Random, household: HouseholdSeed, *, visitor: str, today: datetime.date) -> HouseholdSeed:
    days = _visit_days(rng, household, today)
    if not days:
        return household
    kinds = household.flag_kinds
    present = household.present_members
    elderly = any(age_on(m.birth_date, today) >= 65 for m in present)
    water = household.details.water_supply_type
    # Problems seen at the tap (SPEC §2.5 water items), by the kind of supply.
    fails = {
        WaterSupplyType.CENTRALIZED: {"reliability": 0.005, "quality": 0.003},
        WaterSupplyType.DISPERSED: {"reliability": 0.08, "quality": 0.05, "access": 0.03},
        WaterSupplyType.CISTERN: {"quantity": 0.1, "reliability": 0.12, "access": 0.03},
    }.get(WaterSupplyType(water), {})
    # About 1 % of visits find a risk; households that look fragile on paper more often.
    fragile = household.incomes[-1].net_income / len(present) < _FRAGILE_INCOME or any(
        m.health_status == HealthStatus.SERIOUS_ILLNESS for m in present
    )
    risky = days[-1] <= 120 and rng.random() < (0.07 if fragile else 0.015)
    visits = []
    previous = today - datetime.timedelta(days=days[0] + 365)  # a first visit hears of the past year
    for index, ago in enumerate(days):
        visited_on = today - datetime.timedelta(days=ago)
        kind = _weighted(
            rng,
            (
                (VisitKind.ROUTINE, 75),
                (VisitKind.CENTRALIZED_SWEEP, 10),
                (VisitKind.LOOKBACK, 6 if HouseholdFlagKind.EXITED_POOR in kinds else 0),
                (VisitKind.VERIFICATION, 3),
                (VisitKind.SPOT_CHECK, 3),
                (VisitKind.LEFT_BEHIND_CARE, 3 if elderly else 0),
            ),
        )
        failed = sorted(item for item, share in fails.items() if rng.random() < share)
        risk = risky and index == len(days) - 1  # the latest visit found it, so nobody has followed it up yet
        if risk:
            next_visit_on: datetime.date | None = visited_on + datetime.timedelta(days=30)
        elif rng.random() < 0.3:
            next_visit_on = visited_on + datetime.timedelta(days=rng.randint(30, 90))
        else:
            next_visit_on = None
        visits.append(
            VisitSeed(
                visited_on=visited_on,
                kind=kind,
                recorded_by=visitor,
                notes=rng.choice(names.VISIT_NOTES),
                companions=rng.choice(names.COMPANIONS) if rng.random() < 0.4 else "",
                income_change=rng.choice(names.INCOME_CHANGES) if rng.random() < 0.3 else "",
                member_change=_member_changes(household, previous, visited_on),
                needs=rng.choice(names.NEEDS) if rng.random() < 0.15 else "",
                risk_found=risk,
                risk_note=_risk_note(rng, household) if risk else "",
                next_visit_on=next_visit_on,
                water_quantity_ok="quantity" not in failed,
                water_quality_ok="quality" not in failed,
                water_access_ok="access" not in failed,
                water_reliability_ok="reliability" not in failed,
                water_note="；".join(names.WATER_NOTES[item] for item in failed),
            )
        )
        previous = visited_on
    details = household.details
    if risky:  # the household waits for monitoring identification (SPEC §4.5) from the day of that visit
        details = replace(details, risk_flagged_on=visits[-1].visited_on, risk_note=visits[-1].risk_note)
    return replace(household, details=details, visits=tuple(visits))
