"""Benchmarks (``make bench``): speed targets are measured here against a floor measured in the same run, never in
timed tests (STYLE rule 25).

Sweep (issue "four checks" §3): a synthetic county of N households in 10 townships is swept township by township
as the workers do. The floor is the one query every income rule starts from (last year's net income and size of
every household of the township); the ratio says how many such passes the whole catalogue costs, which stays put
when N grows if the rules are set-based.

The benchmark builds its own database (``BENCH_DATABASE_URL``, default a SQLite file in a temporary folder) and
never touches the development one. ``BENCH_SWEEP_HOUSEHOLDS=60000,1000000`` sets the sizes.

Ledger export (issue "ledgers" §2): the visits ledger (L-04) of a county with ``BENCH_LEDGER_ROWS`` visits (default
100,000) is exported as the app does (query, masking, formats, a sheet per township, totals), and the floor is a bare
openpyxl write-only writer writing the same rows' plain values to one sheet. Each export runs in a child process, so
its peak memory is its own; the same export of a tenth of the rows shows whether memory stays flat.
"""

from __future__ import annotations

import datetime
import io
import os
import random
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="revitalization-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORKDIR}/bench.sqlite3")
os.environ.pop("REDIS_URL", None)  # chunks run in this process, one after another
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revitalization.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django

django.setup()

from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from geo.codes import AreaLevel
from geo.models import AdminArea
from households.choices import Gender, HealthStatus, HouseholdFlagKind, LabourCapacity, Relationship, SchoolingStatus
from households.idnumbers import build
from households.models import Household, HouseholdFlag, HouseholdMember, IncomeRecord
from sweeps.models import Problem, SweepChunk, SweepRun
from sweeps.rules import AUTOMATED, Scope
from sweeps.rules.base import with_income
from sweeps.services import sweep_run_chunk

TOWNSHIPS = 10
VILLAGES_PER_TOWNSHIP = 12


