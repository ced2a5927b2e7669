"""Reads of monitoring, always from ``visible_to(user)`` (STYLE rule 2)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db.models import Max, QuerySet
from django.utils import timezone

from accounts.permissions import has_capability
from accounts.roles import Capability
from core.errors import DomainError
from geo.codes import PREFIX_LENGTH, AreaLevel, ancestor_code
from geo.models import AdminArea
from geo.parameters import area_codes_up, parameter
from geo.workdays import WorkdayCalendar
from households import facts as household_facts
from households import rules as household_rules
from households.choices import (
    HouseholdFlagKind,
    HousingSafety,
    MemberStatus,
)
from households.masking import mask_id_number
from households.models import Household
from households.selectors import (
    Hardship,
    IncomeSummary,
    fact_context,
    has_open_flag,
    household_guarantee_status,
    household_hardship,
    household_income_summary,
    household_size,
)
from monitoring import permissions, rules
from monitoring.choices import (
    OPEN_ELIMINATION_STATES,
    RIGID_TEST_REQUIRES_BOTH,
    EliminationState,
    EntryState,
    LookbackOutcome,
    MeasureStatus,
    MeasureType,
    NoticeStage,
    RiskType,
    SubjectCategory,
    SubjectStatus,
    TriggerCondition,
)
from monitoring.facts import elimination_candidate_q, without_measures_q
from monitoring.models import (
    EliminationCase,
    EntryApplication,
    LookbackReview,
    MeasureTemplate,
    MonitoringSubject,
    PublicNotice,
)
from monitoring.querysets import CaseQuerySet, EliminationRecordQuerySet

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


@dataclass(frozen=True)
class QueueFilter:
    """What a reviewer narrows a queue to (issue "monitoring" §8): the cases whose step is theirs or all they may
    see, one state, one township of their territory, and the order of waiting time."""

    mine: bool = True
    state: str = ""
    township: str = ""  # a township code the user may see
    newest_first: bool = False


def queue_townships(user: Any) -> QuerySet[AdminArea]:
    """The townships a reviewer above the township level may narrow a queue to (empty for village and township
    users: their queue is one township already)."""
    area = getattr(user, "area", None)
    if area is None or area.level in (AreaLevel.TOWNSHIP, AreaLevel.VILLAGE, AreaLevel.GROUP):
        return AdminArea.objects.none()
    return AdminArea.objects.visible_to(user).active().of_level(AreaLevel.TOWNSHIP).order_by("code")


def _narrow(queryset: QuerySet[Any], *, user: Any, chosen: QueueFilter, household: str) -> QuerySet[Any]:
    """The township and order of a queue; ``household`` is the path to the case's household."""
    if chosen.township and queue_townships(user).filter(code=chosen.township).exists():
        queryset = queryset.filter(
            **{f"{household}__managing_area__code__startswith": chosen.township[: PREFIX_LENGTH[AreaLevel.TOWNSHIP]]}
        )
    if chosen.newest_first:
        return queryset.order_by("-waiting_since", "-pk")
    return queryset.order_by("waiting_since", "pk")


def entry_queue(*, user: Any, mine: bool = False, state: str = "") -> QuerySet[EntryApplication]:
    """Applications the user may see, oldest waiting first; ``mine`` keeps those whose next step is theirs."""
    return entry_queue_narrow(
        EntryApplication.objects.visible_to(user), user=user, chosen=QueueFilter(mine=mine, state=state)
    )


def entry_queue_narrow(
    queryset: QuerySet[EntryApplication], *, user: Any, chosen: QueueFilter
) -> QuerySet[EntryApplication]:
    """Narrow an already scoped queryset (``visible_to`` ran) to a queue."""
    mine, state = chosen.mine, chosen.state
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
    return _narrow(queryset, user=user, chosen=chosen, household="household")


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
    county = ancestor_code(application.household.managing_area.code, AreaLevel.COUNTY)
    key = (application.state, county)
    if key not in context.limits:
        try:
            context.limits[key] = int(parameter(step[1], area_code=county, on=today))
        except DomainError:
            context.limits[key] = None
    return Waiting(days=days, limit=context.limits[key])


