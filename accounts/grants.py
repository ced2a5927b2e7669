"""Every django-guardian write lives here (STYLE rule 13). Grants are exceptions to territory: a paired
assistance cadre (帮扶责任人) from another area gets view and visit rights on the households assigned to them
(SPEC §1.6). ``visible_to`` reads the ``view_household`` grants."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_perms, remove_perm

from accounts.roles import Role
from core.errors import DomainError
from geo.querysets import GRANTS_MEMO

if TYPE_CHECKING:
    from accounts.models import User

# What a pairing opens on one household.
PAIRING_PERMISSIONS: Final = ("households.view_household", "households.visit_household")

# Sent (``household=``) inside the transaction of a grant or a revocation: the household's paired cadre is one of
# its facts, which the households app (above this one) keeps and refreshes on it.
pairing_changed = Signal()


@transaction.atomic
def household_grant_to_cadre(*, household: Any, cadre: User) -> None:
    """Open one household to a paired assistance cadre; idempotent."""
    if not cadre.is_active:
        raise DomainError(_("用户“%(username)s”已停用，不能结对") % {"username": cadre.username}, field="cadre")
    if not cadre.groups.filter(name=Role.ASSISTANCE_CADRE.value).exists():  # fresh, not the cached roles
        raise DomainError(_("用户“%(username)s”不是帮扶责任人，不能结对") % {"username": cadre.username}, field="cadre")
    for permission in PAIRING_PERMISSIONS:
        assign_perm(permission, cadre, household)
    cadre.__dict__.pop(GRANTS_MEMO, None)  # what visible_to remembered of this user's grants
    pairing_changed.send(sender=household_grant_to_cadre, household=household)


@transaction.atomic
def household_revoke_from_cadre(*, household: Any, cadre: User) -> None:
    """Close a household to a cadre when the pairing ends; idempotent."""
    for permission in PAIRING_PERMISSIONS:
        remove_perm(permission, cadre, household)
    cadre.__dict__.pop(GRANTS_MEMO, None)
    pairing_changed.send(sender=household_revoke_from_cadre, household=household)


def household_grants_of(*, household: Any, cadre: User) -> list[str]:
    return list(get_perms(cadre, household))


def pairings() -> Any:
    """Who is paired with which household (SPEC §1.6), as rows of ``household_id`` and ``user_id``: an active
    assistance cadre's view grant. The one place that reads guardian's table for it."""
    from django.apps import apps
    from django.db.models import F

    # By name: the grant table is the households app's (a direct foreign key, STYLE rule 13), above this one.
    grants = apps.get_model("households", "HouseholdUserObjectPermission")
    return grants.objects.filter(
        permission__codename="view_household",
        user__is_active=True,
        user__groups__name=Role.ASSISTANCE_CADRE.value,
    ).annotate(household_id=F("content_object_id"))


def paired_cadre_ids(household: Any) -> list[int]:
    """The paired cadres of one household (SPEC §1.6)."""
    return sorted(pairings().filter(content_object=household).values_list("user_id", flat=True))
