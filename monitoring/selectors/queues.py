"""The work queues of monitoring (SPEC §4.6, §4.8, §4.14): who takes the pending step of each case, how long it has
waited against its limit, the actions a user may take now, and the subjects the home queue lists. Reads start from
``visible_to(user)`` (STYLE rule 2)."""

import datetime
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.db.models import Case, DateTimeField, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from core.errors import DomainError
from core.lookups import day_start
from geo.codes import PREFIX_LENGTH, AreaLevel, ancestor_code, level_of, prefix_of
from geo.models import AdminArea
from geo.parameters import parameter, read_ahead
from geo.workdays import WorkdayCalendar
from monitoring import permissions
from monitoring.choices import (
    APPLICANT_MAY_WITHDRAW,
    EliminationState,
    EntryState,
    LookbackOutcome,
    SubjectStatus,
)
from monitoring.facts import elimination_candidate_q, without_measures_q
from monitoring.models import (
    EliminationCase,
    EliminationEvent,
    EntryApplication,
    EntryEvent,
    LookbackReview,
    MonitoringSubject,
)
from monitoring.querysets import CaseQuerySet, EliminationRecordQuerySet

S = EntryState
E = EliminationState

# Who takes the pending step of each state (SPEC §4.6) and the setting holding its time limit (SPEC §4.14).
PENDING_STEP: dict[str, tuple[Capability, str]] = {
    S.REPORTED: (Capability.VILLAGE_PROCEDURE, "entry.verify_within_days"),
    S.HOME_VERIFIED: (Capability.VILLAGE_PROCEDURE, "entry.review_within_days"),
    S.DEMOCRATICALLY_REVIEWED: (Capability.VILLAGE_PROCEDURE, "entry.notice_post_within_days"),
    S.NOTICE_COMPLETED: (Capability.TOWNSHIP_REVIEW, "entry.township_review_days"),
    S.TOWNSHIP_REVIEWED: (Capability.COUNTY_APPROVAL, "entry.county_approval_days"),
    S.APPROVED: (Capability.COUNTY_APPROVAL, "entry.register_within_days"),
}


@dataclass(frozen=True)
class QueueFilter:
    """What a reviewer narrows a queue to (SPEC §1.3, §4.14): the cases whose step is theirs or all they may
    see, one state, one township of their territory, the steps past their limit, and the order of waiting time."""

    mine: bool = True
    state: str = ""
    township: str = ""  # a township code the user may see
    newest_first: bool = False
    overdue: str = ""  # "1": every step past its limit; a level (STEP_LEVEL): the steps of that level past theirs


def queue_townships(user: User) -> QuerySet[AdminArea]:
    """The townships a reviewer above the township level may narrow a queue to (empty for village and township
    users: their queue is one township already)."""
    area = getattr(user, "area", None)
    if area is None or area.level in (AreaLevel.TOWNSHIP, AreaLevel.VILLAGE, AreaLevel.GROUP):
        return AdminArea.objects.none()
    return AdminArea.objects.visible_to(user).active().of_level(AreaLevel.TOWNSHIP).order_by("code")


def _narrow(queryset: QuerySet[Any], *, user: User, chosen: QueueFilter, household: str) -> QuerySet[Any]:
    """The township, overdue steps and order of a queue; ``household`` is the path to the case's household."""
    if chosen.overdue == "1" or chosen.overdue in STEP_LEVEL.values():
        area = getattr(user, "area", None)
        queryset = overdue_steps(
            cast(CaseQuerySet[Any], queryset).managed_by(user),
            area_code=area.code if area is not None and not user.is_superuser else "",
            today=timezone.localdate(),
            context=WaitingContext(),
            level="" if chosen.overdue == "1" else chosen.overdue,
        )
    if chosen.township and queue_townships(user).filter(code=chosen.township).exists():
        queryset = queryset.filter(
            **{f"{household}__managing_area__code__startswith": chosen.township[: PREFIX_LENGTH[AreaLevel.TOWNSHIP]]}
        )
    if chosen.newest_first:
        return queryset.order_by("-waiting_since", "-pk")
    return queryset.order_by("waiting_since", "pk")


def entry_queue(*, user: User, mine: bool = False, state: str = "") -> QuerySet[EntryApplication]:
    """Applications the user may see, oldest waiting first; ``mine`` keeps those whose next step is theirs."""
    return entry_queue_narrow(
        EntryApplication.objects.visible_to(user), user=user, chosen=QueueFilter(mine=mine, state=state)
    )


