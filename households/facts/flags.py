"""Flags in force (SPEC §2.4): effective-dated, several at once. Kept as one bit per kind in the facts table."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import Case, Count, Exists, IntegerField, Min, OuterRef, Q, Sum, Value, When

from households.choices import SPECIAL_IDENTITIES, HouseholdFlagKind
from households.models import HouseholdFlag

# One bit per flag kind, fixed here: the stored bitmask must not change meaning when the choices are reordered.
FLAG_BITS: Final[dict[str, int]] = {
    kind: 1 << bit
    for bit, kind in enumerate(
        (
            HouseholdFlagKind.EXITED_POOR,
            HouseholdFlagKind.STABLY_EXITED,
            HouseholdFlagKind.RETURNED_TO_POVERTY,
            HouseholdFlagKind.SUBSISTENCE_ALLOWANCE,
            HouseholdFlagKind.DESTITUTE_SUPPORT,
            HouseholdFlagKind.NEAR_SUBSISTENCE,
            HouseholdFlagKind.RELOCATED,
            HouseholdFlagKind.POLICY_MIGRANT,
            HouseholdFlagKind.LABOUR_MIGRANT,
            HouseholdFlagKind.SELF_MIGRANT,
            HouseholdFlagKind.ZERO_EMPLOYMENT,
            HouseholdFlagKind.DISABLED_HOUSEHOLD,
            HouseholdFlagKind.MULTI_DISABLED,
            HouseholdFlagKind.NEWLY_DISABLED,
            HouseholdFlagKind.SERIOUS_ILLNESS_HOUSEHOLD,
            HouseholdFlagKind.ILLNESS_THIS_YEAR,
            HouseholdFlagKind.MANY_CHILDREN_IN_SCHOOL,
            HouseholdFlagKind.SAND_FIELD_WITHDRAWAL,
        )
    )
}
assert set(FLAG_BITS) == set(HouseholdFlagKind.values), "every flag kind has its bit"


def flag_in_force_q(on: datetime.date) -> Q:
    """Query face: an effective-dated flag valid on ``on`` (SPEC §2.4)."""
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def flag_in_force(flag: Any, on: datetime.date) -> bool:
    """Python face of ``flag_in_force_q``."""
    return flag.valid_from <= on and (flag.valid_to is None or flag.valid_to >= on)


def exited_on(flags: Iterable[Any], on: datetime.date) -> bool:
    """Python face: the household is a 脱贫户 on ``on`` — an ``exited_poor`` flag in force that day (SPEC §0.2 item
    30, §2.4), from its flags (``household.flags.all()``, prefetched where many are read). The programmes of §11
    read it through ``monitoring.facts.exited_or_monitored``."""
    return any(flag.kind == HouseholdFlagKind.EXITED_POOR and flag_in_force(flag, on) for flag in flags)


def exited_on_q(on: datetime.date, path: str = "") -> Q:
    """Query face of ``exited_on``: ``path`` leads from the queried model to the household ("" when the rows are
    households, "household__" from a member)."""
    flags = HouseholdFlag.objects.filter(
        flag_in_force_q(on), household=OuterRef(f"{path}pk"), kind=HouseholdFlagKind.EXITED_POOR
    )
    return Q(Exists(flags))


@dataclass(frozen=True)
class FlagFacts:
    bits: int
    since: Mapping[str, datetime.date]  # when each flag in force began

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.since)


def flag_facts(flags: Iterable[tuple[str, datetime.date]]) -> FlagFacts:
    """The flags in force as (kind, valid_from) pairs: their bitmask and start dates."""
    since: dict[str, datetime.date] = {}
    for kind, valid_from in flags:
        since[kind] = min(valid_from, since.get(kind, valid_from))
    bits = 0
    for kind in since:
        bits |= FLAG_BITS[kind]
    return FlagFacts(bits, since)


def has_flag_q(*kinds: str, path: str = "") -> Q:
    """Query face over the facts table (``path`` leads from the queried model to its ``HouseholdFacts``): any of
    ``kinds`` in force."""
    from django.db.models import F, IntegerField
    from django.db.models.expressions import ExpressionWrapper
    from django.db.models.lookups import GreaterThan

    mask = 0
    for kind in kinds:
        mask |= FLAG_BITS[kind]
    masked = ExpressionWrapper(F(f"{path}flags").bitand(mask), output_field=IntegerField())
    return Q(GreaterThan(masked, 0))


def flag_aggregates() -> dict[str, Any]:
    """Query face of ``flag_facts`` for ``values("household_id").annotate(...)`` over the flags in force: the
    bitmask, when 脱贫户 began (its visit interval runs from then), and how many special identities."""
    bit = Case(*(When(kind=kind, then=Value(value)) for kind, value in FLAG_BITS.items()), output_field=IntegerField())
    return {
        "bits": Sum(bit, distinct=True),
        "exited_since": Min("valid_from", filter=Q(kind=HouseholdFlagKind.EXITED_POOR)),
        "special": Count("kind", distinct=True, filter=Q(kind__in=sorted(SPECIAL_IDENTITIES))),
    }


def special_identities(flags: FlagFacts) -> int:
    """SPEC §2.4: how many of the special identities (脱贫户, 低保, 特困, 残疾户, 大病户) the household carries."""
    return len(flags.kinds & SPECIAL_IDENTITIES)


def exited_since(flags: FlagFacts) -> datetime.date | None:
    return flags.since.get(HouseholdFlagKind.EXITED_POOR)
