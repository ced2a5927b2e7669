"""The dashboard of a level (SPEC §13): the numbers leaders look at, each panel a table that the page also draws as
a chart and the Excel download writes as a sheet — one set of numbers, three views.

The panels read the counts of every managing area of the user's territory (``ledgers.counts``, recounted by a beat
job every few minutes) — one read, whatever the territory's size — and say when they were counted; only the fund
panel reads its (small) tables live. Places are compared one level down from the user's area (a county's
townships, a township's villages), by the leading digits of the 12-digit codes."""

from __future__ import annotations

import datetime
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from core.percent import share_pct
from core.replica import reading_replica
from core.signals import on_save_or_delete
from geo.codes import AreaLevel, prefix_of
from geo.models import AdminArea
from ledgers.counts import Counted, counted_for
from ledgers.indicators.selectors import IndicatorGroup, Tally, indicator_groups, indicator_rows, indicator_tally
from monitoring.choices import MeasureType, RiskType, SubjectCategory

CHILD_LEVEL: dict[str, str] = {
    AreaLevel.PROVINCE: AreaLevel.CITY,
    AreaLevel.CITY: AreaLevel.COUNTY,
    AreaLevel.COUNTY: AreaLevel.TOWNSHIP,
    AreaLevel.TOWNSHIP: AreaLevel.VILLAGE,
}