def procedure_waiting(
    application: EntryApplication, *, today: datetime.date | None = None, context: WaitingContext | None = None
) -> Waiting:
    """Working days since the report against ``entry.total_target_days`` for the whole procedure EN-0 → EN-6
    (SPEC §4.14); a closed application shows how long it took, without a limit."""
    today = today or timezone.localdate()
    context = context or WaitingContext()
    if not application.is_open:
        ended = getattr(application, "waiting_since", None) or application.updated_at
        today = timezone.localtime(ended).date()
    days = context.calendar.workdays_between(application.reported_on, today)
    if not application.is_open:
        return Waiting(days=days, limit=None)
    county = ancestor_code(application.household.managing_area.code, AreaLevel.COUNTY)
    key = ("entry.total_target_days", county)
    if key not in context.limits:
        try:
            context.limits[key] = int(parameter("entry.total_target_days", area_code=county, on=today))
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
    blocking: bool = True  # False: shown to the reviewer, who judges; approval does not refuse on it
    field: str = "category"  # the input a refusal names


@dataclass(frozen=True)
class EntryChecks:
    checks: list[Check]
    summary: IncomeSummary | None
    suggested_triggers: list[TriggerCondition] = field(default_factory=list)

    @property
    def failures(self) -> list[Check]:
        """Every blocking check that does not pass: a refusal names them all (and only them)."""
        return [check for check in self.checks if check.blocking and check.ok is not True]


def trigger_profile(household: Household, *, on: datetime.date) -> str:
    """Setting ``monitoring.trigger_profile`` (SPEC §4.2: ``ningxia`` by default, ``longde`` where enabled)."""
    return str(parameter("monitoring.trigger_profile", area_code=household.managing_area.code, on=on))


def trigger_facts(household: Household, *, on: datetime.date) -> tuple[rules.TriggerFacts, Hardship]:
    """The registry facts the trigger conditions of SPEC §4.2 are suggested from, and the hardship flags of §3.3:
    the household facts (``households.facts``) of one household. Members, incomes and rigid expenses should be
    prefetched."""
    ctx = fact_context(household, on=on)
    counts = household_facts.member_counts(household.members.all(), ctx)
    bills = household_facts.bill_totals(household.rigid_expenses.all(), ctx)
    hardship = household_hardship(household, on=on, ctx=ctx)
    facts = rules.TriggerFacts(
        confirmed_serious_illness=counts["confirmed_ill"] > 0,
        serious_or_chronic_illness=counts["seriously_ill"] + counts["chronically_ill"] > 0,
        large_medical_oop=hardship.large_medical_oop,
        disaster=bills["disaster"] > 0 or household.housing_safety == HousingSafety.DISASTER_DAMAGED,
        sudden_event=bills["sudden"] > 0,
        main_labourer_disabled=counts["disabled_main_labourers"] > 0,
        business_loss=hardship.business_loss,
        college_students=counts["college_students"],
        rigid_exceeds_income=hardship.rigid_exceeds_income,
        sharp_income_drop=hardship.sharp_income_drop,
    )
    return facts, hardship


def _yes_no(value: bool | None) -> str:
    return "无法判断" if value is None else ("是" if value else "否")


