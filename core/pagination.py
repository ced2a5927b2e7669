"""Lists at a province's scale: a page is reached by index and its count is bounded. Counting every household of a
county or a province on each page costs more than the page itself; beyond ``LIST_COUNT_CAP`` rows a list says
"more than N" and asks for a narrower search instead of counting them all."""

from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.planning import planned_without


def _count_to(capped: QuerySet[Any]) -> int:
    """The rows of ``capped`` (a sliced queryset), counted without merge joins (``planned_without``). Bounded by its
    LIMIT, the count of a list narrowed by a fact was planned as a merge of the households and their facts in key
    order, expected to meet its 2,001 rows early: a county reviewer of a province's last county walked the 960,000
    households before them (1.1 s; 16 ms by the county's households). A list of a territory's households or their
    parts is counted area by area instead (``households.paging.count_by_area``)."""
    connection = connections[capped.db]
    setting = planned_without(connection, "mergejoin")
    if not setting:
        return int(capped.count())
    try:
        sql, params = capped.query.sql_with_params()
    except EmptyResultSet:  # Django knows it empty without asking (a user with no territory): what count() says
        return 0
    with connection.cursor() as cursor:
        # the ORM's own SQL, its values parameters
        cursor.execute(f"{setting}SELECT COUNT(*) FROM ({sql}) AS capped", params)  # noqa: S608
        (counted,) = cursor.fetchone()
    return int(counted)


class CappedPaginator(Paginator[Any]):
    """Counts at most ``LIST_COUNT_CAP`` + 1 rows (one bounded query); ``capped`` says there are more, and the
    pages stop at the cap."""

    @cached_property
    def count(self) -> int:
        cap = int(settings.LIST_COUNT_CAP)
        counted = self.count_to(cap)
        self._capped = counted > cap
        return min(counted, cap)

    def count_to(self, cap: int) -> int:
        """The rows of the list, counted up to ``cap`` + 1 (a subclass counts another way)."""
        object_list: Any = self.object_list
        if hasattr(object_list, "order_by"):
            return _count_to(object_list.order_by().values("pk")[: cap + 1])
        return len(object_list)

    @property
    def capped(self) -> bool:
        """More rows than the count shows."""
        return self.count >= 0 and self._capped


class KeysFirstPaginator(Paginator[Any]):
    """Reads a page's keys first, then its rows by key. A list sorted on a column no index serves (the problems by
    deadline) sorts every row of the territory for one page: whole rows with the tables they join (35,000 problems
    of a county, wide with their evidence, sorted on disk: 54 ms) where the keys alone sort in memory (16 ms) and the
    page's 30 rows are then read by their primary key."""

    def page(self, number: Any) -> Page[Any]:
        object_list: Any = self.object_list
        if (
            not isinstance(object_list, QuerySet)
            or object_list._iterable_class is not ModelIterable  # rows as values: no key to read them by
            or object_list.query.combinator  # a UNION cannot be narrowed by key
            or object_list.query.is_sliced
        ):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in object_list.filter(pk__in=keys)}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)  # type: ignore[attr-defined,no-any-return]


class CappedPagination(PageNumberPagination):
    """The API's page-number pagination with the bounded count: ``count`` stops at ``LIST_COUNT_CAP`` and
    ``count_capped`` says whether there are more."""

    django_paginator_class = CappedPaginator
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None
        paginator: Any = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_capped": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {"type": "boolean", "example": False}
        return response


def page_context(page: Page[Any]) -> dict[str, Any]:
    """What the shared pager (``households/_pagination.html``) reads of a page a function view paged itself."""
    return {"page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages()}
