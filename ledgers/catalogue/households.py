"""The registry's ledgers: the household roster in the national system's layout (L-00), visits (L-04) and the
checks of the three guarantees and drinking water (L-14)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Capability
from geo.codes import village_of
from households.choices import (
    GuaranteeSource,
    HealthStatus,
    LabourCapacity,
    MemberStatus,
    Relationship,
    SchoolingStatus,
    VisitKind,
)
from households.imports.columns import COLUMNS as IMPORT_COLUMNS
from households.imports.columns import FLAG_KEYS, choice_labels
from households.masking import mask_phone
from households.models import GuaranteeCheck, HouseholdFlag, HouseholdMember, Visit
from ledgers.base import Context, LedgerDef
from ledgers.catalogue.cells import YES_NO, C, K, attr, masked_id, place, shown

# ------------------------------------------------------------------------ L-00 农户家庭成员花名册（全国系统格式）


def _roster(user: User) -> QuerySet[HouseholdMember]:
    open_flags = HouseholdFlag.objects.filter(valid_to__isnull=True, kind__in=FLAG_KEYS)
    members = HouseholdMember.objects.visible_to(user).filter(household__closed_on__isnull=True)
    if user.area is not None:
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


def _in_chinese(name: str, choices: Any) -> Callable[[HouseholdMember, Context], str]:
    return lambda m, ctx: _chinese(choices)[getattr(m, name)]


def _flag(key: str) -> Callable[[HouseholdMember, Context], str]:
    return lambda m, ctx: YES_NO[any(f.kind == key for f in getattr(m.household, "open_flags", ()))]


# The cell of each column of the import's layout (households.imports.columns), by the column's key: the roster is
# the file the import reads back, so its headers and their order are the import's, and a key missing here fails
# at start-up rather than shifting a column.
_ROSTER_CELLS: dict[str, Callable[[HouseholdMember, Context], Any]] = {
    "household_no": lambda m, ctx: m.household.household_no,
    # A household managed by a village group (村民小组) is on its village's roster.
    "village_code": lambda m, ctx: village_of(m.household.managing_area.code),
    "hukou_code": lambda m, ctx: m.household.hukou_area.code if m.household.hukou_area else "",
    "address": lambda m, ctx: m.household.address,
    "phone": lambda m, ctx: m.household.phone if ctx.full_ids else mask_phone(m.household.phone),
    "name": lambda m, ctx: m.name,
    "id_number": lambda m, ctx: masked_id(m.id_number, ctx),
    "relationship": _in_chinese("relationship", Relationship),
    "ethnicity": lambda m, ctx: m.ethnicity,
    "health_status": _in_chinese("health_status", HealthStatus),
    "labour_capacity": _in_chinese("labour_capacity", LabourCapacity),
    "schooling_status": _in_chinese("schooling_status", SchoolingStatus),
    "disability_grade": lambda m, ctx: m.disability_grade,
    "medical_insurance_enrolled": lambda m, ctx: YES_NO[m.medical_insurance_enrolled],
    "member_status": _in_chinese("member_status", MemberStatus),
    **{key: _flag(key) for key in FLAG_KEYS},
    "exit_year": lambda m, ctx: m.household.exit_year,
}
_ROSTER_KINDS = {"household_no": K.ID, "village_code": K.ID, "hukou_code": K.ID, "phone": K.ID, "id_number": K.ID}

ROSTER = LedgerDef(
    code="L-00",
    title=_("农户家庭成员花名册"),
    basis="SPEC §2; 全国防返贫监测信息系统的农户导出格式（docs/import-template.md），可原样导回",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=tuple(
        C(c.header, 20 if c.kind == "id_number" else 14, _ROSTER_KINDS.get(c.key, K.TEXT), value=_ROSTER_CELLS[c.key])
        for c in IMPORT_COLUMNS
    ),
    queryset=_roster,
    area_path="household__managing_area__code",
    date_path="household__created_at__date",
    order=("household__household_no", "pk"),
    stock=True,
    plain=True,
)


# ----------------------------------------------------------------------------------------------- L-04 走访台账


def _visits(user: User) -> QuerySet[Visit]:
    return Visit.objects.visible_to(user).select_related("household__managing_area__parent", "recorded_by")


def _visitor(v: Visit, ctx: Context) -> str:
    return v.recorded_by.get_full_name() or v.recorded_by.username


VISITS = LedgerDef(
    code="L-04",
    title=_("走访台账"),
    basis="SPEC §13.1 L-04; §4.13; 003 L120, L998–L1000",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=(
        *place(lambda v: v.household.managing_area),
        attr("走访日期", 12, "visited_on", K.DATE),
        C("走访人", 10, value=_visitor),
        attr("同行人员", 14, "companions"),
        attr("户编号", 20, "household.household_no", K.ID),
        attr("户主", 10, "household.head_name"),
        shown("走访类型", 14, "kind"),
        attr("收入变化", 24, "income_change"),
        attr("家庭成员变化", 20, "member_change"),
        attr("群众诉求", 24, "needs"),
        attr("走访情况", 30, "notes"),
        C("发现风险", 8, value=lambda v, ctx: "是" if v.risk_found else ""),
        attr("风险说明", 24, "risk_note"),
        attr("下次走访日期", 12, "next_visit_on", K.DATE),
    ),
    queryset=_visits,
    area_path="household__managing_area__code",
    date_path="visited_on",
    categories=VisitKind.choices,
    category_path="kind",
    order=("visited_on", "household__household_no", "pk"),
    unit="次",
)


# ----------------------------------------------------------------------------- L-14 三保障和饮水安全排查台账


def _guarantees(user: User) -> QuerySet[GuaranteeCheck]:
    return GuaranteeCheck.objects.visible_to(user).select_related("household__managing_area__parent", "checked_by")


def _checker(g: GuaranteeCheck, ctx: Context) -> str:
    return g.checked_by.get_full_name() or g.checked_by.username


def _met(header: str, width: int, name: str) -> C:
    return C(header, width, value=lambda g, ctx: YES_NO[getattr(g, name)])


GUARANTEES = LedgerDef(
    code="L-14",
    title=_("三保障和饮水安全排查台账"),
    basis="SPEC §13.1 L-14; §2.5; 004 L268",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=(
        *place(lambda g: g.household.managing_area),
        attr("户编号", 20, "household.household_no", K.ID),
        attr("户主", 10, "household.head_name"),
        attr("核查日期", 12, "checked_on", K.DATE),
        shown("来源", 8, "source"),
        C("核查人", 10, value=_checker),
        _met("不愁吃", 7, "food_ok"),
        _met("不愁穿", 7, "clothing_ok"),
        _met("义务教育有保障", 9, "education_ok"),
        _met("基本医疗有保障", 9, "medical_ok"),
        _met("住房安全有保障", 9, "housing_ok"),
        _met("饮水安全有保障", 9, "water_ok"),
        _met("全部达标", 8, "all_ok"),
        attr("未达标情况说明", 30, "note"),
    ),
    queryset=_guarantees,
    area_path="household__managing_area__code",
    date_path="checked_on",
    categories=GuaranteeSource.choices,
    category_path="source",
    order=("checked_on", "household__household_no", "pk"),
    unit="户次",
)
