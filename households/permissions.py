"""Role checks of the registry, one conditional per line (STYLE rule 12). Territory for reading is ``visible_to``'s;
a decision is taken in the **managing** area (SPEC §1.3 rule 2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.permissions import has_capability
from accounts.roles import Capability, Role
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


def can_manage_risks(user: User, household: Household | None = None) -> bool:
    """Open and resolve a household's risks on its page (SPEC §4.3, §4.13): who verifies in the village — a village
    worker or a township cadre (``village_procedure``) — for households their territory manages (``household``
    None: whether the role may at all). A visit, a warning's verification and a measure's effect open and resolve
    risks too, under those steps' own rights."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not has_capability(user, Capability.VILLAGE_PROCEDURE):
        return False
    if household is None:
        return True
    return in_territory(user, household.managing_area.code)


def can_change_areas(user: User, household: Household | None = None) -> bool:
    """Change a household's areas, transfer, split or merge households (SPEC §2.1, §1.3 rule 2, §1.5): a township
    cadre within their township, a county reviewer across its townships, for households their territory manages
    today (``household`` None: whether the role may at all). Where the household goes is checked by the service."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not (user.is_superuser or user.has_role(Role.TOWNSHIP_CADRE) or user.has_role(Role.COUNTY_REVIEWER)):
        return False
    if household is None:
        return True
    return in_territory(user, household.managing_area.code)


def can_merge_village_households(user: User, village_code: str | None = None) -> bool:
    """Move every household of a merged village to its successor (SPEC §1.1 "Divisions change", §15 C-20): a
    county reviewer of the village's county (``village_code`` None: whether the role may at all)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not (user.is_superuser or user.has_role(Role.COUNTY_REVIEWER)):
        return False
    if village_code is None:
        return True
    return in_territory(user, village_code)
