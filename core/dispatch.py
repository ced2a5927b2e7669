"""Background work that survives a broker outage (README "Security model", faults). Work a person starts (an export,
an import) is a row saved first and a task sent after the commit. With Redis down, sending used to hang for about 19 s
(the publish retries) and then answer 500, and the row stayed "queued" for ever. Now:

- ``send_after_commit`` sends once, without retries and with a short connect timeout; on success it stamps the row's
  ``sent_at``; on failure it leaves ``sent_at`` empty, logs, and the page says the work is queued and will start by
  itself (``UnsentWorkMiddleware``) — never a 500;
- ``resend_unsent``, run every minute by beat, sends each row still unsent, exactly once: a row is claimed by setting
  ``sent_at`` where it is still empty before it is sent, and released if the broker is still away.
"""

from __future__ import annotations

import contextvars
import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import models, transaction
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

QUEUED = gettext_noop("后台任务暂不可用，已排队，稍后自动开始")  # translated where it is shown
# What a broker outage raises when a task is sent: kombu's wrapper, or the socket's own error.
BROKER_DOWN = (OperationalError, ConnectionError, OSError, TimeoutError)
_unsent: contextvars.ContextVar[int] = contextvars.ContextVar("unsent_work", default=0)


def send(task: Any, *args: Any) -> bool:
    """Send ``task(*args)`` now, once: False (logged) when the broker cannot be reached."""
    try:
        task.apply_async(args=args, retry=False)
    except BROKER_DOWN:
        logger.warning("broker unavailable: %s%s left for the outbox", task.name, args, exc_info=True)
        return False
    return True


def attempt(dispatch: Callable[[], Any]) -> bool:
    """Run ``dispatch`` (which sends tasks its own way, a Celery group) and note it for the page if the broker is
    down; the caller's own resume job sends it later."""
    try:
        dispatch()
    except BROKER_DOWN:
        logger.warning("broker unavailable: dispatch left for its resume job", exc_info=True)
        _unsent.set(_unsent.get() + 1)
        return False
    return True


def send_after_commit(task: Any, row: models.Model) -> None:
    """After the transaction commits, send ``task(row.pk)`` and stamp ``row.sent_at``; if the broker is down, leave
    the row to ``resend_unsent`` and tell the page."""
    model, pk = type(row), row.pk

    def go() -> None:
        if send(task, pk):
            model._default_manager.filter(pk=pk).update(sent_at=timezone.now())
        else:
            _unsent.set(_unsent.get() + 1)

    transaction.on_commit(go)


def resend_unsent(
    model: type[models.Model], task: Any, *, pending: models.Q, older_than: datetime.timedelta, created: str
) -> int:
    """Send the rows matching ``pending`` that were never sent and are older than ``older_than`` (by ``created``),
    each exactly once. Returns how many were sent."""
    cutoff = timezone.now() - older_than
    candidates = model._default_manager.filter(pending, sent_at__isnull=True, **{f"{created}__lt": cutoff})
    sent = 0
    for pk in candidates.values_list("pk", flat=True):
        claimed = model._default_manager.filter(pk=pk, sent_at__isnull=True).update(sent_at=timezone.now())
        if not claimed:
            continue  # another beat run took it
        if send(task, pk):
            sent += 1
        else:
            model._default_manager.filter(pk=pk).update(sent_at=None)
            break  # the broker is still away: the next run tries again
    return sent


class UnsentWorkMiddleware:
    """Tells the person whose request left work unsent that it is queued and will start by itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _unsent.set(0)
        try:
            response = self.get_response(request)
            if _unsent.get() and hasattr(request, "_messages"):
                messages.warning(request, gettext(QUEUED))
            return response
        finally:
            _unsent.reset(token)
