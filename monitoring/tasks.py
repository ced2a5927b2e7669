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


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def overdue_steps_escalate_task() -> int:
    """Daily: the level above hears, as one count, of the steps below it past their time limit (SPEC §4.14)."""
    from monitoring.services.escalation import overdue_steps_escalate

    told = overdue_steps_escalate(today=timezone.localdate())
    logger.info("overdue steps: %d notifications to the level above", told)
    return told
