"""The calendar reminders (NR-PRJ-10, NR-PRJ-09): the county is told 14 and 3 days before a deadline and the day
after a missed one, with the count of what is still open; nothing on other days or when all is done."""

import datetime

import pytest

from notifications.models import Notification
from projects import services
from projects.services.reminders import project_reminders
from projects.tasks import project_reminders_task

pytestmark = pytest.mark.django_db


def _titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (datetime.date(2026, 11, 16), "距 11月30日 还有 14 天，2027 年度还有 1 个项目未列入年度实施计划"),
        (datetime.date(2026, 11, 27), "距 11月30日 还有 3 天"),
        (datetime.date(2026, 12, 1), "已超过 11月30日 的时限"),
        (datetime.date(2026, 12, 28), "距 12月31日 还有 3 天，2027 年度还有 1 个项目尚未入库"),
        (datetime.date(2027, 1, 1), "已超过 12月31日 的时限，2027 年度还有 1 个项目尚未入库"),
    ],
)
def test_next_years_plan_and_library_deadlines(world, on, expected):
    world.propose(year=2027, planned_start=datetime.date(2027, 4, 1), planned_end=datetime.date(2027, 9, 1))
    assert project_reminders(today=on) == 1
    (title,) = _titles(world.county_reviewer)
    assert expected in title


def test_no_reminder_between_the_reminder_days(world):
    world.propose(year=2027, planned_start=datetime.date(2027, 4, 1), planned_end=datetime.date(2027, 9, 1))
    assert project_reminders(today=datetime.date(2026, 11, 20)) == 0


def test_implementation_plans_by_thirty_one_march(world):
    project = world.to_library()
    services.project_plan(project=project, actor=world.county_reviewer)
    assert project_reminders(today=datetime.date(2026, 3, 28)) == 1
    assert "实施方案批复：距 3月31日 还有 3 天，2026 年度还有 1 个项目尚未批复" in _titles(world.county_reviewer)[0]


def test_the_task_sends_the_project_reminders(world, today):
    today.set(datetime.date(2026, 11, 16))
    world.propose(year=2027, planned_start=datetime.date(2027, 4, 1), planned_end=datetime.date(2027, 9, 1))
    assert project_reminders_task() == 1  # called as the worker would; beat sends it by name
