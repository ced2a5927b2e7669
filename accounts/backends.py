"""Authentication backend: Django's model backend, reading a user's roles (their groups), the roles' permissions
and any permission of their own in one query instead of three, and the user with their area — every page checks
capabilities and scopes by the area."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, Value

from accounts.roles import Role

if TYPE_CHECKING:
    from accounts.models import User


class RoleBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        from accounts.models import User

        user = User._default_manager.select_related("area").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            _load(user_obj)
        return set(user_obj._perm_cache)


def _load(user: User) -> None:
    """Roles and permissions in one query (a UNION of the groups' and the user's own)."""
    rows: list[tuple[str | None, str | None, str | None]]
    if user.is_superuser:
        rows = [(None, label, codename) for label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )]  # fmt: skip
        rows += [(name, None, None) for name in Group.objects.filter(user=user).values_list("name", flat=True)]
    else:
        of_groups = (
            Group.objects.filter(user=user)
            .order_by()
            .values_list("name", "permissions__content_type__app_label", "permissions__codename")
        )
        own = (
            Permission.objects.filter(user=user)
            .order_by()
            .values_list(Value(None, output_field=CharField()), "content_type__app_label", "codename")
        )
        rows = list(of_groups.union(own, all=True))
    # The cache ModelBackend keeps on the user object, which the stubs do not declare.
    perms = {f"{label}.{codename}" for _name, label, codename in rows if codename}
    user._perm_cache = perms  # type: ignore[attr-defined]
    # The User.roles cached property, filled from the same rows.
    user.__dict__["roles"] = frozenset(Role(name) for name, _label, _codename in rows if name and name in Role.values)
