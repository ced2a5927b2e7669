import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def entry_notices_complete_task() -> int:
    """Daily: entry cases whose public notice ended without open objections move to the township queue, and
    elimination cases whose village or township notice ended move to the next level."""
    from monitoring.services import elimination_notices_complete_due, notices_complete_due

    today = timezone.localdate()
    moved = notices_complete_due(today=today)
    moved_elimination = elimination_notices_complete_due(today=today)
    logger.info("notices completed: %d entry, %d elimination", moved, moved_elimination)
    return moved + moved_elimination
