"""The monitoring ledgers: monitored households (L-01), entry applications (L-01A), risk eliminations (L-02) and
assistance measures (L-03)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Capability
from ledgers.base import Context, LedgerDef
from ledgers.catalogue.cells import C, K, attr, id_number, labels, place, reached, shown
from monitoring.choices import (
    EliminationState,
    EntryState,
    NoticeStage,
    RiskType,
    SubjectCategory,
    TriggerCondition,
)
from monitoring.models import AssistanceMeasure, EliminationCase, EntryApplication, LookbackReview, MonitoringSubject
from national import facts as national_facts
from national.choices import NationalEntryKind
from national.models import NationalEntry


def _head_id(household: Any) -> str | None:
    return household.head.id_number if household.head else None


def _step(header: str, state: str) -> C:
    """The day the case first reached ``state`` (a step of SPEC §4.6 or §4.8)."""
    return C(header, 12, K.DATE, value=lambda case, ctx: reached(case, state))


# ----------------------------------------------------------------------------------------- L-01 监测对象台账


def _subjects(user: User) -> QuerySet[MonitoringSubject]:
    # The household's size and its paired cadre are household facts (households.facts), read from their table.
    return (
        MonitoringSubject.objects.visible_to(user)
        .select_related(
            "household__managing_area__parent", "household__head", "household__facts__paired_cadre", "application"
        )
        .annotate(measures_count=Count("measures", distinct=True))
        .prefetch_related(_NATIONAL_ENTRIES, "elimination_cases")
    )


def _facts(s: MonitoringSubject) -> Any:
    return getattr(s.household, "facts", None)


def _size(s: MonitoringSubject, ctx: Context) -> int:
    facts = _facts(s)
    return facts.size if facts is not None else 0


def _cadre(s: MonitoringSubject, ctx: Context) -> str:
    facts = _facts(s)
    cadre = facts.paired_cadre if facts is not None else None
    return str(cadre) if cadre is not None else ""


# Entries into the national system are people's records (``national``): the record number, the day and who entered
# it, or 待录入 while the item awaits entry (``national.facts``). Never a time the code set.
_NATIONAL_ENTRIES = "national_entries__recorded_by"
PENDING = "待录入"


def _entry_cells(
    header: str, entry: Callable[[Any], NationalEntry | None], pending: Callable[[Any], bool]
) -> tuple[C, C, C]:
    """The record number (or 待录入), the day and who entered it, for the entry ``entry`` picks from a row."""

    def number(obj: Any, ctx: Context) -> str:
        found = entry(obj)
        if found is not None:
            return found.national_record_no
        return PENDING if pending(obj) else ""

    def day(obj: Any, ctx: Context) -> Any:
        found = entry(obj)
        return found.entered_on if found is not None else None

    def person(obj: Any, ctx: Context) -> str:
        found = entry(obj)
        return str(found.recorded_by) if found is not None else ""

    return (
        C(header, 14, value=number),  # narrow: the wide L-02 still prints at a readable size on A3
        C("录入全国系统日期", 11, K.DATE, value=day),
        C("录入人", 8, value=person),
    )


def _subject_entry(s: MonitoringSubject) -> NationalEntry | None:
    return national_facts.live_entry(list(s.national_entries.all()), NationalEntryKind.SUBJECT_ENTRY)


def _awaiting(s: MonitoringSubject) -> list[national_facts.Pending]:
    return national_facts.pending_of(s)


def _awaiting_labels(s: MonitoringSubject, ctx: Context) -> str:
    return "、".join(str(item.kind.label) for item in _awaiting(s))


SUBJECTS = LedgerDef(
    code="L-01",
    stock=True,
    reads_facts=True,
    title=_("监测对象台账"),
    basis="SPEC §13.1 L-01; 003 L232; 004 L199",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=(
        *place(lambda s: s.household.managing_area),
        attr("户编号", 20, "household.household_no", K.ID),
        attr("户主", 10, "household.head_name"),
        id_number("身份证号", lambda s: _head_id(s.household)),
        C("家庭人口", 8, K.INT, value=_size),
        shown("监测类别", 14, "category"),
        shown("识别渠道", 14, "channel", of=lambda s: s.application),
        C("界定条件", 30, value=lambda s, ctx: labels(s.triggers, TriggerCondition.choices)),
        C("风险类型", 20, value=lambda s, ctx: labels(s.risk_types, RiskType.choices)),
        attr("申报日期", 12, "application.reported_on", K.DATE),
        attr("纳入日期", 12, "entered_on", K.DATE),
        attr("批准文号", 18, "application.decision_no"),
        attr("识别时人均纯收入（元）", 14, "application.per_capita_income", K.PER_CAPITA),
        attr("适用监测标准（元）", 12, "application.threshold", K.PER_CAPITA),
        C("帮扶责任人", 10, value=_cadre),
        C("帮扶措施数", 8, K.INT, value=lambda s, ctx: getattr(s, "measures_count", 0)),
        shown("状态", 10, "status"),
        attr("风险消除日期", 12, "eliminated_on", K.DATE),
        *_entry_cells(
            "全国系统纳入录入编号",
            _subject_entry,
            lambda s: any(p.kind == NationalEntryKind.SUBJECT_ENTRY for p in _awaiting(s)),
        ),
        C("全国系统待录入", 24, value=_awaiting_labels),
    ),
    queryset=_subjects,
    area_path="household__managing_area__code",
    date_path="entered_on",
    categories=SubjectCategory.choices,
    category_path="category",
    order=("household__household_no", "pk"),
    unit="户",
    count_by="户编号",  # a household back in monitoring is a second episode, a second row: still one 户
)


# ---------------------------------------------------------------------------------- L-01A 纳入监测申报台账


def _entries(user: User) -> QuerySet[EntryApplication]:
    return (
        EntryApplication.objects.visible_to(user)
        .select_related("household__managing_area__parent", "household__head")
        .prefetch_related("events")
    )


ENTRIES = LedgerDef(
    code="L-01A",
    title=_("纳入监测申报台账"),
    basis="SPEC §4.6 (EN-0 … EN-6); 003 L232",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=(
        *place(lambda a: a.household.managing_area),
        attr("户编号", 20, "household.household_no", K.ID),
        attr("户主", 10, "household.head_name"),
        id_number("身份证号", lambda a: _head_id(a.household)),
        shown("识别渠道", 14, "channel"),
        shown("拟定类别", 14, "proposed_category"),
        C("批准类别", 14, value=lambda a, ctx: ctx.display(a, "category") if a.category else ""),
        C("界定条件", 30, value=lambda a, ctx: labels(a.triggers, TriggerCondition.choices)),
        C("风险类型", 20, value=lambda a, ctx: labels(a.risk_types, RiskType.choices)),
        attr("申报日期", 12, "reported_on", K.DATE),
        # The dates of the steps EN-1 … EN-6.
        _step("入户核实", EntryState.HOME_VERIFIED),
        _step("民主评议", EntryState.DEMOCRATICALLY_REVIEWED),
        _step("公示期满", EntryState.NOTICE_COMPLETED),
        _step("乡镇审核", EntryState.TOWNSHIP_REVIEWED),
        _step("县级批准", EntryState.APPROVED),
        _step("纳入监测", EntryState.REGISTERED),
        attr("人均纯收入（元）", 13, "per_capita_income", K.PER_CAPITA),
        attr("监测标准（元）", 12, "threshold", K.PER_CAPITA),
        attr("批准文号", 18, "decision_no"),
        shown("状态", 22, "state"),
    ),
    queryset=_entries,
    area_path="household__managing_area__code",
    date_path="reported_on",
    categories=EntryState.choices,
    category_path="state",
    order=("household__household_no", "reported_on", "pk"),
    unit="件",
)


# ------------------------------------------------------------------------------------------- L-02 风险消除台账


def _eliminations(user: User) -> QuerySet[EliminationCase]:
    return (
        EliminationCase.objects.visible_to(user)
        .select_related("subject__household__managing_area__parent")
        .prefetch_related(
            "events",
            "public_notices",
            _NATIONAL_ENTRIES,
            Prefetch("subject__lookbacks", queryset=LookbackReview.objects.order_by("due_on", "pk")),
        )
    )


def _notice(header: str, stage: str) -> C:
    """The periods of the case's public notices at ``stage``, each 起至."""

    def value(case: EliminationCase, ctx: Context) -> str:
        notices = [n for n in case.public_notices.all() if n.stage == stage]
        return "；".join(f"{n.starts_on:%Y-%m-%d}至{n.ends_on:%Y-%m-%d}" for n in notices)

    return C(header, 24, value=value)


