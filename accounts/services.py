"""Writes to users and roles (SPEC §1.2), and the county account administration (README "Security model"): every
change an administrator makes is one ``AccountEvent``. Every refusal is a Chinese sentence naming the bad field."""

import secrets
from collections.abc import Iterable
from importlib import import_module
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from accounts import twofactor
from accounts.authentication import tokens_revoke
from accounts.models import AccountAction, AccountEvent, User
from accounts.permissions import has_capability
from accounts.roles import ROLE_LEVELS, Capability, Department, Role
from core.errors import DomainError, refusal_text, required_text
from geo.codes import PREFIX_LENGTH, AreaLevel
from geo.models import AdminArea
from geo.querysets import in_territory
from geo.services import area_get_by_code


def parse_roles(codes: Iterable[str]) -> list[Role]:
    roles = []
    for code in codes:
        if code not in Role.values:
            valid = "、".join(Role.values)
            raise DomainError(
                _("角色“%(code)s”不存在；可用角色：%(valid)s") % {"code": code, "valid": valid}, field="role"
            )
        roles.append(Role(code))
    if not roles:
        raise DomainError(_("至少需要一个角色"), field="role")
    return roles


class AccountRefused(DomainError):
    """An account change refused for one or more reasons, each tied to the form field it is about."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(refusal_text([message for _field, message in problems]), field=problems[0][0])
        self.problems = problems


def _levels_within(actor: User | None) -> frozenset[str]:
    """The area levels inside the actor's territory (a county administrator's: county, township, village, group)."""
    if actor is None or actor.is_superuser or actor.area is None:
        return frozenset(AreaLevel.values)
    depth = len(actor.area.prefix)
    return frozenset(level for level, length in PREFIX_LENGTH.items() if length >= depth)


def assignable_roles(actor: User) -> list[Role]:
    """The roles an administrator can hand out: those that may be bound to an area inside their territory."""
    levels = _levels_within(actor)
    return [role for role in Role if ROLE_LEVELS[role] & levels]


def _binding_problems(actor: User | None, roles: list[Role], area: AdminArea, department: str) -> list[tuple[str, str]]:
    """Every reason the roles, area and department do not go together (SPEC §1.2 "Bound to", §1.4), and, for an
    administrator, every part that lies outside their territory."""
    problems: list[tuple[str, str]] = []
    if actor is not None and not in_territory(actor, area.code):
        problems.append(("area", f"区划“{area.name}”不在您管理的范围内"))
    if not area.is_active:
        problems.append(("area", f"区划“{area.name}”已停用，不能绑定用户"))
    for role in roles:
        if area.level not in ROLE_LEVELS[role]:
            allowed = "、".join(str(label) for value, label in AreaLevel.choices if value in ROLE_LEVELS[role])
            problems.append(
                ("roles", f"角色“{role.label}”只能绑定到{allowed}级区划，“{area.name}”是{area.get_level_display()}级")
            )
    if department and department not in Department.values:
        problems.append(("department", f"部门“{department}”不存在"))
    elif Role.DEPARTMENT_SCREENER in roles and not department:
        problems.append(("department", "行业部门筛查人员必须指定所属部门（如 health、civil_affairs）"))
    return problems


def _record(
    actor: User | None, user: User, action: AccountAction, changes: dict[str, Any] | None = None, reason: str = ""
) -> AccountEvent:
    return AccountEvent.objects.create(
        actor=actor, user=user, area=user.area, action=action, changes=changes or {}, reason=reason.strip()
    )


def _require_manager(actor: User) -> None:
    if not has_capability(actor, Capability.MANAGE_USERS):
        raise PermissionDenied


def _manageable(actor: User, user: User) -> User:
    """The account, fresh and locked, when ``actor`` may change it; else the same 404 as a missing one."""
    _require_manager(actor)
    found: User | None = User.objects.manageable_by(actor).select_for_update().filter(pk=user.pk).first()
    if found is None:
        raise Http404
    return found


def _not_oneself(actor: User, user: User, what: str) -> None:
    if actor.pk == user.pk:
        raise DomainError(_("不能%(what)s自己的账号，请由其他管理员办理") % {"what": what}, field="roles")


def temporary_password() -> str:
    """A one-time password for a new or reset account: 12 characters of upper and lower case letters and digits
    (no look-alikes such as 0/O, 1/l), which the owner replaces at first login."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(12))
        if (
            any(c.isupper() for c in password)
            and any(c.islower() for c in password)
            and any(c.isdigit() for c in password)
        ):
            return password


@transaction.atomic
def user_create(
    *,
    username: str,
    role_codes: Iterable[str],
    area_code: str,
    password: str,
    department: str = "",
    full_name: str = "",
    phone: str = "",
    unit_name: str = "",
    actor: User | None = None,
    check_password: bool = True,
    must_change_password: bool = True,
) -> User:
    """Create a user bound to one area with one or more roles. ``actor`` is the account administrator opening it
    (None from the command line); they may bind it only inside their territory. Nothing is saved if any input is
    wrong, and the refusal names every problem."""
    if actor is not None:
        _require_manager(actor)
    username = username.strip()
    problems: list[tuple[str, str]] = []
    if not username:
        problems.append(("username", "用户名不能为空"))
    elif User.objects.filter(username__iexact=username).exists():
        problems.append(("username", f"用户名“{username}”已存在"))
    roles = parse_roles(role_codes)
    area = area_get_by_code(area_code)
    problems += _binding_problems(actor, roles, area, department)
    user = User(
        username=username,
        area=area,
        department=department,
        last_name=full_name.strip(),
        phone=phone.strip(),
        unit_name=unit_name.strip(),
        must_change_password=must_change_password,
    )
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            problems.append(("password", "密码不符合要求：" + "；".join(exc.messages)))
    if problems:
        raise AccountRefused(problems)
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    shown = {"角色": "、".join(str(r.label) for r in roles), "区划": area.name}
    _record(actor, user, AccountAction.CREATED, {key: ["", value] for key, value in shown.items()})
    return user


