import datetime

import pytest

from geo.models import CalendarOverride
from geo.workdays import WorkdayCalendar

pytestmark = pytest.mark.django_db
D = datetime.date


def test_national_day_week_and_its_make_up_saturday():
    calendar = WorkdayCalendar()
    assert not calendar.is_workday(D(2026, 10, 1))  # 国庆节
    assert calendar.workdays_between(D(2026, 9, 30), D(2026, 10, 8)) == 1  # only Oct 8 is a working day


def test_a_year_the_package_does_not_know_uses_the_override_table():
    assert WorkdayCalendar().is_workday(D(2027, 2, 8))  # a Monday, unknown year: weekdays count
    assert not WorkdayCalendar().known(D(2027, 2, 8))
    CalendarOverride.objects.create(day=D(2027, 2, 8), is_workday=False, note="春节")
    CalendarOverride.objects.create(day=D(2027, 2, 20), is_workday=True, note="春节调休上班")
    calendar = WorkdayCalendar()
    assert calendar.known(D(2027, 2, 8))
    assert not calendar.is_workday(D(2027, 2, 8))
    assert calendar.is_workday(D(2027, 2, 20))  # a Saturday that is worked


def test_workdays_between_counts_after_the_start_up_to_the_end():
    calendar = WorkdayCalendar()
    assert calendar.workdays_between(D(2026, 11, 20), D(2026, 11, 23)) == 1  # Fri → Mon
    assert calendar.workdays_between(D(2026, 11, 23), D(2026, 11, 23)) == 0


def test_the_override_table_is_read_once_and_forgotten_when_an_administrator_changes_it(
    django_assert_num_queries,
):
    """Every page that shows how long a step waited reads the calendar: the table comes from the cache, and a saved
    or deleted row is seen at once."""
    CalendarOverride.objects.create(day=D(2027, 2, 8), is_workday=False, note="春节")
    with django_assert_num_queries(1):
        assert not WorkdayCalendar().is_workday(D(2027, 2, 8))
    with django_assert_num_queries(0):
        assert not WorkdayCalendar().is_workday(D(2027, 2, 8))
    row = CalendarOverride.objects.create(day=D(2027, 2, 20), is_workday=True, note="春节调休上班")
    assert WorkdayCalendar().is_workday(D(2027, 2, 20))
    row.delete()
    assert not WorkdayCalendar().is_workday(D(2027, 2, 20))  # a Saturday again
