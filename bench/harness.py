"""What every benchmark shares: timing against a floor measured in the same run, a statement timeout that names
the query which hit it, the machine's description, and the JSON kept in ``bench/results/``."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.backends.signals import connection_created
from django.db.utils import OperationalError

RESULTS = Path(__file__).resolve().parent / "results"
TIMEOUT_SECONDS = int(os.environ.get("BENCH_STATEMENT_TIMEOUT", "600"))


class StepTimedOut(Exception):
    """A statement ran past ``BENCH_STATEMENT_TIMEOUT``: the step and the statement are named."""

    def __init__(self, step: str, sql: str) -> None:
        super().__init__(f"{step}: statement timeout after {TIMEOUT_SECONDS} s in\n    {sql[:600]}")
        self.step = step
        self.sql = sql


_last_sql = [""]


def _record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    _last_sql[0] = sql
    return execute(sql, params, many, context)


def _on_connect(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {TIMEOUT_SECONDS * 1000}")
        connection.execute_wrappers.append(_record)


connection_created.connect(_on_connect)


@contextlib.contextmanager
def step(name: str) -> Iterator[None]:
    """Run one step; a statement timeout becomes ``StepTimedOut`` naming the step and the statement."""
    try:
        yield
    except OperationalError as exc:
        if "statement timeout" in str(exc):
            raise StepTimedOut(name, _last_sql[0]) from exc
        raise


def timed(work: Callable[[], Any], *, repeat: int = 1) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def median_time(work: Callable[[], Any], *, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


_PEAK = Path("/proc/self/status")


def peak_reset() -> None:
    """Start counting a step's own peak memory: Linux sets the process's high-water mark of resident memory (VmHWM)
    back to what it holds now. Without it, a peak read after a step is the whole run's: the 1,142 MB a run of
    2026-12-05 recorded "after the 1,000,000 sweep" was the 60,000 import's, writing its file."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    """The process's peak resident memory in MB since the last ``peak_reset`` (VmHWM); elsewhere than Linux, the
    whole process's (``ru_maxrss``)."""
    with contextlib.suppress(OSError):
        for line in _PEAK.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _command(*args: str) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, check=False, timeout=10).stdout.strip()  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return ""


def keep_text(text: str, name: str) -> Path:
    """Print ``text`` kept as ``bench/results/<time>-<name>.txt`` (the plans)."""
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H%M")
    path = RESULTS / f"{stamp}-{name}.txt"
    path.write_text(text + "\n", encoding="utf-8")
    print(f"kept in {path.relative_to(RESULTS.parent.parent)}")
    return path


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    settings: dict[str, str] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
        for name in ("jit", "work_mem", "shared_buffers", "effective_cache_size", "max_parallel_workers_per_gather"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    memory = ""
    with contextlib.suppress(OSError), open("/proc/meminfo") as meminfo:
        memory = meminfo.readline().split(":")[1].strip()
    return {
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "cpu": next(
            (line.split(":")[1].strip() for line in _command("lscpu").splitlines() if "Model name" in line), ""
        ),
        "memory": memory,
        "python": platform.python_version(),
        "database": version,
        "database_settings": settings,
    }


@dataclass
class Report:
    """The figures of one ``make bench`` run, printed as they come and kept as JSON."""

    sizes: list[int]
    figures: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)  # bench.targets.verdicts of the figures
    started: str = field(default_factory=lambda: datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"))

    def add(self, benchmark: str, households: int, **values: Any) -> None:
        row = {"benchmark": benchmark, "households": households, **values}
        self.figures.append(row)
        shown = "  ".join(f"{k}={_show(v)}" for k, v in values.items())
        print(f"  {benchmark:<28} {shown}", flush=True)

    def save(self) -> Path:
        RESULTS.mkdir(exist_ok=True)
        label = "-".join(str(n) for n in self.sizes) or "none"
        stamp = self.started[:16].replace(":", "")
        path = RESULTS / f"{stamp}-{label}.json"
        document = {
            "started": self.started,
            "machine": machine(),
            "sizes": self.sizes,
            "figures": self.figures,
            "targets": self.targets,
        }
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return path


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return str(value)
