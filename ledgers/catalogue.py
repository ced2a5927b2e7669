"""The ledgers of SPEC §13.1 whose data the system holds, one definition each. Columns follow the SPEC's proposed
columns; every ledger starts with the place columns (township, village, 12-digit code) and reads through
``visible_to`` only."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any, Final

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.roles import Capability
from core.xlsx import Column, Kind
from funds.models import FundBatch
from geo.codes import village_of
from households.choices import (
    GuaranteeSource,
    HealthStatus,
    HouseholdFlagKind,
    LabourCapacity,
    MemberStatus,
    Relationship,
    SchoolingStatus,
    VisitKind,
)
from households.imports.columns import COLUMNS as IMPORT_COLUMNS
from households.imports.columns import FLAG_KEYS, choice_labels
from households.masking import mask_id_number, mask_phone
from households.models import GuaranteeCheck, HouseholdFlag, HouseholdMember, Visit
from ledgers.base import Context, LedgerDef
from monitoring.choices import (
    OPEN_SUBJECT_STATUSES,
    EliminationState,
    EntryState,
    NoticeStage,
    RiskType,
    SubjectCategory,
    TriggerCondition,
)
from monitoring.models import AssistanceMeasure, EliminationCase, EntryApplication, MonitoringSubject
from projects.choices import AssetClass, ProjectStatus
from projects.models import Project, ProjectAsset, ProjectBeneficiary
from sweeps.choices import ProblemStatus, WarningDisposition
from sweeps.models import Problem, ScreeningWarning

C = Column
K = Kind
ZERO = Decimal(0)
PLACE: Final = (C("乡镇", 12), C("村", 12), C("区划代码", 14, K.ID))


def _place(area: Any) -> list[Any]:
    """Township, village, code of a village (or a township, with no village)."""
    if area is None:
        return ["", "", ""]
    if area.level == "village":
        return [area.parent.name if area.parent else "", area.name, area.code]
    return [area.name, "", area.code]


def _id(number: str, ctx: Context) -> str:
    return number if ctx.full_ids else mask_id_number(number)


def _labels(values: list[str], choices: Any) -> str:
    names = dict(choices)
    return "、".join(str(names.get(v, v)) for v in values)


# ------------------------------------------------------------------------ L-00 农户家庭成员花名册（全国系统格式）


def _roster(user: Any) -> QuerySet[HouseholdMember]:
    open_flags = HouseholdFlag.objects.filter(valid_to__isnull=True, kind__in=FLAG_KEYS)
    members = HouseholdMember.objects.visible_to(user).filter(household__closed_on__isnull=True)
    if getattr(user, "area", None) is not None:
        # The roster is the managing area's (SPEC §1.5): a co-managed household is on its managing area's roster,
        # which is also where the import takes it back.
        members = members.filter(household__managing_area__code__startswith=user.area.prefix)
    return members.select_related("household__managing_area", "household__hukou_area").prefetch_related(
        Prefetch("household__flags", queryset=open_flags, to_attr="open_flags")
    )


@functools.cache
def _chinese(choices: Any) -> dict[str, str]:
    """A choice's Chinese label whatever the interface language: the roster is a file format."""
    return dict(zip(choices.values, choice_labels(choices), strict=True))


def _roster_row(m: HouseholdMember, ctx: Context) -> list[Any]:
    household = m.household
    flags = {f.kind for f in getattr(household, "open_flags", [])}
    yes = {True: "是", False: "否"}
    return [
        household.household_no,
        village_of(household.managing_area.code),  # a household managed by a group (村民小组): its village
        household.hukou_area.code if household.hukou_area else "",
        household.address,
        household.phone if ctx.full_ids else mask_phone(household.phone),
        m.name,
        _id(m.id_number, ctx),
        _chinese(Relationship)[m.relationship],
        m.ethnicity,
        _chinese(HealthStatus)[m.health_status],
        _chinese(LabourCapacity)[m.labour_capacity],
        _chinese(SchoolingStatus)[m.schooling_status],
        m.disability_grade,
        yes[m.medical_insurance_enrolled],
        _chinese(MemberStatus)[m.member_status],
        *(yes[key in flags] for key in FLAG_KEYS),
        household.exit_year,
    ]


