"""Whose accounts an account administrator sees (README "Security model"): the users bound to an area of their
territory, through the one jurisdiction filter (``geo.querysets``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models

from geo.querysets import JurisdictionQuerySet

_M = TypeVar("_M", bound=models.Model)

if TYPE_CHECKING:
    from accounts.models import User


class UserQuerySet(JurisdictionQuerySet["User"]):
    """Accounts by the area they are bound to; only account administrators (``manage_users``) see them this way."""

    jurisdiction_fields = ("area__code",)
    territory_capability = "accounts.manage_users"

    def manageable_by(self, actor: User) -> UserQuerySet:
        """The accounts ``actor`` may change: those of their territory, never a superuser's unless they are one
        (a county administrator must not be able to lock out the operators)."""
        rows = self.visible_to(actor)
        if not actor.is_superuser:
            rows = rows.filter(is_superuser=False)
        return rows


class UserManager(DjangoUserManager["User"]):
    """Django's user manager (create_user, create_superuser; used in migrations) over the territory queryset."""

    use_in_migrations = True

    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def visible_to(self, user: Any) -> UserQuerySet:
        return self.get_queryset().visible_to(user)

    def manageable_by(self, actor: User) -> UserQuerySet:
        return self.get_queryset().manageable_by(actor)


class AccountEventQuerySet(JurisdictionQuerySet[_M]):
    """An account's audit trail, seen by the administrators of the area the account was bound to."""

    jurisdiction_fields = ("area__code",)
    territory_capability = "accounts.manage_users"
