"""Policy rules of the support programme insurance (乡村振兴健康保 / 防贫保, SPEC §11.2). One typed function per rule;
money is Decimal to the fen, rounded half up per line. Numbers arrive as arguments from the effective-dated settings
``insurance.*`` (SPEC §15.2, STYLE rule 5)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
INSURANCE_YEARS = range(2021, 2101)  # 乡村振兴健康保 begins in the transition period (SPEC §11.2)


def fen(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Tier:
    """A band of the critical-illness supplement: above ``lower`` up to ``upper`` (inclusive; None: no end)."""

    lower: Decimal
    upper: Decimal | None
    rate_pct: Decimal


@dataclass(frozen=True)
class Line:
    """One line of a payout computation: ``base`` × ``rate_pct`` % = ``amount`` (a band's part for the tiers)."""

    base: Decimal
    rate_pct: Decimal
    amount: Decimal
    tier: Tier | None = None


@dataclass(frozen=True)
class Payout:
    """A claim's computation: its lines, their sum, and what the yearly limit leaves of it."""

    lines: Sequence[Line]
    gross: Decimal
    limit: Decimal
    used_before: Decimal
    payout: Decimal
    capped: bool = False
    mode: str = ""

    @property
    def remaining_before(self) -> Decimal:
        return max(self.limit - self.used_before, Decimal(0))


def tiers_from(setting: Iterable[Sequence[Any]]) -> list[Tier]:
    """``insurance.ci_tiers`` as [[upper, rate %], …, [null, rate %]], ascending: the bands of 001 L170–L206."""
    tiers: list[Tier] = []
    lower = Decimal(0)
    for upper, rate in setting:
        top = None if upper is None else Decimal(str(upper))
        tiers.append(Tier(lower=lower, upper=top, rate_pct=Decimal(str(rate))))
        if top is None:
            break
        lower = top
    return tiers


def critical_illness_lines(residual: Decimal, *, tiers: Sequence[Tier], mode: str) -> list[Line]:
    """The critical-illness supplement of the in-catalogue inpatient cost left after critical-illness insurance
    (SPEC §11.2, 001 L170–L206): 0–20,000 (incl.) 20 %, 20,000–40,000 (incl.) 30 %, above 40,000 40 %.
    ``progressive`` (``insurance.ci_tier_mode`` default, design) applies each rate to its band: 50,000 → 4,000 +
    6,000 + 4,000 = 14,000; ``flat`` applies the rate of the band the whole amount falls in: 50,000 → 20,000."""
    if residual <= 0:
        return []
    if mode == "flat":
        tier = next(t for t in tiers if t.upper is None or residual <= t.upper)
        return [Line(base=residual, rate_pct=tier.rate_pct, amount=fen(residual * tier.rate_pct / HUNDRED), tier=tier)]
    lines = []
    for tier in tiers:
        if residual <= tier.lower:
            break
        top = residual if tier.upper is None else min(residual, tier.upper)
        base = top - tier.lower
        lines.append(Line(base=base, rate_pct=tier.rate_pct, amount=fen(base * tier.rate_pct / HUNDRED), tier=tier))
    return lines


def accident_medical_lines(cost: Decimal, *, rate_pct: Decimal) -> list[Line]:
    """Accident medical (意外医疗, SPEC §11.2): 80 % (``insurance.accident_medical_rate_pct``) of the cost."""
    if cost <= 0:
        return []
    return [Line(base=cost, rate_pct=rate_pct, amount=fen(cost * rate_pct / HUNDRED))]


def assessed_lines(assessed: Decimal) -> list[Line]:
    """Accident death or disability and specialty-industry losses pay what the insurer assessed, up to the cover
    (SPEC §11.2: accident up to 50,000; industry up to the sum insured)."""
    if assessed <= 0:
        return []
    return [Line(base=assessed, rate_pct=HUNDRED, amount=fen(assessed))]


def within_limit(lines: Sequence[Line], *, limit: Decimal, used_before: Decimal, mode: str = "") -> Payout:
    """The yearly limit per person (SPEC §11.2: critical-illness supplement 50,000 cumulative, accident medical 3,000,
    accident 50,000): a claim pays at most what earlier claims of the year left of it."""
    gross = sum((line.amount for line in lines), Decimal(0))
    remaining = max(limit - used_before, Decimal(0))
    payout = min(gross, remaining)
    return Payout(
        lines=list(lines), gross=gross, limit=limit, used_before=used_before, payout=payout, capped=payout < gross,
        mode=mode,
    )  # fmt: skip


def premium_shares(
    premiums: Sequence[tuple[str, Decimal]], *, individual: Decimal, subsidised: bool
) -> list[tuple[str, Decimal, Decimal]]:
    """Who pays each product's premium (SPEC §11.2, 001 L192): for 脱贫户 and monitoring subjects the package's 70
    yuan is 20 individual + 50 county finance (``insurance.premium_split``), shared over the products in proportion
    to their premiums, the last product taking the remainder so the parts add up to the fen (the county pays the
    rest of each premium); anyone else joins
    voluntarily and pays in full, with no subsidy. Returns (product, individual, county)."""
    if not subsidised:
        return [(product, fen(premium), Decimal(0)) for product, premium in premiums]
    total = sum((premium for _product, premium in premiums), Decimal(0))
    shares = []
    left_individual = individual
    priced = [p for p in premiums if p[1] > 0]
    for product, premium in premiums:
        if premium <= 0:
            shares.append((product, Decimal(0), Decimal(0)))
            continue
        own = left_individual if product == priced[-1][0] else fen(individual * premium / total)
        left_individual -= own
        shares.append((product, own, fen(premium) - own))
    return shares


class Calendar(Protocol):
    def is_workday(self, day: datetime.date) -> bool: ...


def simple_claim_due_on(filed_on: datetime.date, *, days: int, calendar: Calendar) -> datetime.date:
    """A simple claim is settled within 5 working days (``insurance.simple_claim_close_days``, 001 L204): the
    ``days``-th working day after the day it was filed, on the Chinese calendar with its make-up days."""
    day, counted = filed_on, 0
    for _step in range(3660):
        if counted >= days:
            return day
        day += datetime.timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return day


def report_month_due(month: datetime.date, *, due_day: int) -> datetime.date:
    """The insurer reports last month's underwriting and payouts before the 10th of each month (SPEC §12, 001 L206):
    the report of ``month`` is due on the day before ``due_day`` of the following month."""
    following = (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return following.replace(day=due_day) - datetime.timedelta(days=1)
