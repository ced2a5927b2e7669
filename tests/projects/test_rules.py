"""Project rules with the documents' numbers."""

from decimal import Decimal

from projects import rules

D = Decimal


def test_work_relief_fifteen_percent_of_posts_and_of_pay():
    """NR-PRJ-07 posts and NR-PRJ-08 labour pay are two checks (SPEC §15 C-15)."""
    assert rules.work_relief_posts_ok(3, 20, min_pct=D(15))
    assert not rules.work_relief_posts_ok(2, 20, min_pct=D(15))
    assert rules.work_relief_pay_ok(D("150000.00"), D("1000000.00"), min_pct=D(15))
    assert not rules.work_relief_pay_ok(D("149999.99"), D("1000000.00"), min_pct=D(15))
