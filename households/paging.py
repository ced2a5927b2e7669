"""A household list's page by index at any size (the household list at a county of 60,000 and a province of 1,000,000;
docs/adr/0001-household-facts.md).

The list is ordered by household number, and household numbers begin with their village's code: the households of
one township sit together in the number index, after those of every area that sorts before it. Walking that index
from its start to find a late township's first 25 households crosses a province's other households first (0.1 s
at 120,000 households, about 1 s at 1,000,000), and the planner cannot know it. So the page is read area by area:
each area of the territory gives its first households by number from the (area, number) index — a township's dozen
villages or a county's hundred-odd areas, a few rows each — and the page is the first of those, in the database's
order. Co-managed households come the same way by their co-managing area.

Used when the territory is a short list of areas (``JurisdictionQuerySet.territory_ids``), the order is by number
and the page is among the first ``MAX_DEPTH`` rows; otherwise the page is the plain slice. PostgreSQL only (the
arrays); SQLite reads the plain slice.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page
from django.db import connection
from django.db.models import CharField, OuterRef, QuerySet, Value
from django.db.models.expressions import Col
from django.db.models.functions import Cast, Concat
from django.db.models.lookups import In
from django.db.models.sql import Query
from django.db.models.sql.datastructures import Join
from django.db.models.sql.where import AND, OR, WhereNode

from core.pagination import CappedPagination, CappedPaginator
from core.planning import planned_without
from households.models import Household

MAX_AREAS = 400  # a county's villages and groups; a province's list is the plain slice
MAX_DEPTH = 500  # rows before the page's end: the first 20 pages of 25


# Between a household's number and a member's key in the area reads of a list of members ("number<SEP>pk"): a
# character no household number holds.
SEP = "\x1f"


def by_number(queryset: QuerySet[Any], household: str = "") -> bool | None:
    """True for number descending, False ascending, None when the list is ordered otherwise. ``household`` is the
    path from a row to its household ("" for households, "household" for their members, whose order must then end
    with their key: several members share a number)."""
    order = [str(field) for field in queryset.query.order_by]
    number = f"{household}__household_no" if household else "household_no"
    keys = (["pk"], ["id"]) if household else ([], ["pk"], ["id"])
    for descending, sign in ((False, ""), (True, "-")):
        tie = sign if household else ""  # a member's key runs the way the numbers do
        if any(order == [f"{sign}{number}", *[f"{tie}{key}" for key in rest]] for rest in keys):
            return descending
    return None


def page_by_area(
    queryset: QuerySet[Any], area_ids: list[int], bottom: int, top: int, *, household: str = ""
) -> list[Any] | None:
    """Rows ``bottom:top`` of ``queryset`` (already scoped to the territory of ``area_ids`` and filtered), read
    area by area; None when this way does not apply (the caller slices plainly). ``household`` is the path from a
    row to its household: "" for a list of households, "household" for a list of their members (the employment
    roster), ordered by their household's number and then their own key."""
    descending = by_number(queryset, household)
    if (
        connection.vendor != "postgresql"
        or descending is None
        or not area_ids
        or len(area_ids) > MAX_AREAS
        or top > MAX_DEPTH
        or queryset.query.is_sliced
    ):
        return None
    if queryset.query.is_empty():
        return []
    path = f"{household}__" if household else ""
    sign = "-" if descending else ""
    if household:  # a member's key, "number<SEP>pk": its household's number and its own key, in the list's order
        key = Concat(f"{path}household_no", Value(SEP), Cast("pk", CharField()), output_field=CharField())
        numbers = queryset.order_by(f"{sign}{path}household_no", f"{sign}pk").annotate(paging_key=key)
        numbers = numbers.values("paging_key")
    else:
        numbers = queryset.order_by(f"{sign}household_no").values("household_no")
    arrays = _area_arrays(numbers, area_ids, top, household=household)
    if arrays is None:
        return []
    sql, params = arrays
    direction = "DESC" if descending else "ASC"
    # Each area's read is a few dozen households joined by key: planned without hash joins. Planned alone, an area's
    # read of a list narrowed by a fact (an overdue visit, last year's income missing) hashed its few households and
    # scanned every facts row against them, once per area: the read of a county's page of "income missing" took
    # 1.5 s at 60,000 households, 0.13 s by key.
    setting = planned_without(connection, "hashjoin")
    # the ORM's own SQL (its values are parameters) and a constant direction
    keys = (
        f"SELECT DISTINCT number FROM ({sql}) AS areas, "  # noqa: S608
        "unnest(CAST(areas.managed AS varchar[]) || CAST(areas.co_managed AS varchar[])) AS number"
    )
    if household:
        # the members' keys in the list's order: their household's number, then their own key as a number
        order = f"split_part(number, %s, 1) {direction}, CAST(split_part(number, %s, 2) AS bigint) {direction}"
        statement = f"{setting}SELECT number FROM ({keys}) AS keys ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608
        arguments = [*params, SEP, SEP, top - bottom, bottom]
    else:
        statement = f"{setting}{keys} ORDER BY number {direction} LIMIT %s OFFSET %s"
        arguments = [*params, top - bottom, bottom]
    with connection.cursor() as cursor:
        cursor.execute(statement, arguments)
        page = [row[0] for row in cursor.fetchall()]
    if not page:
        return []
    # The page's rows are read through the whole queryset, its territory's test included: the area reads only choose
    # which rows; one that left out too much could shorten a page, never show a row outside the list.
    if household:
        ids = [int(number.rpartition(SEP)[2]) for number in page]
        rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]
    found = {row.household_no: row for row in queryset.filter(household_no__in=page)}
    return [found[number] for number in page if number in found]


