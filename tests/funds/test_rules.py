"""The linkage-fund rules of SPEC §9 and the payment milestones of §8.7, with the documents' numbers at their
boundaries: 30.00 % allowed and 30.01 % flagged, the 1 % fee, 50 % industry not below last year, the milestones on
their very dates, and 15 % for work relief."""

import datetime
from decimal import Decimal

import pytest

from funds import rules

MILESTONES = [["06-30", 50], ["09-30", 75], ["10-31", 85], ["11-30", 92]]
D = Decimal


@pytest.mark.parametrize(
    ("non_poor", "ok"),
    [(D("300000.00"), True), (D("300100.00"), False), (D("299999.99"), True), (D("300000.01"), False)],
)
def test_at_most_thirty_percent_to_non_poor_villages(non_poor, ok):
    """NR-FUND-02: of 1,000,000 yuan, 300,000.00 (30.00 %) passes; 300,100 (30.01 %) and a fen more do not."""
    assert rules.non_poor_village_share_ok(non_poor, D("1000000.00"), max_pct=D(30)) is ok


@pytest.mark.parametrize(
    ("fee", "level", "ok"),
    [
        (D("10000.00"), "county", True),  # 1 % of 1,000,000
        (D("10000.01"), "county", False),
        (D("0.00"), "city", True),
        (D("0.01"), "city", False),  # NR-FUND-05: no management fee at city level
    ],
)
def test_management_fee_one_percent_and_none_at_city_level(fee, level, ok):
    assert rules.management_fee_ok(fee, D("1000000.00"), max_pct=D(1), level=level) is ok


@pytest.mark.parametrize(
    ("industry", "last_year", "ok"),
    [
        (D("500000.00"), None, True),  # exactly 50 %
        (D("499999.99"), None, False),
        (D("550000.00"), D("55"), True),  # equal to last year's share
        (D("549999.99"), D("55"), False),  # above 50 % but below last year's 55 %
    ],
)
def test_industry_share_at_least_fifty_and_not_below_last_year(industry, last_year, ok):
    assert rules.industry_share_ok(industry, D("1000000.00"), min_pct=D(50), last_year_pct=last_year) is ok


@pytest.mark.parametrize(
    ("day", "due"),
    [
        (datetime.date(2026, 6, 29), 0),
        (datetime.date(2026, 6, 30), 50),
        (datetime.date(2026, 9, 29), 50),
        (datetime.date(2026, 9, 30), 75),
        (datetime.date(2026, 10, 31), 85),
        (datetime.date(2026, 11, 29), 85),
        (datetime.date(2026, 11, 30), 92),
        (datetime.date(2026, 12, 31), 92),
    ],
)
def test_the_payment_milestones_fall_on_their_dates(day, due):
    assert rules.milestone_pct(day, MILESTONES) == due


def test_payment_progress_against_the_milestone():
    allocated = D("2000000.00")
    assert rules.payment_progress_ok(D("1000000.00"), allocated, due_pct=D(50))
    assert not rules.payment_progress_ok(D("999999.99"), allocated, due_pct=D(50))
    assert rules.payment_progress_ok(D(0), D(0), due_pct=D(92))  # nothing allocated, nothing due


@pytest.mark.parametrize("use", sorted(rules.BANNED_USES))
def test_the_six_banned_uses_are_refused(use):
    assert not rules.use_allowed(use)


def test_relocation_debt_needs_its_document():
    assert not rules.use_allowed("relocation_debt_repayment")
    assert rules.use_allowed("relocation_debt_repayment", document_no="宁发改〔2021〕12号")
    assert rules.use_allowed("industry_development")


def test_exact_sums():
    thirds = [D("333333.33"), D("333333.33"), D("333333.34")]
    assert rules.sums_reconcile(thirds, D("1000000.00"))
    assert not rules.sums_reconcile(thirds[:2], D("1000000.00"))
