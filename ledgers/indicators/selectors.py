"""The indicator table of a viewer's area and year (SPEC §13.2, §13.3): every indicator with the target in force,
the actual value (computed from the territory's counts, or the latest entered), whether it is met, where the value
comes from and how fresh it is. Indicators, targets and entered values are read in one query."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any, NamedTuple

from django.db.models import FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from geo.codes import PREFIX_LENGTH, ancestor_code
from geo.parameters import area_codes_up
from ledgers.counts import Counted
from ledgers.indicators.registry import Scope, compute
from ledgers.indicators.rules import meets_target
from ledgers.models import KpiComparator, KpiIndicator, KpiSource

SYMBOLS = {
    KpiComparator.GTE: "≥",
    KpiComparator.GT: ">",
    KpiComparator.LTE: "≤",
    KpiComparator.LT: "<",
    KpiComparator.EQ: "",
}


@dataclass
class IndicatorRow:
    code: str
    category: str
    name: str
    unit: str
    attribute: str  # the label (约束性 / 预期性)
    source: str  # KpiSource value
    comparator: str
    target: str  # as shown ("≥100", ">95", "动态清零"); "" when no target is set
    target_year: int | None
    actual: Decimal | None
    met: bool | None
    part: Any = ""
    whole: Any = ""
    as_of: datetime.datetime | None = None  # when the value was counted or entered
    period: str = ""  # the period an entered value is for

    @property
    def label(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    @property
    def computed(self) -> bool:
        return self.source == KpiSource.COMPUTED

    @property
    def met_text(self) -> str:
        return "" if self.met is None else (_("是") if self.met else _("否"))

    @property
    def state(self) -> str:
        """How the pages mark the row: "met" (green), "unmet" (red) or "pending" (no value yet, or no number to hold
        it against)."""
        if self.met is None:
            return "pending"
        return "met" if self.met else "unmet"

    @property
    def state_text(self) -> str:
        return {"met": _("达标"), "unmet": _("未达标"), "pending": _("未判定")}[self.state]

    @property
    def source_text(self) -> str:
        """Where the value comes from and how fresh it is ("系统计算", "填报于 2026-11-30", "未填报")."""
        if self.computed:
            return _("系统计算")
        if self.as_of is None:
            return _("未填报")
        return _("填报于 %(day)s") % {"day": f"{timezone.localdate(self.as_of):%Y-%m-%d}"}  # the day in China


class IndicatorGroup(NamedTuple):
    """The indicators of one category, in their order: a table of a plan, as the pages show it."""

    category: str
    rows: list[IndicatorRow]


@dataclass(frozen=True)
class Tally:
    """How many indicators are met, not met and not judged yet (SPEC §13.2)."""

    met: int
    unmet: int
    pending: int


def indicator_groups(rows: list[IndicatorRow]) -> list[IndicatorGroup]:
    """The rows by category as the indicator table and the dashboard show them (SPEC §13.3): each run of one
    category is a group, so a plan's table keeps its order."""
    return [IndicatorGroup(category, list(items)) for category, items in groupby(rows, key=lambda row: row.category)]


def indicator_tally(rows: list[IndicatorRow]) -> Tally:
    """How many of the rows are met, not met and not judged (SPEC §13.2)."""
    states = [row.state for row in rows]
    return Tally(met=states.count("met"), unmet=states.count("unmet"), pending=states.count("pending"))


