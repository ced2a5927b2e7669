"""Back in school (劝返复学, 004 L232; 001 L376), a member fact read from the member's history: both faces — the
Python one over a member's versions, the query one over members — say the same of children recorded leaving school
and coming back, leaving again, or exempt since."""

import datetime

import pytest

from households.choices import SchoolingStatus as S
from households.facts import ever_left_school_q, returned_to_school_at, returned_to_school_at_expression
from households.models import HouseholdMember
from tests.factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db
FIRST = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def _child(*statuses: str) -> HouseholdMember:
    """A child whose schooling status was each of ``statuses`` in turn, one version a month from 1 March 2026."""
    member = MemberFactory(
        household=HouseholdFactory(), birth_date=datetime.date(2015, 5, 1), schooling_status=statuses[0]
    )
    for status in statuses[1:]:
        member.schooling_status = status
        member.save()
    versions = HouseholdMember.history.filter(id=member.pk).order_by("history_id")  # type: ignore[attr-defined]
    for n, version in enumerate(versions):
        type(version).objects.filter(pk=version.pk).update(history_date=FIRST + datetime.timedelta(days=30 * n))
    return member


def _faces(
    member: HouseholdMember,
) -> tuple[tuple[datetime.datetime | None, bool], tuple[datetime.datetime | None, bool]]:
    history = [(v.history_date, v.schooling_status) for v in member.history.all()]  # type: ignore[attr-defined]
    python = (
        returned_to_school_at(member.schooling_status, history),
        any(s in (S.DROPOUT, S.LEFT_SCHOOL) for _t, s in history),
    )
    row = (
        HouseholdMember.objects.filter(pk=member.pk)
        .annotate(returned_at=returned_to_school_at_expression())
        .values_list("returned_at", flat=True)
        .get()
    )
    left = HouseholdMember.objects.filter(ever_left_school_q(), pk=member.pk).exists()
    return python, (row, left)


def _month(n: int) -> datetime.datetime:
    return FIRST + datetime.timedelta(days=30 * n)


@pytest.mark.parametrize(
    ("statuses", "returned", "left"),
    [
        ((S.PRIMARY, S.JUNIOR), None, False),  # never out of school
        ((S.DROPOUT, S.PRIMARY), _month(1), True),  # back a month later
        ((S.JUNIOR, S.DROPOUT, S.DROPOUT, S.JUNIOR), _month(3), True),  # back after the last version out
        ((S.DROPOUT, S.PRIMARY, S.DROPOUT), None, True),  # out again: not back
        ((S.DROPOUT, S.PRIMARY, S.LEFT_SCHOOL, S.HOME_TEACHING), _month(3), True),  # taught at home counts
        ((S.DROPOUT, S.EXEMPT_PHYSICAL), None, True),  # exempt for health reasons is no return
    ],
)
def test_back_in_school_after_the_last_record_out_of_it(statuses, returned, left):
    python, query = _faces(_child(*statuses))
    assert python == query == (returned, left)