_ROSTER_KINDS = {"household_no": K.ID, "village_code": K.ID, "hukou_code": K.ID, "phone": K.ID, "id_number": K.ID}
ROSTER = LedgerDef(
    code="L-00",
    title="农户家庭成员花名册",
    basis="SPEC §2; 全国防返贫监测信息系统的农户导出格式（docs/import-template.md），可原样导回",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=tuple(
        C(c.header, 20 if c.kind == "id_number" else 14, _ROSTER_KINDS.get(c.key, K.TEXT)) for c in IMPORT_COLUMNS
    ),
    queryset=_roster,
    area_path="household__managing_area__code",
    date_path="household__created_at__date",
    row=_roster_row,
    order=("household__household_no", "pk"),
    stock=True,
    plain=True,
)


# ----------------------------------------------------------------------------------------- L-01 监测对象台账


def _subjects(user: Any) -> QuerySet[MonitoringSubject]:
    # The household's size and its paired cadre are household facts (households.facts), read from their table.
    return (
        MonitoringSubject.objects.visible_to(user)
        .select_related(
            "household__managing_area__parent", "household__head", "household__facts__paired_cadre", "application"
        )
        .annotate(measures_count=Count("measures", distinct=True))
    )


def _cadre_name(facts: Any) -> str:
    cadre = facts.paired_cadre if facts is not None else None
    return str(cadre) if cadre is not None else ""


def _subject_row(s: MonitoringSubject, ctx: Context) -> list[Any]:
    household, application = s.household, s.application
    head = household.head
    facts = getattr(household, "facts", None)
    return [
        *_place(household.managing_area),
        household.household_no,
        household.head_name,
        _id(head.id_number, ctx) if head else "",
        facts.size if facts is not None else 0,
        ctx.display(s, "category"),
        ctx.display(application, "channel"),
        _labels(s.triggers, TriggerCondition.choices),
        _labels(s.risk_types, RiskType.choices),
        application.reported_on,
        s.entered_on,
        application.decision_no,
        application.per_capita_income,
        application.threshold,
        _cadre_name(facts),
        getattr(s, "measures_count", 0),
        ctx.display(s, "status"),
        s.eliminated_on,
        s.national_system_synced_at.date() if s.national_system_synced_at else None,
    ]


SUBJECTS = LedgerDef(
    code="L-01",
    stock=True,
    reads_facts=True,
    title="监测对象台账",
    basis="SPEC §13.1 L-01; 003 L232; 004 L199",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=(
        *PLACE,
        C("户编号", 20, K.ID),
        C("户主", 10),
        C("身份证号", 20, K.ID),
        C("家庭人口", 8, K.INT),
        C("监测类别", 14),
        C("识别渠道", 14),
        C("界定条件", 30),
        C("风险类型", 20),
        C("申报日期", 12, K.DATE),
        C("纳入日期", 12, K.DATE),
        C("批准文号", 18),
        C("识别时人均纯收入（元）", 14, K.MONEY),
        C("适用监测标准（元）", 12, K.MONEY),
        C("帮扶责任人", 10),
        C("帮扶措施数", 8, K.INT),
        C("状态", 10),
        C("风险消除日期", 12, K.DATE),
        C("录入全国系统日期", 12, K.DATE),
    ),
    queryset=_subjects,
    area_path="household__managing_area__code",
    date_path="entered_on",
    row=_subject_row,
    categories=SubjectCategory.choices,
    category_path="category",
    order=("household__household_no", "pk"),
)


# ---------------------------------------------------------------------------------- L-01A 纳入监测申报台账

# The steps of SPEC §4.6 whose dates the ledger shows (EN-1 … EN-6).
EN_STEPS: Final = (
    EntryState.HOME_VERIFIED,
    EntryState.DEMOCRATICALLY_REVIEWED,
    EntryState.NOTICE_COMPLETED,
    EntryState.TOWNSHIP_REVIEWED,
    EntryState.APPROVED,
    EntryState.REGISTERED,
)


