from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.querysets import AccountEventQuerySet, UserManager
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

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.name_of(self.last_name, self.first_name, self.username)

    @staticmethod
    def name_of(last_name: str, first_name: str, username: str) -> str:
        """How a person is named on every page: surname and given name, else the user name (Python face; the query
        face of the full name is ``full_name_expression``)."""
        return f"{last_name}{first_name}".strip() or username

    @staticmethod
    def full_name_expression() -> Any:
        """Query face of the full name (surname and given name) of ``name_of``, to match what a person typed."""
        from django.db.models.functions import Concat

        return Concat("last_name", "first_name", output_field=models.CharField())

    @cached_property
    def roles(self) -> frozenset[Role]:
        names = [group.name for group in self.groups.all()]  # all(): a list of accounts prefetches them
        return frozenset(Role(name) for name in names if name in Role.values)

    @property
    def role_labels(self) -> str:
        """The roles as a person reads them ("乡镇干部、报表人员")."""
        return "、".join(str(role.label) for role in sorted(self.roles))

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


class AccountAction(models.TextChoices):
    CREATED = "created", _("开通账号")
    CHANGED = "changed", _("修改账号")
    DISABLED = "disabled", _("停用账号")
    ENABLED = "enabled", _("启用账号")
    PASSWORD_RESET = "password_reset", _("重置密码")
    UNLOCKED = "unlocked", _("解除登录锁定")
    TWO_FACTOR_RESET = "two_factor_reset", _("重置两步验证")


class AccountEvent(models.Model):
    """One change an administrator made to an account (README "Security model"): who, to whom, what, when, why.
    ``changes`` maps each changed field's label to its old and new text, as shown on the page."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="account_events")
    # Empty when the change came from the command line (``manage.py add_user``).
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The account's area after the change: the administrators of that area read the row.
    area = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    action = models.CharField(_("操作"), max_length=24, choices=AccountAction.choices)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = AccountEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("账号操作记录")
        verbose_name_plural = _("账号操作记录")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.actor_id} → {self.user_id} ({self.action})"
