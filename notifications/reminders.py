"""Deadline reminders sent by daily beat jobs of several apps (the project calendar, the payment milestones): a
county's people are told ``REMIND_DAYS`` before a deadline and the day after a missed one, once each."""

from __future__ import annotations

import datetime
from typing import Final

from accounts.roles import Capability
from geo.codes import AreaLevel
from geo.models import AdminArea
from notifications.selectors import users_who_take
from notifications.services import notify

REMIND_DAYS: Final = (14, 3)


def deadline_phrase(today: datetime.date, deadline: datetime.date) -> str:
    """ "" when today is not a reminder day for ``deadline``; else how the reminder reads."""
    days = (deadline - today).days
    if days in REMIND_DAYS:
        return f"距 {deadline.month}月{deadline.day}日 还有 {days} 天"
    if days == -1:
        return f"已超过 {deadline.month}月{deadline.day}日 的时限"
    return ""


def tell_county(county: AdminArea, capability: Capability, *, topic: str, title: str, url: str) -> int:
    """Notify the county-level people who take ``capability``; how many were told."""
    people = users_who_take(capability=capability, area_code=county.code, levels={AreaLevel.COUNTY})
    return len(notify(recipients=people, topic=topic, title=title, url=url, area_code=county.code))
