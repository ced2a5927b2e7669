"""The payment milestones (NR-PRJ-09): the county is told 14 and 3 days before a milestone and the day after a
missed one, with its share against the one due."""

import datetime
from decimal import Decimal

import pytest

from funds import services as fund_services
from funds.reminders import payment_reminders
from funds.tasks import payment_reminders_task
from notifications.models import Notification
from tests.worlds.funds import allocate, batch

pytestmark = pytest.mark.django_db


def _titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def _paid_forty_percent(world):
    fund = batch(world, amount=Decimal("1000000.00"))
    allocation = allocate(world, fund, world.to_implementation(), amount="1000000.00")
    fund_services.disbursement_record(
        actor=world.finance, allocation=allocation, paid_on=datetime.date(2026, 6, 10), amount=Decimal("400000.00"),
        payee="施工单位", voucher_no="1",
    )  # fmt: skip


def test_payment_milestone_reminder_names_the_share(world):
    _paid_forty_percent(world)
    told = payment_reminders(today=datetime.date(2026, 6, 16))
    assert told == 2  # county finance and the county reviewer
    assert "距 6月30日 还有 14 天，现为 40.00%，须达到 50%（1 个项目滞后）" in _titles(world.finance)[0]
    assert payment_reminders(today=datetime.date(2026, 6, 17)) == 0


def test_the_daily_job_sends_them(world, today):
    _paid_forty_percent(world)
    today.set(datetime.date(2026, 6, 27))
    assert payment_reminders_task() == 2  # called as the worker would; beat sends it by name
    assert "距 6月30日 还有 3 天，现为 40.00%，须达到 50%" in _titles(world.finance)[0]


def test_the_job_is_scheduled_daily():
    from django_celery_beat.models import PeriodicTask

    job = PeriodicTask.objects.get(task="funds.tasks.payment_reminders_task")
    assert job.enabled
    assert job.crontab.hour == "8"
    assert PeriodicTask.objects.get(task="projects.tasks.project_reminders_task").name == "项目计划时限提醒"
