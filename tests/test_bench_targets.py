"""The verdicts ``make bench`` prints against the scale issue's targets (bench/targets.py)."""

from bench.targets import show, verdicts


def _figure(benchmark, households=60_000, **values):
    return {"benchmark": benchmark, "households": households, **values}


def _by_target(rows):
    return {(row["households"], row["target"]): row["verdict"] for row in rows}


def test_a_ratio_is_met_near_or_not_met_and_a_count_is_exact():
    rows = verdicts(
        [
            _figure("sweep first run", ratio=4.0, seconds=4.0),
            _figure("refresh all rows new", ratio=1.9),
            _figure("sweep re-run", ratio=5.4, seconds=5.2, to_first_run=1.3),
            _figure("home township", ratio=3.2, queries=16),
            _figure("import", ratio=2.6, peak_mb=300),
            _figure("dashboard county", ratio=1.0, queries=30),
        ]
    )
    found = _by_target(rows)

    assert found[(60_000, "full sweep, first run (× one pass over the facts' inputs)")] == "met"
    assert found[(60_000, "facts refresh, every row new (× one input pass and a bare write)")] == "met, near"
    assert found[(60_000, "full sweep, re-run")] == "not met, near"  # 5.4 is over 5, within a tenth of it
    assert found[(60_000, "home page, township (× its floor)")] == "not met, near"
    assert found[(60_000, "home page, township: queries")] == "not met"  # 16 > 15: a count has no "near"
    assert found[(60_000, "dashboard, county (× reading its aggregates)")] == "met"
    assert found[(60_000, "import of a county's file (× a bare read and insert)")] == "not met"
    assert found[(60_000, "import of a county's file: peak MB")] == "met, near"  # 300: memory moves between runs
    assert found[(60_000, "full sweep, re-run (× its first run: no longer)")] == "not met"  # 1.3 > 1.1


def test_a_benchmark_not_run_has_no_line_and_each_size_has_its_own():
    rows = verdicts([_figure("dashboard county", ratio=1.5), _figure("dashboard county", 1_000_000, ratio=3.5)])

    assert _by_target(rows) == {
        (60_000, "dashboard, county (× reading its aggregates)"): "met",
        (1_000_000, "dashboard, county (× reading its aggregates)"): "not met",
    }
    assert "1,000,000  not met       3.50 (≤ 3)" in show(rows)


def test_a_failed_benchmark_without_its_figure_is_left_out():
    assert verdicts([_figure("import", error="OperationalError: …")]) == []


def test_a_smaller_run_than_a_county_is_read_against_no_target():
    rows = verdicts([_figure("sweep first run", 5_000, ratio=10.2, seconds=1.4)])

    assert rows == []
    assert show(rows) == "targets: none measured (they are set for 60,000 households and more)"
