"""The benchmarks of ``make bench``, one function each: ``bench_<name>(report, territory, households, workdir=…)``.
Each measures its floor in the same run and reports the ratio. Work that is done per county in production (a sweep
run, an export, a county's pages) is done on every county of a province, or on its first county, as it says."""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import time
from statistics import median
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import AccountEvent, User
from bench.county import COUNTY_SIZE, Territory, analyze
from bench.harness import Report, peak_mb, step
from geo.models import AdminArea
from households.models import Household
from ledgers.models import LedgerExport
from offline.models import OfflineDownload

# ------------------------------------------------------------------------------------------------------ helpers


def bench_user(username: str, *, role: str, area_code: str) -> User:
    """A user of the benchmark (deleted with the county)."""
    from bench.county import province

    area = area_code or province().code
    AccountEvent.objects.filter(user__username=username).delete()  # the account's record of its last opening
    OfflineDownload.objects.filter(user__username=username).delete()
    LedgerExport.objects.filter(owner__username=username).delete()  # the downloads it made (bench/explain_pages.py)
    User.objects.filter(username=username).delete()
    call_command(
        "add_user", username, "--role", role, "--password", "Kx7-bench-Q2m9", "--area", area, stdout=io.StringIO()
    )
    # A provisioned account must set its own password before any page; a benchmark's user is no person.
    User.objects.filter(username=username).update(must_change_password=False)
    return User.objects.get(username=username)


def facts_build(territory: Territory) -> None:
    """Every household's facts, as the nightly job leaves them, then statistics: every benchmark starts from a
    registry whose facts are in place (a sweep's first run refreshes only what changed since)."""
    from households.facts import facts_refresh_area

    for township in territory.townships:
        with step(f"facts of {township.name}"):
            facts_refresh_area(township)
    analyze()


def fresh_household_after_copy(territory: Territory) -> None:
    """A household created through the ORM after the COPY: the sequences were advanced."""
    from households.models import HouseholdMember

    village = (
        AdminArea.objects.filter(code__startswith=territory.county.prefix, level="village").order_by("code").first()
    )
    assert village is not None
    household = Household.objects.create(
        household_no=f"FRESH{time.time_ns()}", managing_area=village, residence_area=village, head_name="新户"
    )
    member = HouseholdMember.objects.create(
        household=household, name="新户", id_number=f"FRESH{time.time_ns() % 10**13}", gender="male",
        birth_date=datetime.date(1980, 1, 1), relationship="head", schooling_status="left_school",
        labour_capacity="ordinary",
    )  # fmt: skip
    print(f"  fresh household {household.pk} and member {member.pk} created through the ORM after the COPY")


# ------------------------------------------------------------------------------------------------------ the sweep

FLOOR_SQL = """
WITH h AS (
    SELECT id FROM households_household
    WHERE closed_on IS NULL AND managing_area_id IN (SELECT id FROM geo_adminarea WHERE code LIKE %(prefix)s)
)
SELECT h.id, m.size, m.ill, i.net_last, i.net_before, f.kinds, b.bills, v.last_visit, c.last_check, s.status
FROM h
LEFT JOIN (
    SELECT household_id,
           count(*) FILTER (WHERE member_status = 'present' AND counts_in_household) AS size,
           count(*) FILTER (WHERE health_status <> 'healthy') AS ill
    FROM households_householdmember WHERE household_id IN (SELECT id FROM h) GROUP BY household_id
) m ON m.household_id = h.id
LEFT JOIN (
    SELECT household_id,
           sum(wage_income + business_income - business_expense + property_income + transfer_income)
               FILTER (WHERE year = %(last)s) AS net_last,
           sum(wage_income + business_income - business_expense + property_income + transfer_income)
               FILTER (WHERE year = %(last)s - 1) AS net_before
    FROM households_incomerecord WHERE household_id IN (SELECT id FROM h) GROUP BY household_id
) i ON i.household_id = h.id
LEFT JOIN (
    SELECT household_id, count(*) AS kinds FROM households_householdflag
    WHERE household_id IN (SELECT id FROM h) AND valid_to IS NULL GROUP BY household_id
) f ON f.household_id = h.id
LEFT JOIN (
    SELECT household_id, sum(gross_amount - reimbursed_amount) AS bills FROM households_rigidexpense
    WHERE household_id IN (SELECT id FROM h) GROUP BY household_id
) b ON b.household_id = h.id
LEFT JOIN (
    SELECT household_id, max(visited_on) AS last_visit FROM households_visit
    WHERE household_id IN (SELECT id FROM h) GROUP BY household_id
) v ON v.household_id = h.id
LEFT JOIN (
    SELECT household_id, max(checked_on) AS last_check FROM households_guaranteecheck
    WHERE household_id IN (SELECT id FROM h) GROUP BY household_id
) c ON c.household_id = h.id
LEFT JOIN (
    SELECT household_id, max(status) AS status FROM monitoring_monitoringsubject
    WHERE household_id IN (SELECT id FROM h) GROUP BY household_id
) s ON s.household_id = h.id
"""


