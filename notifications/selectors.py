"""Reads of notifications: the user's own inbox (``visible_to``) and who should hear of a step."""

from collections.abc import Collection

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from accounts.permissions import capability_q
from accounts.roles import Capability, Role
from geo.parameters import area_codes_up
from notifications.models import Notification


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    notifications = Notification.objects.visible_to(user)
    return notifications.unread() if unread_only else notifications


def unread_count(user: User | AnonymousUser | None) -> int:
    """The number on the bell in the top bar."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.visible_to(user).unread().count()


def users_who_take(*, capability: Capability, area_code: str, levels: Collection[str]) -> QuerySet[User]:
    """Active users whose role carries ``capability`` and whose one area, of one of ``levels``, contains
    ``area_code``: those whose step it is in the managing chain of a case there (SPEC §1.3 rule 2). The level
    matters because capabilities overlap (a township cadre may also take village steps) while a queue belongs to
    one level. Superusers are not addressed: they are administrators, not cadres."""
    return (
        User.objects.filter(
            is_active=True, is_superuser=False, area__code__in=area_codes_up(area_code), area__level__in=levels
        )
        .filter(capability_q(capability))
        .distinct()
    )


def users_of_role(*, role: Role, area_code: str, levels: Collection[str]) -> QuerySet[User]:
    """Active users holding ``role`` whose one area, of one of ``levels``, contains ``area_code``: the supervisors
    over a county (SPEC §1.2), who take no step and so carry no step capability."""
    return User.objects.filter(
        is_active=True,
        is_superuser=False,
        area__code__in=area_codes_up(area_code),
        area__level__in=levels,
        groups__name=role.value,
    ).distinct()