def entry_checks(
    household: Household, category: str, *, on: datetime.date, triggers: Iterable[str] = ()
) -> EntryChecks:
    """The entry conditions of one household for one category, in one place: the reviewers' checklist shows them
    and county approval refuses on the first blocking one that fails (SPEC §4.2 triggers, §4.1 category fit,
    NR-INC-01/02 income). The rigid test NR-INC-06 is shown beside them for the reviewer to judge: the seeds word
    it as what the trigger "leads to", which the records of expenses at entry can rarely prove alone."""
    checks = []
    cited = [str(code) for code in triggers]
    profile = trigger_profile(household, on=on)
    facts, hardship = trigger_facts(household, on=on)
    suggested = rules.suggested_triggers(facts, category=category, profile=profile)
    label = SubjectCategory(category).label if category in SubjectCategory.values else category
    fits = rules.triggers_fit_category(cited, category=category, profile=profile)
    cited_labels = "、".join(str(TriggerCondition(code).label) for code in cited if code in TriggerCondition.values)
    suggested_labels = "、".join(code.value for code in suggested) or "无"
    checks.append(
        Check(
            "界定条件",
            fits,
            f"已引用：{cited_labels or '无'}；数据提示：{suggested_labels}",
            refusal=f"须至少引用一项“{label}”的界定条件（SPEC §4.2）",
            field="triggers",
        )
    )
    last_year = "未录入完整" if hardship.last_year_net is None else f"{hardship.last_year_net} 元"
    rigid_ok = household_rules.rigid_test(
        hardship.rigid_exceeds_income,
        hardship.sharp_income_drop,
        require_both=RIGID_TEST_REQUIRES_BOTH.get(profile, False),
    )
    checks.append(
        Check(
            "刚性支出超过上年度收入或收入大幅缩减",
            rigid_ok,
            f"刚性支出 {hardship.rigid_total} 元（{hardship.window.label}），{hardship.last_year} 年家庭纯收入 "
            f"{last_year}；刚性支出超过上年度收入：{_yes_no(hardship.rigid_exceeds_income)}；收入大幅缩减："
            f"{_yes_no(hardship.sharp_income_drop)}",
            blocking=False,
        )
    )
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
    return EntryChecks(checks=checks, summary=summary, suggested_triggers=suggested)


def eligibility(application: EntryApplication, *, today: datetime.date | None = None) -> list[Check]:
    """The checklist the reviewers see (issue "monitoring" §3)."""
    category = application.category or application.proposed_category
    on = today or timezone.localdate()
    return entry_checks(application.household, category, on=on, triggers=application.triggers).checks


def trigger_choices(household: Household, *, on: datetime.date) -> list[tuple[str, str, str, bool]]:
    """The triggers a report may cite under the household's profile: (code, label, category, suggested), for the
    report form to pre-tick what the data supports (SPEC §4.2)."""
    profile = trigger_profile(household, on=on)
    facts, _hardship = trigger_facts(household, on=on)
    rows = []
    for category in SubjectCategory.values:
        suggested = set(rules.suggested_triggers(facts, category=category, profile=profile))
        for code in rules.triggers_of(category, profile):
            rows.append((code.value, str(code.label), category, code in suggested))
    return rows


def subjects_without_measures(*, user: Any, today: datetime.date) -> QuerySet[MonitoringSubject]:
    """Open subjects the user may see with no measure ``measure.plan_due_days`` after entry (漏扶, SPEC §4.14): the
    subject fact ``monitoring.facts.without_measures``, which rule FC-GAP-MISSED-AID-01 reads too."""
    area = getattr(user, "area", None)
    due_days = int(parameter("measure.plan_due_days", area_code=area.code if area else "", on=today))
    return (
        MonitoringSubject.objects.visible_to(user)
        .filter(without_measures_q(on=today, due_days=due_days))
        .select_related("household__managing_area")
    )


# --------------------------------------------------------------------------------------------- risk elimination

E = EliminationState


@dataclass(frozen=True)
class ExitChecks:
    """SPEC §4.8 preconditions for one subject, in one place: the reviewers' checklist shows them, county screening
    (EL-5) and marking (EL-7) refuse naming every one that fails. Labour capacity decides the outcome (§4.9)."""

    checks: list[Check]
    summary: IncomeSummary | None
    has_labour: bool
    has_social_security_measure: bool

    @property
    def failures(self) -> list[Check]:
        """Every check that does not pass: a refusal names them all (and only them)."""
        return [check for check in self.checks if check.ok is not True]