def entry_queue_narrow(
    queryset: QuerySet[EntryApplication], *, user: User, chosen: QueueFilter
) -> QuerySet[EntryApplication]:
    """Narrow an already scoped queryset (``visible_to`` ran) to a queue."""
    mine, state = chosen.mine, chosen.state
    queryset = with_waiting_since(queryset.select_related("household__managing_area__parent", "reported_by"))
    if state in EntryState.values:
        queryset = queryset.filter(state=state)
    if mine:
        queryset = entry_mine(queryset, user=user)
    return _narrow(queryset, user=user, chosen=chosen, household="household")


def entry_mine(queryset: QuerySet[EntryApplication], *, user: User) -> QuerySet[EntryApplication]:
    """The applications of a scoped queryset whose next step is the user's: a state their role takes
    (``entry_mine_states``), managed in their territory."""
    return cast(CaseQuerySet[EntryApplication], queryset.filter(state__in=entry_mine_states(user))).managed_by(user)


def entry_mine_states(user: User) -> set[str]:
    """The application states whose next step the user's roles take (the "mine" of the queue and the home page)."""
    states = {s for s, (capability, _setting) in PENDING_STEP.items() if has_capability(user, capability)}
    if has_capability(user, Capability.TOWNSHIP_REVIEW):
        states.add(S.APPROVED)  # EN-6 may be taken by township staff too
    return states


_Case = TypeVar("_Case", EntryApplication, EliminationCase)


# When the current step began waiting: the case's last step (its newest event; its creation before any), for queue
# and case page alike. The query face annotates a list (and the overdue filters read it); the Python face reads that
# annotation, or asks the events of one case.
def waiting_since_expr(model: type[EntryApplication] | type[EliminationCase]) -> Coalesce:
    events: QuerySet[Any]
    if model is EntryApplication:
        events = EntryEvent.objects.filter(application=OuterRef("pk")).values("application")
    else:
        events = EliminationEvent.objects.filter(case=OuterRef("pk")).values("case")
    newest = events.order_by().annotate(last=Max("at")).values("last")
    return Coalesce(Subquery(newest, output_field=DateTimeField()), "created_at")


def with_waiting_since(queryset: QuerySet[_Case]) -> QuerySet[_Case]:
    return queryset.annotate(waiting_since=waiting_since_expr(queryset.model))


def waiting_since(case: EntryApplication | EliminationCase) -> datetime.datetime:
    since = getattr(case, "waiting_since", None)
    if since is None:
        since = case.events.aggregate(last=Max("at"))["last"]
    return since or case.created_at


@dataclass(frozen=True)
class Waiting:
    """Working days the pending step has waited against its limit (SPEC §4.14)."""

    days: int
    limit: int | None

    @property
    def level(self) -> str:
        """yellow: one working day left; orange: due today; red: past the limit."""
        if self.limit is None:
            return ""
        if self.days > self.limit:
            return "red"
        if self.days == self.limit:
            return "orange"
        if self.days == self.limit - 1:
            return "yellow"
        return ""

    @property
    def overdue(self) -> bool:
        return self.level == "red"


@dataclass
class WaitingContext:
    """What a list of cases shares: the calendar and the limits per (state, county)."""

    calendar: WorkdayCalendar = field(default_factory=WorkdayCalendar)
    limits: dict[tuple[str, str], int | None] = field(default_factory=dict)
    counties: dict[str, list[str]] = field(default_factory=dict)  # ``counties_in`` of a territory, read once
    cutoffs: dict[tuple[int, datetime.date], datetime.date] = field(default_factory=dict)  # ``overdue_before``

    def limit(self, setting: str, county: str, *, on: datetime.date) -> int | None:
        """The county's time limit ``setting`` in working days, read once per list; None where it is not set."""
        key = (setting, county)
        if key not in self.limits:
            try:
                self.limits[key] = int(parameter(setting, area_code=county, on=on))
            except DomainError:
                self.limits[key] = None
        return self.limits[key]

    def counties_of(self, area_code: str) -> list[str]:
        """``counties_in(area_code)``, read once per list."""
        if area_code not in self.counties:
            self.counties[area_code] = counties_in(area_code)
        return self.counties[area_code]

    def overdue_before(self, limit: int, today: datetime.date) -> datetime.date:
        """The query face of ``Waiting.overdue``: a wait that began on a day before the returned one has used more
        than ``limit`` working days by ``today`` (``workdays_between`` counts the working days after its start up to
        ``today``), one that began on it or later has not. The day is the ``limit + 1``-th working day back."""
        if (limit, today) not in self.cutoffs:
            self.cutoffs[limit, today] = self._overdue_before(limit, today)
        return self.cutoffs[limit, today]

    def _overdue_before(self, limit: int, today: datetime.date) -> datetime.date:
        day, counted = today, 0
        for _day in range(3660):  # ten years back: a calendar without working days has no overdue step
            if self.calendar.is_workday(day):
                counted += 1
                if counted > limit:
                    return day
            day -= datetime.timedelta(days=1)
        return day


