"""``AnyOf``: "this column is one of these values" (ids, or codes and keys), with the values bound as ONE parameter.

``filter(household_id__in=ids)`` with a township's few thousand ids makes Django prepare each id (a call per value
per query), the driver quote each, and PostgreSQL parse an IN list of thousands of constants: about a tenth of a
second per township in a sweep, before any row is read. ``filter(AnyOf("household_id", ids))`` writes
``household_id = ANY(%s::bigint[])`` on PostgreSQL with the ids as one array literal (``'{1,2,3}'``, parsed by the
server in one call) and ``household_id IN (SELECT value FROM json_each(%s))`` on SQLite (the embedded default).
The planner treats ``= ANY(array)`` as it treats an IN list: the same index scans. An empty list matches nothing;
``None`` among the values is left out, as ``__in`` leaves it out. Text values are written as a quoted array literal
(``'{"household:1","member:2"}'``, cast to ``text[]``: a longer value does not match rather than being cut).

Only integer and text columns (or keys to them) are taken. Unlike ``__in``, it is a plain condition: use it in
``filter()``; under ``exclude()`` or ``~`` a row whose column is NULL is dropped too, and a multi-valued relation is
not turned into a subquery.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Lookup
from django.db.models.expressions import Expression
from django.utils import timezone

_INTEGER_TYPES = frozenset(
    {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
     "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField"}
)  # fmt: skip
_TEXT_TYPES = frozenset({"CharField", "TextField", "SlugField", "EmailField"})


class AnyOf(Lookup):  # type: ignore[type-arg]
    """``AnyOf("household_id", ids)`` (or an expression for the column): the column is one of ``values``, integers
    for an integer column or a key to one, text for a text column or a key to one."""

    lookup_name = "any_of"
    prepare_rhs = False

    def __init__(self, column: str | Expression, values: Iterable[int | str | None]) -> None:
        lhs = F(column) if isinstance(column, str) else column
        super().__init__(lhs, [value for value in values if value is not None])

    def _kind(self) -> str:
        field = self.lhs.output_field
        if field.is_relation:  # a key holds its target's values: an id, or a code (to_field)
            field = field.target_field
        kind = field.get_internal_type()
        if kind in _INTEGER_TYPES:
            return "integer"
        if kind in _TEXT_TYPES:
            return "text"
        raise TypeError(f"AnyOf takes integer or text columns, not {kind}")

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        if self._kind() == "integer":
            ids = [int(v) for v in value]
            if connection.vendor != "postgresql":
                return "%s", [json.dumps(ids)]
            return "%s", ["{" + ",".join(map(str, ids)) + "}"]
        texts = [str(v) for v in value]
        if connection.vendor != "postgresql":
            return "%s", [json.dumps(texts, ensure_ascii=False)]
        return "%s", ["{" + ",".join(_quoted(text) for text in texts) + "}"]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        params = [*lhs_params, *rhs_params]
        if connection.vendor == "postgresql":  # an integer key's type is its target's: bigint or integer
            array = self.lhs.output_field.db_type(connection) if self._kind() == "integer" else "text"
            return f"{lhs} = ANY({rhs}::{array}[])", params
        return f"{lhs} IN (SELECT value FROM json_each({rhs}))", params  # noqa: S608 - compiled SQL, values bound


def _quoted(text: str) -> str:
    """An element of a PostgreSQL array literal: in double quotes, its backslashes and double quotes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class InTable(Lookup):  # type: ignore[type-arg]
    """``InTable("household_id", "facts_ids")``: the column is one of the ``id`` values of a table the statement
    itself names (a CTE), without making that set distinct first. ``household_id IN (SELECT id FROM facts_ids)``
    makes PostgreSQL unique-ify the CTE's rows (a hash over its thousands of ids, with a guess of 200 rows) at every
    input that reads it; ``household_id = ANY(ARRAY(SELECT id FROM facts_ids))`` reads the set once into an array
    and probes the column's index with it, as ``AnyOf`` does with bound values. SQLite keeps ``IN (SELECT …)``.
    ``table`` is a name written by the code, never user text."""

    lookup_name = "in_table"
    prepare_rhs = False

    def __init__(self, column: str | Expression, table: str) -> None:
        if not table.isidentifier():
            raise ValueError(f"InTable needs a plain table name, not {table!r}")
        lhs = F(column) if isinstance(column, str) else column
        super().__init__(lhs, table)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY(SELECT id FROM {self.rhs}))", list(params)  # noqa: S608 - an identifier
        return f"{lhs} IN (SELECT id FROM {self.rhs})", list(params)  # noqa: S608 - an identifier


def day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of a day in the local calendar: ``filter(at__gte=day_start(d))`` keeps what
    ``filter(at__date__gte=d)`` keeps, and an index on ``at`` serves it (``__date`` casts every row first)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