def input_pass(township: AdminArea) -> int:
    """The floor: one pass over the inputs of a household's facts (members, income, flags, bills, visits, checks,
    monitoring), one GROUP BY per table over the township's households, every row brought to the client."""
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, {"prefix": township.prefix + "%", "last": timezone.localdate().year - 1})
        return len(cursor.fetchall())


def _floor(territory: Territory) -> float:
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        for township in territory.townships:
            input_pass(township)
        best = min(best, time.perf_counter() - started)
    return best


def trials(households: int) -> int:
    """How many paired trials a benchmark whose work cannot be repeated in place (a first run) makes: each trial
    measures the floor and the work back to back, and the ratio reported is the median of the trials' ratios. The
    machine's speed moves by a sixth to a third within minutes (the sweep's floor at 60,000 went from 0.88 s to
    1.26 s and back in four runs of one code, 2026-12-06), which a single run of the work against the best of the
    floor's runs reads as the code's. ``BENCH_TRIALS`` overrides: three up to a county, one for a province (a trial
    takes minutes there, and is long enough to average the moves)."""
    default = 3 if households <= COUNTY_SIZE else 1
    return max(1, int(os.environ.get("BENCH_TRIALS") or default))


def _report_trials(
    report: Report, benchmark: str, households: int, taken: list[float], floors: list[float], **more: Any
) -> None:
    """A benchmark's paired trials: the median time, the median of the trials' ratios, and each trial's ratio."""
    ratios = [work / floor for work, floor in zip(taken, floors, strict=True)]
    report.add(
        benchmark, households, seconds=median(taken), ratio=median(ratios), ratios=[round(r, 2) for r in ratios], **more
    )


def _forget_sweeps(territory: Territory) -> None:
    """The runs and problems of the sweeps before, gone, and the problems' statistics as the build left them: the
    next run is a first run again, and the benchmarks after read one trial's runs, as before the trials. The tables
    are named (no CASCADE): a new table that points at problems stops the benchmark rather than being emptied."""
    from sweeps.models import SweepRun

    with connection.cursor() as cursor:  # the benchmark's database holds nothing but the territory
        cursor.execute("TRUNCATE sweeps_problem, sweeps_problemevent, sweeps_checklistitem")
        cursor.execute("ANALYZE sweeps_problem")
    SweepRun.objects.filter(county__in=territory.counties).delete()


def bench_sweep(report: Report, territory: Territory, households: int, **_: Any) -> None:
    """The full four-checks sweep of every county, township by township as the workers do, first run and re-run,
    in paired trials (``trials``)."""
    from django.urls import reverse

    from sweeps.models import Problem, SweepChunk, SweepRun
    from sweeps.rules import AUTOMATED
    from sweeps.services import sweep_run_chunk

    reverse("sweeps:problem-list")  # a worker's URLconf is loaded once, not in the first run (its notices link)
    today = timezone.localdate()
    floors: list[float] = []
    seconds: dict[str, list[float]] = {"sweep first run": [], "sweep re-run": []}
    for trial in range(trials(households)):
        if trial:
            _forget_sweeps(territory)
        floors.append(_floor(territory))
        for attempt, taken in seconds.items():
            started = time.perf_counter()
            for county in territory.counties:
                run = SweepRun.objects.create(
                    kind="centralized", county=county, run_on=today, rule_versions={r.id: r.version for r in AUTOMATED}
                )
                for township in territory.townships_of(county):
                    with step(f"{attempt} {trial + 1}, {township.name}"):
                        sweep_run_chunk(chunk=SweepChunk.objects.create(run=run, township=township))
            taken.append(time.perf_counter() - started)
    report.add("sweep floor", households, seconds=median(floors), trials=[round(f, 3) for f in floors])
    first, again = seconds["sweep first run"], seconds["sweep re-run"]
    _report_trials(report, "sweep first run", households, first, floors, per_second=households / median(first))
    _report_trials(
        report, "sweep re-run", households, again, floors, per_second=households / median(again),
        to_first_run=median([a / f for a, f in zip(again, first, strict=True)]),
    )  # fmt: skip
    report.add(
        "sweep problems",
        households,
        problems=Problem.objects.filter(township__parent__in=territory.counties).count(),
        peak_mb=peak_mb(),
    )