def waiting(
    application: EntryApplication, *, today: datetime.date | None = None, context: WaitingContext | None = None
) -> Waiting:
    """How long the pending step has waited, in working days on the Chinese calendar, against its limit
    (SPEC §4.14 design defaults, settable per province or county). Reuse ``context`` across a queue."""
    today = today or timezone.localdate()
    context = context or WaitingContext()
    days = context.calendar.workdays_between(timezone.localtime(waiting_since(application)).date(), today)
    step = PENDING_STEP.get(application.state)
    if step is None:
        return Waiting(days=days, limit=None)
    county = ancestor_code(application.household.managing_area.code, AreaLevel.COUNTY)
    return Waiting(days=days, limit=context.limit(step[1], county, on=today))


def procedure_waiting(
    application: EntryApplication, *, today: datetime.date | None = None, context: WaitingContext | None = None
) -> Waiting:
    """Working days since the report against ``entry.total_target_days`` for the whole procedure EN-0 → EN-6
    (SPEC §4.14); a closed application shows how long it took, without a limit."""
    today = today or timezone.localdate()
    context = context or WaitingContext()
    if not application.is_open:
        ended = waiting_since(application)
        today = timezone.localtime(ended).date()
    days = context.calendar.workdays_between(application.reported_on, today)
    if not application.is_open:
        return Waiting(days=days, limit=None)
    county = ancestor_code(application.household.managing_area.code, AreaLevel.COUNTY)
    return Waiting(days=days, limit=context.limit("entry.total_target_days", county, on=today))


def available_actions(user: User, application: EntryApplication) -> list[str]:
    """The commands this user may take on this application now (templates make no decisions)."""
    state = EntryState(application.state)
    actions: list[str] = []
    if state in (S.REPORTED, S.HOME_VERIFIED, S.DEMOCRATICALLY_REVIEWED) and permissions.can_take_village_steps(
        user, application
    ):
        actions += {
            S.REPORTED: ["verify", "reject"],
            S.HOME_VERIFIED: ["review", "reject"],
            S.DEMOCRATICALLY_REVIEWED: ["notice", "object", "resolve", "complete_notice", "return", "reject"],
        }[state]
    if state == S.NOTICE_COMPLETED and permissions.can_review_as_township(user, application):
        actions += ["township_review", "return", "reject"]
    if state == S.TOWNSHIP_REVIEWED and permissions.can_approve_as_county(user, application):
        actions += ["approve", "return", "reject"]
    if state == S.APPROVED and permissions.can_register(user, application):
        actions.append("register")
    if state in APPLICANT_MAY_WITHDRAW and permissions.can_withdraw(user, application):
        actions.append("withdraw")
    if (
        application.is_open
        and state != S.APPROVED
        and (
            permissions.can_take_village_steps(user, application)
            or permissions.can_review_as_township(user, application)
        )
    ):
        actions.append("negative_hit")
    if (
        state == S.TOWNSHIP_REVIEWED
        and has_capability(user, Capability.OVERRIDE_NEGATIVE_LIST)
        and permissions.in_managing_chain(user, application)
        and application.negative_hits.filter(overridden_at__isnull=True).exists()  # each hit is answered on its own
    ):
        actions.append("negative_override")
    return actions


def subjects_without_measures(*, user: User, today: datetime.date) -> QuerySet[MonitoringSubject]:
    """Open subjects the user may see with no measure ``measure.plan_due_days`` after entry (漏扶, SPEC §4.14): the
    subject fact ``monitoring.facts.without_measures``, which rule FC-GAP-MISSED-AID-01 reads too."""
    return (
        MonitoringSubject.objects.visible_to(user)
        .filter(without_measures_q(on=today))
        .select_related("household__managing_area")
    )


