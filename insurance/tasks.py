"""Celery adapters of the insurance programme (STYLE rule 15)."""

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def report_reminders_task() -> int:
    """Daily: the insurer's monthly report missing from the 8th (SPEC §12)."""
    from insurance.reminders import report_reminders

    told = report_reminders(today=timezone.localdate())
    logger.info("insurance report reminders: %d notifications", told)
    return told
