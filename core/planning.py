"""Reads whose plan PostgreSQL, left alone, misjudges at a province's scale, sent with a statement-long planner
setting: a list's capped count (``core.pagination``), its area reads (``households.paging``), the counts of a page
over a territory's households and their facts (``aggregate_by_key``)."""

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from core.aggregates import aggregate_rows


def planned_without(connection: Any, *methods: str) -> str:
    """The prefix that plans the statement it is sent with without some of the planner's methods (``"hashjoin"``,
    ``"mergejoin"``: the names of PostgreSQL's ``enable_…`` settings; a method priced out is still used where nothing
    else can answer). psycopg2 sends the settings and the statement as one string, run as one transaction, and
    returns the rows of the last: the settings end with the statement. Inside a transaction they would outlast it,
    so there (and off PostgreSQL) nothing is prefixed and the read is planned as any other."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return ""
    return "".join(f"SET LOCAL enable_{method} = off; " for method in methods)


def values_by_key(rows: QuerySet[Any]) -> list[dict[str, Any]]:
    """The rows of a ``values()`` queryset, planned to join by key (no hash or merge joins). For the reads of a
    territory's households narrowed by a fact of theirs (an overdue visit): planned alone, PostgreSQL hashed every
    overdue household of the province against the county's (a county of a 1,000,000 province: 160 ms a count,
    80 ms reading the county's households and each one's facts by key), or read every pairing of the province to
    keep those of the county's overdue households (1.1 s; 0.1 s from the households). The values are the driver's,
    without the fields' ``from_db_value`` conversions, under the names ``values()`` gives them."""
    connection = connections[rows.db]
    setting = planned_without(connection, "hashjoin", "mergejoin")
    if not setting:
        return list(rows)
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # Django knows it empty without asking (a user with no territory)
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"{setting}{sql}", params)  # the ORM's own SQL, its values parameters
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def aggregate_by_key(queryset: QuerySet[Any], **aggregates: Any) -> dict[str, Any]:
    """``queryset.aggregate(**aggregates)``, planned to join by key (``values_by_key``)."""
    found = values_by_key(aggregate_rows(queryset, aggregates))
    return found[0] if found else queryset.none().aggregate(**aggregates)
