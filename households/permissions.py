"""Role checks of the registry, one conditional per line (STYLE rule 12). Territory for reading is ``visible_to``'s;
a decision is taken in the **managing** area (SPEC §1.3 rule 2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.roles import Role
from geo.querysets import in_territory

if TYPE_CHECKING:
    from accounts.models import User
    from households.models import Household


def can_manage_pairings(user: User, household: Household | None = None) -> bool:
    """Pair and unpair assistance cadres (SPEC §1.6): a township cadre or a county reviewer, for households their
    territory manages (``household`` None: whether the role may at all)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not (user.is_superuser or user.has_role(Role.TOWNSHIP_CADRE) or user.has_role(Role.COUNTY_REVIEWER)):
        return False
    if household is None:
        return True
    return in_territory(user, household.managing_area.code)