def _entries(user: Any) -> QuerySet[EntryApplication]:
    return (
        EntryApplication.objects.visible_to(user)
        .select_related("household__managing_area__parent", "household__head")
        .prefetch_related("events")
    )


def _entry_row(a: EntryApplication, ctx: Context) -> list[Any]:
    household = a.household
    head = household.head
    reached: dict[str, Any] = {}
    for event in a.events.all():
        reached.setdefault(event.to_state, timezone.localdate(event.at))
    return [
        *_place(household.managing_area),
        household.household_no,
        household.head_name,
        _id(head.id_number, ctx) if head else "",
        ctx.display(a, "channel"),
        ctx.display(a, "proposed_category"),
        ctx.display(a, "category") if a.category else "",
        _labels(a.triggers, TriggerCondition.choices),
        _labels(a.risk_types, RiskType.choices),
        a.reported_on,
        *(reached.get(step) for step in EN_STEPS),
        a.per_capita_income,
        a.threshold,
        a.decision_no,
        ctx.display(a, "state"),
    ]


ENTRIES = LedgerDef(
    code="L-01A",
    title="纳入监测申报台账",
    basis="SPEC §4.6 (EN-0 … EN-6); 003 L232",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=(
        *PLACE,
        C("户编号", 20, K.ID),
        C("户主", 10),
        C("身份证号", 20, K.ID),
        C("识别渠道", 14),
        C("拟定类别", 14),
        C("批准类别", 14),
        C("界定条件", 30),
        C("风险类型", 20),
        C("申报日期", 12, K.DATE),
        C("入户核实", 12, K.DATE),
        C("民主评议", 12, K.DATE),
        C("公示期满", 12, K.DATE),
        C("乡镇审核", 12, K.DATE),
        C("县级批准", 12, K.DATE),
        C("纳入监测", 12, K.DATE),
        C("人均纯收入（元）", 13, K.MONEY),
        C("监测标准（元）", 12, K.MONEY),
        C("批准文号", 18),
        C("状态", 22),
    ),
    queryset=_entries,
    area_path="household__managing_area__code",
    date_path="reported_on",
    row=_entry_row,
    categories=EntryState.choices,
    category_path="state",
    order=("household__household_no", "reported_on", "pk"),
)


# ------------------------------------------------------------------------------------------- L-02 风险消除台账

# The steps of SPEC §4.8 whose dates the ledger shows, in order (EL-1 … EL-6 and the marking).
EL_STEPS: Final = (
    EliminationState.VILLAGE_VERIFIED,
    EliminationState.VILLAGE_REVIEWED_NOTICED,
    EliminationState.TOWNSHIP_ASSESSED,
    EliminationState.TOWNSHIP_REVIEWED_NOTICED,
    EliminationState.COUNTY_SCREENED,
    EliminationState.COUNTY_DECIDED,
)


def _eliminations(user: Any) -> QuerySet[EliminationCase]:
    from monitoring.models import LookbackReview

    return (
        EliminationCase.objects.visible_to(user)
        .select_related("subject__household__managing_area__parent")
        .prefetch_related(
            "events",
            "public_notices",
            Prefetch("subject__lookbacks", queryset=LookbackReview.objects.order_by("due_on", "pk")),
        )
    )


def _notice(case: EliminationCase, stage: str) -> str:
    notices = [n for n in case.public_notices.all() if n.stage == stage]
    return "；".join(f"{n.starts_on:%Y-%m-%d}至{n.ends_on:%Y-%m-%d}" for n in notices)


