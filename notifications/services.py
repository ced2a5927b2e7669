"""Writes of notifications. A notification is written in the transaction of the change it reports, so a rolled
back step leaves none; the e-mail copy goes out after commit (STYLE rule 7: no ``.delay()`` inside a transaction).

A batch that takes forty cases through one step must not fill one person's inbox with forty notifications: inside
``notifications_summarised`` the step services notify as they always do, and each recipient gets one notification
per topic for the whole batch."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.dispatch import send
from geo.codes import AreaLevel, ancestor_code
from notifications.models import Notification
from notifications.tasks import notification_email_task

# How many of the summarised notifications a summary's body lists, one line each.
SUMMARY_LINES: Final = 50


@dataclass(frozen=True)
class Held:
    """A notification a step of a batch asked for, held until the batch is done."""

    recipient: Any
    topic: str
    title: str
    url: str
    area_code: str
    body: str = ""


# One notification standing for several held ones of a topic: (topic, held) → its title, its link and a line for each
# of them (empty: their titles).
Summarise = Callable[[str, Sequence[Held]], tuple[str, str, list[str]]]

_held: ContextVar[list[Held] | None] = ContextVar("notifications_held", default=None)


def notify(
    *,
    recipients: Iterable[Any],
    topic: str,
    title: str,
    url: str,
    area_code: str,
    body: str = "",
    actor: User | None = None,
    key: str = "",
) -> list[Notification]:
    """Put one notification in each recipient's inbox; the actor is never told of their own step. Inside
    ``notifications_summarised`` the notifications are held for the batch's summary instead (and none is
    returned). With a ``key`` (a daily job's), a recipient who already has a notification of that key gets none:
    the job may run twice."""
    seen: set[int] = set()
    addressed = []
    for recipient in recipients:
        if recipient is None or recipient.pk in seen or (actor is not None and recipient.pk == actor.pk):
            continue
        seen.add(recipient.pk)
        addressed.append(recipient)
    held = _held.get()
    if held is not None and not key:
        held += [Held(recipient, topic, title, url, area_code, body) for recipient in addressed]
        return []
    if key:
        told = set(Notification.objects.filter(key=key, recipient__in=addressed).values_list("recipient", flat=True))
        addressed = [recipient for recipient in addressed if recipient.pk not in told]
    rows = [
        Notification(
            recipient=recipient, topic=topic, title=title[:200], body=body, url=url, area_code=area_code, key=key
        )
        for recipient in addressed
    ]
    # A concurrent run of the same job meets the unique constraint and writes nothing more (STYLE rule 7).
    created = Notification.objects.bulk_create(rows, ignore_conflicts=bool(key))
    if key:
        created = list(Notification.objects.filter(key=key, recipient__in=addressed, emailed_at__isnull=True))
    if settings.NOTIFICATION_EMAIL and created:
        ids = [notification.pk for notification in created]
        # A broker outage loses the e-mail copy (logged), never the in-app notification or the step itself.
        transaction.on_commit(lambda: send(notification_email_task, ids))
    return created


@contextmanager
def notifications_summarised(summarise: Summarise) -> Iterator[None]:
    """One notification per recipient and topic for a whole batch. Inside the block, what the steps notify is held;
    when the block ends without an error, each recipient gets the one notification held for them as it was, or, for
    several of a topic, one whose title, link and lines ``summarise`` gives (the body lists them). A block that
    raises writes none. Open it inside the batch's transaction, so the summaries commit or roll back with the batch."""
    held: list[Held] = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    by_recipient: dict[tuple[int, str], list[Held]] = defaultdict(list)
    for one in held:
        by_recipient[(one.recipient.pk, one.topic)].append(one)
    for (_pk, topic), several in by_recipient.items():
        first = several[0]
        if len(several) == 1:
            notify(
                recipients=[first.recipient], topic=topic, title=first.title, url=first.url,
                area_code=first.area_code, body=first.body,
            )  # fmt: skip
            continue
        # A notification is stored text read later by its recipient, whatever language the batch's actor reads: it
        # is written in the site's language, as the steps' own notifications are.
        with translation.override(settings.LANGUAGE_CODE):
            title, url, lines = summarise(topic, several)
            lines = (lines or [one.title for one in several])[:SUMMARY_LINES]
            if len(several) > SUMMARY_LINES:
                lines.append(_("……共 %(n)s 条") % {"n": len(several)})
        area_code = _common_area([one.area_code for one in several])
        notify(
            recipients=[first.recipient], topic=topic, title=title, url=url, area_code=area_code, body="\n".join(lines)
        )


def _common_area(codes: Sequence[str]) -> str:
    """The smallest area holding every code. Each code lies inside the recipient's one area (that is why they were
    told), so this area does too: the summary is in their inbox where its notifications would have been."""
    if len(set(codes)) == 1:
        return codes[0]
    for level in (AreaLevel.VILLAGE, AreaLevel.TOWNSHIP, AreaLevel.COUNTY, AreaLevel.CITY, AreaLevel.PROVINCE):
        ancestors = {ancestor_code(code, level) for code in codes}
        if len(ancestors) == 1:
            return ancestors.pop()
    return codes[0]


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