def bench_rules(report: Report, territory: Territory, households: int, **_: Any) -> None:
    """Each rule's own time over the whole territory (every township), beside the floor: which rule costs what."""
    from sweeps.rules import AUTOMATED, Scope
    from sweeps.services import rule_hits

    floor = _floor(territory)
    today = timezone.localdate()
    scopes = [Scope.of(township, on=today) for township in territory.townships]
    times = {}
    for rule in AUTOMATED:
        started = time.perf_counter()
        for scope in scopes:
            with step(f"rule {rule.id} in {scope.township.name}"):
                rule_hits(rule, scope)
        times[rule.id] = time.perf_counter() - started
    slowest = sorted(times.items(), key=lambda item: -item[1])[:5]
    report.add("rules floor", households, seconds=floor)
    for rule_id, seconds in slowest:
        report.add(f"rule {rule_id}", households, seconds=seconds, ratio=seconds / floor)
    village_rule = "FC-WEAK-INCOME-02"
    report.add(f"rule {village_rule}", households, seconds=times[village_rule], ratio=times[village_rule] / floor)
    report.add("rules total", households, seconds=sum(times.values()), ratio=sum(times.values()) / floor)


# --------------------------------------------------------------------------------------------------- the ledger


def _in_child(work: Any, sent_back: dict[str, float] | None = None) -> tuple[float, float]:
    """Run ``work()`` in a forked process: its wall time (seconds) and its own peak memory (MB). What the child
    writes into ``sent_back`` (a phase's seconds, a count, by name) comes back into the parent's ``sent_back``."""
    connection.close()  # the child opens its own connection
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        started = time.perf_counter()
        work()
        seconds = time.perf_counter() - started
        os.write(write, json.dumps({"seconds": seconds, "sent_back": sent_back or {}}).encode())
        os._exit(0)
    os.close(write)
    _pid, status, usage = os.wait4(pid, 0)
    with os.fdopen(read, "rb") as pipe:
        sent = pipe.read().decode()
    if status != 0:
        raise RuntimeError(f"benchmark child failed with status {status}")
    answer = json.loads(sent)
    if sent_back is not None:
        sent_back.update(answer["sent_back"])
    return answer["seconds"], usage.ru_maxrss / 1024