def _exit_parameter(key: str, household: Household, on: datetime.date) -> Any:
    return parameter(key, area_code=household.managing_area.code, on=on)


def elimination_checks(subject: MonitoringSubject, *, on: datetime.date) -> ExitChecks:
    household = subject.household
    checks: list[Check] = []
    # 1. NR-INC-04/05: this year's income at least the line × 1.10 (6000 → 6600 in Ningxia 2021, inclusive).
    try:
        summary: IncomeSummary | None = household_income_summary(household, on=on)
    except DomainError as exc:
        summary = None
        checks.append(Check("收入测算", None, exc.message, refusal=exc.message))
    if summary is not None:
        margin = Decimal(str(_exit_parameter("exit.income_margin_pct", household, on)))
        inclusive = bool(_exit_parameter("exit.margin_inclusive", household, on))
        income_ok = summary.per_capita is not None and household_rules.meets_exit_income(
            summary.per_capita, summary.threshold.amount, margin, inclusive=inclusive
        )
        shown = "未录入完整" if summary.per_capita is None else f"{summary.per_capita} 元"
        checks.append(
            Check(
                "收入稳定超过监测标准 10% 以上",
                income_ok,
                f"人均纯收入 {shown}（{summary.window.label}），风险消除标准 {summary.exit_line} 元"
                f"（监测标准 {summary.threshold.amount} 元 × {100 + margin}%）",
                refusal=f"人均纯收入 {shown}，未达到风险消除标准 {summary.exit_line} 元",
            )
        )
    # 2. The latest 两不愁三保障 and water check is recent and all OK, and the registry shows no guarantee risk.
    guarantee = household_guarantee_status(household, on=on)
    check = guarantee.latest_check
    max_age = int(_exit_parameter("exit.guarantee_check_max_age_days", household, on))
    current = rules.guarantee_check_current(check.checked_on if check else None, today=on, max_age_days=max_age)
    all_ok = check is not None and check.all_ok
    risks = guarantee.risks
    checks.append(
        Check(
            "“两不愁三保障”及饮水安全持续巩固",
            current and all_ok and not risks,
            (f"最近核查 {check.checked_on}" if check else "尚无核查记录") + (f"；{'、'.join(risks)}" if risks else ""),
            refusal=(
                f"须有 {max_age} 天内的“两不愁三保障”核查且全部达标"
                if not (current and all_ok)
                else f"两不愁三保障未达标：{'、'.join(risks)}"
            ),
        )
    )
    # 3. No open risk (RiskFlag).
    checks.append(
        Check(
            "无未消除的风险",
            household.risk_flagged_on is None,
            f"{household.risk_flagged_on} 标记风险：{household.risk_note}" if household.risk_flagged_on else "无",
            refusal=(
                f"农户有未消除的风险：{household.risk_flagged_on} 发现“{household.risk_note or '未说明'}”，须先处置"
                if household.risk_flagged_on
                else ""
            ),
        )
    )
    # 4. Measures recorded, each with its effect (003 L238).
    measures = list(subject.measures.values_list("measure_type", "status", "outcome_note"))
    complete = rules.measures_complete((status, note) for _type, status, note in measures)
    missing = sum(1 for _type, _status, note in measures if not note.strip())
    checks.append(
        Check(
            "帮扶措施已录入并有成效",
            complete,
            f"{len(measures)} 项措施" + (f"，{missing} 项未填写成效" if missing else ""),
            refusal="须先录入帮扶措施并填写每项措施的帮扶成效",
        )
    )
    # 6. Optional minimum time in monitoring.
    min_months = int(_exit_parameter("exit.min_months_in_monitoring", household, on))
    if min_months:
        checks.append(
            Check(
                f"纳入监测满 {min_months} 个月",
                rules.monitored_long_enough(subject.entered_on, today=on, min_months=min_months),
                f"{subject.entered_on} 纳入",
                refusal=f"纳入监测未满 {min_months} 个月",
            )
        )
    # 5. Labour capacity decides between 风险消除 and 暂不标注 (SPEC §4.9).
    present = [m for m in household.members.all() if m.member_status == MemberStatus.PRESENT]
    has_labour = rules.labour_capacity_present(
        [(m.labour_capacity, m.is_main_labourer) for m in present],
        scope=str(_exit_parameter("exit.hold_scope", household, on)),
        weak_counts_as_labour=bool(_exit_parameter("exit.weak_counts_as_labour", household, on)),
    )
    has_social_security = any(
        measure_type == MeasureType.SOCIAL_SECURITY and status != MeasureStatus.STOPPED
        for measure_type, status, _note in measures
    )
    return ExitChecks(
        checks=checks,
        summary=summary,
        has_labour=has_labour,
        has_social_security_measure=has_social_security,
    )


