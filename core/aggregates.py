"""Aggregates of a queryset as one row, without ``QuerySet.aggregate()``'s second pass over them."""

from typing import Any

from django.db.models import QuerySet, Value


def aggregate_rows(queryset: QuerySet[Any], aggregates: dict[str, Any]) -> QuerySet[Any]:
    """The select of ``aggregates`` alone over ``queryset``: one row (grouped by a constant, Django writes no GROUP
    BY), read as a ``values()`` of the aggregates' names. ``QuerySet.aggregate()`` resolves every aggregate again
    against the query and rewrites its references (``Query.get_aggregation``), and over aliases wraps the query in a
    subquery and rewrites every expression: a sixth of a home page's workflow counts' time; for its 25 sums of the
    territory's counts, 3.3 ms against 2.9 ms (alternated in one process, at 1,000,000 households). A few counts
    without aliases gain nothing measurable, and keep ``aggregate()``."""
    rows: QuerySet[Any] = queryset.order_by().annotate(one=Value(1)).values("one").annotate(**aggregates)
    return rows.values(*aggregates)


def aggregate_row(queryset: QuerySet[Any], **aggregates: Any) -> dict[str, Any]:
    """``queryset.aggregate(**aggregates)`` read as one row (``aggregate_rows``), the same values: a count of no rows
    is 0, a sum None. For a queryset neither sliced nor distinct, whose aggregate is over its rows as they are."""
    found = next(iter(aggregate_rows(queryset, aggregates)), None)
    # No row when Django knows the set empty without asking (a user with no territory): aggregate() answers that.
    return found if found is not None else queryset.none().aggregate(**aggregates)
