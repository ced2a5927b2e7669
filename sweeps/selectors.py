"""Reads of the sweeps, always from ``visible_to(user)`` (STYLE rule 2)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import capability_q, has_capability
from accounts.roles import Capability
from core.batch import batch_pick
from core.errors import Fix
from geo.codes import AreaLevel, ancestor_code
from geo.models import AdminArea
from geo.parameters import parameter
from geo.selectors import townships_of
from households.models import Household
from monitoring import rules as monitoring_rules
from monitoring.choices import OPEN_SUBJECT_STATUSES
from monitoring.models import MonitoringSubject
from monitoring.selectors.eligibility import Check
from monitoring.selectors.suggestions import IdentificationHint
from sweeps import permissions
from sweeps.choices import (
    DISASTER_EVENT_KINDS,
    OPEN_PROBLEM_STATUSES,
    SUDDEN_EVENT_KINDS,
    FourChecksCategory,
    ProblemStatus,
    RunStatus,
    SweepKind,
)
from sweeps.models import Problem, RiskEvent, ScreeningWarning, SweepRun
from sweeps.rules import BY_ID
from sweeps.rules.events import RULE_ID as EVENT_RULE_ID


@dataclass(frozen=True)
class ProblemFilter:
    """What the problem list narrows to (SPEC §7.5)."""

    status: str = "unfinished"  # "unfinished": before 销号; "rectifying": assigned, not submitted; "": all; or one
    mine: bool = False  # only those whose responsible person is the user
    category: str = ""
    gap_type: str = ""
    rule_id: str = ""
    township: str = ""  # a township code the user may see
    overdue: bool = False
    no_longer_detected: bool = False
    query: str = ""  # household number or head name, prefix


def problem_list(*, user: User, chosen: ProblemFilter, today: datetime.date | None = None) -> QuerySet[Problem]:
    """The problems the user may see, narrowed; earliest deadline first."""
    return problem_list_narrow(Problem.objects.visible_to(user), user=user, chosen=chosen, today=today)


def problem_list_narrow(
    queryset: QuerySet[Problem], *, user: User, chosen: ProblemFilter, today: datetime.date | None = None
) -> QuerySet[Problem]:
    today = today or timezone.localdate()
    queryset = queryset.select_related("area", "township", "household", "member", "responsible_person")
    if chosen.status == "unfinished":
        queryset = queryset.filter(Problem.open_q())
    elif chosen.status == "rectifying":
        queryset = queryset.filter(Problem.rectifying_q())
    elif chosen.status in ProblemStatus.values:
        queryset = queryset.filter(status=chosen.status)
    if chosen.category in FourChecksCategory.values:
        queryset = queryset.filter(category=chosen.category)
    if chosen.gap_type:
        queryset = queryset.filter(gap_type=chosen.gap_type)
    if chosen.rule_id in BY_ID:
        queryset = queryset.filter(rule_id=chosen.rule_id)
    if chosen.township and townships_of(user).filter(code=chosen.township).exists():
        queryset = queryset.filter(township__code=chosen.township)
    if chosen.mine:
        queryset = queryset.filter(responsible_person=user)
    if chosen.overdue:
        queryset = queryset.filter(Problem.overdue_q(today))
    if chosen.no_longer_detected:
        queryset = queryset.filter(no_longer_detected_on__isnull=False)
    if chosen.query:
        queryset = queryset.filter(
            Q(household__household_no__startswith=chosen.query) | Q(household__head_name__startswith=chosen.query)
        )
    return queryset.order_by("deadline", "pk")


@dataclass(frozen=True)
class SummaryRow:
    township: str
    category: str
    open: int
    overdue: int
    closed: int


def problem_summary(queryset: QuerySet[Problem], *, today: datetime.date) -> list[SummaryRow]:
    """Counts per township and category for the ledger (SPEC §7.5, §13.1 L-05): one grouped query."""
    rows = (
        queryset.order_by()
        .values("township__name", "township__code", "category")
        .annotate(
            open=Count("pk", filter=Problem.open_q()),
            overdue=Count("pk", filter=Problem.overdue_q(today)),
            closed=Count("pk", filter=Q(status=ProblemStatus.CLOSED)),
        )
        .order_by("township__code", "category")
    )
    labels = dict(FourChecksCategory.choices)
    return [
        SummaryRow(row["township__name"], str(labels[row["category"]]), row["open"], row["overdue"], row["closed"])
        for row in rows
    ]


def problem_actions(user: User, problem: Problem) -> list[str]:
    """The commands this user may take on this problem now."""
    if not problem.is_open:
        return []
    actions: list[str] = []
    status = ProblemStatus(problem.status)
    if permissions.can_verify(user, problem):
        if status == ProblemStatus.OPEN:
            actions.append("assign")
        if status == ProblemStatus.SUBMITTED:
            actions += ["close", "return"]
        elif problem.no_longer_detected_on is not None:
            actions.append("close")
    if permissions.can_work_on(user, problem):
        if status in (ProblemStatus.OPEN, ProblemStatus.ASSIGNED, ProblemStatus.RETURNED):
            actions.append("start")
        if status == ProblemStatus.IN_PROGRESS:
            actions.append("submit")
    return actions


def problems_picked(*, user: User, pks: list[int]) -> tuple[list[Problem], list[int]]:
    """The problems a batch names that the user may see, in the batch's order, and the numbers it names that are
    missing or outside the user's jurisdiction (the caller answers 404 for those)."""
    return batch_pick(Problem.objects.visible_to(user).select_related("area", "household"), pks)


