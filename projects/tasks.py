"""Celery adapters of the project library (STYLE rule 15)."""

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def project_reminders_task() -> int:
    """Daily: the project calendar (NR-PRJ-10) and the payment milestones (NR-PRJ-09)."""
    from projects.services.reminders import payment_reminders, project_reminders

    today = timezone.localdate()
    told = project_reminders(today=today) + payment_reminders(today=today)
    logger.info("project and payment reminders: %d notifications", told)
    return told
