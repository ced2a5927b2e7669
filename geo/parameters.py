"""Reading effective-dated policy parameters (SPEC §15.2). The defaults are rows seeded by a migration, so an
administrator can override them per province or county and per period without a release."""

import datetime
from typing import Any

from django.db.models import Q

from geo.codes import parent_code
from geo.models import PolicyParameter
from revitalization.errors import DomainError


def area_codes_up(code: str) -> list[str]:
    """The area and all its ancestors, most specific first."""
    codes = []
    current: str | None = code
    while current:
        codes.append(current)
        current = parent_code(current)
    return codes


def parameter(key: str, *, area_code: str, on: datetime.date) -> Any:
    """The value of ``key`` for an area on a date; the most specific area with a row valid that day wins."""
    scopes = [*area_codes_up(area_code), ""] if area_code else [""]
    rows = {
        row.area_code: row.value
        for row in PolicyParameter.objects.filter(key=key, area_code__in=scopes, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("valid_from")  # a later start overrides an earlier one of the same scope
    }
    for scope in scopes:
        if scope in rows:
            return rows[scope]
    raise DomainError(f"政策参数“{key}”在 {on} 未设置，请系统管理员在“政策参数”中补充", field=key)


def parameters(keys: list[str], *, area_code: str, on: datetime.date) -> dict[str, Any]:
    """Several parameters in one query, each resolved as ``parameter`` resolves one."""
    scopes = [*area_codes_up(area_code), ""] if area_code else [""]
    found: dict[str, dict[str, Any]] = {}
    rows = (
        PolicyParameter.objects.filter(key__in=keys, area_code__in=scopes, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("valid_from")  # a later start overrides an earlier one of the same scope
        .values_list("key", "area_code", "value")
    )
    for key, area, value in rows:
        found.setdefault(key, {})[area] = value
    out = {}
    for key in keys:
        values = found.get(key, {})
        chosen = next((s for s in scopes if s in values), None)
        if chosen is None:
            raise DomainError(f"政策参数“{key}”在 {on} 未设置，请系统管理员在“政策参数”中补充", field=key)
        out[key] = values[chosen]
    return out