ELIMINATION_PENDING: dict[str, Capability] = {
    E.OPENED: Capability.VILLAGE_PROCEDURE,
    E.VILLAGE_VERIFIED: Capability.VILLAGE_PROCEDURE,
    E.VILLAGE_REVIEWED_NOTICED: Capability.TOWNSHIP_REVIEW,
    E.TOWNSHIP_ASSESSED: Capability.TOWNSHIP_REVIEW,
    E.TOWNSHIP_REVIEWED_NOTICED: Capability.COUNTY_APPROVAL,
    E.COUNTY_SCREENED: Capability.COUNTY_APPROVAL,
    E.COUNTY_DECIDED: Capability.COUNTY_APPROVAL,
}


def elimination_queue(
    queryset: QuerySet[EliminationCase], *, user: User, chosen: QueueFilter
) -> QuerySet[EliminationCase]:
    """Narrow scoped elimination cases to a queue, oldest waiting first."""
    mine, state = chosen.mine, chosen.state
    queryset = with_waiting_since(queryset.select_related("subject__household__managing_area__parent", "opened_by"))
    if state in EliminationState.values:
        queryset = queryset.filter(state=state)
    if mine:
        queryset = elimination_mine(queryset, user=user)
    return _narrow(queryset, user=user, chosen=chosen, household="subject__household")


def elimination_mine(queryset: QuerySet[EliminationCase], *, user: User) -> QuerySet[EliminationCase]:
    """The elimination cases of a scoped queryset whose next step is the user's (as ``entry_mine``)."""
    mine = queryset.filter(state__in=elimination_mine_states(user))
    return cast(EliminationRecordQuerySet, mine).managed_by(user)


def elimination_mine_states(user: User) -> set[str]:
    """The elimination states whose next step the user's roles take."""
    return {s for s, capability in ELIMINATION_PENDING.items() if has_capability(user, capability)}


def elimination_waiting(case: EliminationCase, *, context: WaitingContext | None = None) -> Waiting:
    """Working days the pending step has waited against ``elimination.step_days``."""
    context = context or WaitingContext()
    today = timezone.localdate()
    days = context.calendar.workdays_between(timezone.localtime(waiting_since(case)).date(), today)
    if not case.is_open:
        return Waiting(days=days, limit=None)
    county = ancestor_code(case.subject.household.managing_area.code, AreaLevel.COUNTY)
    return Waiting(days=days, limit=context.limit(ELIMINATION_STEP_DAYS, county, on=today))


ELIMINATION_STEP_DAYS = "elimination.step_days"  # the one limit of every open elimination step

# The level whose staff take a pending step (SPEC §4.6, §4.8): a village, a township or a county step. Escalation
# tells the level above it (SPEC §4.14).
STEP_LEVEL: dict[Capability, str] = {
    Capability.VILLAGE_PROCEDURE: AreaLevel.VILLAGE,
    Capability.TOWNSHIP_REVIEW: AreaLevel.TOWNSHIP,
    Capability.COUNTY_APPROVAL: AreaLevel.COUNTY,
}


# The overdue filter of the queues: what a reviewer or the level above chooses (the notifications link to a level).
OVERDUE_CHOICES: list[tuple[str, Any]] = [
    ("1", _("已超过办理时限")),
    (AreaLevel.VILLAGE, _("村级环节超过办理时限")),
    (AreaLevel.TOWNSHIP, _("乡镇环节超过办理时限")),
    (AreaLevel.COUNTY, _("县级环节超过办理时限")),
]


def step_limits(model: type[EntryApplication] | type[EliminationCase]) -> dict[str, tuple[str, str]]:
    """Each open state of the model → (the level of its pending step, the setting of its limit): the tables
    ``waiting`` and ``elimination_waiting`` read, in one shape for the overdue filters."""
    if model is EntryApplication:
        return {state: (STEP_LEVEL[capability], setting) for state, (capability, setting) in PENDING_STEP.items()}
    return {state: (STEP_LEVEL[capability], ELIMINATION_STEP_DAYS) for state, capability in ELIMINATION_PENDING.items()}


def _household_path(model: type[Any]) -> str:
    return "household" if model is EntryApplication else "subject__household"


