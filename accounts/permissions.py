"""Role checks, one conditional per line (STYLE rule 12). Territory is decided by ``visible_to``, not here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from accounts.roles import Capability

if TYPE_CHECKING:
    from accounts.models import User


def has_capability(user: User, capability: Capability) -> bool:
    """True when one of the user's roles carries the capability of SPEC §1.3 (superusers carry all)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.has_perm(f"accounts.{capability.value}"))


def capability_q(capability: Capability) -> Q:
    """Query face of ``has_capability`` over users (whether superusers are addressed is the caller's choice): one of
    their roles carries ``capability``, or it was granted to them alone. The roles are matched by their groups'
    ids, a handful: joined to every permission of every user's groups, a township's 360 assistance cadres made
    thousands of rows to sort out again (53 ms against 3 ms)."""
    from django.contrib.auth.models import Group

    roles = Group.objects.filter(permissions__codename=capability.value).values("pk")
    return Q(groups__in=roles) | Q(user_permissions__codename=capability.value)


def can_view_identity(user: User) -> bool:
    """Full ID and phone numbers (SPEC §1.3 row 2); everyone else sees them masked (§2.6)."""
    return has_capability(user, Capability.VIEW_IDENTITY)


def can_edit_households(user: User) -> bool:
    return has_capability(user, Capability.EDIT_HOUSEHOLD)