def count_by_area(queryset: QuerySet[Any], area_ids: list[int], cap: int, *, household: str = "") -> int | None:
    """The rows of ``queryset`` (scoped to the territory of ``area_ids`` and filtered), counted up to ``cap`` + 1 area
    by area; None when this way does not apply (the caller counts plainly). Each area gives its rows from its own
    index, in the order of the territory's areas, and the count stops at ``cap`` + 1: a county's first few villages.
    Counted plainly under its LIMIT, PostgreSQL expects a county's 2,001 households early in whichever order it reads
    the table, scans it from its first block (or walks its key) and, for the last county of a province, reads the
    960,000 households before the county's first (230 ms; by area, 1 ms). A household the territory both manages and
    co-manages is counted once, under the area that manages it.

    Every territory read as a list of areas is counted this way, whatever its size: its work is bounded by the cap,
    where a plain count's depends on where the territory's rows lie in the table. That costs a few milliseconds
    where the plain count was lucky or whole: the last township of a 1,000,000 province, which PostgreSQL counted
    from its area index (3 ms; 8 ms by area), and a county that is the whole registry, whose every row counts
    (4 ms; 12 ms). The same township in a registry of one county was counted by a scan of its first 20,000
    households (10 ms), as a township of a registry of a few counties would be by a longer one."""
    if connection.vendor != "postgresql" or not area_ids or queryset.query.is_sliced:
        return None
    if queryset.query.is_empty():
        return 0
    arrays = _area_arrays(queryset.order_by().values("pk"), area_ids, cap + 1, household=household, once=True)
    if arrays is None:
        return 0
    sql, params = arrays
    # Each area's read is planned by key, as the page's are (``page_by_area``). The areas' arrays are made one area
    # at a time as the count asks for rows: it stops at the area that reaches the cap. An array Django knows empty
    # is written as a NULL without a type: cast, as the page's are.
    setting = planned_without(connection, "hashjoin")
    statement = (
        f"{setting}SELECT COUNT(*) FROM (SELECT 1 FROM ({sql}) AS areas, "  # noqa: S608 the ORM's own SQL
        "unnest(CAST(areas.managed AS bigint[]) || CAST(areas.co_managed AS bigint[])) LIMIT %s) AS capped"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, cap + 1])
        (counted,) = cursor.fetchone()
    return int(counted)


def _area_arrays(
    rows: QuerySet[Any], area_ids: list[int], limit: int, *, household: str, once: bool = False
) -> tuple[str, tuple[Any, ...]] | None:
    """The SQL and parameters of the territory's areas in the order of their keys, each with the first ``limit`` of
    ``rows`` (a ``values()`` of one column, in its order) that it manages (``managed``) and that it co-manages
    (``co_managed``), each read from the area's own index; None when Django knows it matches nothing (an empty list
    of ids). With ``once``, a household managed inside the territory is left out of its co-managing area's array, so
    that no household is in two. ``household`` is the path from a row to its household. The page and the count of a
    list read the same arrays (``page_by_area``, ``count_by_area``)."""
    from geo.models import AdminArea

    path = f"{household}__" if household else ""
    managed = _without_implied(rows, "managing_area_id", area_ids, household)
    co_managed = _without_implied(rows, "co_managing_area_id", area_ids, household)
    if once:
        co_managed = co_managed.exclude(**{f"{path}managing_area_id__in": area_ids})
    areas = (
        AdminArea.objects.filter(pk__in=area_ids)
        .order_by("pk")
        .annotate(
            managed=ArraySubquery(managed.filter(**{f"{path}managing_area_id": OuterRef("pk")})[:limit]),
            co_managed=ArraySubquery(co_managed.filter(**{f"{path}co_managing_area_id": OuterRef("pk")})[:limit]),
        )
        .values("managed", "co_managed")
    )
    try:
        return areas.query.sql_with_params()
    except EmptyResultSet:
        return None


