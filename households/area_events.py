"""A household's area changes as events, for the writers that change areas: the area service
(``households.services.life``) one household at a time, the Excel import in bulk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from accounts.models import User
from households.choices import AreaField, LifeEventKind
from households.models import Household, HouseholdEvent
from households.signals import household_areas_changed


def area_event(
    household: Household,
    name: str,
    *,
    actor: User,
    reason: str,
    text: tuple[str, str] = ("", ""),
    **fields: Any,
) -> HouseholdEvent:
    """One area's change as an event row (unsaved): a new managing area is a transfer (迁转), which the old place
    keeps reading; any other an area change. ``fields``: ``from_area``/``to_area`` (or their ids) and any other
    column of the event; ``text``: the out-of-area hukou text before and after, kept on a hukou event only (shown
    where no area is coded)."""
    from_text, to_text = text if name == AreaField.HUKOU else ("", "")
    kind = LifeEventKind.TRANSFER if name == AreaField.MANAGING else LifeEventKind.AREA_CHANGE
    return HouseholdEvent(
        household=household,
        kind=kind,
        actor=actor,
        reason=reason,
        area_field=name,
        from_text=from_text,
        to_text=to_text,
        **fields,
    )


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
        # the out-of-area hukou text stays as it was: such a writer does not change it
        area_event(
            household,
            name,
            actor=actor,
            reason=reason,
            from_area_id=old,
            to_area_id=new,
            text=(household.hukou_area_text, household.hukou_area_text),
        )
        for household, changes in moves
        for name, (old, new) in changes.items()
    ]
    HouseholdEvent.objects.bulk_create(events, batch_size=1000)
    ids = [household.pk for household, _changes in moves]
    household_areas_changed.send(sender=households_areas_recorded, household_ids=ids, actor=actor)
