"""Reads of a household's life (transfers, splits, merges, merged villages); every one starts from
``visible_to(user)`` (STYLE rule 2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Count, Model, Q, QuerySet

from accounts.models import User
from geo.codes import AreaLevel
from geo.models import AdminArea
from households.choices import AreaField, LifeEventKind
from households.models import Household, HouseholdEvent, VillageMerge
from households.querysets import formerly_managed_ids

LIST_LIMIT = 200
_Row = TypeVar("_Row", bound=Model)


def current_only(queryset: QuerySet[_Row], *, user: User) -> QuerySet[_Row]:
    """A list of today's territory, of households or of their parts (members): the households transferred away
    stay readable one by one (their page, the transfer list) but leave the village's lists and counts."""
    ids = formerly_managed_ids(user)
    if isinstance(ids, list) and not ids:
        return queryset
    return queryset & queryset.model._default_manager.current_to(user)  # type: ignore[attr-defined]


def household_events(household: Household) -> list[HouseholdEvent]:
    """The life events of one (visible) household, newest first."""
    return list(
        HouseholdEvent.objects.filter(household=household).select_related(
            "from_area", "to_area", "other_household", "actor"
        )
    )


def transfer_list(*, user: User, direction: str = "") -> QuerySet[HouseholdEvent]:
    """Transfers (迁转) the user may read, newest first: into their territory, out of it (``direction`` "out":
    from an area of their territory), or both."""
    events = (
        HouseholdEvent.objects.visible_to(user)
        .filter(kind=LifeEventKind.TRANSFER)
        .select_related("household", "from_area__parent", "to_area__parent", "actor", "village_merge")
    )
    area = getattr(user, "area", None)
    if direction == "out" and area is not None:
        events = events.filter(from_area__code__startswith=area.prefix).exclude(to_area__code__startswith=area.prefix)
    elif direction == "in" and area is not None:
        events = events.filter(to_area__code__startswith=area.prefix).exclude(from_area__code__startswith=area.prefix)
    return events.order_by("-at", "-pk")


def retired_villages(*, user: User) -> list[Any]:
    """The merged (retired) villages and groups of the user's territory, each with the households still registered
    on it (``open_households``), those with households first."""
    open_q = Q(managed_households__closed_on__isnull=True)
    return list(
        AdminArea.objects.visible_to(user)
        .filter(level__in=(AreaLevel.VILLAGE, AreaLevel.GROUP), valid_to__isnull=False)
        .select_related("replaced_by", "parent")
        .annotate(open_households=Count("managed_households", filter=open_q))
        .order_by("-open_households", "code")[:LIST_LIMIT]
    )


def village_open_households(village: AdminArea) -> int:
    """Households still registered with ``village`` as one of their four areas (what a village merge moves)."""
    touching = Q(pk__in=[])
    for name in AreaField.values:
        touching |= Q(**{f"{name}_id": village.pk})
    return Household.objects.filter(touching, closed_on__isnull=True).count()


def village_merges(*, user: User) -> QuerySet[VillageMerge]:
    return VillageMerge.objects.visible_to(user).select_related("village", "successor", "actor")[:LIST_LIMIT]


def successor_choices(*, user: User, village: AdminArea) -> QuerySet[AdminArea]:
    """Villages of the same level in use in the user's territory, the village itself left out."""
    return (
        AdminArea.objects.visible_to(user)
        .filter(level=village.level, valid_to__isnull=True)
        .exclude(pk=village.pk)
        .select_related("parent")
        .order_by("code")
    )


def area_choices(*, user: User) -> QuerySet[AdminArea]:
    """Villages and groups in use in the user's territory: where a household may be managed or live."""
    return (
        AdminArea.objects.visible_to(user)
        .filter(level__in=(AreaLevel.VILLAGE, AreaLevel.GROUP), valid_to__isnull=True)
        .select_related("parent")
        .order_by("code")
    )


@dataclass(frozen=True)
class HouseholdLife:
    """What a household's page shows of its life to one user."""

    current: bool  # the user's territory (or pairing) holds it today; False: a place it left, reading only
    may_change: bool  # the user may transfer, split or merge it
    events: list[HouseholdEvent]
    merged_into: Household | None


def household_life(*, user: User, household: Household) -> HouseholdLife:
    from households.permissions import can_change_areas

    events = household_events(household)
    absorbed = next((e for e in events if e.kind == LifeEventKind.ABSORBED), None)
    return HouseholdLife(
        current=Household.objects.current_to(user).filter(pk=household.pk).exists(),
        may_change=household.closed_on is None and can_change_areas(user, household),
        events=events,
        merged_into=absorbed.other_household if absorbed is not None else None,
    )
