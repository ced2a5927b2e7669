"""Counts per managing area, from the household facts and the monitoring records (``AreaCounts``). A beat job
recounts every area in one pass over the facts (a province's million households in seconds); home pages and
dashboards sum the rows of a territory — a few hundred rows for a county, not its registry — and show when they
were counted."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import User
from core.aggregates import aggregate_row
from core.replica import reading_primary
from geo.codes import prefix_of
from households.choices import HouseholdFlagKind, WaterSupplyType
from households.facts import awaiting_identification_q, facts_refresh_missing, has_flag_q, visit_overdue_q
from households.models import Household, HouseholdFacts
from ledgers.models import AreaCounts
from monitoring.choices import OPEN_SUBJECT_STATUSES, MeasureStatus, SubjectCategory
from monitoring.facts import elimination_candidate_q, without_measures_q
from monitoring.models import AssistanceMeasure, LookbackReview, MonitoringSubject
from sweeps.choices import ProblemStatus
from sweeps.models import Problem

BREAKDOWNS = ("risks", "entered_by_month", "eliminated_by_month", "measures")
NUMBERS = tuple(f.name for f in AreaCounts._meta.concrete_fields if f.name not in ("area", "counted_at", *BREAKDOWNS))


def _household_totals(today: datetime.date) -> dict[str, Any]:
    """What is counted over the household facts, by managing area (one GROUP BY)."""
    monitored = Q(monitoring_status__in=sorted(OPEN_SUBJECT_STATUSES))

    def category(value: str) -> Count:
        return Count("pk", filter=monitored & Q(monitoring_category=value))

    def people(value: str) -> Sum:
        return Sum("size", filter=monitored & Q(monitoring_category=value))

    return {
        "households": Count("pk"),
        "people": Sum("present"),
        "income_missing": Count("pk", filter=Q(net_last_year__isnull=True)),
        "head_missing": Count("pk", filter=Q(heads=0)),
        "risk_flagged": Count("pk", filter=awaiting_identification_q()),  # an open risk no episode took up
        "visits_overdue": Count("pk", filter=visit_overdue_q(today)),
        "monitored": Count("pk", filter=monitored),
        "unstable_exited": category(SubjectCategory.UNSTABLE_EXITED),
        "marginal_at_risk": category(SubjectCategory.MARGINAL_AT_RISK),
        "sudden_hardship": category(SubjectCategory.SUDDEN_HARDSHIP),
        "unstable_people": people(SubjectCategory.UNSTABLE_EXITED),
        "marginal_people": people(SubjectCategory.MARGINAL_AT_RISK),
        "sudden_people": people(SubjectCategory.SUDDEN_HARDSHIP),
        "exited_households": Count("pk", filter=has_flag_q(HouseholdFlagKind.EXITED_POOR)),
        "returned_people": Sum("present", filter=has_flag_q(HouseholdFlagKind.RETURNED_TO_POVERTY)),
        "insured_people": Sum(F("present") - F("uninsured")),
        "school_age": Sum("school_age"),
        "school_age_out": Sum("school_age_out"),
        "centralized_water": Count("pk", filter=Q(household__water_supply_type=WaterSupplyType.CENTRALIZED)),
    }


def area_counts_refresh(*, today: datetime.date | None = None, prefix: str = "") -> int:
    """Recount every managing area (or those under ``prefix``): one pass over the facts, one over the open
    monitoring subjects, one over the look-backs due. Returns the areas counted."""
    today = today or timezone.localdate()
    facts_refresh_missing(prefix)  # so that the count holds every household
    now = timezone.now()
    facts = HouseholdFacts.objects.filter(active=True)
    subjects = MonitoringSubject.objects.all()
    lookbacks = LookbackReview.objects.filter(done_on__isnull=True, due_on__lte=today)
    if prefix:
        facts = facts.filter(managing_area__code__startswith=prefix)
        subjects = subjects.filter(household__managing_area__code__startswith=prefix)
        lookbacks = lookbacks.filter(subject__household__managing_area__code__startswith=prefix)
    rows: dict[int, dict[str, Any]] = {}
    for row in facts.order_by().values("managing_area_id").annotate(**_household_totals(today)):
        rows[row.pop("managing_area_id")] = row
    for area_id, without, candidates in (
        subjects.order_by()
        .values_list("household__managing_area_id")
        .annotate(
            without=Count("pk", filter=without_measures_q(on=today)),
            candidates=Count("pk", filter=elimination_candidate_q()),
        )
    ):
        rows.setdefault(area_id, {}).update(without_measures=without, elimination_candidates=candidates)
    for area_id, due in lookbacks.order_by().values_list("subject__household__managing_area_id").annotate(Count("pk")):
        rows.setdefault(area_id, {})["lookbacks_due"] = due
    _monitoring_breakdowns(rows, subjects, today)
    _problem_counts(rows, prefix, today)
    counted = [
        AreaCounts(
            area_id=area_id,
            counted_at=now,
            **{name: values.get(name) or 0 for name in NUMBERS},
            **{name: values.get(name) or {} for name in BREAKDOWNS},
        )
        for area_id, values in rows.items()
    ]
    stale = AreaCounts.objects.exclude(area_id__in=list(rows))
    if prefix:
        stale = stale.filter(area__code__startswith=prefix)
    stale.delete()  # an area whose households all left the registry counts nothing
    AreaCounts.objects.bulk_create(
        counted,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["area"],
        update_fields=["counted_at", *NUMBERS, *BREAKDOWNS],
    )
    return len(counted)


def _monitoring_breakdowns(rows: dict[int, dict[str, Any]], subjects: QuerySet[Any], today: datetime.date) -> None:
    """Risk types of the open subjects, entries and eliminations by month (24 months), measures by type."""
    open_subjects = subjects.filter(status__in=sorted(OPEN_SUBJECT_STATUSES)).order_by()
    for area_id, risk_types in open_subjects.values_list("household__managing_area_id", "risk_types"):
        risks = rows.setdefault(area_id, {}).setdefault("risks", {})
        for risk in set(risk_types or []):  # a household counts once per risk type it has
            risks[risk] = risks.get(risk, 0) + 1
    since = (today.replace(day=1) - datetime.timedelta(days=730)).replace(day=1)
    for field, key in (("entered_on", "entered_by_month"), ("eliminated_on", "eliminated_by_month")):
        found = (
            subjects.filter(**{f"{field}__gte": since})
            .order_by()
            .annotate(month=TruncMonth(field))
            .values_list("household__managing_area_id", "month")
            .annotate(n=Count("pk"))
        )
        for area_id, month, n in found:
            rows.setdefault(area_id, {}).setdefault(key, {})[f"{month:%Y-%m}"] = n
    measures = (
        AssistanceMeasure.objects.filter(subject__in=subjects.values("pk"))
        .order_by()
        .values_list("subject__household__managing_area_id", "measure_type", "status")
        .annotate(n=Count("pk"))
    )
    running = {MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS}
    for area_id, kind, status, n in measures:
        by_type = (
            rows.setdefault(area_id, {})
            .setdefault("measures", {})
            .setdefault(kind, {"running": 0, "delivered": 0, "total": 0})
        )
        by_type["total"] += n
        if status in running:
            by_type["running"] += n
        elif status == MeasureStatus.DELIVERED:
            by_type["delivered"] += n


def _problem_counts(rows: dict[int, dict[str, Any]], prefix: str, today: datetime.date) -> None:
    """Four-checks problems by their place: open, overdue, closed this year (SPEC §7.5)."""
    problems = Problem.objects.all()
    if prefix:
        problems = problems.filter(area_code__startswith=prefix)
    found = (
        problems.order_by()
        .values_list("area_id")
        .annotate(
            opened=Count("pk", filter=Problem.open_q()),
            overdue=Count("pk", filter=Problem.overdue_q(today)),
            closed=Count("pk", filter=Q(status=ProblemStatus.CLOSED, closed_at__year=today.year)),
        )
    )
    for area_id, opened, overdue, closed in found:
        rows.setdefault(area_id, {}).update(
            problems_open=opened, problems_overdue=overdue, problems_closed_this_year=closed
        )


@dataclass(frozen=True)
class Totals:
    """The counts of a territory and when the oldest of them was counted (None: never counted)."""

    counted_at: datetime.datetime | None
    households: int = 0
    people: int = 0
    income_missing: int = 0
    head_missing: int = 0
    risk_flagged: int = 0
    visits_overdue: int = 0
    monitored: int = 0
    unstable_exited: int = 0
    marginal_at_risk: int = 0
    sudden_hardship: int = 0
    exited_households: int = 0
    returned_people: int = 0
    insured_people: int = 0
    school_age: int = 0
    school_age_out: int = 0
    centralized_water: int = 0
    without_measures: int = 0
    elimination_candidates: int = 0
    lookbacks_due: int = 0
    unstable_people: int = 0
    marginal_people: int = 0
    sudden_people: int = 0
    problems_open: int = 0
    problems_overdue: int = 0
    problems_closed_this_year: int = 0


assert {f.name for f in fields(Totals)} - {"counted_at"} == set(NUMBERS), "Totals mirrors AreaCounts"


def totals(counts: QuerySet[AreaCounts]) -> Totals:
    """The sum of some areas' counts: one query."""
    found = aggregate_row(counts, counted_at=Min("counted_at"), **{name: Sum(name) for name in NUMBERS})
    at = found.pop("counted_at")
    return Totals(counted_at=at, **{name: value or 0 for name, value in found.items()})