def _lookback_due(case: EliminationCase, ctx: Context) -> Any:
    """When the first look-back review still open falls due (SPEC §4.10)."""
    lookback = next((r for r in case.subject.lookbacks.all() if r.done_on is None), None)
    return lookback.due_on if lookback else None


ELIMINATIONS = LedgerDef(
    code="L-02",
    title=_("风险消除台账"),
    basis="SPEC §13.1 L-02; §4.8; 003 L238",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=(
        *place(lambda c: c.subject.household.managing_area),
        attr("户编号", 20, "subject.household.household_no", K.ID),
        attr("户主", 10, "subject.household.head_name"),
        shown("监测类别", 14, "category", of=lambda c: c.subject),
        attr("纳入日期", 12, "subject.entered_on", K.DATE),
        attr("发起日期", 12, "opened_on", K.DATE),
        # The dates of the steps EL-1 … EL-6.
        _step("村级入户核实", EliminationState.VILLAGE_VERIFIED),
        _step("村级评议公示期满", EliminationState.VILLAGE_REVIEWED_NOTICED),
        _step("乡级综合研判", EliminationState.TOWNSHIP_ASSESSED),
        _step("乡镇审核公示期满", EliminationState.TOWNSHIP_REVIEWED_NOTICED),
        _step("县级筛查抽验", EliminationState.COUNTY_SCREENED),
        _step("县级审定公告", EliminationState.COUNTY_DECIDED),
        _notice("村级公示期", NoticeStage.ELIMINATION_VILLAGE),
        _notice("乡镇公示期", NoticeStage.ELIMINATION_TOWNSHIP),
        _notice("县级公告期", NoticeStage.ELIMINATION_COUNTY),
        attr("人均纯收入（元）", 13, "per_capita_income", K.PER_CAPITA),
        attr("风险消除收入标准（元）", 13, "exit_line", K.PER_CAPITA),
        attr("审定文号", 18, "decision_no"),
        attr("审定日期", 12, "decided_on", K.DATE),
        attr("标注日期", 12, "marked_on", K.DATE),
        C("暂不标注", 8, value=lambda c, ctx: "是" if c.state == EliminationState.HELD else ""),
        *_entry_cells(
            "全国系统风险消除录入编号",
            lambda c: national_facts.live_entry(list(c.national_entries.all()), NationalEntryKind.ELIMINATION),
            lambda c: national_facts.case_awaits_entry(c, c.national_entries.all()),
        ),
        shown("状态", 24, "state"),
        C("回头看应核查日期", 12, K.DATE, value=_lookback_due),
    ),
    queryset=_eliminations,
    area_path="subject__household__managing_area__code",
    date_path="opened_on",
    categories=EliminationState.choices,
    category_path="state",
    order=("subject__household__household_no", "opened_on", "pk"),
    unit="户",
    count_by="户编号",  # a case held and opened again later is the same 户
)