def problem_assignees(*, user: User, township: str = "") -> QuerySet[User]:
    """Whom a batch of problems may be assigned to: the village and township staff who take rectification in the
    user's territory (those ``permissions.can_work_on`` lets work on problems there), narrowed to one township of
    the list's filter. Each problem's ``problem_assign`` still checks that the person is of its place."""
    areas = AdminArea.objects.visible_to(user).filter(level__in=(AreaLevel.VILLAGE, AreaLevel.TOWNSHIP))
    if township:
        areas = areas.filter(Q(code=township) | Q(parent__code=township))
    return (
        User.objects.filter(is_active=True, is_superuser=False, area__in=areas)
        .filter(capability_q(permissions.SUBMIT))
        .distinct()
        .select_related("area")
        .order_by("area__code", "username")
    )


def warnings_picked(*, user: User, pks: list[int]) -> tuple[list[ScreeningWarning], list[int]]:
    """The warnings a batch names that the user may see, in the batch's order, and the numbers it names that are
    missing or outside the user's jurisdiction."""
    return batch_pick(ScreeningWarning.objects.visible_to(user).select_related("household__managing_area"), pks)


def open_warnings_of(household: Household, *, since: datetime.date) -> QuerySet[ScreeningWarning]:
    """The household's department warnings issued on or after ``since`` that are not yet closed (SPEC §6.5),
    earliest first: the one query of "open warnings" a check reads. A system read, as a sweep's is: the household
    is the scope, whoever looks at its case."""
    return ScreeningWarning.objects.open().filter(household=household, issued_on__gte=since).order_by("issued_on", "pk")


def warning_exit_checks(subject: MonitoringSubject, on: datetime.date) -> list[Check]:
    """SPEC §4.8 EL-5: an open department warning of the last quarter (``monitoring.rules.exit_warnings_since``)
    stops risk elimination. One failing check per warning, naming it and linking to its page, where it is verified
    and closed; one passing check when there is none. Registered with ``monitoring`` (``SweepsConfig.ready``)."""
    since = monitoring_rules.exit_warnings_since(on)
    label = _("上季度以来的部门筛查预警均已办结")
    warnings = list(open_warnings_of(subject.household, since=since))
    if not warnings:
        return [Check(label, True, _("%(since)s 以来无未办结的预警") % {"since": since})]
    return [
        Check(
            label,
            False,
            _("%(department)s：%(event)s，%(issued_on)s 下发，%(status)s")
            % {
                "department": warning.get_department_display(),
                "event": warning.event_label,
                "issued_on": warning.issued_on,
                "status": warning.get_status_display(),
            },
            refusal=_("预警“%(event)s”（%(department)s，%(issued_on)s 下发）尚未办结，须先核实处置")
            % {
                "department": warning.get_department_display(),
                "event": warning.event_label,
                "issued_on": warning.issued_on,
            },
            field="checks",
            fix=Fix(_("处置预警：%(event)s") % {"event": warning.event_label}, warning.get_absolute_url()),
        )
        for warning in warnings
    ]


