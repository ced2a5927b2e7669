"""The posts' rules as plain functions, at their boundaries (SPEC §11.4, NR-POST-01)."""

import datetime
from decimal import Decimal

import pytest

from welfare_posts import rules
from welfare_posts.choices import PriorityBasis

AGES = (16, 59)  # employment.working_age, the default


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (datetime.date(2026, 5, 16), False),  # the day before the 16th birthday
        (datetime.date(2026, 5, 17), True),  # the 16th birthday
    ],
)
def test_a_holder_is_at_least_16(on, expected):
    assert rules.working_age(datetime.date(2010, 5, 17), on=on, age_range=AGES) is expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (datetime.date(2026, 5, 16), True),  # 59, the day before the 60th birthday
        (datetime.date(2026, 5, 17), False),  # the 60th birthday
    ],
)
def test_a_holder_is_at_most_59(on, expected):
    assert rules.working_age(datetime.date(1966, 5, 17), on=on, age_range=AGES) is expected


@pytest.mark.parametrize(
    ("capacity", "expected"),
    [("skilled", True), ("ordinary", True), ("weak_or_partial", True), ("lost", False), ("none_age", False)],
)
def test_only_a_person_able_to_work_takes_a_post(capacity, expected):
    assert rules.can_labour(capacity) is expected


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"zero_employment_household": True, "disabled": True}, PriorityBasis.ZERO_EMPLOYMENT),
        ({"disabled": True}, PriorityBasis.DISABLED),
        ({"in_three_groups": True, "employment_difficulty": True}, PriorityBasis.GROUP_DIFFICULTY),
        ({"in_three_groups": True}, PriorityBasis.NONE),  # of the three groups, but without difficulty
        ({"employment_difficulty": True}, PriorityBasis.NONE),  # difficulty, but not of the three groups
        ({}, PriorityBasis.NONE),
    ],
)
def test_priority_order(facts, expected):
    given = {"zero_employment_household": False, "disabled": False, "in_three_groups": False,
             "employment_difficulty": False, **facts}  # fmt: skip
    assert rules.priority_basis(**given) == expected


def test_a_waiver_is_needed_only_for_a_non_priority_hire_while_priority_people_wait():
    assert rules.needs_waiver(PriorityBasis.NONE, priority_waiting=1)
    assert not rules.needs_waiver(PriorityBasis.NONE, priority_waiting=0)
    assert not rules.needs_waiver(PriorityBasis.DISABLED, priority_waiting=3)


def test_positions_are_never_exceeded():
    assert rules.has_free_position(holders=1, positions=2)
    assert not rules.has_free_position(holders=2, positions=2)


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (datetime.date(2026, 2, 1), False),  # before the month of hire
        (datetime.date(2026, 3, 1), True),  # the first month (hired on the 20th)
        (datetime.date(2026, 5, 1), True),  # the last month (ended on the 10th)
        (datetime.date(2026, 6, 1), False),  # after the month of exit
    ],
)
def test_the_months_of_a_hire(month, expected):
    hired, ended = datetime.date(2026, 3, 20), datetime.date(2026, 5, 10)
    assert rules.month_in_hire(month, hired_on=hired, ended_on=ended) is expected


def test_a_payment_needs_a_month_attended_and_not_failed():
    assert rules.attended(days_worked=1, assessment="qualified")
    assert not rules.attended(days_worked=None, assessment=None)  # no attendance
    assert not rules.attended(days_worked=0, assessment="qualified")
    assert not rules.attended(days_worked=20, assessment="unqualified")


def test_a_payment_is_at_most_the_monthly_subsidy():
    assert rules.amount_within_subsidy(Decimal("800.00"), monthly_subsidy=Decimal("800.00"))
    assert not rules.amount_within_subsidy(Decimal("800.01"), monthly_subsidy=Decimal("800.00"))
    assert not rules.amount_within_subsidy(Decimal("0"), monthly_subsidy=Decimal("800.00"))
