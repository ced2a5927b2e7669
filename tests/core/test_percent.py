"""Exact shares (core.percent): compared without division, rounded only for display."""

from decimal import Decimal

from core.percent import at_least, at_most, share_pct

D = Decimal


def test_shares_for_display():
    assert share_pct(D("300100"), D("1000000")) == D("30.01")
    assert share_pct(D(1), D(0)) is None


def test_limits_are_exact_to_the_fen():
    assert at_most(D("300000.00"), D("1000000.00"), D(30))
    assert not at_most(D("300000.01"), D("1000000.00"), D(30))
    assert at_least(D("150000.00"), D("1000000.00"), D(15))
    assert not at_least(D("149999.99"), D("1000000.00"), D(15))
    assert not at_least(D(0), D(0), D(15))  # an empty whole meets no floor above zero
    assert at_least(D(0), D(0), D(0))