def _insert(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """executemany over every concrete column, defaults filled from the model: far faster than bulk_create for
    millions of rows, and the same columns Django would write."""
    explicit_pk = "id" in rows[0]
    fields = [f for f in model._meta.concrete_fields if explicit_pk or not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"
    now = datetime.datetime.now(datetime.UTC)
    values = []
    for row in rows:
        line = []
        for f in fields:
            value = row.get(f.attname, defaults[f.attname])
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            line.append(f.get_db_prep_save(value, connection))
        values.append(line)
    with connection.cursor() as cursor:
        for start in range(0, len(values), 20000):
            cursor.executemany(sql, values[start : start + 20000])


def _county(households: int, seed: int = 7) -> AdminArea:
    """A county of ``households`` households: about 5 % below the line, a third exited poor, some ill or out of
    school, so that the rules have something to find."""
    rng = random.Random(seed)
    province = AdminArea.objects.get_or_create(code="640000000000", defaults={"name": "宁夏", "level": "province"})[0]
    city = AdminArea.objects.get_or_create(
        code="640300000000", defaults={"name": "吴忠市", "level": "city", "parent": province}
    )[0]
    county = AdminArea.objects.create(code="640399000000", name="基准县", level=AreaLevel.COUNTY, parent=city)
    villages = []
    for t in range(1, TOWNSHIPS + 1):
        township = AdminArea.objects.create(
            code=f"640399{t:03d}000", name=f"第{t}镇", level=AreaLevel.TOWNSHIP, parent=county
        )
        for v in range(VILLAGES_PER_TOWNSHIP):
            villages.append(
                AdminArea.objects.create(
                    code=f"640399{t:03d}{200 + v:03d}", name=f"第{t}镇{v}村", level=AreaLevel.VILLAGE, parent=township
                )
            )
    last_year = timezone.localdate().year - 1
    next_id = (Household.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    sequence = 0
    for start in range(0, households, 50_000):
        house_rows, member_rows, income_rows, flag_rows = [], [], [], []
        for pk in range(next_id + start, next_id + min(start + 50_000, households)):
            village = villages[pk % len(villages)]
            size = rng.choice((1, 2, 3, 4, 4, 5, 6))
            house_rows.append(
                {"id": pk, "household_no": f"B{pk:013d}", "managing_area_id": village.pk, "residence_area_id": village.pk,
                 "head_name": f"户主{pk}", "phone": "13912345678", "housing_safety": "safe", "water_supply_type": "centralized"}
            )  # fmt: skip
            for m in range(size):
                sequence += 1
                # (birth date, sequence number) is unique for up to 25 million people: no ID number repeats.
                birth = datetime.date(1945, 1, 1) + datetime.timedelta(days=(sequence * 7919) % 25000)
                age = timezone.localdate().year - birth.year
                male = m % 2 == 0
                number = build("640399", birth, 2 * (sequence // 25000) + (1 if male else 0), male=male)
                member_rows.append(
                    {"household_id": pk, "name": f"成员{sequence}", "id_number": number,
                     "gender": Gender.MALE if male else Gender.FEMALE, "birth_date": birth,
                     "relationship": Relationship.HEAD if m == 0 else (Relationship.SON if male else Relationship.DAUGHTER),
                     "member_status": "present", "counts_in_household": True,
                     "schooling_status": SchoolingStatus.DROPOUT if age < 15 and rng.random() < 0.01 else SchoolingStatus.LEFT_SCHOOL,
                     "health_status": HealthStatus.SERIOUS_ILLNESS if rng.random() < 0.02 else HealthStatus.HEALTHY,
                     "labour_capacity": LabourCapacity.ORDINARY if 16 <= age < 60 else LabourCapacity.NONE_AGE,
                     "medical_insurance_enrolled": rng.random() > 0.01}
                )  # fmt: skip
            per_capita = rng.uniform(3000, 5999) if rng.random() < 0.05 else rng.uniform(7000, 30000)
            income_rows.append(
                {
                    "household_id": pk,
                    "year": last_year,
                    "month": None,
                    "wage_income": Decimal(round(per_capita * size, 2)),
                }
            )
            if rng.random() < 0.33:
                flag_rows.append(
                    {
                        "household_id": pk,
                        "kind": HouseholdFlagKind.EXITED_POOR,
                        "valid_from": datetime.date(2019, 12, 31),
                    }
                )
        _insert(Household, house_rows)
        _insert(HouseholdMember, member_rows)
        _insert(IncomeRecord, income_rows)
        if flag_rows:
            _insert(HouseholdFlag, flag_rows)
    # Heads, as the registry keeps them.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE households_household SET head_id = (SELECT m.id FROM households_householdmember m "
            "WHERE m.household_id = households_household.id AND m.relationship = %s LIMIT 1) "
            "WHERE managing_area_id IN (SELECT id FROM geo_adminarea WHERE code LIKE %s)",
            [Relationship.HEAD, "640399%"],
        )
    return county


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_sweep(households: int) -> None:
    started = time.perf_counter()
    with transaction.atomic():
        county = _county(households)
    built = time.perf_counter() - started
    townships = list(AdminArea.objects.filter(parent=county).order_by("code"))
    today = timezone.localdate()

    floor = 0.0
    for township in townships:
        scope = Scope.of(township, on=today)
        started = time.perf_counter()
        list(with_income(scope.households(), scope).values_list("pk", "net_last", "size"))
        floor += time.perf_counter() - started

    times = []
    for attempt in ("first run", "re-run"):
        run = SweepRun.objects.create(
            kind="centralized", county=county, run_on=today, rule_versions={r.id: r.version for r in AUTOMATED}
        )
        started = time.perf_counter()
        for township in townships:
            sweep_run_chunk(chunk=SweepChunk.objects.create(run=run, township=township))
        times.append((attempt, time.perf_counter() - started))
    problems = Problem.objects.filter(township__parent=county).count()
    print(f"\nsweep over {households:,} households ({len(townships)} townships, {len(AUTOMATED)} rules)")
    print(f"  data built in {built:.1f} s; floor (one income pass per township) {floor:.2f} s")
    for attempt, seconds in times:
        print(
            f"  {attempt:<9} {seconds:8.2f} s   ratio to floor {seconds / floor:6.1f}   "
            f"{households / seconds:,.0f} households/s"
        )
    print(f"  problems found {problems:,}; peak memory {_peak_mb():.0f} MB")


def _in_child(work: Any) -> tuple[float, float]:
    """Run ``work()`` in a forked process: its wall time (seconds) and its own peak memory (MB)."""
    connection.close()  # the child opens its own connection
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        started = time.perf_counter()
        work()
        os.write(write, str(time.perf_counter() - started).encode())
        os._exit(0)
    os.close(write)
    _pid, status, usage = os.wait4(pid, 0)
    seconds = float(os.read(read, 64).decode() or "nan")
    os.close(read)
    if status != 0:
        raise RuntimeError(f"benchmark child failed with status {status}")
    return seconds, usage.ru_maxrss / 1024


def bench_ledger(rows: int) -> None:
    from django.conf import settings
    from openpyxl import Workbook

    from accounts.models import User
    from households.models import Visit
    from ledgers.base import Filters
    from ledgers.services import export_start

    started = time.perf_counter()
    with transaction.atomic():
        county = _county(max(1000, rows // 5))
        call_command("add_user", "bench-report", role=["reporting_officer"], area=county.code,
                     password="bench-only", stdout=io.StringIO())  # noqa: S106  # fmt: skip
        user = User.objects.get(username="bench-report")
        households = list(
            Household.objects.filter(managing_area__code__startswith="640399").values_list("pk", flat=True)
        )
        first = datetime.date(2024, 1, 1)
        _insert(
            Visit,
            [
                {"household_id": households[n % len(households)], "visited_on": first + datetime.timedelta(days=n % 1000),
                 "kind": "routine", "recorded_by_id": user.pk, "companions": "村支书", "notes": f"走访情况正常 {n}",
                 "income_change": "务工收入稳定", "needs": "" if n % 3 else "申请技能培训"}
                for n in range(rows)
            ],
        )  # fmt: skip
    built = time.perf_counter() - started
    settings.LEDGER_SYNC_MAX_ROWS = rows + 1  # written here, not by a worker
    tenth = Filters(end=first + datetime.timedelta(days=99))

    def export(filters: Filters) -> Any:
        return lambda: export_start(actor=user, code="L-04", filters=filters)

    def bare() -> None:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("走访台账")
        values = Visit.objects.filter(household__managing_area__code__startswith="640399").values_list(
            "household__managing_area__parent__name", "household__managing_area__name", "household__managing_area__code",
            "visited_on", "recorded_by__username", "companions", "household__household_no", "household__head_name",
            "kind", "income_change", "member_change", "needs", "notes", "risk_found", "risk_note", "next_visit_on",
        )  # fmt: skip
        for row in values.iterator(chunk_size=2000):
            sheet.append(row)
        workbook.save(os.path.join(WORKDIR, "bare.xlsx"))

    floor, floor_mb = _in_child(bare)
    small, small_mb = _in_child(export(tenth))
    full, full_mb = _in_child(export(Filters()))
    columns = 17
    print(f"\nledger export L-04, {rows:,} rows x {columns} columns ({TOWNSHIPS} township sheets)")
    print(f"  data built in {built:.1f} s; floor (bare write-only writer, same rows) {floor:.2f} s, {floor_mb:.0f} MB")
    print(f"  {rows // 10:>9,} rows {small:8.2f} s   ratio to floor {small / floor:5.2f}   peak {small_mb:.0f} MB")
    print(f"  {rows:>9,} rows {full:8.2f} s   ratio to floor {full / floor:5.2f}   peak {full_mb:.0f} MB")
    print(f"  memory growth from {rows // 10:,} to {rows:,} rows: {full_mb - small_mb:+.0f} MB")


def main() -> None:
    call_command("migrate", verbosity=0)
    print(f"benchmarks on {connection.vendor} ({os.environ['DATABASE_URL'].split('@')[-1]})")
    only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))  # "sweep", "ledger"
    if not only or "ledger" in only:
        bench_ledger(int(os.environ.get("BENCH_LEDGER_ROWS", "100000")))
        _clear()
    sizes = [int(n) for n in os.environ.get("BENCH_SWEEP_HOUSEHOLDS", "60000,1000000").split(",") if n]
    for size in sizes if not only or "sweep" in only else ():
        bench_sweep(size)
        _clear()  # the next size starts from an empty county


def _clear() -> None:
    with connection.cursor() as cursor:
        for table in (
            "ledgers_ledgerexport",
            "households_visit",
            "sweeps_problem",
            "sweeps_sweepchunk",
            "sweeps_sweeprun",
            "households_householdflag",
            "households_incomerecord",
        ):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("UPDATE households_household SET head_id = NULL")
        cursor.execute("DELETE FROM households_householdmember")
        cursor.execute("DELETE FROM households_household")
        cursor.execute(
            "DELETE FROM accounts_user_groups WHERE user_id IN (SELECT id FROM accounts_user WHERE username = %s)",
            ["bench-report"],
        )
        cursor.execute("DELETE FROM accounts_user WHERE username = %s", ["bench-report"])
        cursor.execute("DELETE FROM geo_adminarea WHERE code LIKE '640399%' AND level = 'village'")
        cursor.execute("DELETE FROM geo_adminarea WHERE code LIKE '640399%' AND level = 'township'")
        cursor.execute("DELETE FROM geo_adminarea WHERE code = '640399000000'")


if __name__ == "__main__":
    main()
