"""Reads of the steps and procedures past their time limit, for the level above (SPEC §4.14: overdue cases are
listed for the next level). "Past the limit" is the one definition of ``monitoring.selectors.queues`` (``Waiting``,
its SQL face ``overdue_steps`` / ``procedures_overdue``); these reads start from ``visible_to(user)`` and keep the
cases managed in the user's territory, as the queues' overdue filter does, so a count and its list agree."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from core.aggregates import aggregate_row
from geo.codes import AreaLevel, ancestor_code, prefix_of
from geo.models import AdminArea
from monitoring import permissions
from monitoring.models import EliminationCase, EntryApplication
from monitoring.querysets import CaseQuerySet
from monitoring.selectors.queues import (
    WaitingContext,
    elimination_mine_states,
    entry_mine_states,
    procedure_overdue_q,
    procedure_waiting,
    procedures_overdue,
    step_limits,
    step_overdue_q,
    with_step_aliases,
)


def territory(user: User) -> str:
    """The area code the user's cases lie in ("" for a superuser: every county)."""
    area = getattr(user, "area", None)
    return "" if user.is_superuser or area is None else area.code


def overdue_counts(*, user: User, today: datetime.date, context: WaitingContext) -> dict[str, int]:
    """What the user's home queue counts of the steps and procedures, one query per kind of case, over the cases
    managed in the user's territory:

    - ``mine_entry`` and ``mine_elimination``, the cases whose next step is the user's (``entry_mine``,
      ``elimination_mine``), and ``mine_entry_overdue`` and ``mine_elimination_overdue``, those of them waiting past
      their limit: as the queues list them, with and without their overdue filter;
    - ``entry`` and ``elimination``, the cases waiting past their limit at the level the user oversees
      (``permissions.oversees_steps_of``), for the level above (present only for those who oversee one);
    - ``procedures``, the applications past the procedure's target (``procedures_overdue_for``), for those who
      read them."""
    area_code = territory(user)
    level = permissions.oversees_steps_of(user)
    found: dict[str, int] = {}
    cases: tuple[tuple[str, type[EntryApplication] | type[EliminationCase], set[str]], ...] = (
        ("entry", EntryApplication, entry_mine_states(user)),
        ("elimination", EliminationCase, elimination_mine_states(user)),
    )
    for kind, model, mine_states in cases:
        counts: dict[str, Count] = {}
        if mine_states:  # no step of theirs: nothing to count (and no empty ``state__in`` in the query)
            mine = Q(state__in=mine_states)
            late = step_overdue_q(model, area_code=area_code, today=today, context=context)
            counts = {f"mine_{kind}": Count("pk", filter=mine), f"mine_{kind}_overdue": Count("pk", filter=mine & late)}
        else:
            found.update({f"mine_{kind}": 0, f"mine_{kind}_overdue": 0})
        if level is not None:
            below = step_overdue_q(model, area_code=area_code, today=today, context=context, level=level)
            counts[kind] = Count("pk", filter=below)
        if model is EntryApplication and permissions.can_read_overdue_procedures(user):
            counts["procedures"] = Count(
                "pk", filter=procedure_overdue_q(area_code=area_code, today=today, context=context)
            )
        managed = cast(CaseQuerySet[Any], model.objects.visible_to(user)).managed_by(user)
        waiting = managed.filter(state__in=mine_states | set(step_limits(model)))  # the open steps, by their index
        if counts:
            # Not ``aggregate()``: over aliases it wraps the query in a subquery and rewrites every expression, a
            # sixth of the counts' time.
            found.update(aggregate_row(with_step_aliases(waiting), **counts))
    return found


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