# ----------------------------------------------------------------------------------------- L-03 帮扶措施台账


def _measures(user: User) -> QuerySet[AssistanceMeasure]:
    return AssistanceMeasure.objects.visible_to(user).select_related("subject__household__managing_area__parent")


MEASURES = LedgerDef(
    code="L-03",
    title=_("帮扶措施台账"),
    basis="SPEC §13.1 L-03; 003 L242; 004 L213–L224",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=(
        *place(lambda m: m.subject.household.managing_area),
        attr("户编号", 20, "subject.household.household_no", K.ID),
        attr("户主", 10, "subject.household.head_name"),
        shown("措施类型", 12, "measure_type"),
        attr("具体措施", 14, "subtype_label"),
        attr("措施内容", 30, "description"),
        shown("性质", 8, "timing"),
        shown("资金来源", 14, "funding_source"),
        shown("责任部门", 12, "responsible_department"),
        attr("责任人", 10, "responsible_person"),
        attr("开始日期", 12, "started_on", K.DATE),
        attr("结束日期", 12, "ended_on", K.DATE),
        attr("金额（元）", 12, "amount_yuan", K.MONEY),
        shown("状态", 8, "status"),
        attr("帮扶成效", 30, "outcome_note"),
    ),
    queryset=_measures,
    area_path="subject__household__managing_area__code",
    date_path="started_on",
    order=("subject__household__household_no", "started_on", "pk"),
    unit="项",
)
