"""The areas a user picks from in filters and forms (those of their territory)."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.querysets import areas_under


def counties_of(user: Any) -> QuerySet[AdminArea]:
    """The counties a user may start sweeps and campaigns in (those of their territory)."""
    return AdminArea.objects.visible_to(user).active().of_level(AreaLevel.COUNTY).order_by("code")


def townships_of(user: Any) -> QuerySet[AdminArea]:
    """The townships a user above the township level may narrow lists to."""
    area = getattr(user, "area", None)
    if area is None or area.level in (AreaLevel.TOWNSHIP, AreaLevel.VILLAGE, AreaLevel.GROUP):
        return AdminArea.objects.none()
    return AdminArea.objects.visible_to(user).active().of_level(AreaLevel.TOWNSHIP).order_by("code")


def area_census(user: Any) -> dict[str, int]:
    """How many townships and villages (in force) a user's territory holds. A page has usually read the territory's
    areas already (to scope its lists): they are counted from there."""
    area = getattr(user, "area", None)
    rows = areas_under(area.prefix) if area is not None and not user.is_superuser else None
    if rows is not None:
        return {
            "townships": sum(1 for row in rows if row.active and row.level == AreaLevel.TOWNSHIP),
            "villages": sum(1 for row in rows if row.active and row.level == AreaLevel.VILLAGE),
        }
    return (
        AdminArea.objects.visible_to(user)
        .active()
        .aggregate(
            townships=Count("pk", filter=Q(level=AreaLevel.TOWNSHIP)),
            villages=Count("pk", filter=Q(level=AreaLevel.VILLAGE)),
        )
    )