def totals_for(user: User) -> Totals:
    """The counts of a user's territory (its area's prefix). A user who sees households only through pairings (a
    paired cadre) has no territory to count: ``live_totals`` counts their few households."""
    area = getattr(user, "area", None)
    if user.is_superuser:
        return totals(AreaCounts.objects.all())
    if area is None:
        return Totals(counted_at=None)
    return totals(AreaCounts.objects.filter(area__code__startswith=area.prefix))


def co_managed(user: User) -> tuple[int, int]:
    """(households, people) the user's territory co-manages and another manages (self-migrants seen from their
    hukou village, SPEC §1.5): the household list shows them, the counts of the managing area hold them. A few,
    read live from the facts."""
    area = getattr(user, "area", None)
    if area is None or user.is_superuser:
        return 0, 0
    found = (
        HouseholdFacts.objects.filter(active=True, household__co_managing_area__code__startswith=area.prefix)
        .exclude(managing_area__code__startswith=area.prefix)
        .aggregate(households=Count("pk"), people=Sum("present"))
    )
    return found["households"] or 0, found["people"] or 0


def co_managed_problems_overdue(user: User, *, today: datetime.date) -> int:
    """Overdue problems the user sees (``visible_to``: managed or co-managed in their territory) that another territory
    manages (as ``co_managed`` for households): the counts hold them under their own area, the problem list shows
    them here. A few, read live through the co-managing area's index."""
    area = getattr(user, "area", None)
    if area is None or user.is_superuser:
        return 0
    visible = Problem.objects.visible_to(user).filter(Problem.overdue_q(today))
    # Co-managed here, managed elsewhere: the co-managing code named again lets the planner read it by its index
    # (without it, the territory's OR is a scan of every problem of a province: 81 ms against 1).
    elsewhere = visible.filter(co_area_code__startswith=area.prefix).exclude(area_code__startswith=area.prefix)
    return elsewhere.count()


