"""The permission checks every registry write starts with: a capability of the actor's role (SPEC §1.3) and the
household inside what ``visible_to`` opens for the actor. Out of jurisdiction is PermissionDenied here; views
never get that far because they fetch through ``get_visible_or_404``."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from households.models import Household


def require_household(actor: User, household: Household, capability: Capability) -> None:
    if not has_capability(actor, capability):
        raise PermissionDenied
    # Today's territory and pairings: a village a household was transferred from still reads it, never writes.
    if not Household.objects.current_to(actor).filter(pk=household.pk).exists():
        raise PermissionDenied


def require_open(household: Household) -> None:
    from core.errors import DomainError

    if household.closed_on is not None:
        raise DomainError(
            _("该户已于 %(closed_on)s 注销，不能再修改") % {"closed_on": household.closed_on}, field="household"
        )