def counties_in(area_code: str) -> list[str]:
    """The county codes a territory (an area code; "" for the whole country) holds or lies in: the counties whose
    time limits apply to its cases. No query for a county or an area below one."""
    level = level_of(area_code) if area_code else ""
    if level and PREFIX_LENGTH[level] >= PREFIX_LENGTH[AreaLevel.COUNTY]:
        return [ancestor_code(area_code, AreaLevel.COUNTY)]
    counties = AdminArea.objects.of_level(AreaLevel.COUNTY)
    if level:
        counties = counties.filter(code__startswith=prefix_of(area_code, level))
    return list(counties.order_by("code").values_list("code", flat=True))


def _past_limit(
    steps: dict[str, str], counties: list[str], *, since: str, today: datetime.date, context: WaitingContext
) -> Q:
    """The query face of ``Waiting.overdue`` for rows that read ``step_county`` (the county's 6-digit prefix) and
    ``since`` (a date or datetime field): each state (→ its limit's setting) against each county's limit."""
    read_ahead(counties, on=today)  # a province's 17 counties: their settings in one query, not one each
    by_cutoff: dict[tuple[str, datetime.date], list[str]] = {}
    for county in counties:
        for state, setting in steps.items():
            limit = context.limit(setting, county, on=today)
            if limit is not None:  # no limit set, never overdue (``Waiting.level`` is "")
                by_cutoff.setdefault((state, context.overdue_before(limit, today)), []).append(county[:6])
    if not by_cutoff:
        # Nothing is overdue. Not ``pk__in=[]``: inside ``aggregate()`` over the wait's alias, one empty filter makes
        # Django skip the whole query and answer 0 for every count beside it.
        return Q(pk__isnull=True)

    def start_of(cutoff: datetime.date) -> datetime.date | datetime.datetime:
        # A datetime began on a day in the local calendar, as the Python face reads it (``localtime(...).date()``).
        return cutoff if since == "reported_on" else day_start(cutoff)

    # The states that share a cutoff and its counties share a branch: each branch is Django's to build and compile on
    # every view of a home page (a fifth of its workflow counts' time with a branch per state).
    branches: dict[tuple[datetime.date | datetime.datetime, tuple[str, ...]], list[str]] = {}
    for (state, cutoff), prefixes in by_cutoff.items():
        branches.setdefault((start_of(cutoff), tuple(prefixes)), []).append(state)
    limited = [state for states in branches.values() for state in states]
    # The rows lie in the territory: within one county its limits are the only ones, and the county goes unsaid.
    one_county = len(counties) == 1
    if one_county and len(branches) == 1:
        ((start, _prefixes),) = branches
        return Q(state__in=limited, **{f"{since}__lt": start})
    cases = [
        When(Q(state__in=states) if one_county else Q(state__in=states, step_county__in=prefixes), then=Value(start))
        for (start, prefixes), states in branches.items()
    ]
    # One comparison with the cutoff of the row's state and county: the wait's start (a subquery) is written once.
    return Q(state__in=limited, **{f"{since}__lt": Case(*cases, default=None)})


def with_step_aliases(queryset: QuerySet[_Case]) -> QuerySet[_Case]:
    """The names the past-limit conditions read: ``step_county`` (the county's 6-digit prefix of the managing area)
    and ``step_since`` (when the pending step began waiting)."""
    model = queryset.model
    code = f"{_household_path(model)}__managing_area__code"
    return queryset.alias(step_county=Substr(code, 1, 6), step_since=waiting_since_expr(model))


def step_overdue_q(
    model: type[EntryApplication] | type[EliminationCase],
    *,
    area_code: str,
    today: datetime.date,
    context: WaitingContext,
    level: str = "",
) -> Q:
    """The query face of ``Waiting.overdue`` (SPEC §4.14) over ``with_step_aliases``: the pending step has waited past
    its limit; ``level`` keeps the steps of one level (``STEP_LEVEL``). The rows lie in the territory of
    ``area_code`` (scoped and ``managed_by`` the user, or a system job's "")."""
    steps = {state: setting for state, (lvl, setting) in step_limits(model).items() if not level or lvl == level}
    counties = context.counties_of(area_code)
    return _past_limit(steps, counties, since="step_since", today=today, context=context)


def procedure_overdue_q(*, area_code: str, today: datetime.date, context: WaitingContext) -> Q:
    """The query face of ``procedure_waiting(...).overdue`` over ``with_step_aliases``: an open application whose whole
    procedure (EN-0 → EN-6) has used more working days than ``entry.total_target_days``."""
    steps = dict.fromkeys(PENDING_STEP, "entry.total_target_days")
    return _past_limit(steps, context.counties_of(area_code), since="reported_on", today=today, context=context)