def live_totals(households: QuerySet[Household], *, today: datetime.date) -> Totals:
    """The household counts of a small set (a paired cadre's households), from the facts as they are now."""
    facts = HouseholdFacts.objects.filter(household__in=households.values("pk"), active=True)
    found = facts.aggregate(**_household_totals(today), last=Max("computed_on"))
    found.pop("last")
    return Totals(counted_at=timezone.now(), **{name: value or 0 for name, value in found.items()})


def counted_totals(user: User) -> Totals:
    """``totals_for``, counting the territory now when it was never counted (the first page after a deploy) or,
    without workers and beat (the embedded default of ``make run``), when the count is older than the beat's
    interval."""
    found = totals_for(user)
    stale_before = timezone.now() - datetime.timedelta(minutes=settings.AREA_COUNTS_EVERY_MINUTES)
    stale = found.counted_at is None or found.counted_at < stale_before
    if found.counted_at is None or (settings.CELERY_TASK_ALWAYS_EAGER and stale):
        area = getattr(user, "area", None)
        if area is None and not user.is_superuser:
            return found
        area_counts_refresh(prefix=area.prefix if area is not None and not user.is_superuser else "")
        found = totals_for(user)
    return found


@dataclass
class Counted:
    """The counts of every managing area of a territory, row by row, as the beat job last made them: what the
    dashboard's panels and the computed indicators (``ledgers.indicators.registry``) add up."""

    rows: list[dict[str, Any]]
    counted_at: datetime.datetime | None

    def total(self, name: str) -> int:
        return sum(row[name] for row in self.rows)

    def merged(self, name: str) -> Counter[str]:
        """A breakdown (``risks``, ``entered_by_month`` …) added up over the areas."""
        found: Counter[str] = Counter()
        for row in self.rows:
            found.update(row[name])
        return found

    def by_place(self, level: str) -> dict[str, list[dict[str, Any]]]:
        places: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.rows:
            places[prefix_of(row["code"], level)].append(row)
        return places


def counted_for(user: User) -> Counted:
    """One read of the territory's counts, as the dashboard and the indicator table read them; a territory never
    counted is counted now (the first view after a deploy)."""
    area = getattr(user, "area", None)
    counts = AreaCounts.objects.all()
    if not user.is_superuser:
        if area is None:
            return Counted(rows=[], counted_at=None)
        counts = counts.filter(area__code__startswith=area.prefix)
    rows = list(counts.values(*NUMBERS, *BREAKDOWNS, "counted_at", code=F("area__code")))
    if not rows:
        # Counted now, from the primary and read back from it: a replica (the dashboard reads one) may not have
        # the rows just written, nor the facts the count refreshes first.
        with reading_primary():
            area_counts_refresh(prefix="" if user.is_superuser or area is None else area.prefix)
            rows = list(counts.values(*NUMBERS, *BREAKDOWNS, "counted_at", code=F("area__code")))
    return Counted(rows=rows, counted_at=min((row["counted_at"] for row in rows), default=None))