def _elimination_row(c: EliminationCase, ctx: Context) -> list[Any]:
    subject = c.subject
    household = subject.household
    reached: dict[str, Any] = {}
    for event in c.events.all():
        reached.setdefault(event.to_state, timezone.localdate(event.at))
    lookback = next((r for r in subject.lookbacks.all() if r.done_on is None), None)
    return [
        *_place(household.managing_area),
        household.household_no,
        household.head_name,
        ctx.display(subject, "category"),
        subject.entered_on,
        c.opened_on,
        *(reached.get(step) for step in EL_STEPS),
        _notice(c, NoticeStage.ELIMINATION_VILLAGE),
        _notice(c, NoticeStage.ELIMINATION_TOWNSHIP),
        _notice(c, NoticeStage.ELIMINATION_COUNTY),
        c.per_capita_income,
        c.exit_line,
        c.decision_no,
        c.decided_on,
        c.marked_on,
        "是" if c.state == EliminationState.HELD else "",
        ctx.display(c, "state"),
        lookback.due_on if lookback else None,
    ]


ELIMINATIONS = LedgerDef(
    code="L-02",
    title="风险消除台账",
    basis="SPEC §13.1 L-02; §4.8; 003 L238",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=(
        *PLACE,
        C("户编号", 20, K.ID),
        C("户主", 10),
        C("监测类别", 14),
        C("纳入日期", 12, K.DATE),
        C("发起日期", 12, K.DATE),
        C("村级入户核实", 12, K.DATE),
        C("村级评议公示期满", 12, K.DATE),
        C("乡级综合研判", 12, K.DATE),
        C("乡镇审核公示期满", 12, K.DATE),
        C("县级筛查抽验", 12, K.DATE),
        C("县级审定公告", 12, K.DATE),
        C("村级公示期", 24),
        C("乡镇公示期", 24),
        C("县级公告期", 24),
        C("人均纯收入（元）", 13, K.MONEY),
        C("风险消除收入标准（元）", 13, K.MONEY),
        C("审定文号", 18),
        C("审定日期", 12, K.DATE),
        C("标注日期", 12, K.DATE),
        C("暂不标注", 8),
        C("状态", 24),
        C("回头看应核查日期", 12, K.DATE),
    ),
    queryset=_eliminations,
    area_path="subject__household__managing_area__code",
    date_path="opened_on",
    row=_elimination_row,
    categories=EliminationState.choices,
    category_path="state",
    order=("subject__household__household_no", "opened_on", "pk"),
)


# ----------------------------------------------------------------------------------------- L-03 帮扶措施台账


def _measures(user: Any) -> QuerySet[AssistanceMeasure]:
    return AssistanceMeasure.objects.visible_to(user).select_related("subject__household__managing_area__parent")


def _measure_row(m: AssistanceMeasure, ctx: Context) -> list[Any]:
    household = m.subject.household
    return [
        *_place(household.managing_area),
        household.household_no,
        household.head_name,
        ctx.display(m, "measure_type"),
        m.subtype_label,
        m.description,
        ctx.display(m, "timing"),
        ctx.display(m, "funding_source"),
        ctx.display(m, "responsible_department"),
        m.responsible_person,
        m.started_on,
        m.ended_on,
        m.amount_yuan,
        ctx.display(m, "status"),
        m.outcome_note,
    ]


MEASURES = LedgerDef(
    code="L-03",
    title="帮扶措施台账",
    basis="SPEC §13.1 L-03; 003 L242; 004 L213–L224",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=(
        *PLACE,
        C("户编号", 20, K.ID),
        C("户主", 10),
        C("措施类型", 12),
        C("具体措施", 14),
        C("措施内容", 30),
        C("性质", 8),
        C("资金来源", 14),
        C("责任部门", 12),
        C("责任人", 10),
        C("开始日期", 12, K.DATE),
        C("结束日期", 12, K.DATE),
        C("金额（元）", 12, K.MONEY),
        C("状态", 8),
        C("帮扶成效", 30),
    ),
    queryset=_measures,
    area_path="subject__household__managing_area__code",
    date_path="started_on",
    row=_measure_row,
    order=("subject__household__household_no", "started_on", "pk"),
)


# ----------------------------------------------------------------------------------------------- L-04 走访台账


def _visits(user: Any) -> QuerySet[Visit]:
    return Visit.objects.visible_to(user).select_related("household__managing_area__parent", "recorded_by")