def _shown_roles(roles: Iterable[Role]) -> str:
    return "、".join(str(role.label) for role in sorted(roles))


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    role_codes: Iterable[str],
    area_code: str,
    department: str = "",
    full_name: str = "",
    phone: str = "",
    unit_name: str = "",
    reason: str = "",
) -> AccountEvent | None:
    """Change an account's roles, area, department or contact details (a re-role or a move). A change of roles or
    area needs a reason and ends the account's API tokens (a client signs in again with its new rights); export
    files are re-checked at download anyway. Returns the audit row, or None when nothing changed."""
    user = _manageable(actor, user)
    roles = parse_roles(role_codes)
    area = area_get_by_code(area_code)
    old_roles = frozenset(user.roles)
    problems = _binding_problems(actor, roles, area, department)
    moved = frozenset(roles) != old_roles or area.pk != user.area_id
    if moved and actor.pk == user.pk:
        problems.append(("roles", "不能修改自己的角色和区划，请由其他管理员办理"))
    if moved and not reason.strip():
        problems.append(("reason", "调整角色或区划请填写原因"))
    if problems:
        raise AccountRefused(problems)
    changes: dict[str, list[str]] = {}

    def compare(label: str, old: str, new: str) -> None:
        if old != new:
            changes[label] = [old, new]

    compare("角色", _shown_roles(old_roles), _shown_roles(roles))
    compare("区划", user.area.name if user.area else "", area.name)
    compare(
        "所属部门",
        user.get_department_display() if user.department else "",
        str(Department(department).label) if department else "",
    )
    compare("姓名", user.last_name, full_name.strip())
    compare("联系电话", user.phone, phone.strip())
    compare("工作单位", user.unit_name, unit_name.strip())
    if not changes:
        return None
    user.area, user.department = area, department
    user.last_name, user.first_name = full_name.strip(), ""
    user.phone, user.unit_name = phone.strip(), unit_name.strip()
    user.save()
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    if moved:
        tokens_revoke(user)
    return _record(actor, user, AccountAction.CHANGED, changes, reason)


@transaction.atomic
def user_disable(*, actor: User, user: User, reason: str) -> AccountEvent:
    """Stop an account (a cadre who left): it can no longer sign in, its open sessions end at their next request
    (an inactive user is nobody, ``RoleBackend.get_user``) and its API tokens end now. Nothing is deleted."""
    user = _manageable(actor, user)
    _not_oneself(actor, user, _("停用"))
    reason = required_text(reason, "reason", _("停用原因"))
    if not user.is_active:
        raise DomainError(_("账号“%(username)s”已经停用") % {"username": user.username}, field="reason")
    user.is_active = False
    user.save(update_fields=["is_active"])
    tokens_revoke(user)
    return _record(actor, user, AccountAction.DISABLED, reason=reason)


@transaction.atomic
def user_enable(*, actor: User, user: User, reason: str = "") -> AccountEvent:
    user = _manageable(actor, user)
    if user.is_active:
        raise DomainError(_("账号“%(username)s”没有停用") % {"username": user.username}, field="reason")
    user.is_active = True
    user.save(update_fields=["is_active"])
    return _record(actor, user, AccountAction.ENABLED, reason=reason)


@transaction.atomic
def user_password_reset(*, actor: User, user: User) -> str:
    """Give an account a new one-time password (there is no mail server, or the owner forgot it): returned once to
    show the administrator, who hands it over; the owner must replace it at their next login. The old password's
    API tokens end, and any login lockout is lifted."""
    user = _manageable(actor, user)
    _not_oneself(actor, user, _("在这里重置"))
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.save()
    axes_reset(username=user.username)
    _record(actor, user, AccountAction.PASSWORD_RESET)
    return password


def is_locked_out(user: User) -> bool:
    """Whether wrong passwords have locked the account's logins (django-axes, by username)."""
    return bool(
        AccessAttempt.objects.filter(
            username=user.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).exists()
    )


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> AccountEvent:
    """Lift a login lockout before its cool-off ends (the owner called, their identity checked)."""
    user = _manageable(actor, user)
    if not is_locked_out(user):
        raise DomainError(_("账号“%(username)s”没有被锁定") % {"username": user.username}, field="reason")
    axes_reset(username=user.username)
    return _record(actor, user, AccountAction.UNLOCKED)


@transaction.atomic
def user_two_factor_reset(*, actor: User, user: User) -> AccountEvent:
    """Remove the authenticator of someone who lost their phone (their identity checked in person or by phone):
    they sign in with the password alone, and add a new one at once where the settings require it."""
    user = _manageable(actor, user)
    if not twofactor.remove(user):
        raise DomainError(_("账号“%(username)s”没有启用两步验证") % {"username": user.username}, field="reason")
    return _record(actor, user, AccountAction.TWO_FACTOR_RESET)


def sessions_clear_expired() -> None:
    """Delete expired login sessions (the daily housekeeping job)."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
