"""The dropout-control ledger (控辍保学台账, L-15): every child of compulsory-school age the registry has out of
school, or once had out of school and now back in it, with what the registry records of the child's own plan
(一人一案) and of the school system's list (一校一帐)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Capability, Department
from geo.codes import AreaLevel, ancestor_code, prefix_of
from households.choices import IN_SCHOOL, SchoolingStatus
from households.facts import (
    context_for,
    ever_left_school_q,
    member_fact_q,
    returned_to_school_at_expression,
)
from households.models import Household, HouseholdMember
from ledgers.base import Context, LedgerDef
from ledgers.catalogue.cells import C, K, attr, id_number, place, shown
from monitoring.choices import MeasureType
from monitoring.models import AssistanceMeasure
from sweeps.models import Problem, ScreeningWarning

# The four-checks rule that finds a child of compulsory-school age out of school (SPEC §7.3, the member fact
# ``school_age_out``): its problem, with the rectification a cadre records, is the child's own plan.
DROPOUT_RULE = "FC-GAP-MISSED-ITEM-01"
# The stages a child is taught at; any other status says where the child is not (辍学, 已离校, 未到学龄 …).
STAGES = IN_SCHOOL - {SchoolingStatus.EXEMPT_PHYSICAL}


def _counties(user: User) -> list[str]:
    """The counties whose households the user sees (a co-managed household may lie in another county): each reads
    its own setting ``school.compulsory_age`` (SPEC §15.2)."""
    codes = (
        Household.objects.visible_to(user)
        .filter(closed_on__isnull=True)
        .order_by()
        .values_list("managing_area__code", flat=True)
        .distinct()
    )
    return sorted({ancestor_code(code, AreaLevel.COUNTY) for code in codes})


def _children(user: User) -> QuerySet[HouseholdMember]:
    """Present members of compulsory-school age on the day of the export (the member fact ``school_age``, SPEC §2.5)
    who are out of school now (``school_age_out``, as FC-GAP-MISSED-ITEM-01 finds them: 失学辍学, 已离校, or not yet
    in school at that age) or whose history records them out of school (劝返复学, or exempt since)."""
    today = timezone.localdate()
    rows = Q(pk__in=[])
    for county in _counties(user):
        ctx = context_for(county, on=today)
        in_county = Q(household__managing_area__code__startswith=prefix_of(county, AreaLevel.COUNTY))
        rows |= in_county & (
            member_fact_q("school_age_out", ctx) | (member_fact_q("school_age", ctx) & ever_left_school_q())
        )
    plans = Problem.objects.filter(rule_id=DROPOUT_RULE).select_related("responsible_person").order_by("detected_on")
    lists = ScreeningWarning.objects.filter(department=Department.EDUCATION).order_by("issued_on", "pk")
    measures = AssistanceMeasure.objects.filter(measure_type=MeasureType.EDUCATION).order_by("started_on", "pk")
    return (
        HouseholdMember.objects.visible_to(user)
        .filter(household__closed_on__isnull=True)
        .filter(rows)
        .annotate(returned_at=returned_to_school_at_expression())
        .select_related("household__managing_area__parent")
        .prefetch_related(Prefetch("problems", queryset=plans, to_attr="plans"))
        .prefetch_related(Prefetch("warnings", queryset=lists, to_attr="school_lists"))
        .prefetch_related(Prefetch("household__monitoring_subjects__measures", queryset=measures, to_attr="education"))
    )


def _stage(m: HouseholdMember, ctx: Context) -> str:
    """The registry keeps no grade: the stage the child is taught at, or out of school the education level
    reached (文化程度)."""
    if m.schooling_status in STAGES:
        return ctx.display(m, "schooling_status")
    return ctx.display(m, "education_level")


def _status(m: HouseholdMember, ctx: Context) -> str:
    label = ctx.display(m, "schooling_status")
    return f"已复学（{label}）" if getattr(m, "returned_at", None) else label


def _plan(m: HouseholdMember, ctx: Context) -> str:
    """一人一案: the registry holds no plan of its own. The nearest records are the child's four-checks problem
    (its rectification measures, unit, person, deadline and state) and the household's education measures."""
    parts = []
    for p in getattr(m, "plans", ()):
        who = "、".join(x for x in (p.responsible_unit, str(p.responsible_person or "")) if x)
        text = p.measures_taken or "未填整改措施"
        parts.append(f"{text}（{who + '，' if who else ''}期限 {p.deadline:%Y-%m-%d}，{ctx.display(p, 'status')}）")
    for episode in m.household.monitoring_subjects.all():
        for measure in getattr(episode, "education", ()):
            parts.append(f"{measure.subtype_label or ctx.display(measure, 'measure_type')}：{measure.description}"
                         f"（{ctx.display(measure, 'status')}）")  # fmt: skip
    return "；".join(parts)


def _school_list(m: HouseholdMember, ctx: Context) -> str:
    """一校一帐: the school system's roll of its dropouts reaches the registry as the education department's
    screening warnings on the child (SPEC §6.1): its period, what it said and how it was verified."""
    parts = []
    for w in getattr(m, "school_lists", ()):
        outcome = ctx.display(w, "disposition") if w.disposition else ctx.display(w, "status")
        parts.append(f"{w.period} {w.event_label}（{outcome}）")
    return "；".join(parts)


def _returned_on(m: Any, ctx: Context) -> Any:
    at = getattr(m, "returned_at", None)
    return timezone.localdate(at) if at is not None else None


SCHOOLING = LedgerDef(
    code="L-15",
    stock=True,
    title=_("控辍保学台账"),
    basis="SPEC §13.1 L-15; §2.5; 004 L232; 001 L376",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=(
        *place(lambda m: m.household.managing_area),
        attr("户编号", 20, "household.household_no", K.ID),
        attr("户主", 10, "household.head_name"),
        attr("姓名", 10, "name"),
        id_number("身份证号", lambda m: m.id_number),
        shown("性别", 6, "gender"),
        attr("出生日期", 12, "birth_date", K.DATE),
        attr("就读学校", 20, "school_name"),
        C("学段", 10, value=_stage),
        C("状态", 14, value=_status),
        C("一人一案", 34, value=_plan),
        C("一校一帐", 28, value=_school_list),
        C("复学日期", 12, K.DATE, value=_returned_on),
    ),
    queryset=_children,
    area_path="household__managing_area__code",
    date_path="household__created_at__date",
    categories=SchoolingStatus.choices,
    category_path="schooling_status",
    order=("household__household_no", "pk"),
    unit="人",
)
