"""Open risks (SPEC §4.3): whether a household has a risk still open on a day, and since when — the earliest open
risk's ``found_on``. Sweeps, the home queue, the counts, the visit classes and the exit checks read this fact; none
writes its own. Both faces side by side; tests/households/test_facts.py holds them together at the boundaries
(found on the day: open; resolved on the day: no longer open)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Min, Q


def risk_open_on_q(on: datetime.date, path: str = "") -> Q:
    """Query face over RiskFlag: a risk open on ``on`` — found that day or before, not resolved by then."""
    return Q(**{f"{path}found_on__lte": on}) & (
        Q(**{f"{path}resolved_on__isnull": True}) | Q(**{f"{path}resolved_on__gt": on})
    )


def risk_open_on(risk: Any, on: datetime.date) -> bool:
    """Python face of ``risk_open_on_q``."""
    return risk.found_on <= on and (risk.resolved_on is None or risk.resolved_on > on)


def open_risks(risks: Iterable[Any], on: datetime.date) -> list[Any]:
    """Python face: a household's risks open on ``on`` (``household.risks.all()``, prefetched where many are read),
    the earliest found first — as the exit checks and the household page name them."""
    return sorted((r for r in risks if risk_open_on(r, on)), key=lambda r: (r.found_on, r.pk))


def risk_open_since(risks: Iterable[Any], on: datetime.date) -> datetime.date | None:
    """Python face of the fact ``risk_open_since``: the day the earliest risk open on ``on`` was found; None when no
    risk is open."""
    return min((r.found_on for r in risks if risk_open_on(r, on)), default=None)


def risk_aggregates() -> dict[str, Any]:
    """Query face of ``risk_open_since``: over the risks open on the day (``risk_open_on_q``), grouped by household."""
    return {"since": Min("found_on")}


def has_open_risk_q(path: str = "") -> Q:
    """Over HouseholdFacts (``path`` "" ) or Household (``path`` "facts__"): the household has an open risk."""
    return Q(**{f"{path}risk_open_since__isnull": False})


def no_open_risk_q(path: str = "") -> Q:
    """The complement of ``has_open_risk_q``, as a plain condition (a negated join would read as a subquery)."""
    return Q(**{f"{path}risk_open_since__isnull": True})


def awaiting_identification(risk_since: datetime.date | None, *, monitoring_category: str, entry_open: bool) -> bool:
    """Python face: an open risk that no monitoring episode or entry application has taken up yet (发现风险、待识别,
    SPEC §4.5–§4.6) — the home queue and the counts. ``monitoring_category`` is set only while a subject is open."""
    return risk_since is not None and not monitoring_category and not entry_open


def awaiting_identification_q(path: str = "") -> Q:
    """Query face of ``awaiting_identification`` over HouseholdFacts (``path`` "") or Household ("facts__")."""
    return has_open_risk_q(path) & Q(**{f"{path}monitoring_category": "", f"{path}entry_open": False})