def overdue_steps(
    queryset: QuerySet[_Case], *, area_code: str, today: datetime.date, context: WaitingContext, level: str = ""
) -> QuerySet[_Case]:
    """The cases of ``queryset`` whose pending step has waited past its limit (``step_overdue_q``)."""
    condition = step_overdue_q(queryset.model, area_code=area_code, today=today, context=context, level=level)
    return with_step_aliases(queryset).filter(condition)


def procedures_overdue(
    queryset: QuerySet[EntryApplication], *, area_code: str, today: datetime.date, context: WaitingContext
) -> QuerySet[EntryApplication]:
    """The open applications of ``queryset`` past the procedure's target (``procedure_overdue_q``)."""
    condition = procedure_overdue_q(area_code=area_code, today=today, context=context)
    return with_step_aliases(queryset).filter(condition)


def elimination_actions(user: User, case: EliminationCase) -> list[str]:
    """The commands this user may take on this elimination case now."""
    state = EliminationState(case.state)
    if not case.is_open:
        return []
    actions: list[str] = []
    village = permissions.can_take_village_steps(user, case)
    township = permissions.can_review_as_township(user, case)
    county = permissions.can_approve_as_county(user, case)
    if state == E.OPENED and village:
        actions += ["verify"]
    if state == E.VILLAGE_VERIFIED and village:
        actions += ["review", "notice", "object", "resolve", "complete_village_notice"]
    if state == E.VILLAGE_REVIEWED_NOTICED and township:
        actions += ["assess"]
    if state == E.TOWNSHIP_ASSESSED and township:
        actions += ["township_meeting", "notice", "object", "resolve", "complete_township_notice"]
    if state == E.TOWNSHIP_REVIEWED_NOTICED and county:
        actions += ["screen"]
    if state == E.COUNTY_SCREENED and county:
        actions += ["decide"]
    if state == E.COUNTY_DECIDED and county:
        actions += ["object", "resolve", "mark"]
    pending = ELIMINATION_PENDING.get(state)
    if pending is not None and has_capability(user, pending) and permissions.in_managing_chain(user, case):
        actions.append("not_eliminated")
    return actions


def elimination_candidates(*, user: User, today: datetime.date) -> QuerySet[MonitoringSubject]:
    """The system's suggestions for EL-0 (``monitoring.facts.elimination_candidate_q``: SPEC §4.8 preconditions
    1–3 hold). Set-based; the full checklist is evaluated on the case."""
    return (
        MonitoringSubject.objects.visible_to(user)
        .filter(elimination_candidate_q())
        .select_related("household__managing_area")
    )


def lookbacks_due(*, user: User, today: datetime.date) -> QuerySet[LookbackReview]:
    """Look-backs (回头看) due by today and not yet done (SPEC §4.10)."""
    return (
        LookbackReview.objects.visible_to(user)
        .filter(done_on__isnull=True, due_on__lte=today)
        .select_related("subject__household__managing_area")
    )


def helping_again(subject: MonitoringSubject) -> bool:
    """An eliminated subject whose latest look-back asked to help again (回头帮, SPEC §4.10) takes new measures."""
    latest = subject.lookbacks.filter(done_on__isnull=False).order_by("-done_on", "-pk").first()
    return latest is not None and latest.outcome == LookbackOutcome.HELP_AGAIN


def subject_list_narrow(
    queryset: QuerySet[MonitoringSubject],
    *,
    user: User,
    today: datetime.date,
    status: str = "",
    candidates: bool = False,
    lookback_due: bool = False,
    without_measures: bool = False,
) -> QuerySet[MonitoringSubject]:
    """Narrow the scoped subjects (``visible_to`` ran) by the home queue's filters."""
    if status in SubjectStatus.values:
        queryset = queryset.filter(status=status)
    if candidates:
        queryset = queryset.filter(pk__in=elimination_candidates(user=user, today=today).values("pk"))
    if lookback_due:
        queryset = queryset.filter(pk__in=lookbacks_due(user=user, today=today).values("subject_id"))
    if without_measures:
        queryset = queryset.filter(pk__in=subjects_without_measures(user=user, today=today).values("pk"))
    return queryset.select_related("household__managing_area__parent").order_by("-entered_on", "-pk")