def run_progress(run: SweepRun) -> tuple[int, int]:
    """(townships done, townships) of a run, for the progress bar."""
    counts = run.chunks.aggregate(done=Count("pk", filter=Q(status=RunStatus.DONE)), total=Count("pk"))
    return counts["done"], counts["total"]


def centralized_sweep_missing(*, user: User, today: datetime.date) -> AdminArea | None:
    """NR-FC-01 (003 L268): at least one centralized full sweep a year. The county of a county user (or the user's
    county) without a finished centralized run in the last 12 months, or — from ``sweep.annual_deadline`` — none
    this calendar year."""
    area = getattr(user, "area", None)
    if area is None or not has_capability(user, Capability.VIEW_RECTIFICATION):
        return None
    if area.level not in (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE):
        return None
    county_code = ancestor_code(area.code, AreaLevel.COUNTY)
    done = SweepRun.objects.filter(county=OuterRef("pk"), kind=SweepKind.CENTRALIZED, status=RunStatus.DONE)
    county = (
        AdminArea.objects.filter(code=county_code, level=AreaLevel.COUNTY)
        .annotate(latest=Subquery(done.order_by("-run_on").values("run_on")[:1]))
        .first()
    )  # the county and its latest finished centralized run, in one query (the home page counts its queries)
    if county is None:
        return None
    latest = county.latest
    month, day = (
        int(part) for part in str(parameter("sweep.annual_deadline", area_code=county_code, on=today)).split("-")
    )
    late = latest is None or latest <= today - datetime.timedelta(days=365)
    late = late or (today >= datetime.date(today.year, month, day) and latest is not None and latest.year < today.year)
    return county if late else None


def rule_rows(run: SweepRun) -> list[dict[str, Any]]:
    """The run's counts per rule with the rule's title and category, in catalogue order."""
    rows = []
    for rule_id, counts in run.totals.items():
        rule = BY_ID.get(rule_id)
        rows.append(
            {
                "id": rule_id,
                "title": rule.title if rule else rule_id,
                "category": rule.category.label if rule else "",
                "version": run.rule_versions.get(rule_id),
                **counts,
            }
        )
    return rows


@dataclass(frozen=True)
class PartProgress:
    part: Any
    villages: int
    villages_signed: int
    answered: int
    questions: int
    problems: int


def campaign_progress(campaign: Any, *, user: User) -> list[PartProgress]:
    """Per township part the user may see: villages signed and questions answered, in two grouped queries."""
    from sweeps.models import CampaignPart, ChecklistItem

    townships = list(
        CampaignPart.objects.visible_to(user)
        .filter(campaign=campaign, parent__isnull=True)
        .select_related("area", "signed_by")
        .annotate(villages_total=Count("villages", distinct=True))
        .annotate(villages_signed=Count("villages", filter=Q(villages__signed_at__isnull=False), distinct=True))
    )
    items = (
        ChecklistItem.objects.filter(part__campaign=campaign)
        .values("part__parent")
        .annotate(
            total=Count("pk"),
            answered=Count("pk", filter=~Q(answer="")),
            problems=Count("pk", filter=Q(answer="no")),
        )
    )
    by_township = {row["part__parent"]: row for row in items}
    return [
        PartProgress(
            part=part,
            villages=part.villages_total,
            villages_signed=part.villages_signed,
            answered=by_township.get(part.pk, {}).get("answered", 0),
            questions=by_township.get(part.pk, {}).get("total", 0),
            problems=by_township.get(part.pk, {}).get("problems", 0),
        )
        for part in townships
    ]


