"""The demo county 同心县 (640324) as a plan: ``plan_build`` makes the whole data set in memory from a seed, with no
database access and no clock, so the same seed and day always give the same county; ``demo.load`` writes it. The
numbers only make the demo look like a real county (SPEC §1.1 codes, §1.2 roles, §1.5 dual management, §2 registry
and flags, §3 income, §4.13 visits); none of them is policy."""

from __future__ import annotations

import datetime
import random

from core.errors import DomainError
from demo import names
from demo.plan.people import _accounts, _areas, _households, _pairing, _People, _township_of
from demo.plan.registry import LAST_EXIT_YEAR, _registry
from demo.plan.seeds import (
    ADMIN_USERNAME,
    AREA6,
    CHANGE_REASON,
    CITY,
    COUNTY,
    COUNTY_CODE,
    DEFAULT_HOUSEHOLDS,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_USERNAMES,
    MAX_HOUSEHOLDS,
    PROVINCE,
    TOWNSHIP_USERNAMES,
    DemoPlan,
    HouseholdSeed,
    VisitSeed,
)
from demo.plan.visits import _visitors, _with_visits

# The package's face: ``plan_build`` and the values ``demo.load`` and the command read; the seeds live in
# ``seeds``, the people and households in ``people``, registry details in ``registry``, visits in ``visits``.
__all__ = [
    "ADMIN_USERNAME",
    "AREA6",
    "CHANGE_REASON",
    "CITY",
    "COUNTY",
    "COUNTY_CODE",
    "DEFAULT_HOUSEHOLDS",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "DEMO_USERNAMES",
    "LAST_EXIT_YEAR",
    "MAX_HOUSEHOLDS",
    "PROVINCE",
    "TOWNSHIP_USERNAMES",
    "DemoPlan",
    "HouseholdSeed",
    "VisitSeed",
    "plan_build",
]


# ---------------------------------------------------------------------------------------------------------------
# Building the plan (pure: no database, no clock)
# ---------------------------------------------------------------------------------------------------------------


def plan_build(*, seed: int, households: int, today: datetime.date) -> DemoPlan:
    """The whole demo county for ``households`` households. Pure: equal arguments give an equal plan."""
    if not 1 <= households <= MAX_HOUSEHOLDS:
        raise DomainError(f"农户数应在 1 到 {MAX_HOUSEHOLDS} 之间，实际为 {households}", field="households")
    rng = random.Random(seed)
    townships, villages = _areas(rng)
    people = _People(rng, today)
    plans = _households(rng, people, townships, villages, households, today)
    paired = _pairing(rng, townships, plans)
    accounts = _accounts(people, townships, villages)
    # Registry details and visits draw from streams of their own (a string seed is hashed with SHA-512, the same
    # in every process), so adding a detail later leaves the families, names and ID numbers of a seed unchanged.
    details_rng = random.Random(f"{seed}/registry")
    sites = {t.code: t.name + site for t, site in zip(townships, names.RESETTLEMENT_SITES, strict=True)}
    plans = tuple(_registry(details_rng, h, site=sites[_township_of(h.village_code)], today=today) for h in plans)
    visits_rng = random.Random(f"{seed}/visits")
    visitors = _visitors(accounts, townships)
    plans = tuple(_with_visits(visits_rng, h, visitor=visitors(h.village_code), today=today) for h in plans)
    return DemoPlan(
        seed=seed,
        today=today,
        townships=townships,
        villages=villages,
        households=plans,
        paired_household_nos=paired,
        accounts=accounts,
    )


# 10–14 villages per township, 120 in all (the real county has 142, SPEC §1.1); the seed shuffles them.
