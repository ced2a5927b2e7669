"""Celery adapters of the project library (STYLE rule 15)."""

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def project_reminders_task() -> int:
    """Daily: the project calendar (NR-PRJ-10). The payment milestones are ``funds.tasks.payment_reminders_task``."""
    # Imported inside the task (STYLE rule 15): services import tasks at module level, so tasks import late.
    from projects.services.reminders import project_reminders

    # localdate(), not the UTC date: before 08:00 in Asia/Shanghai UTC is still the day before.
    told = project_reminders(today=timezone.localdate())
    logger.info("project reminders: %d notifications", told)
    return told