# Who takes the pending step of each elimination state (SPEC §4.8).
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
    queryset: QuerySet[EliminationCase], *, user: Any, chosen: QueueFilter
) -> QuerySet[EliminationCase]:
    """Narrow scoped elimination cases to a queue, oldest waiting first."""
    mine, state = chosen.mine, chosen.state
    queryset = queryset.select_related("subject__household__managing_area__parent", "opened_by").annotate(
        waiting_since=Max("events__at")
    )
    if state in EliminationState.values:
        queryset = queryset.filter(state=state)
    if mine:
        states = {s for s, capability in ELIMINATION_PENDING.items() if has_capability(user, capability)}
        queryset = cast(EliminationRecordQuerySet, queryset.filter(state__in=states)).managed_by(user)
    return _narrow(queryset, user=user, chosen=chosen, household="subject__household")


def elimination_waiting(case: EliminationCase, *, context: WaitingContext | None = None) -> Waiting:
    """Working days the pending step has waited against ``elimination.step_days``."""
    context = context or WaitingContext()
    today = timezone.localdate()
    since = getattr(case, "waiting_since", None) or case.created_at
    days = context.calendar.workdays_between(timezone.localtime(since).date(), today)
    if not case.is_open:
        return Waiting(days=days, limit=None)
    county = ancestor_code(case.subject.household.managing_area.code, AreaLevel.COUNTY)
    key = ("elimination", county)
    if key not in context.limits:
        try:
            context.limits[key] = int(parameter("elimination.step_days", area_code=county, on=today))
        except DomainError:
            context.limits[key] = None
    return Waiting(days=days, limit=context.limits[key])


def elimination_actions(user: Any, case: EliminationCase) -> list[str]:
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


def elimination_candidates(*, user: Any, today: datetime.date) -> QuerySet[MonitoringSubject]:
    """The system's suggestions for EL-0 (``monitoring.facts.elimination_candidate_q``: SPEC §4.8 preconditions
    1–3 hold). Set-based; the full checklist is evaluated on the case."""
    return (
        MonitoringSubject.objects.visible_to(user)
        .filter(elimination_candidate_q())
        .select_related("household__managing_area")
    )


def lookbacks_due(*, user: Any, today: datetime.date) -> QuerySet[LookbackReview]:
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


def can_open_elimination(user: Any, subject: MonitoringSubject) -> bool:
    """EL-0 is opened by the village or the township, for a monitored or held subject without an open case."""
    return (
        subject.status in (SubjectStatus.MONITORED, SubjectStatus.ELIMINATION_HOLD)
        and (permissions.can_take_village_steps(user, subject) or permissions.can_review_as_township(user, subject))
        and not subject.elimination_cases.filter(state__in=sorted(OPEN_ELIMINATION_STATES)).exists()
    )


def can_record_lookback(user: Any, subject: MonitoringSubject) -> bool:
    return subject.lookbacks.filter(done_on__isnull=True).exists() and (
        permissions.can_take_village_steps(user, subject) or permissions.can_review_as_township(user, subject)
    )


# ------------------------------------------------------------------------------------------ public notice sheets


@dataclass(frozen=True)
class NoticeRow:
    head_name: str
    id_number_masked: str  # a public notice always masks, whoever prints it (SPEC §4.6 "text with masked IDs")
    size: int
    category: str
    reason: str


