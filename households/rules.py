"""Policy rules of the registry: income, the monitoring line, and the derived guarantee risks.

Every rule is one small typed function citing the SPEC rule it implements. Numbers are never literals here:
thresholds and margins arrive as arguments, read by the caller from ``MonitoringThreshold`` and
``geo.parameters`` (STYLE rule 5).
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final

from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
ZERO = Decimal("0")


@dataclass(frozen=True)
class IncomeComponents:
    """The components of SPEC §3.1 for one period (a year, a month, or a rolling window)."""

    wage_income: Decimal = ZERO
    business_income: Decimal = ZERO
    business_expense: Decimal = ZERO
    property_income: Decimal = ZERO
    transfer_income: Decimal = ZERO

    def __add__(self, other: "IncomeComponents") -> "IncomeComponents":
        return IncomeComponents(
            wage_income=self.wage_income + other.wage_income,
            business_income=self.business_income + other.business_income,
            business_expense=self.business_expense + other.business_expense,
            property_income=self.property_income + other.property_income,
            transfer_income=self.transfer_income + other.transfer_income,
        )

    def scaled(self, factor: Decimal) -> "IncomeComponents":
        return IncomeComponents(
            wage_income=self.wage_income * factor,
            business_income=self.business_income * factor,
            business_expense=self.business_expense * factor,
            property_income=self.property_income * factor,
            transfer_income=self.transfer_income * factor,
        )


def net_income(components: IncomeComponents) -> Decimal:
    """SPEC §3.2: wage + (business − business expense) + property + transfer, to the fen."""
    total = (
        components.wage_income
        + (components.business_income - components.business_expense)
        + components.property_income
        + components.transfer_income
    )
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def per_capita_income(net: Decimal, household_size: int) -> Decimal | None:
    """SPEC §3.2: net income ÷ members who count in the household, 2 decimals, ROUND_HALF_UP.
    None when nobody counts (the household cannot be compared with the line)."""
    if household_size <= 0:
        return None
    return (net / Decimal(household_size)).quantize(CENT, rounding=ROUND_HALF_UP)


def is_below_line(per_capita: Decimal, threshold: Decimal) -> bool:
    """NR-INC-01 (SPEC §3.6): strictly below the line ("低于"); exactly the line is not below (§3.7 example 4)."""
    return per_capita < threshold


def exit_line(threshold: Decimal, margin_pct: Decimal) -> Decimal:
    """NR-INC-04: the line raised by the exit margin, 6000 × 1.10 = 6600 in Ningxia 2021 (003 L238)."""
    return (threshold * (Decimal(100) + margin_pct) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)


def meets_exit_income(per_capita: Decimal, threshold: Decimal, margin_pct: Decimal, *, inclusive: bool) -> bool:
    """NR-INC-04 (SPEC §3.6): "超过…10%以上" is inclusive by default (setting ``exit.margin_inclusive``)."""
    line = exit_line(threshold, margin_pct)
    return per_capita >= line if inclusive else per_capita > line


class LinePosition(StrEnum):
    """Where a household stands against the line (SPEC §3.6: below / within 10 % above / safe)."""

    BELOW = "below"
    NEAR = "near"
    SAFE = "safe"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return str(_LINE_LABELS[self])


_LINE_LABELS = {
    LinePosition.BELOW: _("低于监测标准"),
    LinePosition.NEAR: _("高于监测标准但未达 10%"),
    LinePosition.SAFE: _("高于监测标准 10% 以上"),
    LinePosition.UNKNOWN: _("收入未录入"),
}


def line_position(
    per_capita: Decimal | None, threshold: Decimal, margin_pct: Decimal, *, inclusive: bool
) -> LinePosition:
    """BELOW under the line (NR-INC-01); SAFE once the exit income is met (NR-INC-04); NEAR in between."""
    if per_capita is None:
        return LinePosition.UNKNOWN
    if is_below_line(per_capita, threshold):
        return LinePosition.BELOW
    if meets_exit_income(per_capita, threshold, margin_pct, inclusive=inclusive):
        return LinePosition.SAFE
    return LinePosition.NEAR


# ------------------------------------------------------------------------------------------------ the income window


@dataclass(frozen=True)
class Window:
    """Twelve months, first and last inclusive, as (year, month) pairs."""

    first: tuple[int, int]
    last: tuple[int, int]

    def months(self) -> list[tuple[int, int]]:
        year, month = self.first
        out = []
        while (year, month) <= self.last:
            out.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    @property
    def label(self) -> str:
        return f"{self.first[0]}-{self.first[1]:02d} … {self.last[0]}-{self.last[1]:02d}"


def rolling_window(decision_date: datetime.date) -> Window:
    """SPEC §3.5 (002 L295): for a decision in month M of year Y, month M of Y−1 to month M−1 of Y.
    Example: 2021-06 → 2020-06 … 2021-05."""
    year, month = decision_date.year, decision_date.month
    last = (year, month - 1) if month > 1 else (year - 1, 12)
    return Window(first=(year - 1, month), last=last)


def calendar_year_window(year: int) -> Window:
    return Window(first=(year, 1), last=(year, 12))


@dataclass(frozen=True)
class PeriodIncome:
    """One income record: a whole year (month None) or one month."""

    year: int
    month: int | None
    components: IncomeComponents


@dataclass(frozen=True)
class WindowIncome:
    components: IncomeComponents
    months_covered: int  # how many of the 12 months the records cover
    prorated: bool  # yearly records were spread evenly over their months


def income_in_window(records: Iterable[PeriodIncome], window: Window) -> WindowIncome:
    """The income of a 12-month window [design, SPEC §3.5]: a monthly record counts for its month; a yearly record
    counts for the window months of its year that no monthly record covers, at one twelfth each."""
    months = set(window.months())
    monthly = {(r.year, r.month): r.components for r in records if r.month is not None}
    yearly = {r.year: r.components for r in records if r.month is None}
    total = IncomeComponents()
    covered = 0
    prorated = False
    for year, month in sorted(months):
        if (year, month) in monthly:
            total = total + monthly[(year, month)]
            covered += 1
        elif year in yearly:
            total = total + yearly[year].scaled(Decimal(1) / Decimal(12))
            covered += 1
            prorated = True
    return WindowIncome(components=total, months_covered=covered, prorated=prorated)


def amount_in_window(records: Iterable[tuple[int, int | None, Decimal]], window: Window) -> Decimal:
    """One amount recorded per year or month (year, month or None, amount) over a window, counted like income:
    a monthly figure for its month, a yearly one at a twelfth for each window month of its year not covered by a
    monthly figure."""
    months = set(window.months())
    monthly = {(year, month): amount for year, month, amount in records if month is not None}
    yearly = {year: amount for year, month, amount in records if month is None}
    total = ZERO
    for year, month in sorted(months):
        if (year, month) in monthly:
            total += monthly[(year, month)]
        elif year in yearly:
            total += yearly[year] / Decimal(12)
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def previous_window(window: Window) -> Window:
    """The twelve months before ``window``."""
    (first_year, first_month), (last_year, last_month) = window.first, window.last
    return Window(first=(first_year - 1, first_month), last=(last_year - 1, last_month))


def rigid_exceeds_income(rigid: Decimal, last_year_net: Decimal | None) -> bool | None:
    """SPEC §3.3 ``rigid_exceeds_income``: rigid expenditure in the window is above (strictly, "超过") last year's
    household net income (003 L218, L222). None when last year's income is not recorded."""
    if last_year_net is None:
        return None
    return rigid > last_year_net


