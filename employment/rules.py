"""Policy rules of employment assistance (SPEC §11.3). One typed function per rule; the numbers arrive as arguments
from the effective-dated settings (``employment.*``, SPEC §15.2; STYLE rule 5)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Final

from employment.choices import AWAY_STATUSES, EMPLOYED_STATUSES, ServiceKind
from households.rules import age_on

# What a transport subsidy needs besides the place: the conditions a refusal names, in this order.
MONTHS, CONTRACT, INSURANCE, PLACE = "months", "contract", "insurance", "place"
TRANSPORT_CONDITIONS: Final = (PLACE, MONTHS, CONTRACT, INSURANCE)


def transport_subsidy_failures(
    *, status: str, months: int, labour_contract: bool, social_insurance: bool, min_months: int
) -> list[str]:
    """NR-EMP-01 (003 L660): a worker of the three groups employed away — across a county within the region or across
    a province — for at least ``employment.transport_min_months`` (6) months, with a labour contract and social
    insurance. The conditions that fail, in ``TRANSPORT_CONDITIONS`` order; none: eligible."""
    failures = []
    if status not in AWAY_STATUSES:
        failures.append(PLACE)
    if months < min_months:
        failures.append(MONTHS)
    if not labour_contract:
        failures.append(CONTRACT)
    if not social_insurance:
        failures.append(INSURANCE)
    return failures


def transport_subsidy_amount(status: str, amounts: Mapping[str, int | str]) -> Decimal | None:
    """NR-EMP-01: 200 yuan cross-county within the region, 800 cross-province (``employment.transport_subsidy``,
    keyed by status); None elsewhere."""
    if status not in AWAY_STATUSES or status not in amounts:
        return None
    return Decimal(str(amounts[status]))


def workshop_subsidy_amount(hired: int, tiers: Sequence[Sequence[int | None]]) -> Decimal | None:
    """NR-EMP-02 (003 L660; SPEC §15 C-13): the one-off subsidy of a workshop by the people it hires, from the tiers
    ``employment.workshop_tiers`` as (low, high or None, amount): 11–20 → 20,000; 21–30 → 30,000; 31–100 → 60,000
    (exactly 100 falls here); above 100 → 100,000; 10 or fewer → none."""
    for low, high, amount in tiers:
        assert low is not None
        assert amount is not None
        if hired >= low and (high is None or hired <= high):
            return Decimal(str(amount))
    return None


def disabled_workshop_subsidy_amount(disabled: int, *, min_people: int, amount: int | str) -> Decimal | None:
    """NR-EMP-03 (003 L958–L960): a workshop employing at least ``min_people`` (10) disabled people — guardians or
    direct relatives of severely disabled people included — gets ``amount`` (20,000) once."""
    return Decimal(str(amount)) if disabled >= min_people else None


def is_stably_employed(status: str, months: int, *, stable_months: int) -> bool:
    """NR-EMP-06/07: stable employment is work (any place, or self-employment) for at least
    ``employment.stable_months`` (6) months of the year [design, SPEC §7.3 FC-WEAK-RELOC-01]."""
    return status in EMPLOYED_STATUSES and months >= stable_months


def services_lacking(counts: Mapping[str, int], required: Mapping[str, int]) -> list[str]:
    """NR-EMP-04 (003 L662): the service kinds a person who wishes to work has had fewer of this year than
    ``employment.services_required`` (1 career guidance, 3 job offers, 1 free training); empty: served."""
    return [kind for kind in ServiceKind.values if counts.get(kind, 0) < int(required.get(kind, 0))]


def is_working_age(birth_date: datetime.date, on: datetime.date, ages: Sequence[int]) -> bool:
    """Working age (劳动年龄, ``employment.working_age``, 16–59 [design]) on ``on``, both ends included."""
    low, high = ages
    return int(low) <= age_on(birth_date, on) <= int(high)