@dataclass
class Panel:
    """One table of the dashboard: ``headers[0]`` names the label column; each row is a label and its numbers.
    ``chart`` is how the page draws it ("bar", "stacked", "line", "doughnut", or "" for a table only)."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    chart: str = "bar"
    basis: str = ""
    note: str = ""
    series: list[int] = field(default_factory=list)  # which columns the chart draws (default: every number)
    total_row: bool = False  # the last row adds up the others: in the table, not in the chart
    # The indicator panel: the page draws the rows as the indicator table's groups (``rows`` are the Excel sheet).
    groups: list[IndicatorGroup] = field(default_factory=list)
    tally: Tally | None = None

    def chart_data(self) -> dict[str, Any]:
        columns = self.series or list(range(1, len(self.headers)))
        rows = self.rows[:-1] if self.total_row else self.rows
        return {
            "type": self.chart,
            "labels": [str(row[0]) for row in rows],
            "datasets": [{"label": self.headers[i], "data": [_number(row[i]) for row in rows]} for i in columns],
        }


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


@dataclass
class Dashboard:
    area: AdminArea | None
    today: datetime.date
    panels: list[Panel]
    counted_at: datetime.datetime | None = None  # when the counts the panels read were made


def _places(user: User) -> tuple[str, dict[str, str]]:
    """The level of the places compared and their names, keyed by prefix (a village user: the village)."""
    area = user.area
    level = CHILD_LEVEL.get(area.level, area.level) if area else AreaLevel.COUNTY
    names = {
        prefix_of(a.code, level): a.name
        for a in AdminArea.objects.visible_to(user).active().filter(level=level).order_by("code")
    }
    return level, names


CATEGORY_FIELDS: dict[str, tuple[str, str]] = {
    SubjectCategory.UNSTABLE_EXITED: ("unstable_exited", "unstable_people"),
    SubjectCategory.MARGINAL_AT_RISK: ("marginal_at_risk", "marginal_people"),
    SubjectCategory.SUDDEN_HARDSHIP: ("sudden_hardship", "sudden_people"),
}


def _subjects_by_category(counted: Counted) -> Panel:
    found = [
        (str(label), counted.total(CATEGORY_FIELDS[value][0]), counted.total(CATEGORY_FIELDS[value][1]))
        for value, label in SubjectCategory.choices
    ]
    rows: list[list[Any]] = [list(row) for row in found]
    rows.append([_("合计"), sum(row[1] for row in found), sum(row[2] for row in found)])
    return Panel(
        key="subjects", title=_("监测对象（在监测）按类别"), headers=[_("监测类别"), _("户数"), _("人数")],
        rows=rows, chart="bar", basis="SPEC §4.1", series=[1, 2], total_row=True,
    )  # fmt: skip


def _subjects_by_risk(counted: Counted) -> Panel:
    counts = counted.merged("risks")
    rows = [[str(label), counts[value]] for value, label in RiskType.choices if counts[value]]
    return Panel(
        key="risks", title=_("监测对象按风险类型"), headers=[_("风险类型"), _("户数")], rows=rows,
        chart="doughnut", basis="SPEC §4.3", note=_("一户可有多种风险类型"),
    )  # fmt: skip


def _subjects_by_place(counted: Counted, level: str, names: dict[str, str]) -> Panel:
    places = counted.by_place(level)
    categories = SubjectCategory.choices
    rows = []
    for prefix, name in names.items():
        found = [sum(row[CATEGORY_FIELDS[value][0]] for row in places.get(prefix, [])) for value, _label in categories]
        rows.append([name, *found, sum(found)])
    return Panel(
        key="places", title=_("各地监测对象（在监测）"),
        headers=[_("地区"), *(str(label) for _value, label in categories), _("合计")], rows=rows, chart="stacked",
        series=list(range(1, len(categories) + 1)),
    )  # fmt: skip


def _months(today: datetime.date, count: int = 12) -> list[datetime.date]:
    first = today.replace(day=1)
    months = []
    for _n in range(count):
        months.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def _entries_and_eliminations(counted: Counted, today: datetime.date) -> Panel:
    entered, eliminated = counted.merged("entered_by_month"), counted.merged("eliminated_by_month")
    rows = [[f"{m:%Y-%m}", entered[f"{m:%Y-%m}"], eliminated[f"{m:%Y-%m}"]] for m in _months(today)]
    return Panel(
        key="months", title=_("近 12 个月纳入监测和风险消除"),
        headers=[_("月份"), _("纳入监测户数"), _("风险消除户数")], rows=rows, chart="line", basis="SPEC §4.6, §4.8",
    )  # fmt: skip


def _measures_by_type(counted: Counted) -> Panel:
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    for row in counted.rows:
        for kind, numbers in row["measures"].items():
            by_type[kind].update(numbers)
    rows = [
        [str(label), by_type[value]["running"], by_type[value]["delivered"], by_type[value]["total"]]
        for value, label in MeasureType.choices
        if by_type[value]["total"]
    ]
    return Panel(
        key="measures", title=_("帮扶措施按类型"), headers=[_("措施类型"), _("计划和实施中"), _("已落实"), _("合计")],
        rows=rows, chart="stacked", basis="SPEC §5.1", series=[1, 2],
    )  # fmt: skip


def _problems_by_place(counted: Counted, level: str, names: dict[str, str]) -> Panel:
    places = counted.by_place(level)
    rows = []
    for prefix, name in names.items():
        found = places.get(prefix, [])
        rows.append(
            [name, *(sum(row[key] for row in found) for key in ("problems_open", "problems_overdue",
                                                                 "problems_closed_this_year"))]
        )  # fmt: skip
    return Panel(
        key="problems", title=_("四查四补问题整改"), headers=[_("地区"), _("未销号"), _("其中逾期"), _("本年已销号")],
        rows=rows, chart="bar", basis="SPEC §7.5",
    )  # fmt: skip


def _funds(user: User, today: datetime.date) -> Panel:
    from funds.selectors import counties_compliance

    rows = []
    counties = list(AdminArea.objects.visible_to(user).active().filter(level=AreaLevel.COUNTY).order_by("code"))
    for result in counties_compliance(counties, today.year, on=today):
        county = result.county
        if not result.issued:
            continue
        rows.append(
            [county.name, result.issued, result.allocated, result.paid, share_pct(result.paid, result.allocated),
             result.due_pct, f"{sum(c.ok for c in result.checks)}/{len(result.checks)}"]
        )  # fmt: skip
    return Panel(
        key="funds", title=_("%(year)s 年衔接资金支付进度和合规") % {"year": today.year},
        headers=[_("县（区）"), _("衔接资金下达（元）"), _("已分配（元）"), _("已支付（元）"), _("支付进度（%）"),
                 _("应达进度（%）"), _("合规检查通过")],
        rows=rows, chart="bar", basis="SPEC §9.5, §8.7", series=[4, 5],
    )  # fmt: skip


def _kpis(user: User, counted: Counted, today: datetime.date) -> Panel:
    """Every SPEC §13.3 indicator of the user's area this year, held against the target in force there
    (``ledgers.indicators``: targets are data) — the rows of the indicator table, grouped as it groups them: the
    computed ones measured over the territory, the entered ones with their latest value and its date, or "未填报"."""
    found = indicator_rows(user, year=today.year, today=today, counted=counted)
    rows: list[list[Any]] = [
        [row.label, row.target, row.actual, row.met_text, row.part, row.whole, row.source_text, row.category]
        for row in found
    ]
    return Panel(
        key="kpis", title=_("考核指标"),
        headers=[_("指标"), _("目标"), _("实际"), _("达标"), _("分子"), _("分母"), _("数据来源"), _("类别")],
        rows=rows, chart="", basis="SPEC §13.2, §13.3", groups=indicator_groups(found), tally=indicator_tally(found),
    )  # fmt: skip


# Whoever sees households, problems or funds sees the dashboard of their level (its panels follow the same rights).
DASHBOARD_CAPABILITIES = (Capability.BROWSE_HOUSEHOLDS, Capability.VIEW_RECTIFICATION, Capability.VIEW_FUNDS)


def can_see_dashboard(user: User) -> bool:
    return any(has_capability(user, capability) for capability in DASHBOARD_CAPABILITIES)


def dashboard_for(user: User, *, today: datetime.date) -> Dashboard:
    """The panels the user's capabilities open, for their area (read from the replica, if any)."""
    with reading_replica():
        return _dashboard(user, today=today)