def _visit_row(v: Visit, ctx: Context) -> list[Any]:
    household = v.household
    visitor = v.recorded_by
    return [
        *_place(household.managing_area),
        v.visited_on,
        visitor.get_full_name() or visitor.username,
        v.companions,
        household.household_no,
        household.head_name,
        ctx.display(v, "kind"),
        v.income_change,
        v.member_change,
        v.needs,
        v.notes,
        "是" if v.risk_found else "",
        v.risk_note,
        v.next_visit_on,
    ]


VISITS = LedgerDef(
    code="L-04",
    title="走访台账",
    basis="SPEC §13.1 L-04; §4.13; 003 L120, L998–L1000",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=(
        *PLACE,
        C("走访日期", 12, K.DATE),
        C("走访人", 10),
        C("同行人员", 14),
        C("户编号", 20, K.ID),
        C("户主", 10),
        C("走访类型", 14),
        C("收入变化", 24),
        C("家庭成员变化", 20),
        C("群众诉求", 24),
        C("走访情况", 30),
        C("发现风险", 8),
        C("风险说明", 24),
        C("下次走访日期", 12, K.DATE),
    ),
    queryset=_visits,
    area_path="household__managing_area__code",
    date_path="visited_on",
    row=_visit_row,
    categories=VisitKind.choices,
    category_path="kind",
    order=("visited_on", "household__household_no", "pk"),
)


# ----------------------------------------------------------------------------------- L-05 四查四补问题及整改台账


def _problems(user: Any) -> QuerySet[Problem]:
    return Problem.objects.visible_to(user).select_related("area__parent", "household", "member")


def _problem_row(p: Problem, ctx: Context) -> list[Any]:
    today = ctx.today
    overdue = (today - p.deadline).days if p.is_open and p.deadline < today else 0
    return [
        *_place(p.area),
        p.rule_id,
        ctx.display(p, "category"),
        ctx.display(p, "gap_type"),
        p.title,
        p.household.household_no if p.household else "",
        p.household.head_name if p.household else "",
        p.member.name if p.member else "",
        p.detected_on,
        p.responsible_unit,
        p.deadline,
        ctx.display(p, "status"),
        p.closed_at.date() if p.closed_at else None,
        overdue,
    ]


PROBLEMS = LedgerDef(
    code="L-05",
    title="四查四补问题及整改台账",
    basis="SPEC §13.1 L-05; 001 L324; 003 L510",
    capability=Capability.VIEW_RECTIFICATION,
    columns=(
        *PLACE,
        C("规则编号", 22),
        C("类别", 10),
        C("四漏", 8),
        C("问题", 36),
        C("户编号", 20, K.ID),
        C("户主", 10),
        C("成员", 10),
        C("检出日期", 12, K.DATE),
        C("责任单位", 16),
        C("整改期限", 12, K.DATE),
        C("状态", 10),
        C("销号日期", 12, K.DATE),
        C("逾期天数", 8, K.INT),
    ),
    queryset=_problems,
    area_path="area_code",
    date_path="detected_on",
    row=_problem_row,
    categories=ProblemStatus.choices,
    category_path="status",
    order=("rule_id", "detected_on", "pk"),
)


# ------------------------------------------------------------------------------------------ L-06 部门预警台账


def _warnings(user: Any) -> QuerySet[ScreeningWarning]:
    return ScreeningWarning.objects.visible_to(user).select_related(
        "household__managing_area__parent", "member", "verified_by"
    )


def _warning_row(w: ScreeningWarning, ctx: Context) -> list[Any]:
    household = w.household
    feedback = timezone.localdate(w.verified_at) if w.verified_at else None
    end = feedback or ctx.today
    overdue = max(0, (end - w.feedback_due_on).days)
    return [
        *_place(household.managing_area),
        ctx.display(w, "department"),
        w.period,
        w.member.name,
        _id(w.member.id_number, ctx),
        household.household_no,
        w.event_label,
        _labels([w.risk_type], RiskType.choices) if w.risk_type else "",
        w.event_date,
        w.amount,
        w.occurrences,
        ctx.display(w, "match_kind"),
        w.issued_on,
        w.feedback_due_on,
        ctx.display(w, "status"),
        ctx.display(w, "disposition"),
        feedback,
        overdue,
    ]


