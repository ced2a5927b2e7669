"""The special ledger of self-migrant households (自主迁徙居民专项台账, L-13): "不漏一户、不错一人" (003 L412;
000 L291), both places of a household managed in two (SPEC §1.5), with its income, guarantees and last visit from the
household facts."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Capability
from households.choices import HouseholdFlagKind, MigrantType
from households.facts import FLAG_BITS
from households.models import Household
from ledgers.base import Context, LedgerDef
from ledgers.catalogue.cells import YES_NO, C, K, attr, id_number, place
from monitoring.choices import SubjectStatus

_EXITED = FLAG_BITS[HouseholdFlagKind.EXITED_POOR]


def _self_migrants(user: User) -> QuerySet[Household]:
    """Households in the registry whose migrant type is 自主迁徙 (SPEC §2.1 ``migrant_type``, 000 L291): seen by the
    place they live in and by their hukou place alike (``visible_to`` reads the co-managing area, SPEC §1.5)."""
    return (
        Household.objects.visible_to(user)
        .filter(closed_on__isnull=True, migrant_type=MigrantType.SELF_MIGRANT)
        .select_related(
            "managing_area__parent",
            "hukou_area__parent__parent",
            "residence_area__parent__parent",
            "co_managing_area__parent",
            "head",
            "facts",
        )
    )


def _facts(h: Household) -> Any:
    return getattr(h, "facts", None)


def _area_name(area: Any) -> str:
    """County, township and village names of a place, down from the county."""
    names: list[str] = []
    while area is not None and area.level in ("village", "group", "township", "county"):
        names.insert(0, area.name)
        if area.level == "county":
            break
        area = area.parent
    return "".join(names)


def _hukou(h: Household, ctx: Context) -> str:
    """The hukou place: in the registry's areas, or as written for another province (SPEC §1.5)."""
    return _area_name(h.hukou_area) if h.hukou_area is not None else h.hukou_area_text


def _exited(h: Household, ctx: Context) -> str:
    facts = _facts(h)
    return YES_NO[bool(facts.flags & _EXITED)] if facts is not None else ""


def _monitoring(h: Household, ctx: Context) -> str:
    """The open monitoring episode's status, else the last closed one's (the fact ``monitoring_status``)."""
    facts = _facts(h)
    status = facts.monitoring_status if facts is not None else ""
    return str(dict(SubjectStatus.choices).get(status, "")) if status else ""


def _per_capita(h: Household, ctx: Context) -> Any:
    facts = _facts(h)
    return facts.per_capita if facts is not None else None


# The guarantee items of SPEC §2.5 the facts keep: education, medical and housing as the registry says them, and
# drinking water as the latest check found it (food and clothing are only ever checked, and count in that check).
_ITEMS = (("education_ok", "义务教育"), ("medical_ok", "基本医疗"), ("housing_ok", "住房安全"))


def _guarantees(h: Household, ctx: Context) -> str:
    facts = _facts(h)
    if facts is None:
        return ""
    failed = [label for name, label in _ITEMS if not getattr(facts, name)]
    if facts.latest_water_ok is False:
        failed.append("饮水安全")
    if failed:
        return "未保障：" + "、".join(failed)
    if facts.latest_check_ok is False:
        return "最近核查未全部达标"
    return "均有保障"


def _fact(name: str) -> Any:
    return lambda h, ctx: getattr(_facts(h), name, None)


SELF_MIGRANTS = LedgerDef(
    code="L-13",
    stock=True,
    reads_facts=True,
    title=_("自主迁徙居民专项台账"),
    basis="SPEC §13.1 L-13; §1.5; 003 L412, L416; 000 L291",
    capability=Capability.BROWSE_HOUSEHOLDS,
    columns=(
        *place(lambda h: h.managing_area),
        attr("户编号", 20, "household_no", K.ID),
        attr("户主", 10, "head_name"),
        id_number("身份证号", lambda h: h.head.id_number if h.head else None),
        C("家庭人口", 8, K.INT, value=lambda h, ctx: getattr(_facts(h), "size", 0)),
        C("户籍地", 22, value=_hukou),
        C("居住地", 22, value=lambda h, ctx: _area_name(h.residence_area)),
        C("协同管理地", 14, value=lambda h, ctx: h.co_managing_area.name if h.co_managing_area else ""),
        C("户籍已迁入", 8, value=lambda h, ctx: YES_NO[h.hukou_moved]),
        C("持有居住证", 8, value=lambda h, ctx: YES_NO[h.has_residence_permit]),
        C("脱贫户", 7, value=_exited),
        C("监测状态", 12, value=_monitoring),
        C("人均纯收入（元）", 12, K.PER_CAPITA, value=_per_capita),
        C("两不愁三保障及饮水安全", 22, value=_guarantees),
        C("最近核查日期", 12, K.DATE, value=_fact("latest_check_on")),
        C("最近走访日期", 12, K.DATE, value=_fact("last_visit_on")),
    ),
    queryset=_self_migrants,
    area_path="managing_area__code",
    date_path="created_at__date",
    order=("household_no",),
    unit="户",
)
