"""Policy rules of the linkage funds (衔接资金, SPEC §9) and the payment milestones of §8.7. One typed function per
rule; money is Decimal to the fen and every share is compared without division (part × 100 against limit × whole), so
30.00 % passes and 30.01 % does not. Numbers arrive as arguments from the effective-dated settings (STYLE rule 5)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Final

from core.percent import CENT, at_least, at_most

# The fund years a page or the API accepts: anything else is a typing slip (a year 0 is no date at all).
FUND_YEARS = range(2000, 2101)

# NR-FUND-01 (SPEC §9.4; 003 L1400; 000 L559): uses the linkage funds may never pay for.
BANNED_USES: Final = frozenset(
    {
        "unit_basic_expenditure",
        "vehicles_comms_equipment",
        "buildings",
        "bonuses_allowances_welfare",
        "debt_repayment_advances",
        "insurance_purchase_or_subsidy",
    }
)


def use_allowed(use: str, *, document_no: str = "") -> bool:
    """NR-FUND-01: the six banned uses are refused at entry; repaying 十三五 relocation debt
    (``relocation_debt_repayment``) only with the document that allows it (SPEC §9.4 exception)."""
    if use in BANNED_USES:
        return False
    if use == "relocation_debt_repayment":
        return bool(document_no.strip())
    return True


def industry_share_ok(industry: Decimal, total: Decimal, *, min_pct: Decimal, last_year_pct: Decimal | None) -> bool:
    """NR-FUND-06/07 (003 L1396, L1488; SPEC §15 C-14): the industry share reaches the year's figure
    (``fund.industry_share_min_pct``, at least 50) and is not below last year's share."""
    if not at_least(industry, total, min_pct):
        return False
    # None: the county had no linkage funds last year, so there is no share to stay above (SPEC §15 C-14).
    return last_year_pct is None or at_least(industry, total, last_year_pct)


def non_poor_village_share_ok(non_poor: Decimal, total: Decimal, *, max_pct: Decimal) -> bool:
    """NR-FUND-02 (003 L1402–L1404): at most ``fund.non_poor_village_max_pct`` (30 %) of the county's linkage funds
    go to non-poor villages' industry, infrastructure and county-plan projects."""
    return at_most(non_poor, total, max_pct)


def management_fee_ok(fee: Decimal, total: Decimal, *, max_pct: Decimal, level: str) -> bool:
    """NR-FUND-03: a county's project management fee is at most ``fund.management_fee_max_pct`` (1 %) of its linkage
    funds; NR-FUND-05: a city takes none of the funds allocated to counties (003 L1414)."""
    # NR-FUND-05 is an absolute zero, not a share: any fee fails, whatever the whole.
    if level == "city":
        return fee == 0
    return at_most(fee, total, max_pct)


def milestone_pct(on: datetime.date, milestones: Iterable[tuple[str, int | str]]) -> Decimal:
    """NR-PRJ-09 (003 L1492): the cumulative payment share due on ``on`` for that year's funds: 50 % by 30 June,
    75 % by 30 September, 85 % by 31 October, 92 % by 30 November (``fund.payment_milestones``), 0 before."""
    due = Decimal(0)
    for month_day, pct in milestones:
        month, day = (int(part) for part in month_day.split("-"))
        if on >= datetime.date(on.year, month, day):
            # max(): the parameter may list the milestones in any order. Decimal(str()) keeps 92 or "92.5" exact, with
            # no binary float in between.
            due = max(due, Decimal(str(pct)))
    return due


def payment_progress_ok(paid: Decimal, allocated: Decimal, *, due_pct: Decimal) -> bool:
    """The payments of a fund year reach the share due (NR-PRJ-09); nothing allocated is nothing due."""
    # Without this, at_least() would fail the empty whole and list a county with nothing allocated as behind.
    if allocated <= 0:
        return True
    return at_least(paid, allocated, due_pct)


def sums_reconcile(parts: Sequence[Decimal], total: Decimal) -> bool:
    """Money is exact: the parts of a ledger add up to its total to the fen."""
    return sum(parts, Decimal(0)).quantize(CENT) == total.quantize(CENT)
