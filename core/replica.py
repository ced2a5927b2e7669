"""A read replica for the heavy readers (ledgers, dashboards, reconciliation, sweep detection): with
``DATABASE_REPLICA_URL`` set, reads inside ``reading_replica()`` go to the ``replica`` alias. Writes always go to
the primary, and so does every read made inside a transaction on the primary: a workflow step reads what it is about
to change. Without a replica nothing changes."""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Iterator
from typing import Any, Final

from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)
REPLICA: Final = "replica"

_READING: contextvars.ContextVar[bool] = contextvars.ContextVar("reading_replica", default=False)


def has_replica() -> bool:
    return REPLICA in connections.settings


@contextlib.contextmanager
def reading_replica() -> Iterator[None]:
    """Reads inside go to the replica, when there is one."""
    token = _READING.set(True)
    try:
        yield
    finally:
        _READING.reset(token)


@contextlib.contextmanager
def reading_primary() -> Iterator[None]:
    """Reads inside go to the primary, even within ``reading_replica()``: a reader that writes and then reads what
    it wrote (a replica may not have it yet)."""
    token = _READING.set(False)
    try:
        yield
    finally:
        _READING.reset(token)


class ReplicaRouter:
    """``DATABASE_ROUTERS``: the replica for reads inside ``reading_replica()`` outside a primary transaction."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _READING.get() and has_replica() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, copied: a row read from the replica relates to one of the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return True  # a streaming replica copies the schema; its stand-ins in tests are migrated like the primary


def replica_caught_up(*, timeout: float = 10.0) -> bool:
    """Whether the replica has replayed everything the primary has committed so far (PostgreSQL streaming
    replication), waiting up to ``timeout`` seconds: a sweep reads the facts it has just refreshed. False without a
    replica, from a database that is not a standby, or when it lags behind: the caller reads the primary."""
    if not has_replica():
        return False
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        written = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    with connections[REPLICA].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn", [written])
            standby, replayed = cursor.fetchone()
            if not standby:
                return False
            if replayed:
                return True
            if time.monotonic() > deadline:
                logger.warning("replica lags behind %s: reading the primary", written)
                return False
            time.sleep(0.05)
