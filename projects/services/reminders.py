"""Calendar reminders of the project library (beat job, daily): the deadlines of NR-PRJ-10 (003 L1497–L1500: next
year's plan by 30 November, in the library by 31 December, implementation plans approved by 31 March). The county is
told ``notifications.reminders.REMIND_DAYS`` before a deadline and the day after a missed one, once each, with the
count of what is still open. The payment milestones are the funds' (``funds.reminders``)."""

from __future__ import annotations

import datetime
from typing import Final

from django.urls import reverse

from accounts.roles import Capability
from geo.codes import AreaLevel
from geo.models import AdminArea
from notifications.reminders import deadline_phrase, tell_county
from projects import rules
from projects.choices import ProjectStatus
from projects.models import Project

P = ProjectStatus
# Every project short of the annual plan counts for its deadline, those not yet in the library (P-5) too.
BEFORE_PLAN: Final = (P.PROPOSED, P.APPRAISED, P.TOWNSHIP_REVIEWED, P.COUNTY_APPROVED, P.IN_LIBRARY)
BEFORE_LIBRARY: Final = (P.PROPOSED, P.APPRAISED, P.TOWNSHIP_REVIEWED, P.COUNTY_APPROVED)


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
            when = deadline_phrase(today, deadline)
            # Counted only on reminder days: a few days a year per deadline, not every day for every county.
            if not when:
                continue
            open_count = Project.objects.in_county(county.code).filter(year=year, status__in=statuses).count()
            if open_count:
                # The county approvers are told: plan, entry and implementation are their steps (SPEC §8.3 P-5 … P-7).
                told += tell_county(
                    county, Capability.APPROVE_PROJECT, topic="projects",
                    title=f"{what}：{when}，{year} 年度还有 {open_count} 个项目{short}",
                    url=f"{listing}?year={year}",
                )  # fmt: skip
    return told
