"""The payment milestones of NR-PRJ-09 (beat job, daily; 50/75/85/92 % by 30 June, 30 September, 31 October,
30 November, the parameter ``fund.payment_milestones``): a county whose payments lag the share due is told
``notifications.reminders.REMIND_DAYS`` before each milestone and the day after a missed one."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse

from accounts.roles import Capability
from core.percent import share_pct
from funds import rules
from funds.selectors import county_compliance
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.parameters import parameter
from notifications.reminders import deadline_phrase, tell_county


def payment_reminders(*, today: datetime.date) -> int:
    """NR-PRJ-09 per county: before and after each milestone, the county's payment share against the one due."""
    told = 0
    for county in AdminArea.objects.active().of_level(AreaLevel.COUNTY):
        milestones = parameter("fund.payment_milestones", area_code=county.code, on=today)
        for month_day, pct in milestones:
            month, day = (int(part) for part in month_day.split("-"))
            deadline = datetime.date(today.year, month, day)
            when = deadline_phrase(today, deadline)
            # Most days are no reminder day: skip before the county's books are read.
            if not when:
                continue
            due = Decimal(str(pct))
            # Held against this milestone, not the one in force today: before 30 June the county is warned about 50 %.
            result = county_compliance(county, today.year, on=today, against_pct=due)
            if result.allocated <= 0 or rules.payment_progress_ok(result.paid, result.allocated, due_pct=due):
                continue
            share = share_pct(result.paid, result.allocated)
            title = f"衔接资金支付进度：{when}，现为 {share}%，须达到 {due}%（{len(result.behind)} 个项目滞后）"
            url = f"{reverse('funds:overview')}?county={county.code}&year={today.year}"
            # Told to those who record the funds and to the county approvers, who chase the project units (SPEC §8.7).
            told += tell_county(county, Capability.RECORD_FUNDS, topic="projects", title=title, url=url)
            told += tell_county(county, Capability.APPROVE_PROJECT, topic="projects", title=title, url=url)
    return told
