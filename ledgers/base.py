"""The shape of a ledger (台账, SPEC §13.1): one definition per ledger — code, title, the scoped queryset with its
filters, and columns that each carry their Chinese header, width, kind and the value of their cell — so every ledger
is written the same way (``ledgers.writer`` over ``core.xlsx``, whose ``Column`` and ``Kind`` a ledger column
extends) and every new app adds its ledgers by adding definitions (``ledgers.catalogue``)."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django_stubs_ext import StrOrPromise

from accounts.models import User
from accounts.roles import Capability
from core.xlsx import Column, PageSetup
from geo.codes import AreaLevel, ancestor_code, level_of, prefix_of
from households.facts import facts_refresh_missing


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the ledger to (every field optional): a period, a township or village, a category."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    area: str = ""  # a township or village code inside the user's territory
    category: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "area": self.area,
            "category": self.category,
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Filters:
        def day(value: str) -> datetime.date | None:
            return datetime.date.fromisoformat(value) if value else None

        return cls(
            start=day(data.get("start", "")),
            end=day(data.get("end", "")),
            area=data.get("area", ""),
            category=data.get("category", ""),
        )


@dataclass(frozen=True)
class Context:
    """Who exports (decides the masking of ID numbers) and the labels of the choices, looked up once per export:
    ``get_FOO_display()`` per cell costs a lazy translation each time, a third of a large export's time."""

    user: User
    full_ids: bool
    today: datetime.date
    labels: dict[tuple[type, str], dict[Any, str]] = field(default_factory=dict)
    memo: dict[Any, Any] = field(default_factory=dict)

    def once(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()`` the first time ``key`` is asked for in this export, the kept value after: a lookup that
        is the same for many rows (a policy parameter) costs one query per export, not one per row."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def display(self, obj: Any, name: str) -> str:
        """The label of ``obj.<name>``'s choice, as ``get_<name>_display()`` gives it."""
        key = (type(obj), name)
        labels = self.labels.get(key)
        if labels is None:
            choices = obj._meta.get_field(name).flatchoices
            labels = self.labels[key] = {value: str(label) for value, label in choices}
        value = getattr(obj, name)
        return labels.get(value, "" if value is None else str(value))


@dataclass(frozen=True)
class LedgerColumn(Column):
    """One column of a ledger: the writer's header, width and kind, and ``value(obj, ctx)``, the cell of one row
    object. Header and value sit together, so a column cannot drift from its header the way two parallel lists
    (headers here, row values there, matched by position) did."""

    value: Callable[[Any, Context], Any] = field(kw_only=True)


@dataclass(frozen=True)
class LedgerDef:
    """One ledger of SPEC §13.1.

    ``queryset(user)`` starts from ``visible_to`` (the one jurisdiction filter); ``narrow`` applies the filters and
    sorts by ``area_path`` first (one sheet per township for a county export), then by ``order``; ``row(obj, ctx)``
    gives the cells, one per column."""

    code: str
    title: StrOrPromise  # shown in the reader's language; the file says ``form_title``
    basis: str
    capability: Capability
    columns: Sequence[LedgerColumn]
    queryset: Callable[[Any], QuerySet[Any]]
    area_path: str  # the 12-digit code of the row's place, as a lookup path ("household__managing_area__code")
    date_path: str  # the date the period filter reads
    categories: Sequence[tuple[str, Any]] = ()
    category_path: str = ""
    order: Sequence[str] = field(default_factory=tuple)
    # A stock ledger (subjects, projects, assets) frozen for a period holds everything up to the period's end; a
    # flow ledger (visits, measures, problems …) what happened within it.
    stock: bool = False
    # A data-exchange ledger in a fixed file layout (the national system's household roster, which the import
    # reads back): one sheet, the header on row 1, no title block, no totals.
    plain: bool = False
    # The rows read household facts (households.facts): a household without its facts row gets one before the
    # export reads (``heal``), on the primary, so that a fact is never shown as missing.
    reads_facts: bool = False
    # How the ledger prints (core.xlsx.PageSetup): by default what its columns' width fits (A4 across, A3 across
    # for the widest); a ledger declares its own when it knows better.
    page: PageSetup | None = None
    # The totals row counts the rows in ``unit`` ("合计 277 次"); with ``count_by`` (a column's header) it counts that
    # column's distinct values instead: a household with two monitoring episodes is one 户. The rows of one value
    # follow each other (the ledger sorts by that column within a place), so counting costs no memory.
    unit: str = "条"
    count_by: str = ""

    @property
    def form_title(self) -> str:
        """The title the province's form carries, in Chinese whatever language the exporting user reads: the file
        is the form, and its stored title and file name stay the form's."""
        with translation.override(settings.LANGUAGE_CODE):
            return str(self.title)

    def __post_init__(self) -> None:
        if self.count_by and self.count_by not in [c.header for c in self.columns]:
            raise ValueError(f"{self.code}: count_by {self.count_by!r} is not a column")

    @property
    def page_setup(self) -> PageSetup:
        return self.page or PageSetup.fitting(self.columns)

    def narrow(self, queryset: QuerySet[Any], filters: Filters) -> QuerySet[Any]:
        if filters.start:
            queryset = queryset.filter(**{f"{self.date_path}__gte": filters.start})
        if filters.end:
            queryset = queryset.filter(**{f"{self.date_path}__lte": filters.end})
        if filters.area:
            prefix = prefix_of(filters.area, level_of(filters.area))
            queryset = queryset.filter(**{f"{self.area_path}__startswith": prefix})
        if filters.category and self.category_path:
            queryset = queryset.filter(**{self.category_path: filters.category})
        return queryset.order_by(self.area_path, *self.order)

    def heal(self, prefix: str) -> None:
        """Before an export reads its rows: compute the facts its rows need and lack under ``prefix``."""
        if self.reads_facts:
            facts_refresh_missing(prefix)

    @functools.cached_property
    def _values(self) -> tuple[Callable[[Any, Context], Any], ...]:
        return tuple(column.value for column in self.columns)

    def row(self, obj: Any, ctx: Context) -> list[Any]:
        # Called once per row of exports of 100,000 rows: the value functions are looked up once per ledger.
        return [value(obj, ctx) for value in self._values]

    def rows(self, user: User, filters: Filters) -> QuerySet[Any]:
        return self.narrow(self.queryset(user), filters)


def township_code(area_code: str) -> str:
    """The township a 12-digit place code lies in (its first 9 digits)."""
    return ancestor_code(area_code, AreaLevel.TOWNSHIP)


def iterate(queryset: QuerySet[Any], chunk: int = 2000) -> Iterator[Any]:
    return queryset.iterator(chunk_size=chunk)
