"""The column kinds every ledger is made of (SPEC §13.1): the place columns each ledger starts with, attributes,
choice labels, masked ID numbers, yes/no marks and sums. A ledger module declares its columns with these, so that a
header and the value under it are written on one line."""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, Final

from django.utils import timezone

from core.xlsx import Kind
from households.masking import mask_id_number
from ledgers.base import Context, LedgerColumn

C = LedgerColumn
K = Kind
ZERO: Final = Decimal(0)
YES_NO: Final = {True: "是", False: "否"}


def attr(header: str, width: int, path: str, kind: Kind = Kind.TEXT) -> LedgerColumn:
    """The value at ``path`` ("household.household_no") of the row object."""
    get = operator.attrgetter(path)
    return C(header, width, kind, value=lambda obj, ctx: get(obj))


def shown(header: str, width: int, name: str, of: Callable[[Any], Any] | None = None) -> LedgerColumn:
    """The label of a choice field ``name`` of the row object, or of ``of(row)``."""
    if of is None:
        return C(header, width, value=lambda obj, ctx: ctx.display(obj, name))
    return C(header, width, value=lambda obj, ctx: ctx.display(of(obj), name))


def masked_id(number: str, ctx: Context) -> str:
    """An ID number whole for a role that may see it (the exporting user's ``full_ids``), masked otherwise."""
    return number if ctx.full_ids else mask_id_number(number)


def id_number(header: str, of: Callable[[Any], str | None]) -> LedgerColumn:
    """A citizen ID number (``of(row)``, or none), masked unless the role may see it."""

    def value(obj: Any, ctx: Context) -> str:
        number = of(obj)
        return masked_id(number, ctx) if number else ""

    return C(header, 20, K.ID, value=value)


def labels(values: Iterable[str], choices: Any) -> str:
    """Several choices (a list field) as their labels joined by 、."""
    names = dict(choices)
    return "、".join(str(names.get(v, v)) for v in values)


def total(items: Iterable[Any], amount: Callable[[Any], Decimal] = operator.attrgetter("amount")) -> Decimal:
    """A sum of yuan in Decimal over prefetched rows, never SQL SUM (SQLite's is a float)."""
    return sum((amount(item) for item in items), ZERO)


def reached(obj: Any, state: str) -> datetime.date | None:
    """The day a workflow case first reached ``state``, from its prefetched events (oldest first)."""
    for event in obj.events.all():
        if event.to_state == state:
            return timezone.localdate(event.at)
    return None


def place(area_of: Callable[[Any], Any]) -> tuple[LedgerColumn, ...]:
    """乡镇, 村 and 区划代码 of the row's place ``area_of(row)``: a village, or a township with no village."""

    def township(obj: Any, ctx: Context) -> str:
        area = area_of(obj)
        if area is None:
            return ""
        if area.level == "village":
            return area.parent.name if area.parent else ""
        return str(area.name)

    def village(obj: Any, ctx: Context) -> str:
        area = area_of(obj)
        return str(area.name) if area is not None and area.level == "village" else ""

    def code(obj: Any, ctx: Context) -> str:
        area = area_of(obj)
        return str(area.code) if area is not None else ""

    return C("乡镇", 12, value=township), C("村", 12, value=village), C("区划代码", 14, K.ID, value=code)