WARNINGS = LedgerDef(
    code="L-06",
    title="部门预警台账",
    basis="SPEC §13.1 L-06; §6.4–§6.6; 003 L230",
    capability=Capability.VIEW_WARNINGS,
    columns=(
        *PLACE,
        C("部门", 10),
        C("筛查期", 9),
        C("姓名", 10),
        C("身份证号", 20, K.ID),
        C("户编号", 20, K.ID),
        C("预警内容", 24),
        C("风险类型", 14),
        C("发生日期", 12, K.DATE),
        C("金额（元）", 12, K.MONEY),
        C("出现次数", 8, K.INT),
        C("匹配结果", 10),
        C("下发日期", 12, K.DATE),
        C("反馈期限", 12, K.DATE),
        C("状态", 8),
        C("处置结果", 24),
        C("反馈日期", 12, K.DATE),
        C("逾期天数", 8, K.INT),
    ),
    queryset=_warnings,
    area_path="household__managing_area__code",
    date_path="issued_on",
    row=_warning_row,
    categories=WarningDisposition.choices,
    category_path="disposition",
    order=("department", "issued_on", "pk"),
)


# ------------------------------------------------------------------------------------------- L-07 项目库台账


def _projects(user: Any) -> QuerySet[Project]:
    exited = ProjectBeneficiary.objects.filter(
        project=OuterRef("pk"), household__flags__kind=HouseholdFlagKind.EXITED_POOR,
        household__flags__valid_to__isnull=True,
    ).values("project").annotate(n=Count("household", distinct=True)).values("n")  # fmt: skip
    monitored = ProjectBeneficiary.objects.filter(
        project=OuterRef("pk"), household__monitoring_subjects__status__in=sorted(OPEN_SUBJECT_STATUSES)
    ).values("project").annotate(n=Count("household", distinct=True)).values("n")  # fmt: skip
    return (
        Project.objects.visible_to(user)
        .select_related("area__parent", "category__parent")
        .prefetch_related("fundings", "targets", "allocations__disbursements")
        .annotate(exited=Coalesce(Subquery(exited), 0), monitored=Coalesce(Subquery(monitored), 0))
    )


def _project_row(p: Project, ctx: Context) -> list[Any]:
    from core.percent import share_pct

    budget = sum((f.amount for f in p.fundings.all()), ZERO)
    allocated = sum((a.amount for a in p.allocations.all()), ZERO)
    paid = sum((d.amount for a in p.allocations.all() for d in a.disbursements.all()), ZERO)
    return [
        *_place(p.area),
        p.code,
        p.name,
        p.category.parent.name if p.category.parent else "",
        p.category.name,
        p.year,
        p.implementing_unit,
        "；".join(f"{ctx.display(f, 'source')} {f.amount}" for f in p.fundings.all()),
        budget,
        "；".join(f"{t.indicator} {t.target_value}{t.unit}" for t in p.targets.all()),
        ctx.display(p, "status"),
        share_pct(Decimal(p.posts_for_groups), Decimal(p.work_relief_posts)) if p.is_work_relief else None,
        p.labour_pay if p.is_work_relief else None,
        getattr(p, "exited", 0),
        getattr(p, "monitored", 0),
        allocated,
        paid,
        share_pct(paid, allocated),
        p.accepted_on,
    ]


