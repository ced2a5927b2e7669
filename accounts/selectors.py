"""Reads for the account administration (README "Security model"), through the one jurisdiction filter."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import AccountEvent, User
from accounts.permissions import has_capability
from accounts.roles import Capability


def can_manage_users(user: User) -> bool:
    return has_capability(user, Capability.MANAGE_USERS)


@dataclass(frozen=True)
class AccountFilter:
    """What the administrator narrows the list to: a user name or name prefix, a role, active or disabled."""

    q: str = ""
    role: str = ""
    state: str = ""


def accounts_for(actor: User, chosen: AccountFilter) -> QuerySet[User]:
    """The accounts of the administrator's territory, by area then user name."""
    rows = User.objects.manageable_by(actor).select_related("area").prefetch_related("groups")
    if chosen.q:
        rows = rows.filter(
            Q(username__istartswith=chosen.q) | Q(last_name__startswith=chosen.q) | Q(first_name__startswith=chosen.q)
        )
    if chosen.role:
        rows = rows.filter(groups__name=chosen.role)
    if chosen.state == "active":
        rows = rows.filter(is_active=True)
    elif chosen.state == "disabled":
        rows = rows.filter(is_active=False)
    return rows.order_by("area__code", "username")


def account_events(actor: User, user: User) -> QuerySet[AccountEvent]:
    """The account's audit trail as far as the administrator's territory reaches, newest first."""
    return (
        AccountEvent.objects.visible_to(actor).filter(user=user).select_related("actor", "area").order_by("-at", "-pk")
    )
