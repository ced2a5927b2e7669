"""Facts that cannot change while one request is answered are read once per request: an area's policy parameters
(``geo.parameters``) and the areas under a jurisdiction (``geo.querysets``). A middleware opens the scope
(``reading_once``), and so do jobs that work as one unit on one day (a sweep's township, the daily escalation);
outside it (services, tasks, the shell) every read is fresh."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

_ONCE: contextvars.ContextVar[dict[str, dict[Any, Any]] | None] = contextvars.ContextVar("read_once", default=None)


@contextlib.contextmanager
def reading_once() -> Iterator[None]:
    token = _ONCE.set({})
    try:
        yield
    finally:
        _ONCE.reset(token)


def memo(namespace: str) -> dict[Any, Any] | None:
    """The request's memo for ``namespace``, or None outside a request."""
    scope = _ONCE.get()
    if scope is None:
        return None
    return scope.setdefault(namespace, {})