# ------------------------------------------------------------------------------- large-scale risk events (§4.12)


def risk_event_list(*, user: User) -> QuerySet[RiskEvent]:
    """The events the user may see (their county's, SPEC §4.12), newest first, with how many households each hit."""
    return risk_event_rows(RiskEvent.objects.visible_to(user))


def risk_event_rows(queryset: QuerySet[RiskEvent]) -> QuerySet[RiskEvent]:
    """A scoped list of events as lists show them: the county, and ``affected`` (how many households each hit)."""
    return (
        queryset.select_related("county")
        .annotate(affected=Count("affected_households", distinct=True))
        .order_by("-starts_on", "-pk")
    )


def _hit_q(event: RiskEvent) -> Q:
    """A household the event hit that needs looking into (SPEC §4.12 → UE-2/UE-3): its disaster visit is past due
    (an open FC-LOSS-DISASTER-01 problem), or a visit since the start found a risk."""
    overdue = Q(problems__rule_id=EVENT_RULE_ID, problems__status__in=sorted(OPEN_PROBLEM_STATUSES))
    found = Q(visits__visited_on__gte=event.starts_on, visits__risk_found=True)
    return overdue | found


@dataclass(frozen=True)
class EventProgress:
    """The visits after an event, over the households the user may see (SPEC §4.12, FC-LOSS-DISASTER-01)."""

    affected: int
    visited: int
    waiting: list[Household]  # not yet visited since the start, the first of them
    suggested: list[Household]  # hit and not yet identified: to be considered for monitoring (UE-2/UE-3)

    @property
    def not_visited(self) -> int:
        return self.affected - self.visited


LIST_LIMIT = 50


def risk_event_progress(event: RiskEvent, *, user: User, today: datetime.date) -> EventProgress:
    """Who was visited since the event's start, who waits, and who is suggested for identification: affected
    households the user may see, not monitored and with no entry under way (those are already identified), each
    once."""
    households = Household.objects.visible_to(user).filter(risk_events=event)
    visited_q = Q(visits__visited_on__gte=event.starts_on, visits__visited_on__lte=today)
    visited_ids = households.filter(visited_q).values("pk")
    waiting = households.exclude(pk__in=visited_ids).select_related("managing_area").order_by("household_no")
    identified = Q(facts__monitoring_status__in=sorted(OPEN_SUBJECT_STATUSES)) | Q(facts__entry_open=True)
    suggested = (
        households.filter(pk__in=households.filter(_hit_q(event)).values("pk"))
        .exclude(identified)
        .select_related("managing_area")
        .order_by("household_no")
    )
    return EventProgress(
        affected=households.count(),
        visited=households.filter(pk__in=visited_ids).count(),
        waiting=list(waiting[:LIST_LIMIT]),
        suggested=list(suggested[:LIST_LIMIT]),
    )


def risk_event_hints(household: Household, on: datetime.date) -> list[IdentificationHint]:
    """The events that hit the household and need looking into (``_hit_q``), as identification hints named by the
    event (registered with monitoring in ``SweepsConfig.ready``; SPEC §4.2 UE-2 因灾, UE-3 突发事件)."""
    events = RiskEvent.objects.filter(affected_households=household, starts_on__lte=on).order_by("-starts_on", "-pk")
    hints = []
    for event in events:
        if not Household.objects.filter(pk=household.pk).filter(_hit_q(event)).exists():
            continue
        hints.append(
            IdentificationHint(
                key=f"risk_event:{event.pk}",
                title=_("受“%(name)s”（%(kind)s，%(on)s 起）影响")
                % {"name": event.name, "kind": event.get_kind_display(), "on": event.starts_on.isoformat()},
                since=event.starts_on,
                url=event.get_absolute_url(),
                disaster=event.kind in DISASTER_EVENT_KINDS,
                sudden_event=event.kind in SUDDEN_EVENT_KINDS,
            )
        )
    return hints