def _in_fresh(name: str, **arguments: Any) -> tuple[float, float, dict[str, float]]:
    """Run ``bench.cases.<name>(**arguments)`` in a fresh interpreter (``bench/child.py``), as a worker runs a task:
    its wall time (seconds), the process's peak memory (MB; the interpreter and Django included, none of this
    process's) and what it returned (a phase's seconds, by name)."""
    import subprocess
    import sys

    connection.close()  # nothing of this process's connection is shared; the child opens its own
    done = subprocess.run(  # noqa: S603 this interpreter, this repository's module, JSON arguments
        [sys.executable, "-m", "bench.child", name, json.dumps(arguments)],
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child {name} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return answer["seconds"], answer["peak_mb"], answer["sent_back"]


def bench_ledger(report: Report, territory: Territory, households: int, *, workdir: str, **_: Any) -> None:
    """A county's visits ledger (L-04) as the app exports it, against a bare openpyxl write-only writer of the same
    rows; a tenth of the rows shows whether memory stays flat."""
    from django.conf import settings
    from openpyxl import Workbook

    from households.models import Visit
    from ledgers.base import Filters
    from ledgers.services import export_start

    county = territory.county
    user = bench_user("bench-report", role="reporting_officer", area_code=county.code)
    visits = Visit.objects.filter(household__managing_area__code__startswith=county.prefix)
    rows = visits.count()
    first = visits.order_by("visited_on").values_list("visited_on", flat=True).first()
    last = visits.order_by("-visited_on").values_list("visited_on", flat=True).first()
    if not rows or first is None or last is None:
        return
    settings.LEDGER_SYNC_MAX_ROWS = rows + 1  # written here, not by a worker
    tenth = Filters(end=first + (last - first) / 10)

    def export(filters: Filters) -> Any:
        return lambda: export_start(actor=user, code="L-04", filters=filters)

    def bare() -> None:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("走访台账")
        values = visits.values_list(
            "household__managing_area__parent__name", "household__managing_area__name", "household__managing_area__code",
            "visited_on", "recorded_by__username", "companions", "household__household_no", "household__head_name",
            "kind", "income_change", "member_change", "needs", "notes", "risk_found", "risk_note", "next_visit_on",
        )  # fmt: skip
        for row in values.iterator(chunk_size=2000):
            sheet.append(row)
        workbook.save(os.path.join(workdir, "bare.xlsx"))

    floor, floor_mb = _in_child(bare)
    small, small_mb = _in_child(export(tenth))
    full, full_mb = _in_child(export(Filters()))
    report.add("ledger L-04 floor", households, rows=rows, seconds=floor, peak_mb=floor_mb)
    report.add("ledger L-04 tenth", households, seconds=small, ratio=small / floor, peak_mb=small_mb)
    report.add("ledger L-04 all", households, seconds=full, ratio=full / floor, peak_mb=full_mb)


# --------------------------------------------------------------------------------------------- facts refresh


def _write_floor(township: AdminArea) -> None:
    """A bare write of as many facts rows as the township has, server-side (the cheapest a write can be)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS bench_facts_copy (LIKE households_householdfacts)")
        cursor.execute("TRUNCATE bench_facts_copy")
        cursor.execute(
            "INSERT INTO bench_facts_copy SELECT f.* FROM households_householdfacts f "
            "JOIN geo_adminarea a ON a.id = f.managing_area_id WHERE a.code LIKE %s",
            [township.prefix + "%"],
        )


def bench_refresh(report: Report, territory: Territory, households: int, **_: Any) -> None:
    """A full refresh of every township's household facts (all rows new), a second one (nothing changed), one
    household's refresh, against the floor of one input pass plus a bare write of the same rows, in paired trials
    (``trials``)."""
    from households.facts import facts_refresh_area, facts_refresh_households

    today = timezone.localdate()
    reads: list[float] = []
    writes: list[float] = []
    seconds: dict[str, list[float]] = {"refresh all rows new": [], "refresh nothing changed": []}

    def refresh_every_township() -> float:
        taken = 0.0
        for township in territory.townships:
            with step(f"facts refresh of {township.name}"):
                started = time.perf_counter()
                facts_refresh_area(township, on=today)
                taken += time.perf_counter() - started
        return taken

    for _trial in range(trials(households)):
        with connection.cursor() as cursor:  # the benchmark's database holds nothing but the territory
            cursor.execute("TRUNCATE households_householdfacts, households_factsrefresh")
        seconds["refresh all rows new"].append(refresh_every_township())
        analyze()  # as the build leaves it: the benchmarks after this one plan on fresh statistics
        reads.append(_floor(territory))
        started = time.perf_counter()
        for township in territory.townships:
            _write_floor(township)
        writes.append(time.perf_counter() - started)
        seconds["refresh nothing changed"].append(refresh_every_township())
    floors = [read + write for read, write in zip(reads, writes, strict=True)]
    report.add(
        "refresh floor", households, seconds=median(floors), reads=median(reads), writes=median(writes),
        trials=[round(floor, 3) for floor in floors],
    )  # fmt: skip
    for name, taken in seconds.items():
        _report_trials(report, name, households, taken, floors)
    one = Household.objects.filter(managing_area__code__startswith=territory.county.prefix).order_by("pk").first()
    assert one is not None
    started = time.perf_counter()
    facts_refresh_households([one.pk])
    report.add("refresh one household", households, seconds=time.perf_counter() - started)


# -------------------------------------------------------------------------------------------- pages and home


def _client(user: User) -> Any:
    from django.conf import settings
    from django.test import Client

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    return client


def _request(client: Any, url: str, *, repeat: int = 7, before_each: Any = None) -> tuple[float, int, list[str]]:
    """(median seconds, queries, the queries' SQL) of a GET, after one warm-up request; ``before_each()`` runs
    untimed before every timed one."""
    import statistics

    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        if before_each is not None:
            before_each()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
    return statistics.median(times), len(captured.captured_queries), [q["sql"] for q in captured.captured_queries]


# The statements a page's floor replays: its reads ("(SELECT …) UNION …" too, and the paging's read sent with its
# planner setting, "SET LOCAL …; SELECT …").
READS = ("SELECT", "WITH", "(", "SET LOCAL")


def _replay(statements: list[str], *, repeat: int = 7) -> float:
    """The floor of a page: the very queries it ran, sent bare (no view, no template, no middleware)."""
    import statistics

    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            for sql in statements:
                if sql.lstrip().upper().startswith(READS):
                    cursor.execute(sql.replace("%", "%%"))
                    cursor.fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def _bare_first_page(area: AdminArea, *, repeat: int = 7) -> float:
    """The bare indexed query that returns the same first page: the area's open households by number, 25, read
    area by area from the (area, number) index — the fastest way an index serves that page (walking the number
    index alone crosses every area that sorts before this one)."""
    import statistics

    ids = AdminArea.objects.ids_within(area)
    sql = (
        "SELECT h.* FROM unnest(%s::bigint[]) AS a(id) CROSS JOIN LATERAL ("
        "  SELECT id, household_no, head_name, phone, managing_area_id FROM households_household"
        "  WHERE managing_area_id = a.id AND closed_on IS NULL ORDER BY household_no LIMIT 25"
        ") h ORDER BY h.household_no LIMIT 25"
    )
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql, [ids])
            cursor.fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_pages(report: Report, territory: Territory, households: int, **_: Any) -> None:
    """The household list page and the API's first page, for a township cadre and a county reviewer, against the
    bare indexed query of the same first page and against their own queries sent bare."""
    from django.urls import reverse

    from ledgers.counts import area_counts_refresh

    # The last county's last township: household numbers begin with the village code, so its households come last
    # in the default order (by number) — the first page is not found by walking that index from its start.
    county = territory.counties[-1]
    township = territory.townships_of(county)[-1]
    area_counts_refresh(prefix=county.prefix)
    users = {
        "township": (bench_user("bench-township", role="township_cadre", area_code=township.code), township),
        "county": (bench_user("bench-county", role="county_reviewer", area_code=county.code), county),
    }
    for label, (user, area) in users.items():
        client = _client(user)
        floor = _bare_first_page(area)
        for page, url in (("list page", reverse("households:household-list")), ("API list", "/api/v1/households/")):
            seconds, queries, statements = _request(client, url)
            replay = _replay(statements)
            report.add(
                f"{page} {label}", households, seconds=seconds, queries=queries, bare_query=floor,
                ratio=seconds / floor, own_queries_bare=replay, ratio_to_own_queries=seconds / replay,
            )  # fmt: skip
        search = reverse("households:household-list") + "?q=%E6%88%B7%E4%B8%BB1"  # 户主1: a name prefix
        seconds, queries, _statements = _request(client, search)
        report.add(f"list search {label}", households, seconds=seconds, queries=queries, ratio=seconds / floor)


def bench_home(report: Report, territory: Territory, households: int, **_: Any) -> None:
    """The home page of a township cadre and a county reviewer: its queries, and its time against the same
    queries sent bare (the counts and queues it reads)."""
    from django.urls import reverse

    from ledgers.counts import area_counts_refresh

    county = territory.county
    township = territory.townships_of(county)[0]
    started = time.perf_counter()
    counted = area_counts_refresh()
    report.add("area counts refresh", households, seconds=time.perf_counter() - started, areas=counted)
    for label, role, area in (("township", "township_cadre", township), ("county", "county_reviewer", county)):
        user = bench_user(f"bench-home-{label}", role=role, area_code=area.code)
        seconds, queries, statements = _request(_client(user), reverse("home"))
        floor = _replay(statements)
        page = _page_floor()
        report.add(
            f"home {label}", households, seconds=seconds, queries=queries, floor=floor, ratio=seconds / floor,
            page_floor=page, ratio_to_floor_plus_page=seconds / (floor + page),
        )  # fmt: skip


# ------------------------------------------------------------------------------------------------------ import


def _import_file(path: str, county: AdminArea, households: int) -> int:
    """A county's registry in the template: ``households`` households of 1–6 members in its villages."""
    import random

    from openpyxl import Workbook

    from households.idnumbers import build

    rng = random.Random(11)
    villages = list(
        AdminArea.objects.filter(code__startswith=county.prefix, level="village").values_list("code", flat=True)
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("农户成员")
    sheet.append(["户编号", "村代码", "住址", "联系电话", "姓名", "身份证号", "与户主关系", "民族", "健康状况",
                  "劳动能力", "在校生状况", "参加基本医疗保险", "脱贫户", "脱贫年度"])  # fmt: skip
    rows, sequence = 0, 0
    for n in range(households):
        village = villages[n % len(villages)]
        exited = rng.random() < 0.33
        for m in range(rng.choice((1, 2, 3, 4, 4, 5, 6))):
            sequence += 1
            birth = datetime.date(1945, 1, 1) + datetime.timedelta(days=(sequence * 7919) % 25000)
            male = m % 2 == 0
            age = timezone.localdate().year - birth.year
            sheet.append([
                f"I{n:012d}", village, f"{n % 30} 组 {n} 号", "13912345678", f"成员{sequence}",
                build("640398", birth, 2 * (sequence // 25000) + (1 if male else 0), male=male),
                "户主" if m == 0 else ("儿子" if male else "女儿"), "汉族", "健康",
                "普通劳动力" if 16 <= age < 60 else "无劳动力",
                "已离校" if age > 15 else ("小学" if age >= 6 else "未到学龄"),
                "是", "是" if exited else "否", 2019 if exited else None,
            ])  # fmt: skip
            rows += 1
    workbook.save(path)
    _as_excel_saves(path, f"A1:N{rows + 1}")
    return rows


_INLINE = re.compile(rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t[^>]*>([^<]*)</t></is></c>')
_SHARED_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SHARED_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _as_excel_saves(path: str, ref: str) -> None:
    """Make openpyxl's write-only file look as Excel and WPS save one. Those write the sheet's ``<dimension>`` and keep
    every text once in the shared strings (``t="s"``, UTF-8); openpyxl's write-only mode leaves the dimension out and
    writes each text inline, escaped character by character. Both cost a reader more than a cadre's file does:
    without the dimension openpyxl parses the sheet twice when it opens it (the import does not, since
    ``core.uploads.open_workbook``), and an inline text is parsed as an element of its own (a county's file: 3 million).
    A floor read on the write-only file flattered every import ratio measured before 2026-12-05 (afternoon)."""
    import html
    import shutil
    import zipfile

    strings: dict[bytes, int] = {}

    def shared(match: re.Match[bytes]) -> bytes:
        text = html.unescape(match.group(2).decode()).encode()
        index = strings.setdefault(text, len(strings))
        return b'<c r="' + match.group(1) + b'" t="s"><v>' + str(index).encode() + b"</v></c>"

    with zipfile.ZipFile(path) as source, zipfile.ZipFile(path + ".part", "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part)
            if part.filename == "xl/worksheets/sheet1.xml":
                assert b"<dimension" not in data
                at = data.index(b"<sheetViews>")  # the schema's order: sheetPr, dimension, sheetViews, …
                data = data[:at] + f'<dimension ref="{ref}"/>'.encode() + _INLINE.sub(shared, data[at:])
                cells = data.count(b't="s"')
            elif part.filename == "[Content_Types].xml":
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SHARED_TYPE}"/>'
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            elif part.filename == "xl/_rels/workbook.xml.rels":
                relation = f'<Relationship Type="{_SHARED_REL}" Target="sharedStrings.xml" Id="rIdShared"/>'
                data = data.replace(b"</Relationships>", relation.encode() + b"</Relationships>")
            target.writestr(part, data)
        table = io.BytesIO()
        table.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n')
        table.write(
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
            % (cells, len(strings))
        )
        for text in strings:
            table.write(b"<si><t>" + html.escape(text.decode(), quote=False).encode() + b"</t></si>")
        table.write(b"</sst>")
        target.writestr("xl/sharedStrings.xml", table.getvalue())
    shutil.move(path + ".part", path)


def bench_import(report: Report, territory: Territory, households: int, *, workdir: str, **_: Any) -> None:
    """A county's registry (at most ``COUNTY_SIZE`` households) imported in one file (validate, then commit) into
    the first county, then the same file again (nothing changed), against a bare read of the file plus a bare insert
    of its rows; each in a fresh process, as a worker runs the task, with its peak memory (``_in_fresh``: a child
    forked from this process would count this process's memory too)."""
    county = territory.county
    in_file = min(households, COUNTY_SIZE)
    path = os.path.join(workdir, "import.xlsx")

    def write() -> None:  # in a child: rewriting the sheet as Excel saves it holds it whole (some 1.1 GB at 60,000)
        rows = _import_file(path, county, in_file)
        with open(path + ".rows", "w") as handle:
            handle.write(str(rows))

    _seconds, writer_mb = _in_child(write)
    with open(path + ".rows") as handle:
        rows = int(handle.read())
    user = bench_user("bench-import", role="county_reviewer", area_code=county.code)

    floor, floor_mb, floor_phases = _in_fresh("import_floor_in", path=path)
    imported = {"path": path, "user_id": user.pk, "county_id": county.pk, "in_file": in_file, "rows": rows}
    seconds, peak, first = _in_fresh("import_in", **imported)
    again, again_peak, import_phases = _in_fresh("import_in", **imported, again=True)
    report.add(
        "import floor", households, households_in_file=in_file, rows=rows, seconds=floor, peak_mb=floor_mb,
        file_writer_peak_mb=writer_mb, read=floor_phases["read"], insert=floor_phases["insert"],
    )  # fmt: skip
    report.add("import", households, rows=rows, seconds=seconds, ratio=seconds / floor, peak_mb=peak)
    # Where the time goes, against the floor's two parts: reading the file against its bare read, the plan of the
    # validation (the rest of it), and the commit (its plan on locked rows and every write) against the bare insert.
    for label, phases in (("import", first), ("re-import unchanged", import_phases)):
        read = phases["read, check and spill"]
        report.add(
            f"{label} by phase", households, read_check_spill=read, read_ratio=read / floor_phases["read"],
            validation_plan=phases["validation"] - read, commit=phases["commit"],
            commit_ratio=phases["commit"] / floor_phases["insert"],
        )  # fmt: skip
    report.add("re-import unchanged", households, rows=rows, seconds=again, ratio=again / floor, peak_mb=again_peak)


def import_floor_in(*, path: str) -> dict[str, float]:
    """The import's floor (``bench_import``, in a fresh process): a bare read of the file, and a bare insert of its
    rows into tables of their columns, without indexes, history or keys. Its two parts' seconds."""
    from openpyxl import load_workbook

    phases: dict[str, float] = {}
    started = time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=True)
    values = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))  # the rows, read
    workbook.close()
    phases["read"] = time.perf_counter() - started
    with connection.cursor() as cursor:  # … and inserted, plainly, into tables of the rows' columns
        cursor.execute(
            "CREATE TEMP TABLE bare_household (id bigint PRIMARY KEY, household_no varchar(32) UNIQUE, "
            "village varchar(12), address varchar(200), phone varchar(20), head_name varchar(50))"
        )
        cursor.execute(
            "CREATE TEMP TABLE bare_member (id bigint PRIMARY KEY, household_no varchar(32), name varchar(50), "
            "id_number varchar(18), relationship varchar(32), labour varchar(20), schooling varchar(24))"
        )
        households_text, members_text, seen = io.StringIO(), io.StringIO(), set()
        for n, row in enumerate(values):
            if row[0] not in seen:
                seen.add(row[0])
                households_text.write(f"{len(seen)}\t{row[0]}\t{row[1]}\t{row[2]}\t{row[3]}\t{row[4]}\n")
            members_text.write(f"{n}\t{row[0]}\t{row[4]}\t{row[5]}\t{row[6]}\t{row[9]}\t{row[10]}\n")
        households_text.seek(0)
        members_text.seek(0)
        cursor.cursor.copy_expert("COPY bare_household FROM STDIN", households_text)
        cursor.cursor.copy_expert("COPY bare_member FROM STDIN", members_text)
    phases["insert"] = time.perf_counter() - started - phases["read"]
    return phases


def import_in(
    *, path: str, user_id: int, county_id: int, in_file: int, rows: int, again: bool = False
) -> dict[str, float]:
    """A county's file imported as the app imports it (``bench_import``, in a fresh process, as a worker runs the
    task): validated, then committed. ``again``: the same file a second time (a county's monthly extract: every row
    registered, nothing changed). The seconds of its phases."""
    from django.core.files import File

    from households.imports import services
    from households.imports.services import import_job_commit, import_job_commit_request, import_job_validate
    from households.models import ImportJob

    phases: dict[str, float] = {}
    user, county = User.objects.get(pk=user_id), AdminArea.objects.get(pk=county_id)
    reading = services._read  # timed apart: the profile of the gap, in every run (the app's code is untouched)

    def timed_read(job: ImportJob) -> Any:
        started = time.perf_counter()
        try:
            return reading(job)
        finally:
            phases["read, check and spill"] = time.perf_counter() - started

    services._read = timed_read
    with open(path, "rb") as handle:
        job = ImportJob.objects.create(
            created_by=user, area=county, original_name="import.xlsx", file=File(handle, "import.xlsx")
        )
    started = time.perf_counter()
    job = import_job_validate(job=job)
    phases["validation"] = time.perf_counter() - started
    assert job.status == "validated", job.errors[:3]
    started = time.perf_counter()
    import_job_commit_request(job=job, actor=user)  # the commit runs on commit, in-process (no broker here)
    job.refresh_from_db()
    if job.status == "committing":
        job = import_job_commit(job=job)
    phases["commit"] = time.perf_counter() - started
    assert job.status == "committed", job.errors[:3]
    if again:
        assert (job.summary["households_unchanged"], job.summary["members_unchanged"]) == (in_file, rows)
    return phases


def _page_floor() -> float:
    """What any page costs before it reads anything: the login page, rendered for an anonymous visitor (middleware,
    session, the base template)."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    seconds, _queries, _statements = _request(client, reverse("login"))
    return seconds


def bench_dashboard(report: Report, territory: Territory, households: int, **_: Any) -> None:
    """The county dashboard and the province dashboard, against the floor of reading the same aggregates: the
    queries a view that renders the panels runs (the counts, the fund books, the indicators), sent bare. Measured
    as viewers see it (the panels rendered for their area already, ``ratio``) and right after an input changed
    (``cold``)."""
    from django.urls import reverse

    from bench.county import province
    from ledgers.counts import area_counts_refresh
    from ledgers.dashboard import dashboard_inputs_changed

    area_counts_refresh()
    county = territory.county
    url = reverse("ledgers:dashboard")
    for label, role, area in (("county", "reporting_officer", county), ("province", "reporting_officer", province())):
        client = _client(bench_user(f"bench-dash-{label}", role=role, area_code=area.code))
        # Cold: a live input changed before each view, so each renders the panels.
        cold, cold_queries, statements = _request(client, url, before_each=dashboard_inputs_changed)
        floor = _replay(statements)
        seconds, queries, _statements = _request(client, url)
        report.add(
            f"dashboard {label}", households, seconds=seconds, queries=queries, floor=floor, ratio=seconds / floor,
            cold=cold, cold_queries=cold_queries, cold_ratio=cold / floor,
        )  # fmt: skip


# ------------------------------------------------------------------------------------------------ offline visits

SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}  # DevTools


def _offline_download_bytes(user: User) -> tuple[int, int, float]:
    """(households, bytes, seconds) of the phone app's download of the user's households, as the server sends it."""
    import statistics

    client = _client(user)
    client.get("/api/v1/offline/session/")  # the first API request of the process loads the API's modules
    times = []
    for _ in range(3):
        started = time.perf_counter()
        response = client.get("/api/v1/offline/households/", {"scope": "mine"})
        times.append(time.perf_counter() - started)
    seconds = statistics.median(times)
    assert response.status_code == 200, response.content[:300]
    return len(response.json()["households"]), len(response.content), seconds


def _shell_on_slow_3g(user: User) -> tuple[float, float]:
    """(seconds without the worker, seconds with it) to open the offline app on Chromium's "Slow 3G" profile until
    the households kept on the phone are listed; the live server and Chromium run in this process."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    server = LiveServerThread("localhost", StaticFilesHandler)  # its own connection: the bench data is committed
    server.daemon = True
    server.start()
    server.is_ready.wait()
    base = f"http://localhost:{server.port}"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844}, is_mobile=True)
            page = context.new_page()
            page.goto("/accounts/login/?next=/offline/")
            page.fill("#id_username", user.username)
            page.fill("#id_password", "Kx7-bench-Q2m9")
            page.click("button[type=submit]")
            page.wait_for_url("**/offline/")
            page.click("#download")
            page.wait_for_selector("#households button", timeout=120_000)
            page.evaluate("navigator.serviceWorker.ready")
            page.wait_for_function("navigator.serviceWorker.controller !== null")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            started = time.perf_counter()
            page.reload(wait_until="domcontentloaded")
            page.wait_for_selector("#households button", timeout=120_000)
            with_worker = time.perf_counter() - started
            fresh = browser.new_context(base_url=base, viewport={"width": 390, "height": 844}, service_workers="block")
            cold = fresh.new_page()
            cdp = fresh.new_cdp_session(cold)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            started = time.perf_counter()
            cold.goto("/offline/", wait_until="load", timeout=120_000)
            without = time.perf_counter() - started
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        server.terminate()
    return without, with_worker


def bench_offline(report: Report, territory: Territory, households: int, **_: Any) -> None:
    """Issue "Visits without signal", item 6: the transfer of 500 households taken offline (budget 2 MB) and the
    offline app opening on a slow 3G profile (budget 1 s), against the same page loaded without its worker."""
    from django.conf import settings

    village = (
        AdminArea.objects.filter(code__startswith=territory.county.prefix, level="village").order_by("code").first()
    )
    assert village is not None
    township = village.parent
    assert township is not None
    settings.OFFLINE_MAX_HOUSEHOLDS = households  # the whole township as one download, whatever its size
    user = bench_user("bench-field", role="township_cadre", area_code=township.code)
    sent: dict[str, float] = {}

    def download() -> None:  # in a child: a whole township's download grows the heap, which the benchmarks after keep
        sent["count"], sent["size"], sent["seconds"] = _offline_download_bytes(user)

    _seconds, download_mb = _in_child(download, sent)
    count, size = int(sent["count"]), int(sent["size"])
    per_500 = size / count * 500
    report.add(
        "offline download", households, households_sent=count, bytes=size, seconds=sent["seconds"],
        bytes_per_500=round(per_500), ratio_to_2mb=per_500 / 2_000_000, peak_mb=download_mb,
    )  # fmt: skip
    worker = bench_user("bench-field-village", role="village_worker", area_code=village.code)
    without, with_worker = _shell_on_slow_3g(worker)
    report.add(
        "offline shell slow 3G", households, seconds=with_worker, without_worker=without,
        ratio_to_1s=with_worker / 1.0, ratio_to_without=with_worker / without,
    )  # fmt: skip
