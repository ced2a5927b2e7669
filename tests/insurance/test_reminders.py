"""The insurer's monthly report (SPEC §12: before the 10th): from the 8th a county without last month's report tells
its programme managers, once."""

import datetime
from decimal import Decimal

import pytest
from django_celery_beat.models import PeriodicTask

from insurance.models import InsurerMonthlyReport
from insurance.reminders import report_reminders
from insurance.tasks import report_reminders_task
from notifications.models import Notification

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_job_is_scheduled_daily():
    assert PeriodicTask.objects.filter(task="insurance.tasks.report_reminders_task").exists()


def test_no_reminder_before_the_8th(world):
    assert report_reminders(today=D(2026, 6, 7)) == 0


def test_the_county_reviewer_is_told_on_the_8th_once(world):
    told = report_reminders(today=D(2026, 6, 8))
    notes = Notification.objects.filter(recipient=world.county_reviewer)
    assert told >= 1
    assert notes.count() == 1
    assert "2026年5月" in notes.get().title
    assert "6月9日" in notes.get().title
    assert not Notification.objects.filter(recipient=world.township_cadre).exists()
    assert not Notification.objects.filter(recipient=world.reporting_officer).exists()
    # The next day's run tells no one again.
    report_reminders(today=D(2026, 6, 9))
    assert notes.count() == 1


def test_a_county_with_its_report_is_not_told(world, today):
    today.set(D(2026, 6, 8))
    InsurerMonthlyReport.objects.create(
        county=world.county, month=D(2026, 5, 1), insurer="人保财险", insured_people=1, premium_total=Decimal(70),
        claims_count=0, payout_total=Decimal(0), submitted_on=D(2026, 6, 5), created_by=world.county_reviewer,
    )  # fmt: skip
    report_reminders_task()
    assert not Notification.objects.filter(recipient=world.county_reviewer).exists()
    assert Notification.objects.filter(recipient=world.foreign_reviewer).count() == 1
