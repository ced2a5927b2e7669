"""The day and the settings every fact reads, and the few SQL spellings the query faces need on both databases."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection

from geo.codes import AreaLevel, ancestor_code
from geo.parameters import parameters


@dataclass(frozen=True)
class FactContext:
    """The day facts are computed for and every setting they read (SPEC §15.2), fetched once per county."""

    on: datetime.date
    line: Decimal | None  # this year's monitoring line (SPEC §3.4); None while no administrator has entered one
    exit_margin_pct: Decimal  # exit.income_margin_pct
    exit_inclusive: bool  # exit.margin_inclusive
    compulsory_age: tuple[int, int]  # school.compulsory_age
    elderly_age: int  # person.elderly_age
    sharp_drop_pct: Decimal  # income.sharp_drop_pct
    oop_ratio: Decimal  # income.large_medical_oop_ratio
    check_max_age_days: int  # exit.guarantee_check_max_age_days
    visit_intervals: Mapping[str, int] = field(default_factory=dict)  # visit.interval_days
    # employment.stable_months (6): "stably employed" is working at least this many months of the year [design, SPEC
    # §7.3 FC-WEAK-RELOC-01], as the employment records read it (``employment.rules.is_stably_employed``)
    stable_months: int = 6

    @classmethod
    def of(cls, area_code: str, *, on: datetime.date) -> FactContext:
        from core.errors import DomainError
        from households.selectors import threshold_for

        values = parameters(
            [
                "exit.income_margin_pct", "exit.margin_inclusive", "school.compulsory_age", "person.elderly_age",
                "income.sharp_drop_pct", "income.large_medical_oop_ratio", "exit.guarantee_check_max_age_days",
                "visit.interval_days", "employment.stable_months",
            ],
            area_code=area_code,
            on=on,
        )  # fmt: skip
        try:
            line: Decimal | None = threshold_for(area_code=area_code, year=on.year).amount
        except DomainError:
            line = None
        low, high = values["school.compulsory_age"]
        return cls(
            on=on,
            line=line,
            exit_margin_pct=Decimal(str(values["exit.income_margin_pct"])),
            exit_inclusive=bool(values["exit.margin_inclusive"]),
            compulsory_age=(int(low), int(high)),
            elderly_age=int(values["person.elderly_age"]),
            sharp_drop_pct=Decimal(str(values["income.sharp_drop_pct"])),
            oop_ratio=Decimal(str(values["income.large_medical_oop_ratio"])),
            check_max_age_days=int(values["exit.guarantee_check_max_age_days"]),
            visit_intervals={str(k): int(v) for k, v in dict(values["visit.interval_days"]).items()},
            stable_months=int(values["employment.stable_months"]),
        )

    @property
    def key(self) -> str:
        """A digest of the day and every setting: two refreshes with the same key computed the same facts from the
        same inputs."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:32]

    def years_ago(self, years: int) -> datetime.date:
        """The same day ``years`` years before; 29 February becomes 28 February in a common year."""
        try:
            return self.on.replace(year=self.on.year - years)
        except ValueError:
            return self.on.replace(year=self.on.year - years, day=28)


def context_for(area_code: str, *, on: datetime.date) -> FactContext:
    """Settings and the line are a county's (SPEC §15.2): every household of a county reads the same context,
    whether its facts are refreshed with its township or alone."""
    return FactContext.of(ancestor_code(area_code, AreaLevel.COUNTY), on=on)


# ------------------------------------------------------------------------------------------------------ SQL


@dataclass(frozen=True)
class Fragment:
    """SQL text and its parameters, in order."""

    sql: str
    params: tuple[Any, ...] = ()


def compiled(queryset: Any) -> Fragment:
    sql, params = queryset.query.sql_with_params()
    return Fragment(sql, tuple(params))


class Dialect:
    """The spellings that differ between PostgreSQL and SQLite (the embedded default of ``make run``). Numbers and
    dates of the context are written into the SQL as literals: they come from the settings, never from users."""

    def __init__(self) -> None:
        self.postgresql = connection.vendor == "postgresql"

    def date(self, day: datetime.date) -> str:
        return f"DATE '{day.isoformat()}'" if self.postgresql else f"'{day.isoformat()}'"

    def number(self, value: Decimal | int | None) -> str:
        if value is None:
            return self.null("NUMERIC")
        return f"CAST({value} AS NUMERIC)" if self.postgresql else str(value)

    def null(self, sql_type: str) -> str:
        """A NULL of a type: PostgreSQL cannot infer one for a column of a subquery."""
        return f"CAST(NULL AS {sql_type})" if self.postgresql else "NULL"

    def text(self, value: str) -> str:
        assert "'" not in value
        return f"'{value}'"

    def round2(self, expression: str) -> str:
        """ROUND_HALF_UP to the fen. SQLite computes in binary floating point: a nudge of 1e-9 away from zero
        rounds a half-fen the way ``Decimal`` does."""
        if self.postgresql:
            return f"ROUND(({expression}), 2)"
        return f"ROUND(({expression}) + (CASE WHEN ({expression}) < 0 THEN -1e-9 ELSE 1e-9 END), 2)"

    def plus_days(self, day: str, days: int) -> str:
        return f"(({day}) + {int(days)})" if self.postgresql else f"date({day}, '+{int(days)} days')"

    def greatest(self, a: str, b: str) -> str:
        """The larger of two non-null values."""
        return f"GREATEST({a}, {b})" if self.postgresql else f"max({a}, {b})"

    def least(self, *expressions: str) -> str:
        """The earliest of dates that may be NULL (NULLs ignored; NULL when all are). PostgreSQL's LEAST ignores
        NULLs; SQLite's min() does not, so they stand in as a day no date reaches."""
        if self.postgresql:
            return f"LEAST({', '.join(expressions)})"
        never = "'9999-12-31'"
        return f"NULLIF(min({', '.join(f'COALESCE({e}, {never})' for e in expressions)}), {never})"

    def fence(self) -> str:
        """Ends a subquery the planner must compute as written, once per row: without it a layer's expressions are
        copied into every expression of the next layer that names them."""
        return "OFFSET 0" if self.postgresql else "LIMIT -1 OFFSET 0"

    def true(self) -> str:
        return "TRUE"

    def false(self) -> str:
        return "FALSE"

    def to_text(self, expression: str) -> str:
        return f"CAST({expression} AS TEXT)"

    def differs(self, a: str, b: str) -> str:
        return f"({a} IS DISTINCT FROM {b})"