def _dashboard(user: User, *, today: datetime.date) -> Dashboard:
    level, names = _places(user)
    counted = counted_for(user)
    panels: list[Panel] = []
    if has_capability(user, Capability.BROWSE_HOUSEHOLDS):
        panels += [
            _subjects_by_category(counted),
            _subjects_by_place(counted, level, names),
            _subjects_by_risk(counted),
            _entries_and_eliminations(counted, today),
            _measures_by_type(counted),
        ]
    if has_capability(user, Capability.VIEW_RECTIFICATION):
        panels.append(_problems_by_place(counted, level, names))
    if has_capability(user, Capability.VIEW_FUNDS):
        panels.append(_funds(user, today))
    panels.append(_kpis(user, counted, today))  # whoever sees the dashboard sees the indicator table too
    return Dashboard(area=user.area, today=today, panels=panels, counted_at=counted.counted_at)


# ------------------------------------------------------------------------------------------- the page's cache
# The dashboard is the same for everyone of one area with the same panels, until the counts are recounted (beat,
# every AREA_COUNTS_EVERY_MINUTES) or a live input changes (a fund book, an indicator, a setting, the line): the
# page renders its panels once per such state and serves them to every viewer (ADR 0001 §5).

GENERATION_KEY = "ledgers:dashboard:generation"


def dashboard_key(user: User, *, today: datetime.date) -> str:
    """What the panels of ``user``'s dashboard depend on: their area, the panels their capabilities open (and
    whether the account is a superuser, who sees every area), the language, the day, when the counts were last
    recounted and the generation of the live inputs."""
    from ledgers.models import AreaCounts

    opened = "".join("1" if has_capability(user, capability) else "0" for capability in DASHBOARD_CAPABILITIES)
    if user.is_superuser:  # sees every area's counts, whatever area the account names
        opened += "s"
    counted = AreaCounts.objects.aggregate(at=Max("counted_at"))["at"]
    stamp = counted.timestamp() if counted else 0
    generation = cache.get(GENERATION_KEY, 0)
    return f"ledgers:dashboard:{user.area_id}:{opened}:{get_language()}:{today.isoformat()}:{stamp}:{generation}"


def dashboard_page(user: User, *, today: datetime.date) -> dict[str, Any]:
    """The dashboard's panels as HTML, with when they were counted and whether there are any: rendered once per
    ``dashboard_key`` and kept at most one counting interval."""
    page: dict[str, Any] | None = cache.get(dashboard_key(user, today=today))
    if page is None:
        board = dashboard_for(user, today=today)
        page = {
            "panels": render_to_string("ledgers/_dashboard_panels.html", {"dashboard": board}),
            "counted_at": board.counted_at,
            "has_panels": bool(board.panels),
        }
        # Counting an area the first time moves the counts' time: kept under the key the next view computes.
        cache.set(dashboard_key(user, today=today), page, timeout=settings.AREA_COUNTS_EVERY_MINUTES * 60)
    return page


def dashboard_inputs_changed(*args: Any, **kwargs: Any) -> None:
    """A live input of the dashboard was saved or deleted: every cached dashboard is stale (a new generation no
    key cached before holds)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def watch_dashboard_inputs() -> None:
    """The inputs the dashboard reads live beside the counts (``_funds``, ``_kpis``, the places' names)."""
    from django.apps import apps

    labels = (
        "funds.FundBatch", "funds.FundAllocation", "funds.Disbursement", "ledgers.KpiIndicator",
        "ledgers.KpiTarget", "ledgers.KpiValue", "geo.PolicyParameter", "geo.AdminArea",
        "households.MonitoringThreshold",
    )  # fmt: skip
    on_save_or_delete(dashboard_inputs_changed, *map(apps.get_model, labels), uid="ledgers.dashboard")
