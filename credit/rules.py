"""Policy rules of microcredit for the exited-poverty population (脱贫人口小额信贷, SPEC §11.1, NR-LOAN-01…12; the
extension-ratio alert NR-LOAN-13 of §14 for FC-GAP-MISSED-AID-05). One typed function per rule; every number
arrives as an argument from the effective-dated settings ``loan.*`` (STYLE rule 5), seeded by
``credit/migrations/0002_seed_parameters.py``. Money is Decimal to the fen; every bound is inclusive, as the
documents say ("5万元以下" is read as "不超过5万元")."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Final

from households.rules import age_on
from monitoring.choices import SubjectCategory


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year (a term never grows by the
    calendar)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# NR-LOAN-01 (003 L1536; 004 L661): lent per household to the registered exited-poverty population (a 脱贫户 on the
# signing day); of the households in monitoring, a 边缘易致贫户 borrows on the same terms. A 脱贫不稳定户 borrows as
# the 脱贫户 it is; a 突发严重困难户 is neither. The household fact ``monitoring.facts.exited_or_monitored`` decides,
# with these categories.
BORROWING_CATEGORIES: Final = frozenset({SubjectCategory.MARGINAL_AT_RISK.value})


def amount_ok(amount: Decimal, *, max_amount: Decimal) -> bool:
    """NR-LOAN-02 (003 L1538): a contract lends at most ``loan.max_amount`` (50,000 yuan, inclusive)."""
    return Decimal(0) < amount <= max_amount


def term_ok(signed_on: datetime.date, maturity: datetime.date, *, max_years: int) -> bool:
    """NR-LOAN-03 (003 L1540): the term is at most ``loan.max_term_years`` (3 years, inclusive: signed on
    2023-03-01, due 2026-03-01 passes, 2026-03-02 does not)."""
    return signed_on < maturity <= add_years(signed_on, max_years)


def lpr_tenor(signed_on: datetime.date, maturity: datetime.date) -> str:
    """NR-LOAN-04 (003 L1544): which LPR caps the rate: the 1-year LPR for a term up to one year (inclusive), the
    5-year-plus LPR for a longer one. Returns "1y" or "5y"."""
    return "1y" if maturity <= add_years(signed_on, 1) else "5y"


def rate_ok(rate: Decimal, *, lpr: Decimal) -> bool:
    """NR-LOAN-04: the rate, fixed for the contract, is at most the LPR of its term (entered as the bank quoted it
    on the signing day; ``lpr_tenor`` says which)."""
    return Decimal(0) <= rate <= lpr


def no_guarantee(guaranteed: bool) -> bool:
    """NR-LOAN-05 (003 L1542): no guarantee and no collateral; a contract that demands one is not this loan."""
    return not guaranteed


def subsidy_pct(year: int, *, schedule: Sequence[Sequence[int | str]]) -> Decimal:
    """NR-LOAN-06 (003 L1548): the share of the interest the treasury pays in ``year``: 100 % in 2021–2023, 80 % in
    2024–2025 (``loan.subsidy_schedule``, [year, pct] rows). NR-LOAN-10: a campaign contract keeps its terms, so a
    year after the schedule's last one keeps the last year's share (a contract signed in 2025 and due in 2027 is
    subsidised 80 % in 2026 and 2027); a year before the first has no subsidy (the policy had not begun)."""
    rows = sorted((int(y), Decimal(str(p))) for y, p in schedule)
    if not rows or year < rows[0][0]:
        return Decimal(0)
    share = Decimal(0)
    for row_year, pct in rows:
        if row_year <= year:
            share = pct
    return share


def subsidy_by_year(
    signed_on: datetime.date, maturity: datetime.date, *, schedule: Sequence[Sequence[int | str]]
) -> list[tuple[int, Decimal]]:
    """NR-LOAN-06 for each calendar year the contract runs in, signing year to maturity year."""
    return [(year, subsidy_pct(year, schedule=schedule)) for year in range(signed_on.year, maturity.year + 1)]


def purpose_ok(purpose: str, *, allowed: Iterable[str], company_use: bool = False) -> bool:
    """NR-LOAN-07 (003 L1564; 003 L620): production and business of the household only ("户借、户用、户还"): no
    consumption, no "户贷企用" (a household loan used by a company), no "搭便车"."""
    return purpose in set(allowed) and not company_use


def age_ok(birth_date: datetime.date, signed_on: datetime.date, *, min_age: int, max_age: int) -> bool:
    """NR-LOAN-08 (003 L1554): the borrower is ``loan.borrower_age`` 18 to 65 years old, both included, on the
    signing day; someone born on 29 February turns a year older on 1 March of a common year
    (``households.rules.age_on``)."""
    return min_age <= age_on(birth_date, signed_on) <= max_age


def credit_record_ok(*, dishonest_listed: bool, blacklisted_loans: int) -> bool:
    """NR-LOAN-08: no major bad credit record: neither the household on the list of dishonest debtors nor a loan of
    the borrower blacklisted after a malicious default (NR-LOAN-11)."""
    return not dishonest_listed and blacklisted_loans == 0


def household_total_ok(others: Decimal, amount: Decimal, *, max_total: Decimal) -> bool:
    """NR-LOAN-09 (003 L1560): with a top-up, the household's active loans add up to at most
    ``loan.household_max_total`` (100,000 yuan, inclusive)."""
    return others + amount <= max_total


def subsidised_part(others_subsidised: Decimal, amount: Decimal, *, cap: Decimal) -> Decimal:
    """NR-LOAN-09: the part of the household's active loans above ``loan.subsidised_cap`` (50,000 yuan) carries no
    interest subsidy and no risk compensation: the new contract is subsidised up to what the cap leaves."""
    room = max(cap - others_subsidised, Decimal(0))
    return min(amount, room)


def kind_fits(kind: str, *, has_active: bool, previous_status: str | None) -> bool:
    """NR-LOAN-09/10: a new loan for a household with none active; a top-up beside an active one; a renewal after
    the previous contract is repaid ("已还款的可再次申请"); an extension continues an active contract."""
    if kind == "new":
        return not has_active
    if kind == "top_up":
        return has_active
    if kind == "renewal":
        return previous_status == "repaid"
    if kind == "extension":
        return previous_status == "active"
    return False


def within_validity(
    signed_on: datetime.date,
    *,
    valid_from: datetime.date,
    valid_to: datetime.date,
    kind: str,
    campaign_signed_on: datetime.date | None,
) -> bool:
    """NR-LOAN-12 (003 L1556) with NR-LOAN-10: contracts are signed from ``loan.valid_from`` (2021-01-01, when the
    transition-period policy and its subsidy schedule begin; earlier loans belong to the former 扶贫小额信贷 and are
    not recorded here) to ``loan.valid_to`` (2025-12-31). After that only a renewal or an extension of a contract
    signed within the period (``campaign_signed_on``, the first contract of its chain) is signed, on unchanged
    terms."""
    if valid_from <= signed_on <= valid_to:
        return True
    if signed_on > valid_to and kind in ("renewal", "extension") and campaign_signed_on is not None:
        return valid_from <= campaign_signed_on <= valid_to
    return False


def convertible(*, still_eligible: bool, borrower_present: bool, household_open: bool) -> bool:
    """NR-LOAN-11 (003 L1552): a loan is converted to an ordinary farmer loan (or recovered) when its household no
    longer qualifies: no longer exited or marginal (NR-LOAN-01), closed, or the borrower has left it."""
    return not (still_eligible and borrower_present and household_open)


def extension_ratio_alert(extended: int, matured: int, *, alert_pct: Decimal) -> bool:
    """FC-GAP-MISSED-AID-05 (SPEC §7.3; NR-LOAN-13): extended loans are more than ``loan.extension_ratio_alert``
    (20 %) of the loans matured: extended × 100 > pct × matured, without division (20 % exactly passes)."""
    return matured > 0 and Decimal(extended) * 100 > alert_pct * Decimal(matured)
