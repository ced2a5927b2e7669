"""The payout rules of SPEC §11.2 with the documents' numbers at each boundary."""

import datetime
from decimal import Decimal

import pytest

from insurance import rules

TIERS = rules.tiers_from([[20000, 20], [40000, 30], [None, 40]])


def ci(residual, mode="progressive"):
    lines = rules.critical_illness_lines(Decimal(residual), tiers=TIERS, mode=mode)
    return sum((line.amount for line in lines), Decimal(0))


def test_the_spec_worked_example_residual_50000():
    assert ci("50000") == Decimal("14000.00")  # 20,000×20 % + 20,000×30 % + 10,000×40 %
    assert ci("50000", "flat") == Decimal("20000.00")  # 50,000×40 %


@pytest.mark.parametrize(
    ("residual", "progressive", "flat"),
    [
        ("20000", "4000.00", "4000.00"),  # 20,000 is in the first band (incl.)
        ("20000.01", "4000.00", "6000.00"),  # a fen above: the second band's 30 % (flat: on the whole)
        ("40000", "10000.00", "12000.00"),  # 40,000 is in the second band (incl.)
        ("40000.01", "10000.00", "16000.00"),  # above 40,000: 40 %
        ("0", "0", "0"),
    ],
)
def test_the_band_boundaries(residual, progressive, flat):
    assert ci(residual) == Decimal(progressive)
    assert ci(residual, "flat") == Decimal(flat)


def test_progressive_lines_name_each_band():
    lines = rules.critical_illness_lines(Decimal(50000), tiers=TIERS, mode="progressive")
    assert [(line.base, line.rate_pct, line.amount) for line in lines] == [
        (Decimal(20000), Decimal(20), Decimal("4000.00")),
        (Decimal(20000), Decimal(30), Decimal("6000.00")),
        (Decimal(10000), Decimal(40), Decimal("4000.00")),
    ]


def test_accident_medical_pays_80_percent_within_3000():
    lines = rules.accident_medical_lines(Decimal(5000), rate_pct=Decimal(80))
    payout = rules.within_limit(lines, limit=Decimal(3000), used_before=Decimal(0))
    assert payout.gross == Decimal("4000.00")
    assert payout.payout == Decimal(3000)
    assert payout.capped


def test_the_limit_leaves_what_earlier_claims_left():
    lines = rules.critical_illness_lines(Decimal(100000), tiers=TIERS, mode="progressive")
    first = rules.within_limit(lines, limit=Decimal(50000), used_before=Decimal(0))
    second = rules.within_limit(lines, limit=Decimal(50000), used_before=first.payout)
    assert first.payout == Decimal("34000.00")
    assert second.payout == Decimal("16000.00")
    third = rules.within_limit(lines, limit=Decimal(50000), used_before=Decimal(50000))
    assert third.payout == Decimal(0)


def test_the_subsidised_premium_is_20_individual_and_50_county():
    premiums = [("accident", Decimal(40)), ("critical_illness", Decimal(30)), ("accident_medical", Decimal(0))]
    shares = rules.premium_shares(premiums, individual=Decimal(20), subsidised=True)
    assert sum(s[1] for s in shares) == Decimal("20.00")
    assert sum(s[2] for s in shares) == Decimal("50.00")
    assert shares[0] == ("accident", Decimal("11.43"), Decimal("28.57"))
    voluntary = rules.premium_shares(premiums, individual=Decimal(20), subsidised=False)
    assert sum(s[1] for s in voluntary) == Decimal(70)
    assert all(s[2] == 0 for s in voluntary)


class Weekdays:
    def is_workday(self, day):
        return day.weekday() < 5


def test_a_simple_claim_is_due_on_the_fifth_working_day_after_filing():
    # Filed on Monday 1 June 2026: due on Monday 8 June (2, 3, 4, 5, 8 June).
    assert rules.simple_claim_due_on(datetime.date(2026, 6, 1), days=5, calendar=Weekdays()) == datetime.date(
        2026, 6, 8
    )


def test_the_report_of_a_month_is_due_before_the_10th_of_the_next():
    assert rules.report_month_due(datetime.date(2026, 5, 1), due_day=10) == datetime.date(2026, 6, 9)
    assert rules.report_month_due(datetime.date(2026, 12, 1), due_day=10) == datetime.date(2027, 1, 9)
