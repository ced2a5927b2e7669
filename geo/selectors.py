"""The areas a user picks from in filters and forms (those of their territory)."""

from typing import Any

from django.db.models import QuerySet

from geo.codes import AreaLevel
from geo.models import AdminArea


def counties_of(user: Any) -> QuerySet[AdminArea]:
    """The counties a user may start sweeps and campaigns in (those of their territory)."""
    return AdminArea.objects.visible_to(user).active().of_level(AreaLevel.COUNTY).order_by("code")


def townships_of(user: Any) -> QuerySet[AdminArea]:
    """The townships a user above the township level may narrow lists to."""
    area = getattr(user, "area", None)
    if area is None or area.level in (AreaLevel.TOWNSHIP, AreaLevel.VILLAGE, AreaLevel.GROUP):
        return AdminArea.objects.none()
    return AdminArea.objects.visible_to(user).active().of_level(AreaLevel.TOWNSHIP).order_by("code")
