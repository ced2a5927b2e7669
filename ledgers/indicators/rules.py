"""Holding an indicator's actual value against its target (SPEC §13.2): one function for every comparator."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Final

from ledgers.models import KpiComparator

# "Full coverage" is every unit covered: the actual value of such an indicator is the covered share in percent.
ALL_COVERED: Final = Decimal(100)


def target_number(target: str) -> Decimal | None:
    """The number of a target as written ("100", "1.5", "10,000", "95%"); None for words ("全部乡镇区域")."""
    cleaned = target.strip().replace(",", "").replace("，", "").rstrip("%％").strip()
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def meets_target(comparator: str, actual: Decimal | None, target: str) -> bool | None:
    """SPEC §13.2: whether ``actual`` meets ``target`` under ``comparator``; None when there is nothing to judge
    (no actual value, or a numeric comparator with a target in words). ``dynamic_zero`` (动态清零) is met at zero
    only; ``full_coverage`` when the covered share reaches 100 %."""
    if actual is None:
        return None
    if comparator == KpiComparator.DYNAMIC_ZERO:
        return actual == 0
    if comparator == KpiComparator.FULL_COVERAGE:
        return actual >= ALL_COVERED
    number = target_number(target)
    if number is None:
        return None
    if comparator == KpiComparator.GTE:
        return actual >= number
    if comparator == KpiComparator.GT:
        return actual > number
    if comparator == KpiComparator.LTE:
        return actual <= number
    if comparator == KpiComparator.LT:
        return actual < number
    if comparator == KpiComparator.EQ:
        return actual == number
    return None
