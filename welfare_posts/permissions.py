"""Who may do what with public-welfare posts (SPEC §1.3, §11): the programmes capabilities, inside the post's
village."""

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from geo.querysets import in_territory


def can_view(user: User) -> bool:
    """Village worker, township cadre, county reviewer, reporting officer and supervisor read the posts."""
    return has_capability(user, Capability.VIEW_PROGRAMMES)


def can_manage(user: User, village_code: str) -> bool:
    """Set up posts, hire, enter attendance, pay and end hires: village, township and county, in their territory."""
    return has_capability(user, Capability.MANAGE_PROGRAMMES) and in_territory(user, village_code)


def has_manage_right(user: User) -> bool:
    """Whether the user's role manages posts at all (to offer the "set up a post" button)."""
    return has_capability(user, Capability.MANAGE_PROGRAMMES)
