"""The insurer's monthly report (SPEC §12, 001 L206: last month's underwriting and payouts reported before the 10th of
each month). A daily beat job tells each county's programme managers (the county reviewers) when last month's report
is missing.

Decided (design): the reminder goes out from the 8th (``insurance.report_remind_day``), two days before the report
is late on the 10th (``insurance.report_due_day``), so the county can still chase the insurer; a county is told once
per month (``Notification.key``), and a job that did not run on the 8th catches up on a later day of the month."""

from __future__ import annotations

import datetime

from django.urls import reverse

from accounts.roles import Capability
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.parameters import parameter
from insurance import rules
from insurance.models import InsurerMonthlyReport
from notifications.selectors import users_who_take
from notifications.services import notify


def last_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def report_reminders(*, today: datetime.date) -> int:
    """Per county without last month's report on or after the reminder day: one notification per manager."""
    month = last_month(today)
    reported = set(InsurerMonthlyReport.objects.filter(month=month).values_list("county_id", flat=True))
    told = 0
    for county in AdminArea.objects.active().of_level(AreaLevel.COUNTY):
        if county.pk in reported:
            continue
        remind_day = int(parameter("insurance.report_remind_day", area_code=county.code, on=today))
        due_day = int(parameter("insurance.report_due_day", area_code=county.code, on=today))
        if today.day < remind_day:
            continue
        due = rules.report_month_due(month, due_day=due_day)
        title = f"承保机构 {month.year}年{month.month}月 保险月报尚未报送（应于 {due.month}月{due.day}日 前报送）"
        people = users_who_take(
            capability=Capability.MANAGE_PROGRAMMES, area_code=county.code, levels={AreaLevel.COUNTY}
        )
        told += len(
            notify(
                recipients=people,
                topic="insurance",
                title=title,
                url=reverse("insurance:report-list"),
                area_code=county.code,
                key=f"insurance-report:{county.code}:{month:%Y-%m}",
            )
        )
    return told
