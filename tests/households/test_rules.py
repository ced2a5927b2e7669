"""The income rules with the documents' numbers (SPEC §3.2–§3.7, Ningxia profile: line 6000, exit line 6600)."""

import datetime
from decimal import Decimal

import pytest

from households import rules
from households.rules import IncomeComponents, LinePosition, PeriodIncome

D = Decimal
LINE = D("6000")
MARGIN = D("10")


def test_worked_example_1_entry_by_income():
    # 4 members; wage 12,000 + business 8,000 − expense 2,500 + property 300 + transfer 3,600 (SPEC §3.7 #1).
    components = IncomeComponents(
        wage_income=D("12000"),
        business_income=D("8000"),
        business_expense=D("2500"),
        property_income=D("300"),
        transfer_income=D("3600"),
    )
    net = rules.net_income(components)
    assert net == D("21400.00")
    per_capita = rules.per_capita_income(net, 4)
    assert per_capita == D("5350.00")
    assert rules.is_below_line(per_capita, LINE)
    assert rules.line_position(per_capita, LINE, MARGIN, inclusive=True) is LinePosition.BELOW


def test_worked_example_2_exit_one_year_later():
    per_capita = rules.per_capita_income(D("27000"), 4)
    assert per_capita == D("6750.00")
    assert rules.meets_exit_income(per_capita, LINE, MARGIN, inclusive=True)
    assert rules.line_position(per_capita, LINE, MARGIN, inclusive=True) is LinePosition.SAFE


def test_worked_example_3_above_the_line_but_below_the_exit_line():
    per_capita = rules.per_capita_income(D("26000"), 4)
    assert per_capita == D("6500.00")
    assert not rules.is_below_line(per_capita, LINE)
    assert not rules.meets_exit_income(per_capita, LINE, MARGIN, inclusive=True)
    assert rules.line_position(per_capita, LINE, MARGIN, inclusive=True) is LinePosition.NEAR


@pytest.mark.parametrize(
    ("per_capita", "below", "exit_ok", "position"),
    [
        (D("5999.99"), True, False, LinePosition.BELOW),
        (D("6000.00"), False, False, LinePosition.NEAR),  # exactly the line is not "below" (§3.7 #4)
        (D("6599.99"), False, False, LinePosition.NEAR),
        (D("6600.00"), False, True, LinePosition.SAFE),  # exactly 6600 meets the exit line (inclusive default)
        (D("6600.01"), False, True, LinePosition.SAFE),
    ],
)
def test_worked_example_4_boundaries(per_capita, below, exit_ok, position):
    assert rules.exit_line(LINE, MARGIN) == D("6600.00")
    assert rules.is_below_line(per_capita, LINE) is below
    assert rules.meets_exit_income(per_capita, LINE, MARGIN, inclusive=True) is exit_ok
    assert rules.line_position(per_capita, LINE, MARGIN, inclusive=True) is position


def test_an_exclusive_reading_of_the_margin_moves_only_the_boundary():
    assert not rules.meets_exit_income(D("6600.00"), LINE, MARGIN, inclusive=False)
    assert rules.meets_exit_income(D("6600.01"), LINE, MARGIN, inclusive=False)


def test_worked_example_5_sudden_hardship_income_is_above_the_line():
    per_capita = rules.per_capita_income(D("36000"), 3)
    assert per_capita == D("12000.00")
    assert not rules.is_below_line(per_capita, LINE)


def test_worked_example_6_longde_window_and_reference():
    window = rules.rolling_window(datetime.date(2020, 9, 14))
    assert (window.first, window.last) == ((2019, 9), (2020, 8))
    assert rules.per_capita_income(D("15300"), 3) == D("5100.00")
    assert not rules.is_below_line(D("5100"), D("5000"))


def test_worked_example_7_two_elderly_members_meet_the_exit_income():
    per_capita = rules.per_capita_income(D("14000"), 2)
    assert per_capita == D("7000.00")
    assert rules.meets_exit_income(per_capita, LINE, MARGIN, inclusive=True)


def test_the_rolling_window_of_spec_3_5():
    window = rules.rolling_window(datetime.date(2021, 6, 1))
    assert window.label == "2020-06 … 2021-05"
    assert len(window.months()) == 12
    january = rules.rolling_window(datetime.date(2022, 1, 20))
    assert (january.first, january.last) == ((2021, 1), (2021, 12))


def test_per_capita_rounds_half_up_to_the_fen_and_refuses_an_empty_household():
    assert rules.per_capita_income(D("10000"), 3) == D("3333.33")
    assert rules.per_capita_income(D("20000.02"), 4) == D("5000.01")  # 5000.005 → 5000.01
    assert rules.per_capita_income(D("10000"), 0) is None
    assert rules.line_position(None, LINE, MARGIN, inclusive=True) is LinePosition.UNKNOWN


def test_monthly_records_win_over_a_prorated_year_in_the_window():
    year_2020 = IncomeComponents(wage_income=D("12000"))
    records = [
        PeriodIncome(2020, None, year_2020),  # 1,000 a month when spread
        *[PeriodIncome(2021, m, IncomeComponents(wage_income=D("2000"))) for m in range(1, 6)],
    ]
    window = rules.rolling_window(datetime.date(2021, 6, 1))  # 2020-06 … 2021-05
    result = rules.income_in_window(records, window)
    assert result.months_covered == 12
    assert result.prorated
    assert rules.net_income(result.components) == D("17000.00")  # 7 × 1,000 + 5 × 2,000


def test_a_window_without_records_covers_nothing():
    result = rules.income_in_window([], rules.calendar_year_window(2025))
    assert result.months_covered == 0
    assert rules.net_income(result.components) == D("0.00")


def test_guarantee_defaults_for_housing_and_water():
    assert rules.housing_at_risk("unsafe_c", safe_value="safe")
    assert not rules.water_ok(quantity=True, quality=False, access=True, reliability=True)


@pytest.mark.parametrize(
    ("amount", "national", "ok"),
    [(D("6000"), D("4000"), True), (D("5999.99"), D("4000"), False), (D("5000"), None, True)],
)
def test_the_line_is_at_least_one_and_a_half_national_lines(amount, national, ok):
    assert rules.threshold_respects_floor(amount, national, D("1.5")) is ok
