import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def entry_notices_complete_task() -> int:
    """Daily: cases whose public notice ended without open objections move to the township queue."""
    from monitoring.services import notices_complete_due

    moved = notices_complete_due(today=timezone.localdate())
    logger.info("entry notices completed: %d", moved)
    return moved
