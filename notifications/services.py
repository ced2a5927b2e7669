"""Writes of notifications. A notification is written in the transaction of the change it reports, so a rolled
back step leaves none; the e-mail copy goes out after commit (STYLE rule 7: no ``.delay()`` inside a transaction)."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.dispatch import send
from notifications.models import Notification
from notifications.tasks import notification_email_task


def notify(
    *,
    recipients: Iterable[Any],
    topic: str,
    title: str,
    url: str,
    area_code: str,
    body: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """Put one notification in each recipient's inbox; the actor is never told of their own step."""
    seen: set[int] = set()
    rows = []
    for recipient in recipients:
        if recipient is None or recipient.pk in seen or (actor is not None and recipient.pk == actor.pk):
            continue
        seen.add(recipient.pk)
        rows.append(
            Notification(recipient=recipient, topic=topic, title=title[:200], body=body, url=url, area_code=area_code)
        )
    created = Notification.objects.bulk_create(rows)
    if settings.NOTIFICATION_EMAIL and created:
        ids = [notification.pk for notification in created]
        # A broker outage loses the e-mail copy (logged), never the in-app notification or the step itself.
        transaction.on_commit(lambda: send(notification_email_task, ids))
    return created


def notification_read(*, notification: Notification, actor: User) -> Notification:
    """Mark one of the actor's notifications read (opening it does this)."""
    if notification.recipient_id == actor.pk and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return Notification.objects.visible_to(actor).unread().update(read_at=timezone.now())


def notifications_email(*, ids: list[int]) -> int:
    """Send the e-mail copy of these notifications to recipients with an address; each is sent once."""
    from django.core.mail import EmailMessage

    sent = 0
    pending = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).exclude(recipient__email="")
    for notification in pending.select_related("recipient"):
        link = f"{settings.SITE_URL.rstrip('/')}{notification.url}" if settings.SITE_URL else notification.url
        message = EmailMessage(
            subject=f"【防返贫监测】{notification.title}",
            body=f"{notification.body}\n\n{link}".strip(),
            to=[notification.recipient.email],
        )
        message.send(fail_silently=False)
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
