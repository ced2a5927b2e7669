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
from django.db.models import OuterRef, QuerySet
from django.db.models.expressions import Col
from django.db.models.lookups import In
from django.db.models.sql.where import AND, OR, WhereNode

from core.pagination import CappedPagination, CappedPaginator, planned_without
from households.models import Household

MAX_AREAS = 400  # a county's villages and groups; a province's list is the plain slice
MAX_DEPTH = 500  # rows before the page's end: the first 20 pages of 25


def by_number(queryset: QuerySet[Household]) -> bool | None:
    """True for number descending, False ascending, None when the list is ordered otherwise."""
    order = [str(field) for field in queryset.query.order_by]
    if order in (["household_no"], ["household_no", "pk"], ["household_no", "id"]):
        return False
    if order in (["-household_no"], ["-household_no", "pk"], ["-household_no", "id"]):
        return True
    return None


def page_by_area(queryset: QuerySet[Household], area_ids: list[int], bottom: int, top: int) -> list[Household] | None:
    """Rows ``bottom:top`` of ``queryset`` (already scoped to the territory of ``area_ids`` and filtered), read
    area by area; None when this way does not apply (the caller slices plainly)."""
    descending = by_number(queryset)
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
    order = "-household_no" if descending else "household_no"
    numbers = queryset.order_by(order).values("household_no")
    from geo.models import AdminArea

    def of_area(field: str) -> QuerySet[Household]:
        return _without_implied(numbers, field, area_ids).filter(**{field: OuterRef("pk")})[:top]

    areas = (
        AdminArea.objects.filter(pk__in=area_ids)
        .annotate(
            managed=ArraySubquery(of_area("managing_area_id")),
            co_managed=ArraySubquery(of_area("co_managing_area_id")),
        )
        .values("managed", "co_managed")
    )
    try:
        sql, params = areas.query.sql_with_params()
    except EmptyResultSet:  # a condition Django knows matches nothing (an empty list of ids)
        return []
    direction = "DESC" if descending else "ASC"
    # Each area's read is a few dozen households joined by key: planned without hash joins. Planned alone, an area's
    # read of a list narrowed by a fact (an overdue visit, last year's income missing) hashed its few households and
    # scanned every facts row against them, once per area: the read of a county's page of "income missing" took
    # 1.5 s at 60,000 households, 0.13 s by key.
    setting = planned_without(connection, "hash")
    with connection.cursor() as cursor:
        cursor.execute(
            # the ORM's own SQL (its values are parameters) and a constant direction
            f"{setting}SELECT DISTINCT number FROM ({sql}) AS areas, "  # noqa: S608
            "unnest(CAST(areas.managed AS varchar[]) || CAST(areas.co_managed AS varchar[])) AS number "
            f"ORDER BY number {direction} LIMIT %s OFFSET %s",
            [*params, top - bottom, bottom],
        )
        page = [row[0] for row in cursor.fetchall()]
    if not page:
        return []
    # The page's rows are read through the whole queryset, its territory's test included: the area reads only choose
    # which numbers; one that left out too much could shorten a page, never show a household outside the list.
    found = {household.household_no: household for household in queryset.filter(household_no__in=page)}
    return [found[number] for number in page if number in found]


def _without_implied(queryset: QuerySet[Any], field: str, area_ids: list[int]) -> QuerySet[Any]:
    """``queryset`` without the conditions that ``field = <one of area_ids>`` makes true: the territory's test
    (``managing_area_id IN (…) OR co_managing_area_id IN (…)``, from ``visible_to``). Repeated inside each area's
    read, it is what PostgreSQL plans by: it multiplies the two tests of the same column as if independent, expects
    a tenth of the area's households, and reads all of them through a bitmap to sort them, instead of walking the
    (area, number) index for the first 25 (a township of 12,000 households: 11 ms against 0.3 ms). Dropping a
    condition the area's own test implies changes no row."""
    trimmed = queryset.all()
    where, table = trimmed.query.where, trimmed.query.get_initial_alias()
    if where.connector == AND and not where.negated:
        where.children = [child for child in where.children if not _implied(child, table, field, set(area_ids))]
    return trimmed


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
    """The capped paginator whose pages are read area by area when they can be (``page_by_area``)."""

    def __init__(self, object_list: Any, per_page: int, *args: Any, areas: list[int] | None = None, **kwargs: Any):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.areas = areas

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = page_by_area(self.object_list, self.areas, bottom, top) if self.areas else None  # type: ignore[arg-type]
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
