from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.roles import Department, Role


class User(AbstractUser):
    """A person using the system. Bound to one area (SPEC §1.2); roles are groups named by role code.
    A user without an area sees no place-bound data at all (deny by default)."""

    area = models.ForeignKey(
        "geo.AdminArea",
        verbose_name=_("所属区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    department = models.CharField(_("所属部门"), max_length=32, choices=Department.choices, blank=True)
    unit_name = models.CharField(_("工作单位"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # A provisioned account's password was chosen by an administrator: its owner sets their own before anything else.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    @cached_property
    def roles(self) -> frozenset[Role]:
        names = self.groups.values_list("name", flat=True)
        return frozenset(Role(name) for name in names if name in Role.values)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new password (set_password keeps it until save) ends every API token of the old one.
        if self.pk and getattr(self, "_password", None) is not None:
            from accounts.authentication import tokens_revoke

            tokens_revoke(self)
        super().save(*args, **kwargs)

    def has_role(self, role: Role) -> bool:
        return role in self.roles


class Capability(models.Model):
    """Anchor for the capability permissions of SPEC §1.3 (``accounts.<codename>``); it has no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = list(roles.Capability.choices)
        verbose_name = _("功能权限")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
