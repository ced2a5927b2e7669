"""Role checks, one conditional per line (STYLE rule 12). Territory is decided by ``visible_to``, not here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.roles import Capability

if TYPE_CHECKING:
    from accounts.models import User


def has_capability(user: User, capability: Capability) -> bool:
    """True when one of the user's roles carries the capability of SPEC §1.3 (superusers carry all)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.has_perm(f"accounts.{capability.value}"))


def can_view_identity(user: User) -> bool:
    """Full ID and phone numbers (SPEC §1.3 row 2); everyone else sees them masked (§2.6)."""
    return has_capability(user, Capability.VIEW_IDENTITY)


def can_edit_households(user: User) -> bool:
    return has_capability(user, Capability.EDIT_HOUSEHOLD)
