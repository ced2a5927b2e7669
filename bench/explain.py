"""The plans behind the benchmarks (docs/adr/0001): EXPLAIN ANALYZE of a household list's first page and search,
each predicate pass of a township's sweep and the SELECT of a township's facts refresh, on the last township and
county of the benchmark's territory, condensed to the nodes that show how each table is read.

Run it on a territory the benchmark left in place: ``BENCH_KEEP=1 make bench``, then
``.venv/bin/python bench/explain.py`` (the same ``BENCH_DATABASE_URL``). The plans are printed and kept in
``bench/results/<time>-explain.txt``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/revitalization_bench"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revitalization.settings")

import django

django.setup()

from django.db import connection
from django.utils import timezone

from bench.county import kept_places
from bench.harness import keep_text
from geo.models import AdminArea
from geo.once import reading_once
from households.facts import context_for
from households.facts.table import facts_select
from households.models import Household
from households.paging import page_by_area
from households.selectors import household_search
from sweeps.models import Problem
from sweeps.rules import AUTOMATED, Scope
from sweeps.services.runs import predicate_sets, set_query

KEEP = ("Scan", "Join", "Nested Loop", "Limit", "Sort", "Aggregate", "SubPlan", "Index Cond", "Execution Time")


class Reader:
    """A stand-in user for ``visible_to``: an area and the territory capability, no grants."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    roles = frozenset({"county_reviewer"})

    def __init__(self, area: AdminArea) -> None:
        self.area = area

    def has_perm(self, perm: str) -> bool:
        return True


def explain(out: list[str], label: str, sql: str, params: Any) -> None:
    setting, _sep, read = sql.partition("; ") if sql.startswith("SET LOCAL") else ("", "", sql)
    with connection.cursor() as cursor:  # a read sent with its planner setting is planned with it
        cursor.execute(f"{setting + '; ' if setting else ''}EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) {read}", params)
        lines = [row[0] for row in cursor.fetchall()]
    out.append(f"### {label}")
    out.extend(line for line in lines if any(key in line for key in KEEP))
    out.append("")


class Capture:
    """Collects the SQL a callable sends (the page read area by area is a raw statement)."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def main() -> None:
    county, township = kept_places()
    households = Household.objects.count()
    out = [f"{households:,} households; the last county {county.code} and its last township {township.code}", ""]
    with reading_once():  # as in a request: the territory is a list of area ids
        for label, area in (("township", township), ("county", county)):
            reader = Reader(area)
            listed = household_search(Household.objects.visible_to(reader)).filter(closed_on__isnull=True)
            capture = Capture()
            with connection.execute_wrapper(capture):
                page_by_area(listed, Household.objects.territory_ids(reader) or [], 0, 25)
            sql, params = capture.statements[0]
            explain(out, f"household list, first page, {label} (area by area)", sql, params)
            found = household_search(Household.objects.visible_to(reader), q="户主12").filter(closed_on__isnull=True)
            sql, params = found[:25].query.sql_with_params()
            explain(out, f"household search by a name prefix, {label}", sql, params)
            problems = Problem.objects.visible_to(reader).filter(Problem.open_q()).order_by("deadline", "pk")[:30]
            sql, params = problems.query.sql_with_params()
            explain(out, f"problem list, first page, {label} (by either code: area or co-managing area)", sql, params)
    on = timezone.localdate()
    scope = Scope.of(township, on=on)
    for subject, group in predicate_sets(AUTOMATED).items():
        sql, params = set_query(subject, group, scope).query.sql_with_params()
        explain(out, f"the {subject} pass of a township's sweep ({len(group)} rules)", sql, params)
    select, _names = facts_select(Household.objects.managed_in(township), context_for(township.code, on=on))
    explain(out, "a township's facts (the SELECT of its refresh)", select.sql, select.params)
    text = "\n".join(out)
    print(text)
    keep_text(text, f"{households}-explain")


if __name__ == "__main__":
    main()
