import logging
import smtplib

from celery import shared_task
from django.db import OperationalError

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError, smtplib.SMTPException, OSError), retry_backoff=True, max_retries=5)
def notification_email_task(ids: list[int]) -> int:
    """The e-mail copy of new notifications (only where ``EMAIL_URL`` is configured)."""
    from notifications.services import notifications_email

    sent = notifications_email(ids=ids)
    logger.info("notifications e-mailed: %d of %d", sent, len(ids))
    return sent
