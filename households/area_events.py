"""A household's area changes as events, for the writers that change areas: the area service
(``households.services.life``) one household at a time, the Excel import in bulk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from accounts.models import User
from households.choices import AreaField, LifeEventKind
from households.models import Household, HouseholdEvent
from households.signals import household_areas_changed


def area_event_kind(name: str) -> LifeEventKind:
    """An area's change as an event: a new managing area is a transfer (迁转), any other an area change."""
    return LifeEventKind.TRANSFER if name == AreaField.MANAGING else LifeEventKind.AREA_CHANGE


def households_areas_recorded(
    moves: Sequence[tuple[Household, Mapping[str, tuple[int | None, int | None]]]], *, actor: User, reason: str
) -> None:
    """What a writer of many households that changed their areas in bulk (the Excel import) owes afterwards, in its
    transaction, as ``household_areas_change`` does it for one: an event per changed area (``{field: (old id, new
    id)}``; a new managing area is a transfer, which the old place keeps reading) and the place of the households'
    open problems (``household_areas_changed``). The facts are the writer's to refresh."""
    if not moves:
        return
    events = [
        HouseholdEvent(
            household=household,
            kind=area_event_kind(name),
            actor=actor,
            reason=reason,
            area_field=name,
            from_area_id=old,
            to_area_id=new,
            # the out-of-area hukou text, which such a writer leaves as it was, shown where no area is coded
            from_text=household.hukou_area_text if name == AreaField.HUKOU else "",
            to_text=household.hukou_area_text if name == AreaField.HUKOU else "",
        )
        for household, changes in moves
        for name, (old, new) in changes.items()
    ]
    HouseholdEvent.objects.bulk_create(events, batch_size=1000)
    ids = [household.pk for household, _changes in moves]
    household_areas_changed.send(sender=households_areas_recorded, household_ids=ids, actor=actor)