PROJECTS = LedgerDef(
    code="L-07",
    stock=True,
    title="项目库台账",
    basis="SPEC §13.1 L-07; 003 L1464–L1521",
    capability=Capability.VIEW_PROJECTS,
    columns=(
        *PLACE,
        C("项目编号", 22, K.ID),
        C("项目名称", 30),
        C("项目大类", 12),
        C("项目类别", 16),
        C("年度", 6),
        C("实施单位", 18),
        C("资金来源及计划投资", 36),
        C("计划投资（元）", 14, K.MONEY),
        C("绩效目标", 30),
        C("状态", 14),
        C("三类人员岗位占比（%）", 10, K.PCT),
        C("劳务报酬（元）", 12, K.MONEY),
        C("受益脱贫户", 8, K.INT),
        C("受益监测户", 8, K.INT),
        C("安排资金（元）", 14, K.MONEY),
        C("已支付（元）", 14, K.MONEY),
        C("支付进度（%）", 8, K.PCT),
        C("验收日期", 12, K.DATE),
    ),
    queryset=_projects,
    area_path="area__code",
    date_path="planned_start",
    row=_project_row,
    categories=ProjectStatus.choices,
    category_path="status",
    order=("year", "code"),
)


# ----------------------------------------------------------------------------------------- L-08 衔接资金台账


def _batches(user: Any) -> QuerySet[FundBatch]:
    return (
        FundBatch.objects.visible_to(user)
        .select_related("county")
        .prefetch_related("allocations__project__area", "allocations__disbursements")
    )


def _batch_row(b: FundBatch, ctx: Context) -> list[Any]:
    from core.percent import share_pct
    from funds.selectors import INDUSTRY_USES, due_pct

    # Sums in Decimal over the rows, never SQL SUM (SQLite's is a float).
    allocations = list(b.allocations.all())
    allocated = sum((a.amount for a in allocations), ZERO)
    industry = sum((a.amount for a in allocations if a.use in INDUSTRY_USES), ZERO)
    non_poor = sum(
        (a.amount for a in allocations if a.project.area.level == "village" and not a.project.area.former_poor_village),
        ZERO,
    )
    fee = sum((a.amount for a in allocations if a.use == "management_fee"), ZERO)
    paid = sum((d.amount for a in allocations for d in a.disbursements.all()), ZERO)
    return [
        b.county.name, b.county.code, b.year, ctx.display(b, "level"), ctx.display(b, "source"), b.document_no,
        ctx.display(b, "category"), b.issued_on, b.amount, allocated, industry, share_pct(industry, b.amount),
        non_poor, share_pct(non_poor, b.amount), fee, share_pct(fee, b.amount), paid, share_pct(paid, allocated),
        ctx.once(("due", b.year, b.county.code), lambda: due_pct(b.year, ctx.today, area_code=b.county.code)),
        b.amount - allocated,
    ]  # fmt: skip


FUNDS = LedgerDef(
    code="L-08",
    title="衔接资金台账",
    basis="SPEC §13.1 L-08; 003 L1368–L1418",
    capability=Capability.VIEW_FUNDS,
    columns=(
        C("县（区）", 12),
        C("区划代码", 14, K.ID),
        C("年度", 6),
        C("层级", 8),
        C("资金来源", 18),
        C("文号", 26),
        C("资金类别", 22),
        C("下达日期", 12, K.DATE),
        C("下达金额（元）", 15, K.MONEY),
        C("已分配（元）", 15, K.MONEY),
        C("产业发展（元）", 15, K.MONEY),
        C("产业占比（%）", 8, K.PCT),
        C("非贫困村（元）", 15, K.MONEY),
        C("非贫困村占比（%）", 8, K.PCT),
        C("项目管理费（元）", 13, K.MONEY),
        C("管理费占比（%）", 8, K.PCT),
        C("已支付（元）", 15, K.MONEY),
        C("支付进度（%）", 8, K.PCT),
        C("应达进度（%）", 8, K.PCT),
        C("未分配余额（元）", 15, K.MONEY),
    ),
    queryset=_batches,
    area_path="county__code",
    date_path="issued_on",
    row=_batch_row,
    order=("year", "issued_on", "pk"),
)


# ----------------------------------------------------------------------------------------- L-09 资产管理台账


def _assets(user: Any) -> QuerySet[ProjectAsset]:
    return (
        ProjectAsset.objects.visible_to(user)
        .select_related("area__parent", "project")
        .prefetch_related("project__fundings", "incomes__uses")
    )