def _plain(number: Decimal) -> Decimal:
    """An entered value without the trailing zeros of its column (100.0000 → 100, 95.5000 → 95.5)."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def target_text(comparator: str, value: str) -> str:
    """A target as people write it: "≥1.5", ">95", "100"; words ("动态清零", "全部乡镇区域") as they are."""
    if not value:
        return ""
    if comparator in SYMBOLS and value[:1].isdigit():
        return f"{SYMBOLS[KpiComparator(comparator)]}{value}"
    return _(value)


def _in_force(by_year: dict[int, str], year: int) -> tuple[int, str]:
    """The target of one area for ``year``: that year's, else the next target year's (a plan's 2025 target is what
    2023 works towards), else the latest earlier one (carried forward)."""
    if year in by_year:
        return year, by_year[year]
    later = [y for y in by_year if y > year]
    chosen = min(later) if later else max(by_year)
    return chosen, by_year[chosen]


def resolve_target(targets: dict[str | None, dict[int, str]], scopes: list[str], year: int) -> tuple[int, str] | None:
    """The most specific area with a target wins (the viewer's area, then each area above it, then the default)."""
    for scope in [*scopes, None]:
        if targets.get(scope):
            return _in_force(targets[scope], year)
    return None


def indicator_rows(user: User, *, year: int, today: datetime.date, counted: Counted) -> list[IndicatorRow]:
    """Every active indicator for the viewer's area and year. Computed indicators are measured over the viewer's
    territory (this year only: the counts are today's); an entered indicator of a level is shown to viewers at that
    level and below, with the value entered for their area of that level."""
    area = user.area
    scopes = area_codes_up(area.code) if area else []
    indicators = KpiIndicator.objects.filter(is_active=True)
    codes = scopes or [""]  # no area: no code matches (an empty IN would empty the whole join)
    found = indicators.annotate(
        target=FilteredRelation("targets", condition=Q(targets__area__isnull=True) | Q(targets__area__in=codes)),
        entered=FilteredRelation(
            "entered_values",
            condition=Q(entered_values__area__in=codes, entered_values__period__startswith=str(year)),
        ),
    ).values_list(
        "pk", "code", "category", "name", "unit", "comparator", "level", "attribute", "source", "computation",
        "target__year", "target__area", "target__value",
        "entered__area", "entered__period", "entered__value", "entered__entered_at",
    )  # fmt: skip
    rows: dict[int, tuple[Any, ...]] = {}
    targets: dict[int, dict[str | None, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))
    entered: dict[int, dict[str, tuple[datetime.datetime, str, Decimal]]] = defaultdict(dict)
    for pk, *fields, t_year, t_area, t_value, v_area, v_period, v_value, v_at in found:
        rows.setdefault(pk, tuple(fields))
        if t_year is not None:
            targets[pk][t_area][t_year] = t_value
        if v_area is not None and (v_area not in entered[pk] or v_at > entered[pk][v_area][0]):
            entered[pk][v_area] = (v_at, v_period, v_value)

    attributes = dict(KpiIndicator._meta.get_field("attribute").flatchoices)
    scope = Scope(area_code=area.code if area else "", today=today)
    result = []
    for pk, (code, category, name, unit, comparator, level, attribute, source, computation) in rows.items():
        chosen = resolve_target(targets[pk], scopes, year)
        target_year, target = chosen if chosen else (None, "")
        row = IndicatorRow(
            code=code, category=_(category), name=_(name), unit=_(unit) if unit else "",
            attribute=str(attributes.get(attribute, attribute)), source=source, comparator=comparator,
            target=target_text(comparator, target), target_year=target_year, actual=None, met=None,
        )  # fmt: skip
        if source == KpiSource.COMPUTED:
            if year == today.year:  # the counts are today's: a past or future year has no computed value
                actual = compute(computation, counted, scope)
                row.actual, row.part, row.whole = actual.value, actual.part, actual.whole
                row.as_of = counted.counted_at
                row.met = meets_target(comparator, actual.judged, target)
        else:
            if area is None or PREFIX_LENGTH[area.level] < PREFIX_LENGTH[level]:
                continue  # a county's indicator is the county's: a province has no one value of it
            value = entered[pk].get(ancestor_code(area.code, level))
            if value is not None:
                row.as_of, row.period, number = value
                row.actual = _plain(number)
                row.met = meets_target(comparator, number, target)
        result.append(row)
    return result
