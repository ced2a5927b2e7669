"""Who may read and record employment assistance (SPEC §1.3 "support programmes"): the capability, inside the
territory of the household's managing area (scoping rule 2) or of the workshop's place."""

from typing import Any

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from geo.querysets import in_territory


def can_view(user: User) -> bool:
    return has_capability(user, Capability.VIEW_PROGRAMMES)


def can_manage_member(user: User, member: Any) -> bool:
    """Records, services and subsidies of a person: where their household is managed."""
    return has_capability(user, Capability.MANAGE_PROGRAMMES) and in_territory(
        user, member.household.managing_area.code
    )


def can_manage_workshop(user: User, area_code: str) -> bool:
    """A workshop, its hires and its subsidies: where it stands."""
    return has_capability(user, Capability.MANAGE_PROGRAMMES) and in_territory(user, area_code)
