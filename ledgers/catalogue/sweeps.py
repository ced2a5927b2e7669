"""The ledgers of the four-checks sweeps and the departments' screening: problems and their rectification (L-05)
and the departments' warnings (L-06)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Capability
from ledgers.base import Context, LedgerDef
from ledgers.catalogue.cells import C, K, attr, id_number, labels, place, shown
from monitoring.choices import RiskType
from sweeps.choices import ProblemStatus, WarningDisposition
from sweeps.models import Problem, ScreeningWarning

# ----------------------------------------------------------------------------------- L-05 四查四补问题及整改台账


def _problems(user: User) -> QuerySet[Problem]:
    return Problem.objects.visible_to(user).select_related("area__parent", "household", "member")


PROBLEMS = LedgerDef(
    code="L-05",
    title=_("四查四补问题及整改台账"),
    basis="SPEC §13.1 L-05; 001 L324; 003 L510",
    capability=Capability.VIEW_RECTIFICATION,
    columns=(
        *place(lambda p: p.area),
        attr("规则编号", 22, "rule_id"),
        shown("类别", 10, "category"),
        shown("四漏", 8, "gap_type"),
        attr("问题", 36, "title"),
        C("户编号", 20, K.ID, value=lambda p, ctx: p.household.household_no if p.household else ""),
        C("户主", 10, value=lambda p, ctx: p.household.head_name if p.household else ""),
        C("成员", 10, value=lambda p, ctx: p.member.name if p.member else ""),
        attr("检出日期", 12, "detected_on", K.DATE),
        attr("责任单位", 16, "responsible_unit"),
        attr("整改期限", 12, "deadline", K.DATE),
        shown("状态", 10, "status"),
        C("销号日期", 12, K.DATE, value=lambda p, ctx: timezone.localdate(p.closed_at) if p.closed_at else None),
        C("逾期天数", 8, K.DAYS, value=lambda p, ctx: p.days_overdue(ctx.today)),
    ),
    queryset=_problems,
    area_path="area_code",
    date_path="detected_on",
    categories=ProblemStatus.choices,
    category_path="status",
    order=("rule_id", "detected_on", "pk"),
)


# ------------------------------------------------------------------------------------------ L-06 部门预警台账


def _warnings(user: User) -> QuerySet[ScreeningWarning]:
    return ScreeningWarning.objects.visible_to(user).select_related(
        "household__managing_area__parent", "member", "verified_by"
    )


def _feedback_on(w: ScreeningWarning, ctx: Context) -> datetime.date | None:
    return timezone.localdate(w.verified_at) if w.verified_at else None


def _feedback_overdue(w: ScreeningWarning, ctx: Context) -> int:
    """Days the village's feedback came (or, not yet come, is) past its due day (SPEC §6.5)."""
    end = _feedback_on(w, ctx) or ctx.today
    return max(0, (end - w.feedback_due_on).days)


WARNINGS = LedgerDef(
    code="L-06",
    title=_("部门预警台账"),
    basis="SPEC §13.1 L-06; §6.4–§6.6; 003 L230",
    capability=Capability.VIEW_WARNINGS,
    columns=(
        *place(lambda w: w.household.managing_area),
        shown("部门", 10, "department"),
        attr("筛查期", 9, "period"),
        attr("姓名", 10, "member.name"),
        id_number("身份证号", lambda w: w.member.id_number),
        attr("户编号", 20, "household.household_no", K.ID),
        attr("预警内容", 24, "event_label"),
        C("风险类型", 14, value=lambda w, ctx: labels([w.risk_type], RiskType.choices) if w.risk_type else ""),
        attr("发生日期", 12, "event_date", K.DATE),
        attr("金额（元）", 12, "amount", K.MONEY),
        attr("出现次数", 8, "occurrences", K.INT),
        shown("匹配结果", 10, "match_kind"),
        attr("下发日期", 12, "issued_on", K.DATE),
        attr("反馈期限", 12, "feedback_due_on", K.DATE),
        shown("状态", 8, "status"),
        shown("处置结果", 24, "disposition"),
        C("反馈日期", 12, K.DATE, value=_feedback_on),
        C("逾期天数", 8, K.DAYS, value=_feedback_overdue),
    ),
    queryset=_warnings,
    area_path="household__managing_area__code",
    date_path="issued_on",
    categories=WarningDisposition.choices,
    category_path="disposition",
    order=("department", "issued_on", "pk"),
)
