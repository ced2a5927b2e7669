import logging

from celery import shared_task
from django.db import OperationalError

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sessions_cleanup_task() -> str:
    from accounts.services import sessions_clear_expired

    sessions_clear_expired()
    logger.info("expired sessions cleared")
    return "ok"