def sharp_income_drop(current_net: Decimal | None, previous_net: Decimal | None, drop_pct: Decimal) -> bool | None:
    """SPEC §3.3 ``sharp_income_drop``: this window's net income is at most (1 − ``income.sharp_drop_pct``) of the
    previous window's (收入大幅缩减, 003 L214; 30 % by design). None when either window is not fully recorded;
    never a drop from a previous income of zero or less."""
    if current_net is None or previous_net is None:
        return None
    if previous_net <= 0:
        return False
    return current_net <= previous_net * (1 - drop_pct / 100)


def large_medical_oop(medical: Decimal, last_year_net: Decimal | None, ratio: Decimal) -> bool | None:
    """SPEC §3.3 ``large_medical_oop``: compliant medical self-pay in the window is at least
    ``income.large_medical_oop_ratio`` (0.5) × last year's household net income ("个人自费开支较大", 003 L222)."""
    if last_year_net is None:
        return None
    if last_year_net <= 0:
        return medical > 0
    return medical >= last_year_net * ratio


def rigid_test(rigid_exceeds: bool | None, sharp_drop: bool | None, *, require_both: bool) -> bool | None:
    """NR-INC-06: the trigger must lead to rigid spending above last year's income **or** a sharp income drop
    (Ningxia, 003 L218) — **and** in the Longde profile (002 L295, SPEC §15 C-08). None when the data cannot
    say."""
    if require_both:
        if rigid_exceeds is False or sharp_drop is False:
            return False
        if rigid_exceeds is None or sharp_drop is None:
            return None
        return True
    if rigid_exceeds or sharp_drop:
        return True
    if rigid_exceeds is None or sharp_drop is None:
        return None
    return False


# ----------------------------------------------------------------------------------- "two assurances, 3 guarantees"


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def housing_at_risk(housing_safety: str, *, safe_value: str) -> bool:
    """SPEC §2.5 computed default: the house is not graded safe."""
    return housing_safety != safe_value


def water_ok(*, quantity: bool, quality: bool, access: bool, reliability: bool) -> bool:
    """SPEC §2.5: drinking water is safe only when all four national criteria hold."""
    return quantity and quality and access and reliability


def threshold_respects_floor(amount: Decimal, national_line: Decimal | None, floor_factor: Decimal) -> bool:
    """SPEC §3.4 (003 L216): the monitoring line is at least 1.5 × the national poverty line of the
    poverty-alleviation period ("以…国家扶贫标准的1.5倍为底线"); without a national line there is nothing to check."""
    return national_line is None or amount >= national_line * floor_factor


# Where a visit's position can be at all (degrees): the visit service refuses anything else, and the API schema
# states the same bounds.
LATITUDE: Final = (-90, 90)
LONGITUDE: Final = (-180, 180)


# How many digits a household's sequence within its village has (the national system: 640324100201 + 001).
HOUSEHOLD_SEQUENCE_DIGITS: Final = 3


def next_household_no(village_code: str, taken: Iterable[str]) -> str:
    """The number of a new household (a split, 分户, SPEC §2.1 ``household_no``): its village's 12-digit code
    followed by the next free sequence of at least three digits after the highest one in use in that village."""
    used = [int(number[len(village_code) :]) for number in taken if number[len(village_code) :].isdigit()]
    following = max(used, default=0) + 1
    return f"{village_code}{following:0{HOUSEHOLD_SEQUENCE_DIGITS}d}"


def incomes_combined(survivor: Mapping[str, Decimal], absorbed: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """A merge (并户, SPEC §2.6) keeps every yuan: the income of one period of both households, component by
    component (the absorbed household's members now live from the survivor's income); a missing component is 0."""
    names = sorted(set(survivor) | set(absorbed))
    return {name: survivor.get(name, ZERO) + absorbed.get(name, ZERO) for name in names}
