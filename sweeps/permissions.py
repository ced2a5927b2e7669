"""Who may do what with problems, campaigns and runs (SPEC §1.3 matrix): the capability, inside the problem's place
(scoping rule 2), and for verification a level above the place (SPEC §7.5 "verified by a level above the owner")."""

from typing import Any, Final

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from geo.codes import AreaLevel
from geo.querysets import in_territory

VERIFY: Final = Capability.VERIFY_RECTIFICATION
SUBMIT: Final = Capability.SUBMIT_RECTIFICATION
# The levels that may verify and close a problem of a place of each level.
LEVELS_ABOVE: Final[dict[str, tuple[str, ...]]] = {
    AreaLevel.GROUP: (AreaLevel.TOWNSHIP, AreaLevel.COUNTY),
    AreaLevel.VILLAGE: (AreaLevel.TOWNSHIP, AreaLevel.COUNTY),
    AreaLevel.TOWNSHIP: (AreaLevel.COUNTY,),
    AreaLevel.COUNTY: (AreaLevel.COUNTY,),
}


def can_verify(user: User, problem: Any) -> bool:
    """交办, 退回, 销号: a township or county reviewer above the problem's place (SPEC §1.3, §7.5)."""
    if user.is_superuser:
        return True
    area = getattr(user, "area", None)
    above = area is not None and area.level in LEVELS_ABOVE.get(problem.area.level, ())
    return has_capability(user, VERIFY) and in_territory(user, problem.area_code) and above


def can_assign_in_batch(user: User) -> bool:
    """Whether the problem list offers batch 交办 at all: the role verifies rectification (SPEC §1.3). Whether each
    problem is the user's to assign, ``can_verify`` decides in ``problem_assign``."""
    return has_capability(user, VERIFY)


def can_work_on(user: User, problem: Any) -> bool:
    """整改, 提交: the unit of the place (the village submits, SPEC §1.3) or the township for its own problems."""
    return has_capability(user, SUBMIT) and in_territory(user, problem.area_code)


def can_start_sweep(user: User) -> bool:
    """A centralized sweep is started by a county reviewer or an administrator (SPEC §1.3)."""
    return has_capability(user, Capability.START_SWEEP)


def can_verify_area(user: User, area: Any) -> bool:
    """Sign off an area's part of a campaign: a reviewer of that area or above (a township for itself, the county
    for the campaign, SPEC §7.4)."""
    return has_capability(user, VERIFY) and in_territory(user, area.code)


def can_dispose_warnings(user: User) -> bool:
    """Whether the warning list offers batch disposal at all: the role verifies warnings (SPEC §1.3, §6.5)."""
    return has_capability(user, Capability.DISPOSE_WARNING)


def can_dispose_warning(user: User, warning: Any) -> bool:
    """核实处置, 办结 a screening warning: the village or township of the household's place (SPEC §6.5)."""
    return can_dispose_warnings(user) and in_territory(user, warning.household.managing_area.code)


def can_record_event(user: User, county: Any) -> bool:
    """Record a large-scale risk event and start its sweep: a county reviewer (or an administrator) whose
    territory holds the county (SPEC §4.12, §1.3 "start sweep")."""
    return has_capability(user, Capability.START_SWEEP) and in_territory(user, county.code)
