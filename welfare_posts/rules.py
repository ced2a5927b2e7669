"""Policy rules of the public-welfare posts (SPEC §11.4). One typed function per decision; numbers arrive as
arguments (the holder's age range is the effective-dated setting ``employment.working_age``)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from employment.rules import is_working_age
from households.facts.members import CAN_WORK
from welfare_posts.choices import Assessment, PriorityBasis


def month_of(day: datetime.date) -> datetime.date:
    """The month a day falls in, as its first day (how attendance and payments name a month)."""
    return day.replace(day=1)


def working_age(birth_date: datetime.date, *, on: datetime.date, age_range: Sequence[int]) -> bool:
    """SPEC §11.4 (design): a holder is of working age (劳动年龄) on the day of hire, as employment defines it for the
    same people (``employment.working_age``, 16–59 by default, both ends included: SPEC §11.3) — one definition for
    the posts and the employment ledger. 16 is the legal minimum working age (《劳动法》第十五条)."""
    return is_working_age(birth_date, on, age_range)


def can_labour(labour_capacity: str) -> bool:
    """A post is work: only a person able to work is hired (skilled, ordinary, or weak/partial labour — a disabled
    person who can do light work is a priority holder), never one who has lost the capacity or has none by age."""
    return labour_capacity in CAN_WORK


def priority_basis(
    *, zero_employment_household: bool, disabled: bool, in_three_groups: bool, employment_difficulty: bool
) -> PriorityBasis:
    """Who is hired first (SPEC §11.4): members of zero-employment households and disabled people (003 L366), then
    people with employment difficulty among the 三类人员 — 脱贫人口, 农村低收入人口, 搬迁群众 (003 L660, L662)."""
    if zero_employment_household:
        return PriorityBasis.ZERO_EMPLOYMENT
    if disabled:
        return PriorityBasis.DISABLED
    if in_three_groups and employment_difficulty:
        return PriorityBasis.GROUP_DIFFICULTY
    return PriorityBasis.NONE


def needs_waiver(basis: str, *, priority_waiting: int) -> bool:
    """SPEC §11.4 priority (design of the hiring record): hiring a person who is not a priority person while
    ``priority_waiting`` priority people of the same village wait without a post needs a written reason, kept on the
    hire (未优先安置的理由), so the choice can be reviewed."""
    return basis == PriorityBasis.NONE and priority_waiting > 0


def has_free_position(*, holders: int, positions: int) -> bool:
    """以岗聘任 (SPEC §11.4): a post never has more holders than positions."""
    return holders < positions


def month_in_hire(month: datetime.date, *, hired_on: datetime.date, ended_on: datetime.date | None) -> bool:
    """在岗领补 (NR-POST-01): only the months of the hire count — from the month of ``hired_on`` to the month of
    ``ended_on`` (both partial months included)."""
    if month < month_of(hired_on):
        return False
    return ended_on is None or month <= month_of(ended_on)


def attended(*, days_worked: int | None, assessment: str | None) -> bool:
    """NR-POST-01 (003 L366, "在岗领补"): a subsidy payment needs the month's attendance — at least one day worked —
    and (design) a month assessed 不合格 earns no subsidy."""
    return bool(days_worked) and assessment != Assessment.UNQUALIFIED


def amount_within_subsidy(amount: Decimal, *, monthly_subsidy: Decimal) -> bool:
    """A month's payment is at most the post's monthly subsidy (SPEC §11.4 fields: monthly subsidy)."""
    return Decimal(0) < amount <= monthly_subsidy
