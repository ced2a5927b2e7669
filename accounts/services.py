"""Writes to users and roles (SPEC §1.2). Every refusal is a Chinese sentence naming the bad field."""

from collections.abc import Iterable
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from accounts.roles import ROLE_LEVELS, Department, Role
from core.errors import DomainError
from geo.codes import AreaLevel
from geo.services import area_get_by_code


def parse_roles(codes: Iterable[str]) -> list[Role]:
    roles = []
    for code in codes:
        if code not in Role.values:
            valid = "、".join(Role.values)
            raise DomainError(f"角色“{code}”不存在；可用角色：{valid}", field="role")
        roles.append(Role(code))
    if not roles:
        raise DomainError("至少需要一个角色", field="role")
    return roles


@transaction.atomic
def user_create(
    *,
    username: str,
    role_codes: Iterable[str],
    area_code: str,
    password: str,
    department: str = "",
    full_name: str = "",
    check_password: bool = True,
    must_change_password: bool = True,
) -> User:
    """Create a user bound to one area with one or more roles. Nothing is saved if any input is wrong."""
    username = username.strip()
    if not username:
        raise DomainError("用户名不能为空", field="username")
    if User.objects.filter(username=username).exists():
        raise DomainError(f"用户名“{username}”已存在", field="username")
    roles = parse_roles(role_codes)
    area = area_get_by_code(area_code)
    if not area.is_active:
        raise DomainError(f"区划“{area.name}”已停用，不能绑定用户", field="area")
    for role in roles:
        if area.level not in ROLE_LEVELS[role]:
            allowed = "、".join(str(label) for value, label in AreaLevel.choices if value in ROLE_LEVELS[role])
            raise DomainError(
                f"角色“{role.label}”只能绑定到{allowed}级区划，“{area.name}”是{area.get_level_display()}级",
                field="area",
            )
    if Role.DEPARTMENT_SCREENER in roles and department not in Department.values:
        raise DomainError("行业部门筛查人员必须指定所属部门（如 health、civil_affairs）", field="department")
    if department and department not in Department.values:
        raise DomainError(f"部门“{department}”不存在", field="department")
    user = User(
        username=username,
        area=area,
        department=department,
        last_name=full_name,
        must_change_password=must_change_password,
    )
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError("密码不符合要求：" + "；".join(exc.messages), field="password") from exc
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    return user


def sessions_clear_expired() -> None:
    """Delete expired login sessions (the daily housekeeping job)."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
