"""A simple claim's due date and overdue state (SPEC §11.2: simple cases closed within 5 working days, 001 L204),
defined once with its two faces side by side (STYLE §5.7): ``due_on`` / ``is_overdue`` for one claim's page,
``overdue_q`` for lists and filters. tests/insurance/test_facts.py holds them together.

A claim is overdue when it is simple, still open (filed or accepted) and today is past its due date, the
``insurance.simple_claim_close_days``-th working day after it was filed. The limit is read for the county of the
first claim's household (a county may set its own); lists read it once."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q

from geo.codes import AreaLevel, ancestor_code
from geo.parameters import parameter
from geo.workdays import WorkdayCalendar
from insurance import rules
from insurance.choices import OPEN_CLAIM_STATUSES
from insurance.models import InsuranceClaim

CLOSE_DAYS = "insurance.simple_claim_close_days"


def close_days(area_code: str, *, on: datetime.date) -> int:
    # "" (a superuser without an area): the national default.
    county = ancestor_code(area_code, AreaLevel.COUNTY) if area_code else ""
    return int(parameter(CLOSE_DAYS, area_code=county, on=on))


def due_on(claim: InsuranceClaim, *, calendar: WorkdayCalendar | None = None) -> datetime.date | None:
    """The day a simple claim must be settled by; None for a complex one (no limit is set for those)."""
    if not claim.simple:
        return None
    area_code = claim.policy.member.household.managing_area.code
    days = close_days(area_code, on=claim.filed_on)
    return rules.simple_claim_due_on(claim.filed_on, days=days, calendar=calendar or WorkdayCalendar())


def is_overdue(claim: InsuranceClaim, *, today: datetime.date, calendar: WorkdayCalendar | None = None) -> bool:
    """The Python face: open, simple, and today past its due date."""
    if claim.status not in OPEN_CLAIM_STATUSES:
        return False
    due = due_on(claim, calendar=calendar)
    return due is not None and today > due


def filed_before_is_overdue(*, today: datetime.date, days: int, calendar: WorkdayCalendar) -> datetime.date:
    """The first filing day whose simple claim is not yet overdue today: ``due_on(f) < today`` holds exactly for the
    days ``f`` before it (the due date grows with the filing day): ``days`` working days lie after ``f`` up to
    yesterday exactly when ``f`` is before the ``days``-th working day counted back from yesterday."""
    if days <= 0:
        return today
    day, counted = today - datetime.timedelta(days=1), 0
    for _step in range(3660):  # ten years back: a calendar without working days has no overdue claim
        if calendar.is_workday(day):
            counted += 1
            if counted >= days:
                return day
        day -= datetime.timedelta(days=1)
    return day


def overdue_q(*, today: datetime.date, days: int, calendar: WorkdayCalendar | None = None) -> Q:
    """The query face of ``is_overdue`` over ``InsuranceClaim`` for one limit ``days``."""
    cutoff = filed_before_is_overdue(today=today, days=days, calendar=calendar or WorkdayCalendar())
    return Q(simple=True, status__in=sorted(OPEN_CLAIM_STATUSES), filed_on__lt=cutoff)


def overdue_claims(claims: Any, *, today: datetime.date, area_code: str) -> Any:
    """``claims`` narrowed to the overdue ones, with the limit of ``area_code``'s county."""
    return claims.filter(overdue_q(today=today, days=close_days(area_code, on=today)))