def _without_implied(queryset: QuerySet[Any], field: str, area_ids: list[int], household: str = "") -> QuerySet[Any]:
    """``queryset`` without the conditions that ``field = <one of area_ids>`` makes true: the territory's test
    (``managing_area_id IN (…) OR co_managing_area_id IN (…)``, from ``visible_to``). Repeated inside each area's
    read, it is what PostgreSQL plans by: it multiplies the two tests of the same column as if independent, expects
    a tenth of the area's households, and reads all of them through a bitmap to sort them, instead of walking the
    (area, number) index for the first 25 (a township of 12,000 households: 11 ms against 0.3 ms). Dropping a
    condition the area's own test implies changes no row. ``household`` is the path from a row to its household
    (``page_by_area``): the conditions left out are those on that household's own columns."""
    trimmed = queryset.all()
    where, table = trimmed.query.where, _household_alias(trimmed.query, household)
    if table is not None and where.connector == AND and not where.negated:
        where.children = [child for child in where.children if not _implied(child, table, field, set(area_ids))]
    return trimmed


def _household_alias(query: Query, household: str) -> str | None:
    """The alias of the rows' household in ``query``: the query's own table for households, the table joined by
    ``household`` for their parts (the join ``visible_to`` made, which the area's test reuses); None when there is
    no one such join."""
    initial = query.get_initial_alias()
    if not household:
        return initial
    joined = [
        alias
        for alias, join in query.alias_map.items()
        if isinstance(join, Join)
        and join.parent_alias == initial
        and join.table_name == Household._meta.db_table
        and getattr(join.join_field, "name", None) == household
    ]
    return joined[0] if len(joined) == 1 else None


def _implied(node: Any, table: str, field: str, area_ids: set[int]) -> bool:
    """Whether ``field = x`` of the household (``table``, the query's own alias) makes ``node`` true for every x of
    ``area_ids``: ``field IN`` a list holding them all, or a disjunction with such a test among its terms. A column
    of the same name in a joined table (the facts' copy of the area) is another column."""
    if isinstance(node, WhereNode):
        terms = node.children
        return node.connector == OR and not node.negated and any(_implied(t, table, field, area_ids) for t in terms)
    return (
        isinstance(node, In)
        and isinstance(node.lhs, Col)
        and node.lhs.alias == table
        and node.lhs.target.attname == field
        and isinstance(node.rhs, (list, tuple, set, frozenset))
        and area_ids <= set(node.rhs)
    )


class HouseholdPaginator(CappedPaginator):
    """The capped paginator whose pages are read area by area when they can be (``page_by_area``): of households,
    or of their parts (``household="household"``: their members, their pairings); its count too
    (``count_by_area``)."""

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *args: Any,
        areas: list[int] | None = None,
        household: str = "",
        **kwargs: Any,
    ):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.areas = areas
        self.household = household

    def count_to(self, cap: int) -> int:
        rows = self.object_list
        if self.areas and isinstance(rows, QuerySet):
            counted = count_by_area(rows, self.areas, cap, household=self.household)
            if counted is not None:
                return counted
        return super().count_to(cap)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = (
            page_by_area(self.object_list, self.areas, bottom, top, household=self.household)  # type: ignore[arg-type]
            if self.areas
            else None
        )
        return self._get_page(  # type: ignore[attr-defined]
            self.object_list[bottom:top] if rows is None else rows, number, self
        )


class HouseholdPagination(CappedPagination):
    """The API's households pagination: the capped count, pages read area by area."""

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        # a search (by name, number or ID number) narrows the list: the plain slice reads it by the search's indexes
        searching = any(request.query_params.get(name) for name in ("search", "household_no", "id_number"))
        areas = None if searching else Household.objects.territory_ids(request.user)
        self.django_paginator_class = partial(HouseholdPaginator, areas=areas)  # type: ignore[assignment]
        return super().paginate_queryset(queryset, request, view)