@dataclass(frozen=True)
class NoticeSheet:
    title: str
    stage: str
    village: str
    township: str
    starts_on: datetime.date
    ends_on: datetime.date
    places: str
    rows: list[NoticeRow]

    @property
    def where_to_object(self) -> str:
        return f"公示期间如有异议，请向{self.village}村民委员会或{self.township}人民政府反映（实名或书面均可）。"


def notice_batch(notice: PublicNotice, *, user: Any) -> NoticeSheet:
    """The printable sheet of a notice batch: every notice the user may see of the same village, stage and period
    (SPEC §4.6 "printable sheet"; issue "monitoring" §6). ID numbers are always masked."""
    village = notice.household.managing_area
    batch = (
        PublicNotice.objects.visible_to(user)
        .filter(
            household__managing_area=village, stage=notice.stage, starts_on=notice.starts_on, ends_on=notice.ends_on
        )
        .select_related("household__head", "application", "elimination__subject")
        .prefetch_related("household__members")
        .order_by("household__household_no")
    )
    rows = []
    for item in batch:
        household = item.household
        if item.application is not None:
            category = item.application.get_category_display() or item.application.get_proposed_category_display()
            reason = item.application.reason
        else:
            assert item.elimination is not None
            category = item.elimination.subject.get_category_display()
            reason = item.elimination.proposal
        rows.append(
            NoticeRow(
                head_name=household.head_name,
                id_number_masked=mask_id_number(household.head.id_number) if household.head else "",
                size=household_size(household),
                category=str(category),
                reason=reason,
            )
        )
    stage = NoticeStage(notice.stage)
    return NoticeSheet(
        title=f"{village.parent.name if village.parent else ''}{village.name}{stage.label}",
        stage=str(stage.label),
        village=village.name,
        township=village.parent.name if village.parent else "",
        starts_on=notice.starts_on,
        ends_on=notice.ends_on,
        places=notice.places,
        rows=rows,
    )


def subject_list_narrow(
    queryset: QuerySet[MonitoringSubject],
    *,
    user: Any,
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


# ------------------------------------------------------------------------------------------- 一户一策 suggestions


@dataclass(frozen=True)
class Suggestion:
    template: MeasureTemplate
    risk_label: str
    target_on: datetime.date


def measure_suggestions(subject: MonitoringSubject, *, on: datetime.date) -> list[Suggestion]:
    """The catalogue's measures for the subject's risk types (一户一策, issue "monitoring" §7), the most specific
    area's row winning (a county may replace or switch off a national row), without those already recorded. The
    target date counts from entry into monitoring, or from today when that has passed."""
    scopes = [*area_codes_up(subject.household.managing_area.code), ""]
    rank = {code: index for index, code in enumerate(scopes)}
    chosen: dict[tuple[str, str, str], MeasureTemplate] = {}
    rows = MeasureTemplate.objects.filter(risk_type__in=subject.risk_types, area_code__in=scopes)
    for row in sorted(rows, key=lambda r: rank[r.area_code]):
        chosen.setdefault((row.risk_type, row.measure_type, row.subtype), row)
    recorded = set(subject.measures.exclude(status=MeasureStatus.STOPPED).values_list("measure_type", "subtype"))
    start = max(subject.entered_on, on)
    suggestions = []
    seen: set[tuple[str, str]] = set()
    for (risk, kind, subtype), row in chosen.items():
        if not row.active or (kind, subtype) in recorded or (kind, subtype) in seen:
            continue
        seen.add((kind, subtype))
        suggestions.append(
            Suggestion(
                template=row,
                risk_label=str(RiskType(risk).label),
                target_on=start + datetime.timedelta(days=row.due_days),
            )
        )
    order = {risk: index for index, risk in enumerate(subject.risk_types)}
    return sorted(suggestions, key=lambda s: (order.get(s.template.risk_type, 99), s.template.pk))
