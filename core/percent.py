"""Exact shares of money (SPEC §9: "不超过 30%", "不低于 15%"): every share is compared without division (part × 100
against limit × whole), so 30.00 % passes and 30.01 % does not; a share is rounded only for display."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Final

CENT: Final = Decimal("0.01")
HUNDRED: Final = Decimal(100)


def share_pct(part: Decimal, whole: Decimal) -> Decimal | None:
    """A share in percent to two decimals, for display (None for an empty whole)."""
    if whole <= 0:
        return None
    return (part * HUNDRED / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def at_most(part: Decimal, whole: Decimal, limit_pct: Decimal) -> bool:
    """part / whole ≤ limit %, exactly (no division, no rounding)."""
    return part * HUNDRED <= whole * limit_pct


def at_least(part: Decimal, whole: Decimal, floor_pct: Decimal) -> bool:
    """part / whole ≥ floor %, exactly; an empty whole meets no floor above zero."""
    if whole <= 0:
        return floor_pct <= 0
    return part * HUNDRED >= whole * floor_pct
