"""Reads of monitoring, always from ``visible_to(user)`` (STYLE rule 2)."""

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Max, QuerySet
from django.utils import timezone

from accounts.permissions import has_capability
from accounts.roles import Capability
from geo.parameters import parameter
from geo.workdays import WorkdayCalendar
from households.choices import HouseholdFlagKind
from households.models import Household
from households.selectors import IncomeSummary, has_open_flag, household_income_summary
from monitoring import permissions, rules
from monitoring.choices import OPEN_SUBJECT_STATUSES, EntryState, SubjectCategory
from monitoring.models import EntryApplication, MonitoringSubject
from monitoring.querysets import CaseQuerySet
from revitalization.errors import DomainError

S = EntryState

# Who takes the pending step of each state (SPEC §4.6) and the setting holding its time limit (SPEC §4.14).
PENDING_STEP: dict[str, tuple[Capability, str]] = {
    S.REPORTED: (Capability.VILLAGE_PROCEDURE, "entry.verify_within_days"),
    S.HOME_VERIFIED: (Capability.VILLAGE_PROCEDURE, "entry.review_within_days"),
    S.DEMOCRATICALLY_REVIEWED: (Capability.VILLAGE_PROCEDURE, "entry.notice_post_within_days"),
    S.NOTICE_COMPLETED: (Capability.TOWNSHIP_REVIEW, "entry.township_review_days"),
    S.TOWNSHIP_REVIEWED: (Capability.COUNTY_APPROVAL, "entry.county_approval_days"),
    S.APPROVED: (Capability.COUNTY_APPROVAL, "entry.register_within_days"),
}


def entry_queue(*, user: Any, mine: bool = False, state: str = "") -> QuerySet[EntryApplication]:
    """Applications the user may see, oldest waiting first; ``mine`` keeps those whose next step is theirs."""
    return entry_queue_narrow(EntryApplication.objects.visible_to(user), user=user, mine=mine, state=state)


def entry_queue_narrow(
    queryset: QuerySet[EntryApplication], *, user: Any, mine: bool = False, state: str = ""
) -> QuerySet[EntryApplication]:
    """Narrow an already scoped queryset (``visible_to`` ran) to a queue."""
    queryset = queryset.select_related("household__managing_area__parent", "reported_by").annotate(
        waiting_since=Max("events__at")
    )
    if state in EntryState.values:
        queryset = queryset.filter(state=state)
    if mine:
        states = {s for s, (capability, _setting) in PENDING_STEP.items() if has_capability(user, capability)}
        if has_capability(user, Capability.TOWNSHIP_REVIEW):
            states.add(S.APPROVED)  # EN-6 may be taken by township staff too
        queryset = cast(CaseQuerySet, queryset.filter(state__in=states)).managed_by(user)
    return queryset.order_by("waiting_since", "pk")


@dataclass(frozen=True)
class Waiting:
    """Working days the pending step has waited against its limit (issue "monitoring" §2)."""

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


def waiting(
    application: EntryApplication, *, today: datetime.date | None = None, context: WaitingContext | None = None
) -> Waiting:
    """How long the pending step has waited, in working days on the Chinese calendar, against its limit
    (SPEC §4.14 design defaults, settable per province or county). Reuse ``context`` across a queue."""
    today = today or timezone.localdate()
    context = context or WaitingContext()
    since = getattr(application, "waiting_since", None) or application.created_at
    days = context.calendar.workdays_between(timezone.localtime(since).date(), today)
    step = PENDING_STEP.get(application.state)
    if step is None:
        return Waiting(days=days, limit=None)
    county = application.household.managing_area.code[:6].ljust(12, "0")
    key = (application.state, county)
    if key not in context.limits:
        try:
            context.limits[key] = int(parameter(step[1], area_code=county, on=today))
        except DomainError:
            context.limits[key] = None
    return Waiting(days=days, limit=context.limits[key])


def available_actions(user: Any, application: EntryApplication) -> list[str]:
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
    if application.is_open and state != S.APPROVED and permissions.can_withdraw(user, application):
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
        and application.negative_override_by_id is None
        and has_capability(user, Capability.OVERRIDE_NEGATIVE_LIST)
        and permissions.in_managing_chain(user, application)
        and application.negative_hits.exists()
    ):
        actions.append("negative_override")
    return actions


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool | None  # None: cannot be judged from the data
    detail: str
    refusal: str = ""  # what county approval answers when this check does not pass


@dataclass(frozen=True)
class EntryChecks:
    checks: list[Check]
    summary: IncomeSummary | None

    @property
    def first_failure(self) -> Check | None:
        return next((check for check in self.checks if check.ok is not True), None)


def entry_checks(household: Household, category: str, *, on: datetime.date) -> EntryChecks:
    """The entry conditions of one household for one category, in one place: the reviewers' checklist shows them
    and county approval refuses on the first that fails (SPEC §4.1 category fit, NR-INC-01/02 income)."""
    checks = []
    try:
        summary: IncomeSummary | None = household_income_summary(household, on=on)
    except DomainError as exc:
        summary = None
        checks.append(Check("收入测算", None, exc.message, refusal=exc.message))
    if summary is not None:
        in_scope = rules.entry_income_in_scope(category, summary.per_capita, summary.threshold.amount)
        shown = "未录入完整" if summary.per_capita is None else f"{summary.per_capita} 元"
        checks.append(
            Check(
                "收入低于监测标准" if category != SubjectCategory.SUDDEN_HARDSHIP else "收入（突发严重困难户不设上限）",
                in_scope,
                f"人均纯收入 {shown}（{summary.window.label}），监测标准 {summary.threshold.amount} 元",
                refusal=(
                    f"人均纯收入 {shown}，不低于 {summary.threshold.year} 年监测标准 {summary.threshold.amount} 元，"
                    f"不能按“{SubjectCategory(category).label}”纳入（突发严重困难户不受此限）"
                ),
            )
        )
    exited = has_open_flag(household, HouseholdFlagKind.EXITED_POOR, on=on)
    excludes = bool(parameter("monitoring.marginal_excludes_exited", area_code=household.managing_area.code, on=on))
    checks.append(
        Check(
            "类别与农户身份相符",
            rules.category_fits_household(category, exited_poor=exited, marginal_excludes_exited=excludes),
            "脱贫户" if exited else "非脱贫户",
            refusal="脱贫不稳定户须为脱贫户"
            if category == SubjectCategory.UNSTABLE_EXITED
            else "边缘易致贫户不能是脱贫户",
        )
    )
    return EntryChecks(checks=checks, summary=summary)


def eligibility(application: EntryApplication, *, today: datetime.date | None = None) -> list[Check]:
    """The checklist the reviewers see (issue "monitoring" §3)."""
    category = application.category or application.proposed_category
    return entry_checks(application.household, category, on=today or timezone.localdate()).checks


def subjects_without_measures(*, user: Any, today: datetime.date) -> QuerySet[MonitoringSubject]:
    """Open subjects the user may see with no measure ``measure.plan_due_days`` after entry (漏扶, SPEC §4.14);
    one query whatever the county's size."""
    area = getattr(user, "area", None)
    due_days = int(parameter("measure.plan_due_days", area_code=area.code if area else "", on=today))
    return (
        MonitoringSubject.objects.visible_to(user)
        .filter(status__in=OPEN_SUBJECT_STATUSES, entered_on__lt=today - datetime.timedelta(days=due_days))
        .filter(measures__isnull=True)
        .select_related("household__managing_area")
    )
