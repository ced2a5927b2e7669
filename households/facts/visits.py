"""When a household must next be visited (SPEC §4.13, ``visit.interval_days`` of §15.2)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Final

from django.db.models import Q

from households.facts.context import Dialect, FactContext

# The classes of ``visit.interval_days`` and where the facts keep the day a household entered each: the household
# app knows exited households and risks found; monitoring contributes the monitored, held and eliminated classes.
CLASS_STARTS: Final[dict[str, str]] = {
    "eliminated": "eliminated_since",
    "exited": "exited_since",
    "hold": "hold_since",
    "monitored": "monitored_since",
    "risk_flagged": "risk_open_since",  # an open risk (households.facts.risks)
}

VisitClasses = Mapping[str, datetime.date]


def visit_due(
    last_visit: datetime.date | None, planned: datetime.date | None, classes: VisitClasses, ctx: FactContext
) -> tuple[str, datetime.date | None]:
    """Python face. SPEC §4.13: the day by which the household must be visited — overdue once it has passed. Each
    class the household is in (monitored, held, eliminated, exited, risk found) gives its interval after the last
    visit, or after the day it entered the class when it was never visited; a planned next visit not yet made gives
    its date. The earliest wins (ties by name); a household in no class and with no plan is never due."""
    candidates: list[tuple[datetime.date, str]] = []
    if planned is not None and (last_visit is None or planned > last_visit):
        candidates.append((planned, "planned"))
    for name, since in classes.items():
        days = ctx.visit_intervals.get(name)
        if days is None:
            continue
        candidates.append(((last_visit or since) + datetime.timedelta(days=days), name))
    if not candidates:
        return "", None
    due, name = min(candidates)
    return name, due


def visit_layers(ctx: FactContext, d: Dialect) -> list[dict[str, str]]:
    """Query face of ``visit_due`` (visits joined as ``v``; the class starts are layer-one names)."""
    candidates = {
        "planned": "CASE WHEN planned_visit_on IS NOT NULL AND (last_visit_on IS NULL OR planned_visit_on > "
        "last_visit_on) THEN planned_visit_on END"
    }
    for name, start in CLASS_STARTS.items():
        days = ctx.visit_intervals.get(name)
        if days is not None:
            candidates[name] = (
                f"CASE WHEN {start} IS NOT NULL THEN {d.plus_days(f'COALESCE(last_visit_on, {start})', days)} END"
            )
    due = d.least(*(f"due_{name}" for name in candidates))
    order = sorted(candidates)  # ties go to the first name, as ``min`` over (date, name) does
    which = " ".join(f"WHEN due_{name} = visit_due_on THEN {d.text(name)}" for name in order)
    return [
        {"last_visit_on": "v.last", "planned_visit_on": "v.planned"},
        {f"due_{name}": expression for name, expression in candidates.items()},
        {"visit_due_on": due},
        {"visit_class": f"CASE WHEN visit_due_on IS NULL THEN '' {which} ELSE '' END"},
    ]


def visit_overdue(due_on: datetime.date | None, *, today: datetime.date) -> bool:
    """Python face of the overdue test; the query face is ``visit_overdue_q``."""
    return due_on is not None and due_on < today


def visit_overdue_q(today: datetime.date, path: str = "") -> Q:
    return Q(**{f"{path}visit_due_on__lt": today})
