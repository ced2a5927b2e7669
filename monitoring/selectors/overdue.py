"""Reads of the steps and procedures past their time limit, for the level above (SPEC §4.14: overdue cases are
listed for the next level). "Past the limit" is the one definition of ``monitoring.selectors.queues`` (``Waiting``,
its SQL face ``overdue_steps`` / ``procedures_overdue``); these reads start from ``visible_to(user)`` and keep the
cases managed in the user's territory, as the queues' overdue filter does, so a count and its list agree."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, QuerySet, Value

from accounts.models import User
from geo.codes import AreaLevel, ancestor_code, prefix_of
from geo.models import AdminArea
from monitoring import permissions
from monitoring.models import EliminationCase, EntryApplication
from monitoring.querysets import CaseQuerySet
from monitoring.selectors.queues import WaitingContext, overdue_steps, procedure_waiting, procedures_overdue


def territory(user: User) -> str:
    """The area code the user's cases lie in ("" for a superuser: every county)."""
    area = getattr(user, "area", None)
    return "" if user.is_superuser or area is None else area.code


def overdue_counts(*, user: User, today: datetime.date, context: WaitingContext) -> dict[str, int]:
    """What the level above reads on its queue, in one query: ``entry`` and ``elimination``, the cases waiting
    past their limit at the level the user oversees (``permissions.oversees_steps_of``); ``procedures``, the
    applications past the procedure's target (``procedures_overdue_for``), for those who read them. Only the
    counts the user is concerned with are present."""
    parts: list[tuple[str, QuerySet[Any]]] = []
    level = permissions.oversees_steps_of(user)
    area_code = territory(user)
    if level is not None:
        entries = EntryApplication.objects.visible_to(user).managed_by(user)
        cases = EliminationCase.objects.visible_to(user).managed_by(user)
        parts += [
            ("entry", overdue_steps(entries, area_code=area_code, today=today, context=context, level=level)),
            ("elimination", overdue_steps(cases, area_code=area_code, today=today, context=context, level=level)),
        ]
    if permissions.can_read_overdue_procedures(user):
        scoped = EntryApplication.objects.visible_to(user)
        parts.append(("procedures", procedures_overdue_for(scoped, user=user, today=today, context=context)))
    if not parts:
        return {}
    counted = [
        queryset.order_by().annotate(kind=Value(kind)).values("kind").annotate(n=Count("pk")).values_list("kind", "n")
        for kind, queryset in parts
    ]
    found = dict(counted[0].union(*counted[1:], all=True)) if len(counted) > 1 else dict(counted[0])
    return {kind: found.get(kind, 0) for kind, _queryset in parts}


def procedures_overdue_for(
    scoped: QuerySet[EntryApplication], *, user: User, today: datetime.date, context: WaitingContext, township: str = ""
) -> QuerySet[EntryApplication]:
    """The open applications of ``scoped`` (``visible_to(user)`` ran), managed in the user's territory, whose whole
    procedure EN-0 → EN-6 has used more working days than ``entry.total_target_days``; ``township`` (a township code
    the caller checked) keeps one township. In township order, the earliest reported first."""
    found = procedures_overdue(
        cast(CaseQuerySet[EntryApplication], scoped).managed_by(user),
        area_code=territory(user),
        today=today,
        context=context,
    )
    if township:
        found = found.filter(household__managing_area__code__startswith=prefix_of(township, AreaLevel.TOWNSHIP))
    return found.select_related("household__managing_area").order_by(
        "household__managing_area__code", "reported_on", "pk"
    )


@dataclass
class TownshipProcedures:
    """One township's applications past the procedure's target, each with its ``procedure`` waiting."""

    code: str
    name: str
    applications: list[EntryApplication] = field(default_factory=list)


def by_township(
    applications: Iterable[EntryApplication], *, today: datetime.date, context: WaitingContext
) -> list[TownshipProcedures]:
    """The applications (``procedures_overdue_for``) grouped by the township of their managing area, in code order,
    the longest procedure first within each, each with its ``procedure`` waiting (``procedure_waiting``)."""
    groups: dict[str, TownshipProcedures] = {}
    for application in applications:
        application.procedure = procedure_waiting(application, today=today, context=context)  # type: ignore[attr-defined]
        code = ancestor_code(application.household.managing_area.code, AreaLevel.TOWNSHIP)
        groups.setdefault(code, TownshipProcedures(code=code, name=code)).applications.append(application)
    for code, name in AdminArea.objects.filter(code__in=list(groups)).values_list("code", "name"):
        groups[code].name = name
    for group in groups.values():
        group.applications.sort(key=lambda a: (-a.procedure.days, a.pk))  # type: ignore[attr-defined]
    return list(groups.values())
