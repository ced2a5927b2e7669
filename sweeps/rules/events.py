"""查损补失 after a large-scale risk event (SPEC §4.12, §7.3 FC-LOSS-DISASTER-01; 003 L252, 000 L193): every household a
disaster hit is visited within ``sweep.event_visit_days`` of the event's start. The rule has two faces side by side —
one household's answer (``event_visit_missed``, which closing on a visit reads) and the township's query
(``missed_event_visit``, which the sweep reads) — held together by one test."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from households.models import Visit
from sweeps.choices import DISASTER_EVENT_KINDS, FourChecksCategory, RuleMode, SubjectKind
from sweeps.models import RiskEvent
from sweeps.rules.base import Rule, Scope

RULE_ID = "FC-LOSS-DISASTER-01"
DISASTERS = sorted(DISASTER_EVENT_KINDS)


def event_visit_due_on(starts_on: datetime.date, *, visit_days: int) -> datetime.date:
    """The day by which every household a disaster hit must have been visited: the start + ``sweep.event_visit_days``
    (SPEC §15.2, 15 days). A visit on that day is in time; the day after, the household is flagged."""
    return starts_on + datetime.timedelta(days=visit_days)


def event_visit_missed(
    *, starts_on: datetime.date, visit_due_on: datetime.date, visits: Iterable[datetime.date], on: datetime.date
) -> bool:
    """Python face of FC-LOSS-DISASTER-01 for one household and one disaster that hit it (SPEC §7.3): the due day
    has passed on ``on`` and no visit was made since the event's start. A late visit still counts: it is what
    puts the gap right."""
    return visit_due_on < on and not any(starts_on <= visited_on <= on for visited_on in visits)


def _missed(scope: Scope) -> Any:
    """The (event, household) rows of the affected households whose disaster's visit is past due, not visited."""
    hit = RiskEvent.affected_households.through.objects.filter(
        household_id=OuterRef("household_id"),
        riskevent__kind__in=DISASTERS,
        riskevent__visit_due_on__lt=scope.on,
    )
    visited = Visit.objects.filter(
        household_id=OuterRef("household_id"),
        visited_on__gte=OuterRef("riskevent__starts_on"),
        visited_on__lte=scope.on,
    )
    return hit.filter(~Exists(visited)).order_by("riskevent__visit_due_on", "riskevent_id")


def missed_event_visit(scope: Scope) -> Q:
    """FC-LOSS-DISASTER-01, query face: a household a disaster event hit (listed by its event's sweep) whose visit
    was due before the sweep's day, with no visit since the event's start."""
    return Q(Exists(_missed(scope)))


def _evidence(scope: Scope) -> dict[str, Any]:
    """The first overdue disaster of the household, named on the problem with its start and visit due day."""
    first = _missed(scope)
    return {
        "event_name": Subquery(first.values("riskevent__name")[:1]),
        "event_started_on": Subquery(first.values("riskevent__starts_on")[:1]),
        "event_visit_due_on": Subquery(first.values("riskevent__visit_due_on")[:1]),
    }


RULES = (
    Rule(RULE_ID, 1, FourChecksCategory.LOSS_RECOVERY, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("灾后未及时走访"),
         "SPEC §7.3, §4.12; 003 L252; 000 L193", missed_event_visit, "",
         ("event_name", "event_started_on", "event_visit_due_on"), _evidence),
)  # fmt: skip
