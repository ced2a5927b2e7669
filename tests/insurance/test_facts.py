"""A simple claim's due date and overdue state: the claim's face and the list's face give one answer (STYLE §5.7),
on the Chinese calendar (001 L204: closed within 5 working days)."""

import datetime

import pytest

from geo.workdays import WorkdayCalendar
from insurance import facts, services
from insurance.models import InsuranceClaim

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_due_date_skips_weekends_and_holidays(world, today):
    today.set(D(2026, 10, 20))
    policy = world.policy(world.exited.head, product="accident_medical")
    # Filed on Wednesday 30 September 2026, before the National Day holiday (1–7 October; Saturday 10 October is a
    # make-up working day where the calendar says so): the five working days come after the holiday.
    claim = world.claim(policy, medical_cost=100, filed_on=D(2026, 9, 30), incident_on=D(2026, 9, 29))
    calendar = WorkdayCalendar()
    expected, day, counted = D(2026, 9, 30), D(2026, 9, 30), 0
    while counted < 5:
        day += datetime.timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
            expected = day
    assert facts.due_on(claim) == expected
    assert expected >= D(2026, 10, 12)  # never inside the holiday


def test_the_two_faces_agree_around_the_due_date(world, today):
    today.set(D(2026, 10, 30))
    policy = world.policy(world.exited.head, product="accident_medical")
    claims = [
        world.claim(
            policy, medical_cost=10, filed_on=D(2026, 9, 20) + datetime.timedelta(days=n), incident_on=D(2026, 9, 20)
        )
        for n in range(40)
    ]
    complex_claim = world.claim(policy, medical_cost=10, filed_on=D(2026, 9, 21), incident_on=D(2026, 9, 20),
                                simple=False)  # fmt: skip
    paid = services.claim_accept(actor=world.village_worker, claim=claims[0])
    services.claim_pay(actor=world.village_worker, claim=paid)
    calendar = WorkdayCalendar()
    for now in (D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 12), D(2026, 10, 16), D(2026, 10, 26), D(2026, 10, 30)):
        by_row = {c.pk for c in InsuranceClaim.objects.all() if facts.is_overdue(c, today=now, calendar=calendar)}
        by_set = set(
            InsuranceClaim.objects.filter(facts.overdue_q(today=now, days=5, calendar=calendar)).values_list(
                "pk", flat=True
            )
        )
        assert by_row == by_set, now
    assert complex_claim.pk not in by_set
    assert claims[0].pk not in by_set  # paid: settled
    assert claims[1].pk in by_set


def test_a_claim_is_overdue_the_day_after_its_due_date(world):
    policy = world.policy(world.exited.head, product="accident_medical")
    claim = world.claim(policy, medical_cost=100, filed_on=D(2026, 6, 1))  # a Monday; due Monday 8 June
    assert facts.due_on(claim) == D(2026, 6, 8)
    assert not facts.is_overdue(claim, today=D(2026, 6, 8))
    assert facts.is_overdue(claim, today=D(2026, 6, 9))
