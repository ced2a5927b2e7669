"""Reading effective-dated policy parameters (SPEC §15.2). The defaults are rows seeded by a migration, so an
administrator can override them per province or county and per period without a release."""

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from core.errors import DomainError
from geo import once
from geo.codes import level_of, parent_code, prefix_of
from geo.models import PolicyParameter


def _unset(key: str, on: datetime.date) -> DomainError:
    """The refusal when no scope sets ``key`` on ``on``: the administrator adds it."""
    return DomainError(
        _("政策参数“%(key)s”在 %(on)s 未设置，请系统管理员在“政策参数”中补充") % {"key": key, "on": on}, field=key
    )


def area_codes_up(code: str) -> list[str]:
    """The area and all its ancestors, most specific first."""
    codes = []
    current: str | None = code
    while current:
        codes.append(current)
        current = parent_code(current)
    return codes


# Within one request an area's parameters are read once, all of them (``geo.once``, opened by a middleware): a
# page that asks for five settings reads them from the database in one query. Outside requests every read is fresh.
reading_once = once.reading_once


def parameter(key: str, *, area_code: str, on: datetime.date) -> Any:
    """The value of ``key`` for an area on a date; the most specific area with a row valid that day wins."""
    memo = once.memo("parameters")
    if memo is None:
        return _parameter(key, area_code=area_code, on=on)
    if (area_code, on) not in memo:
        memo[(area_code, on)] = _all(area_code=area_code, on=on)
    found = memo[(area_code, on)]
    if key not in found:
        raise _unset(key, on)
    return found[key]


def _all(*, area_code: str, on: datetime.date) -> dict[str, Any]:
    """Every parameter of an area on a date, each resolved as ``parameter`` resolves it: one query."""
    return _all_of([area_code], on=on)[area_code]


def _all_of(area_codes: list[str], *, on: datetime.date) -> dict[str, dict[str, Any]]:
    """``_all`` for several areas in one query."""
    return {code: values for (code, _day), values in _all_on(area_codes, [on]).items()}


def _all_on(area_codes: list[str], days: list[datetime.date]) -> dict[tuple[str, datetime.date], dict[str, Any]]:
    """``_all`` for several areas on several days, in one query: {(area code, day): its parameters that day}."""
    scopes_of = {code: [*area_codes_up(code), ""] if code else [""] for code in area_codes}
    rows = list(
        PolicyParameter.objects.filter(area_code__in={s for scopes in scopes_of.values() for s in scopes})
        .filter(valid_from__lte=max(days))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=min(days)))
        .order_by("valid_from")  # a later start overrides an earlier one of the same scope
        .values_list("key", "area_code", "value", "valid_from", "valid_to")
    )
    result = {}
    for day in days:
        found: dict[str, dict[str, Any]] = {}
        for key, area, value, start, end in rows:
            if start <= day and (end is None or end >= day):
                found.setdefault(key, {})[area] = value
        for code, scopes in scopes_of.items():
            result[code, day] = {
                key: values[next(s for s in scopes if s in values)]
                for key, values in found.items()
                if any(s in values for s in scopes)
            }
    return result


def read_ahead(area_codes: list[str], *, on: datetime.date | list[datetime.date]) -> None:
    """Within a request, read the parameters of many areas on a day (or on several days) in one query (a province's
    dashboard asks the same settings of each of its counties; the funds page asks a year's shares on its first day
    and its milestones today); outside a request there is nothing to keep them in, and nothing is read."""
    memo = once.memo("parameters")
    if memo is None:
        return
    days = on if isinstance(on, list) else [on]
    wanted = sorted({code for code in area_codes for day in days if (code, day) not in memo})
    if wanted:
        memo.update(_all_on(wanted, days))


def _parameter(key: str, *, area_code: str, on: datetime.date) -> Any:
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
    raise _unset(key, on)


def parameters(keys: list[str], *, area_code: str, on: datetime.date) -> dict[str, Any]:
    """Several parameters in one query, each resolved as ``parameter`` resolves one (within a request or a sweep's
    township, from the area's parameters read once)."""
    memo = once.memo("parameters")
    if memo is not None:
        return {key: parameter(key, area_code=area_code, on=on) for key in keys}
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
            raise _unset(key, on)
        out[key] = values[chosen]
    return out


# --------------------------------------------------------------------------------------- a setting over many areas


def _by_scope(key: str, *, on: datetime.date) -> dict[str, Any]:
    """Every scope's value of ``key`` on ``on`` ({area code or "": value}; a later start overrides an earlier one of
    the same scope), read once within a request or a sweep's township."""
    memo = once.memo("parameter_scopes")
    if memo is not None and (key, on) in memo:
        found: dict[str, Any] = memo[key, on]
        return found
    found = {}
    for code, value in (
        PolicyParameter.objects.filter(key=key, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("valid_from")
        .values_list("area_code", "value")
    ):
        found[code] = value
    if "" not in found:  # the national default is seeded: without it, areas without a row of their own have none
        raise _unset(key, on)
    if memo is not None:
        memo[key, on] = found
    return found


def parameter_q(key: str, condition: Callable[[Any], Q], *, on: datetime.date, code_path: str) -> Q:
    """Query face of ``condition(parameter(key, area_code=<a row's area>, on=on))``, ``code_path`` leading from the
    queried model to its area's code: each row meets ``condition`` with the value of the most specific scope that
    holds its area (a county's, else its city's or province's, else the national default), wherever the row lies.
    One branch per scope with a row of its own (a handful), most specific first; with none, the condition alone."""
    values = _by_scope(key, on=on)
    scopes = sorted(
        ((prefix_of(code, level_of(code)), code) for code in values if code), key=lambda scope: -len(scope[0])
    )
    if not scopes:
        return condition(values[""])

    def inside(prefix: str) -> Q:
        return Q(**{f"{code_path}__startswith": prefix})

    found = Q(pk__in=[])
    taken: list[str] = []  # the scopes handled, more specific first
    for prefix, code in scopes:
        branch = inside(prefix)
        for finer in taken:
            if finer.startswith(prefix):
                branch &= ~inside(finer)
        found |= branch & condition(values[code])
        taken.append(prefix)
    rest = Q()
    for prefix in taken:
        rest &= ~inside(prefix)
    return found | (rest & condition(values[""]))
