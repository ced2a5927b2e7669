"""Calendar reminders of the project library and the funds (beat job, daily): the deadlines of NR-PRJ-10 (003
L1497–L1500: next year's plan by 30 November, in the library by 31 December, implementation plans approved by
31 March) and the payment milestones of NR-PRJ-9 (50/75/85/92 % by 30 June, 30 September, 31 October, 30 November).
The county is told ``REMIND_DAYS`` before a deadline and the day after a missed one, once each, with the count of
what is still open."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Final

from django.urls import reverse

from accounts.roles import Capability
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.parameters import parameter
from notifications.selectors import users_who_take
from notifications.services import notify
from projects import rules
from projects.choices import ProjectStatus
from projects.models import Project

P = ProjectStatus
REMIND_DAYS: Final = (14, 3)
BEFORE_PLAN: Final = (P.PROPOSED, P.APPRAISED, P.TOWNSHIP_REVIEWED, P.COUNTY_APPROVED, P.IN_LIBRARY)
BEFORE_LIBRARY: Final = (P.PROPOSED, P.APPRAISED, P.TOWNSHIP_REVIEWED, P.COUNTY_APPROVED)


def _due(today: datetime.date, deadline: datetime.date) -> str:
    """ "" when today is not a reminder day for ``deadline``; else how the reminder reads."""
    days = (deadline - today).days
    if days in REMIND_DAYS:
        return f"距 {deadline.month}月{deadline.day}日 还有 {days} 天"
    if days == -1:
        return f"已超过 {deadline.month}月{deadline.day}日 的时限"
    return ""


def _tell(county: AdminArea, capability: Capability, *, title: str, url: str) -> int:
    people = users_who_take(capability=capability, area_code=county.code, levels={AreaLevel.COUNTY})
    return len(notify(recipients=people, topic="projects", title=title, url=url, area_code=county.code))


def project_reminders(*, today: datetime.date) -> int:
    """NR-PRJ-10 per county: the projects still short of each deadline, counted."""
    told = 0
    listing = reverse("projects:project-list")
    checks = []
    for year in (today.year, today.year + 1):  # this year's: 31 March, and 31 December just missed on 1 January
        deadlines = rules.plan_deadlines(year)
        checks += [
            (deadlines["plan"], year, BEFORE_PLAN, "年度项目计划", "未列入年度实施计划"),
            (deadlines["library"], year, BEFORE_LIBRARY, "年度项目入库", "尚未入库"),
            (deadlines["implementation"], year, (P.IN_ANNUAL_PLAN,), "实施方案批复", "尚未批复"),
        ]
    for county in AdminArea.objects.active().of_level(AreaLevel.COUNTY):
        for deadline, year, statuses, what, short in checks:
            when = _due(today, deadline)
            if not when:
                continue
            open_count = Project.objects.in_county(county.code).filter(year=year, status__in=statuses).count()
            if open_count:
                told += _tell(
                    county, Capability.APPROVE_PROJECT,
                    title=f"{what}：{when}，{year} 年度还有 {open_count} 个项目{short}",
                    url=f"{listing}?year={year}",
                )  # fmt: skip
    return told


def payment_reminders(*, today: datetime.date) -> int:
    """NR-PRJ-09 per county: before and after each milestone, the county's payment share against the one due."""
    from funds import rules as fund_rules
    from funds.selectors import county_compliance

    told = 0
    for county in AdminArea.objects.active().of_level(AreaLevel.COUNTY):
        milestones = parameter("fund.payment_milestones", area_code=county.code, on=today)
        for month_day, pct in milestones:
            month, day = (int(part) for part in month_day.split("-"))
            deadline = datetime.date(today.year, month, day)
            when = _due(today, deadline)
            if not when:
                continue
            due = Decimal(str(pct))
            result = county_compliance(county, today.year, on=today, against_pct=due)
            if result.allocated <= 0 or fund_rules.payment_progress_ok(result.paid, result.allocated, due_pct=due):
                continue
            share = fund_rules.share_pct(result.paid, result.allocated)
            title = f"衔接资金支付进度：{when}，现为 {share}%，须达到 {due}%（{len(result.behind)} 个项目滞后）"
            url = f"{reverse('funds:overview')}?county={county.code}&year={today.year}"
            told += _tell(county, Capability.RECORD_FUNDS, title=title, url=url)
            told += _tell(county, Capability.APPROVE_PROJECT, title=title, url=url)
    return told
