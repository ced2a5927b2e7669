"""``AnyOf``: "this column is one of these values" (ids, or codes and keys), with the values bound as ONE parameter.

``filter(household_id__in=ids)`` with a township's few thousand ids makes Django prepare each id (a call per value
per query), the driver quote each, and PostgreSQL parse an IN list of thousands of constants: about a tenth of a
second per township in a sweep, before any row is read. ``filter(AnyOf("household_id", ids))`` writes
``household_id = ANY(%s::bigint[])`` on PostgreSQL with the ids as one array literal (``'{1,2,3}'``, parsed by the
server in one call) and ``household_id IN (SELECT value FROM json_each(%s))`` on SQLite (the embedded default).
The planner treats ``= ANY(array)`` as it treats an IN list: the same index scans. An empty list matches nothing.
Text values are written as a quoted array literal (``'{"household:1","member:2"}'``), as ``array_in`` reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Lookup
from django.db.models.expressions import Expression


class AnyOf(Lookup):  # type: ignore[type-arg]
    """``AnyOf("household_id", ids)`` (or an expression for the column): the column is one of ``values``, integers
    for an integer or key column, text otherwise. Use it as a filter argument, in a ``Q``, or as a condition; it is
    not registered as a ``__any`` lookup."""

    lookup_name = "any_of"
    prepare_rhs = False

    def __init__(self, column: str | Expression, values: Iterable[int | str]) -> None:
        lhs = F(column) if isinstance(column, str) else column
        super().__init__(lhs, list(values))

    def _integers(self) -> bool:
        field = self.lhs.output_field
        return bool(field.is_relation) or field.get_internal_type() in _INTEGER_TYPES

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        if self._integers():
            ids = [int(v) for v in value]
            if connection.vendor != "postgresql":
                return "%s", [json.dumps(ids)]
            return "%s", ["{" + ",".join(map(str, ids)) + "}"]
        texts = [str(v) for v in value]
        if connection.vendor != "postgresql":
            return "%s", [json.dumps(texts)]
        return "%s", ["{" + ",".join(_quoted(text) for text in texts) + "}"]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        params = [*lhs_params, *rhs_params]
        if connection.vendor == "postgresql":  # a key's type is its target's; an auto key's, bigint or integer
            return f"{lhs} = ANY({rhs}::{self.lhs.output_field.db_type(connection)}[])", params
        return f"{lhs} IN (SELECT value FROM json_each({rhs}))", params  # noqa: S608 - compiled SQL, values bound


_INTEGER_TYPES = frozenset(
    {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
     "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField"}
)  # fmt: skip


def _quoted(text: str) -> str:
    """An element of a PostgreSQL array literal: in double quotes, its backslashes and double quotes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
