"""Reading PostgreSQL's plans in tests: a large registry's tables, the nodes of a plan, the partial indexes, and a
statement planned as it would be for a large registry (sequential scans priced out: the test's registry is small,
and the planner rightly scans a small table whole; a scan that remains has no index to use)."""

import json
import re
from collections.abc import Iterator
from typing import Any

from django.db import connection, transaction

# The tables that hold a row per household, member or event: a county has tens of thousands, a province millions.
# A read sent with its planner settings (core.planning): "SET LOCAL …; SET LOCAL …; SELECT …".
SETTINGS = re.compile(r"((?:SET LOCAL [^;]+; )*)(.*)", re.DOTALL)
LARGE = frozenset(
    {
        "households_household",
        "households_householdmember",
        "households_householdfacts",
        "households_incomerecord",
        "households_householdflag",
        "households_visit",
        "households_guaranteecheck",
        "households_rigidexpense",
        "households_assistancepairing",
        "monitoring_monitoringsubject",
        "monitoring_entryapplication",
        "sweeps_problem",
    }
)
SCANS = ("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan")


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def partial_indexes() -> set[str]:
    """Indexes with a WHERE clause (the open applications, the members who left): scanning one whole reads only
    the few rows it holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '%% WHERE %%'")
        return {row[0] for row in cursor.fetchall()}


def explain(sql: str, params: Any = None, *, by_key: bool = False) -> dict[str, Any]:
    """The plan of ``sql`` with sequential scans priced out; ``by_key`` prices out hash and merge joins too, so that
    each table is reached from the rows before it by an index where one can (a merge join walks a whole index in
    order, and whether the planner takes one over a test registry's few rows depends on the statistics the tests
    before left). A statement sent with its planner setting (``SET LOCAL …; SELECT …``, as the paged reads are) is
    planned with it; nothing it sets outlives the call."""
    setting, read = SETTINGS.fullmatch(sql).groups()  # type: ignore[union-attr]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if by_key:
            cursor.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
        if setting:
            cursor.execute(setting)  # the statement's own planner settings, ended with the savepoint
        cursor.execute(f"EXPLAIN (FORMAT JSON) {read}", params)
        document = cursor.fetchone()[0]
        transaction.set_rollback(True)
    plans = document if isinstance(document, list) else json.loads(document)
    return plans[0]["Plan"]