def _asset_row(a: ProjectAsset, ctx: Context) -> list[Any]:
    incomes = [i for i in a.incomes.all() if i.received_on.year == ctx.today.year]
    income = sum((i.amount for i in incomes), ZERO)
    distributed = sum((u.amount for i in incomes for u in i.uses.all()), ZERO)
    return [
        *_place(a.area), a.code, a.name, ctx.display(a, "asset_class"), ctx.display(a, "nature"), a.project.code,
        "；".join(ctx.display(f, "source") for f in a.project.fundings.all()), a.value, ctx.display(a, "owner_kind"),
        a.owner_name, a.custodian, ctx.display(a, "operating_mode"), a.operator, income, distributed,
        income - distributed, ctx.display(a, "status"), a.transferred_on,
    ]  # fmt: skip


ASSETS = LedgerDef(
    code="L-09",
    stock=True,
    title="资产管理台账",
    basis="SPEC §13.1 L-09; 004 L344; 003 L130; 002 L61",
    capability=Capability.VIEW_ASSETS,
    columns=(
        *PLACE,
        C("资产编号", 22, K.ID),
        C("资产名称", 26),
        C("资产类别", 10),
        C("资产性质", 10),
        C("来源项目", 22, K.ID),
        C("资金来源", 20),
        C("资产价值（元）", 14, K.MONEY),
        C("所有权人类型", 10),
        C("所有权人", 20),
        C("管护责任人", 14),
        C("经营方式", 8),
        C("经营主体", 18),
        C("本年收益（元）", 13, K.MONEY),
        C("已分配（元）", 13, K.MONEY),
        C("未分配（元）", 13, K.MONEY),
        C("状态", 8),
        C("移交日期", 12, K.DATE),
    ),
    queryset=_assets,
    area_path="area__code",
    date_path="transferred_on",
    row=_asset_row,
    categories=AssetClass.choices,
    category_path="asset_class",
    order=("code",),
)


# ----------------------------------------------------------------------------- L-14 三保障和饮水安全排查台账


def _guarantees(user: Any) -> QuerySet[GuaranteeCheck]:
    return GuaranteeCheck.objects.visible_to(user).select_related("household__managing_area__parent", "checked_by")


def _guarantee_row(g: GuaranteeCheck, ctx: Context) -> list[Any]:
    household = g.household
    ok = {True: "是", False: "否"}
    checker = g.checked_by
    return [
        *_place(household.managing_area),
        household.household_no,
        household.head_name,
        g.checked_on,
        ctx.display(g, "source"),
        checker.get_full_name() or checker.username,
        ok[g.food_ok],
        ok[g.clothing_ok],
        ok[g.education_ok],
        ok[g.medical_ok],
        ok[g.housing_ok],
        ok[g.water_ok],
        ok[g.all_ok],
        g.note,
    ]


GUARANTEES = LedgerDef(
    code="L-14",
    title="三保障和饮水安全排查台账",
    basis="SPEC §13.1 L-14; §2.5; 004 L268",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=(
        *PLACE,
        C("户编号", 20, K.ID),
        C("户主", 10),
        C("核查日期", 12, K.DATE),
        C("来源", 8),
        C("核查人", 10),
        C("不愁吃", 7),
        C("不愁穿", 7),
        C("义务教育有保障", 9),
        C("基本医疗有保障", 9),
        C("住房安全有保障", 9),
        C("饮水安全有保障", 9),
        C("全部达标", 8),
        C("未达标情况说明", 30),
    ),
    queryset=_guarantees,
    area_path="household__managing_area__code",
    date_path="checked_on",
    row=_guarantee_row,
    categories=GuaranteeSource.choices,
    category_path="source",
    order=("checked_on", "household__household_no", "pk"),
)

LEDGERS: Final[dict[str, LedgerDef]] = {
    d.code: d
    for d in (
        ROSTER,
        SUBJECTS,
        ENTRIES,
        ELIMINATIONS,
        MEASURES,
        VISITS,
        PROBLEMS,
        WARNINGS,
        PROJECTS,
        FUNDS,
        ASSETS,
        GUARANTEES,
    )
}
