"""The targets of the scale issue (#12, "Targets"), read against a run's figures: one line per target and size,
printed at the end of ``make bench`` and kept in its JSON, so a run says itself which it meets. A ratio within a
tenth of its limit is "near" — "met, near" below it, "not met, near" above it: on this machine one code's ratio
moves by a sixth between runs (docs/adr/0001), so such a figure may turn on the next run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

NEAR = 0.1  # a ratio within this share of its limit, either side
FROM = 60_000  # the targets are set for a county (60,000 households) and a province; CI's 5,000 only keeps it working


@dataclass(frozen=True)
class Target:
    """``benchmark``'s ``value`` at most ``limit`` (``what`` names it for people)."""

    what: str
    benchmark: str
    value: str
    limit: float


def _targets() -> tuple[Target, ...]:
    targets = [
        Target("full sweep, first run (× one pass over the facts' inputs)", "sweep first run", "ratio", 5),
        Target("full sweep, re-run", "sweep re-run", "ratio", 5),
        Target("full sweep, re-run (× its first run: no longer)", "sweep re-run", "to_first_run", 1),
    ]
    for page in ("list page", "API list"):
        for level in ("township", "county"):
            name = f"{page} {level}"
            targets += [
                Target(f"{page}, {level}: queries", name, "queries", 10),
                Target(f"{page}, {level} (× its own queries sent bare)", name, "ratio_to_own_queries", 5),
                Target(f"{page}, {level} (× the bare indexed first page)", name, "ratio", 5),
            ]
    for level in ("township", "county"):
        targets += [
            Target(f"home page, {level}: queries", f"home {level}", "queries", 15),
            Target(f"home page, {level} (× its floor)", f"home {level}", "ratio", 3),
        ]
    return (
        *targets,
        Target("dashboard, county (× reading its aggregates)", "dashboard county", "ratio", 3),
        Target("dashboard, province (× reading its aggregates)", "dashboard province", "ratio", 3),
        Target("import of a county's file (× a bare read and insert)", "import", "ratio", 2),
        Target("import of a county's file: peak MB", "import", "peak_mb", 300),
        Target("facts refresh, every row new (× one input pass and a bare write)", "refresh all rows new", "ratio", 2),
        Target("facts refresh, nothing changed", "refresh nothing changed", "ratio", 2),
    )


TARGETS: tuple[Target, ...] = _targets()


def verdict(value: float, limit: float, *, exact: bool) -> str:
    """Met or not met, "near" when within ``NEAR`` of the limit on either side (a count of queries is exact)."""
    met = "met" if value <= limit else "not met"
    if not exact and abs(value - limit) <= NEAR * limit:
        return f"{met}, near"
    return met


def verdicts(figures: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target against each size's figure that measured it (a benchmark not run has no line)."""
    rows: list[dict[str, Any]] = []
    by_name = {(row["benchmark"], row["households"]): row for row in figures}
    sizes = sorted({households for _name, households in by_name if households >= FROM})
    for households in sizes:
        for target in TARGETS:
            row = by_name.get((target.benchmark, households))
            if row is None or not isinstance(row.get(target.value), (int, float)):
                continue
            value = float(row[target.value])
            exact = target.value == "queries"  # a count; times and memory move between runs
            rows.append(
                {
                    "households": households,
                    "target": target.what,
                    "value": value,
                    "limit": target.limit,
                    "verdict": verdict(value, target.limit, exact=exact),
                }
            )
    return rows


def show(rows: list[dict[str, Any]]) -> str:
    """The verdicts as lines for the terminal."""
    if not rows:
        return f"targets: none measured (they are set for {FROM:,} households and more)"
    lines = ["targets:"]
    for row in rows:
        shown = f"{_number(row['value'])} (≤ {_number(row['limit'])})"
        lines.append(f"  {row['households']:>9,}  {row['verdict']:<13} {shown:<18} {row['target']}")
    return "\n".join(lines)


def _number(value: float) -> str:
    if float(value).is_integer() or value >= 10:
        return f"{value:.0f}"
    return f"{value:.2f}"
