"""Celery adapters of the linkage funds (STYLE rule 15)."""

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def payment_reminders_task() -> int:
    """Daily: the payment milestones (NR-PRJ-09)."""
    # Imported inside the task (STYLE rule 15): services import tasks at module level, so tasks import late.
    from funds.reminders import payment_reminders

    # localdate(), not the UTC date: before 08:00 in Asia/Shanghai UTC is still the day before.
    told = payment_reminders(today=timezone.localdate())
    logger.info("payment reminders: %d notifications", told)
    return told
