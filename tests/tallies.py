"""Counts a run prints at its end, so CI's log shows how much the generated tests tried: the API contract
(schemathesis) and the upload fuzz each keep a ``Tally`` and ``pytest_terminal_summary`` writes one line per tally,
then what failed, one line each."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest


@dataclass
class Tally:
    title: str  # "API contract (schemathesis)"
    what: str  # how the tried things are counted: "{operations} operations, {cases:,} cases"
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)  # failures whose fix is elsewhere, listed but not failed

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def line(self) -> str:
        noun = "failure" if len(self.failures) == 1 else "failures"
        known = f" ({len(self.known)} known, listed below)" if self.known else ""
        return f"{self.title}: {self.what.format(**self.counts)}, {len(self.failures)} {noun}{known}"


_tallies: dict[str, Tally] = {}


def tally(title: str, what: str, **counts: int) -> Tally:
    """The run's tally named ``title``, created with ``counts`` at zero on first use."""
    if title not in _tallies:
        _tallies[title] = Tally(title, what, dict(counts))
    return _tallies[title]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _tallies:
        return
    terminalreporter.section("tallies")
    for entry in _tallies.values():
        terminalreporter.write_line(entry.line(), red=bool(entry.failures), green=not entry.failures)
        for failure in entry.failures:
            terminalreporter.write_line(f"  - {failure}", red=True)
        for known in entry.known:
            terminalreporter.write_line(f"  - known: {known}", yellow=True)
