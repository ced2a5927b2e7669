"""The plans of every page (docs/adr/0001, "Plans"): a township cadre and a county reviewer of the last county of
the benchmark's territory open every page without a parameter (and the household list's filters), and every read
each page sends is run again through EXPLAIN ANALYZE. Listed per page: its queries, their execution time, and
every sequential scan of a table of more than 10,000 rows, with the rows it read and the time it took.

Run it on a territory the benchmark left in place: ``BENCH_KEEP=1 make bench``, then
``.venv/bin/python bench/explain_pages.py`` (the same ``BENCH_DATABASE_URL``). Kept in
``bench/results/<time>-pages-explain.txt``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/revitalization_bench"
)
os.environ.pop("REDIS_URL", None)
os.environ.pop("DATABASE_REPLICA_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revitalization.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["DEBUG"] = "False"

import django

django.setup()
logging.getLogger("django.request").setLevel(logging.ERROR)  # the pages a role may not open are skipped

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bench.cases import READS, _client, bench_user
from bench.county import kept_places
from bench.harness import keep_text
from households.models import Household
from tests.plans import SETTINGS, nodes
from tests.worlds.audit import plain_pages

LARGE_ROWS = 10_000
LARGE: dict[str, int] = {}  # the tables of more than LARGE_ROWS rows, read at the start
# The household list's filters a cadre uses most, and the overdue problems: each reads another index.
FILTERED = (
    "/households/?flag=exited_poor",
    "/households/?head=missing",
    "/households/?income=missing",
    "/households/?risk=overdue",
    "/sweeps/problems/?overdue=1",
)


def pages() -> list[str]:
    return sorted({*plain_pages(), *FILTERED, "/api/v1/households/"})


def large_tables() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' AND reltuples > %s", [LARGE_ROWS]
        )
        return dict(cursor.fetchall())


def analyse(sql: str) -> tuple[float, list[str]]:
    """(execution ms, the sequential scans of large tables) of one read, sent as the page sent it (a read with its
    planner setting is planned with it), in a transaction rolled back."""
    setting, read = SETTINGS.fullmatch(sql).groups()  # type: ignore[union-attr]
    large = LARGE
    with transaction.atomic(), connection.cursor() as cursor:
        # Each scan from the table's first block: a scan of a large table otherwise starts where the last one of it
        # stopped (synchronised scans), which after the first count of the last county is among its households.
        cursor.execute("SET LOCAL synchronize_seqscans = off")
        if setting:
            cursor.execute(setting)  # the statement's own planner settings, ended with the savepoint
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {read}")  # the page's own SQL, its values interpolated
        document = cursor.fetchone()[0]
        transaction.set_rollback(True)
    plan = (document if isinstance(document, list) else json.loads(document))[0]
    scans = []
    for node in nodes(plan["Plan"]):
        relation = node.get("Relation Name")
        if node.get("Node Type") == "Seq Scan" and relation in large:
            loops = node.get("Actual Loops", 1)
            scans.append(
                f"{relation} ({large[relation]:,} rows): read {node.get('Actual Rows', 0) * loops:,}"
                f" + removed {node.get('Rows Removed by Filter', 0) * loops:,} in {node.get('Actual Total Time', 0):.1f} ms"
                f"{f' x{loops}' if loops > 1 else ''}"
            )
    return float(plan["Execution Time"]), scans


def main() -> None:
    LARGE.update(large_tables())
    county, township = kept_places()
    households = Household.objects.count()
    head = (
        "# EXPLAIN ANALYZE of every read of every page a township cadre and a county reviewer open without a parameter;"
        f" {households:,} households, the last county {county.code} and its last township {township.code}.\n"
        f"# Per page: queries, their execution (ms), and the sequential scans of tables of more than {LARGE_ROWS:,}"
        " rows; '-' none.\n"
    )
    out = [head]
    users = {
        "township": bench_user("bench-township", role="township_cadre", area_code=township.code),
        "county": bench_user("bench-county", role="county_reviewer", area_code=county.code),
    }
    for label, user in users.items():
        client = _client(user)
        for url in pages():
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != 200:
                continue
            total, found = 0.0, []
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith(READS):
                    continue
                taken, scans = analyse(sql)
                total += taken
                found += scans
            line = f"{label:9} {url:45} {len(captured.captured_queries):3} queries {total:8.1f} ms  "
            out.append(line + ("; ".join(found) or "-"))
            print(out[-1], flush=True)
    keep_text("\n".join(out), f"{households}-pages-explain")


if __name__ == "__main__":
    main()
