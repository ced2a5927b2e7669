"""Benchmarks (``make bench``): speed targets are measured here against a floor measured in the same run, never in
timed tests (STYLE rule 25). PostgreSQL only: the figures are the production database's.

The benchmark builds its own database (``BENCH_DATABASE_URL``, default ``revitalization_bench`` on the local
server, created when missing) and never touches the development one. ``BENCH_SIZES=60000,1000000`` sets the
sizes (households: up to 60,000 one county, above that a province of 60,000-household counties); ``BENCH_ONLY=sweep,pages,...`` picks benchmarks; ``BENCH_KEEP=1`` leaves the last territory in place
for ``bench/explain.py``. Every figure is printed as it comes
and the whole run is kept as JSON in ``bench/results/`` with the machine's description.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="revitalization-bench-")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/revitalization_bench"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
os.environ.pop("REDIS_URL", None)  # chunks and exports run in this process, one after another
os.environ.pop("DATABASE_REPLICA_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revitalization.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["DEBUG"] = "False"  # as served: cached templates, no query log
os.environ["MEDIA_ROOT"] = os.path.join(WORKDIR, "media")  # uploads and exports of the benchmark stay in it
# Every sequential scan from the table's first block. PostgreSQL starts a scan of a large table where the last one
# of it stopped (synchronised scans): a benchmark repeating one count of the last county found its households at
# once from the second try on, which a server counting many counties' lists does not (230 ms against 0.5 ms).
os.environ["PG_OPTIONS"] = os.environ.get("PG_OPTIONS", "-c jit=off") + " -c synchronize_seqscans=off"


def _ensure_database(url: str) -> None:
    """Create the benchmark's database when it does not exist yet."""
    import environ
    import psycopg2
    from psycopg2 import sql

    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit(f"make bench needs PostgreSQL (BENCH_DATABASE_URL), not {config['ENGINE']}")
    server = psycopg2.connect(
        dbname="postgres", user=config["USER"], password=config["PASSWORD"] or None, host=config["HOST"],
        port=config["PORT"] or 5432,
    )  # fmt: skip
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    server.close()


_ensure_database(os.environ["DATABASE_URL"])

import django

django.setup()

from django.core.management import call_command
from django.db import connection, transaction

from bench import cases, screens
from bench.county import build_territory, clear
from bench.harness import Report, StepTimedOut, peak_mb, peak_reset, step
from bench.targets import show, verdicts

BENCHMARKS = ("refresh", "sweep", "rules", "pages", "home", "screens", "dashboard", "import", "ledger", "offline")
CASES = {name: getattr(cases, f"bench_{name}", None) or getattr(screens, f"bench_{name}") for name in BENCHMARKS}


def main() -> None:
    call_command("migrate", verbosity=0)
    sizes = [int(n) for n in os.environ.get("BENCH_SIZES", "60000,1000000").split(",") if n]
    only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(","))) or set(BENCHMARKS)
    report = Report(sizes=sizes)
    print(f"benchmarks on {connection.vendor} ({os.environ['DATABASE_URL'].split('@')[-1]}), sizes {sizes}")
    clear()
    failed = []
    for households in sizes:
        started = time.perf_counter()
        recorder = cases.bench_user("bench-recorder", role="supervisor", area_code="")
        with transaction.atomic():
            territory = build_territory(households, recorder_id=recorder.pk)
        counties = len(territory.counties)
        print(f"\n{households:,} households in {counties} {'county' if counties == 1 else 'counties'}", flush=True)
        report.add("build", households, seconds=time.perf_counter() - started, counties=counties)
        started = time.perf_counter()
        cases.facts_build(territory)
        report.add("build facts", households, seconds=time.perf_counter() - started)
        cases.fresh_household_after_copy(territory)
        for name in BENCHMARKS:
            if name not in only:
                continue
            peak_reset()  # each benchmark's own peak (a child process's is reported by the benchmark)
            try:
                with step(f"{name} at {households:,}"):
                    CASES[name](report, territory, households, workdir=WORKDIR)
                report.add(f"{name} memory", households, peak_mb=peak_mb())
            except StepTimedOut as exc:
                print(f"  TIMEOUT {exc}", flush=True)
                report.add(name, households, timeout=str(exc))
                failed.append(name)
            except Exception as exc:  # one broken benchmark does not lose the figures of the others
                traceback.print_exc()
                report.add(name, households, error=f"{type(exc).__name__}: {exc}"[:300])
                failed.append(name)
        if households != sizes[-1] or os.environ.get("BENCH_KEEP") != "1":
            clear()  # BENCH_KEEP=1 leaves the last territory in place (for bench/explain.py)
    report.targets = verdicts(report.figures)
    print(f"\n{show(report.targets)}")
    path = report.save()
    print(f"\nresults kept in {path.relative_to(ROOT)}")
    if failed:
        raise SystemExit(f"failed or timed out: {', '.join(failed)}")


if __name__ == "__main__":
    main()
