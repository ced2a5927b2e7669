"""Policy rules of monitoring entry (SPEC §4). Numbers arrive as arguments (STYLE rule 5)."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from households import rules as household_rules
from monitoring.choices import SubjectCategory


def entry_income_in_scope(category: str, per_capita: Decimal | None, threshold: Decimal) -> bool:
    """NR-INC-01: unstable-exited and marginal households must be strictly below the line (6000 is not below);
    NR-INC-02: a sudden-hardship household may be above it (003 L224)."""
    if category == SubjectCategory.SUDDEN_HARDSHIP:
        return True
    return per_capita is not None and household_rules.is_below_line(per_capita, threshold)


def category_fits_household(category: str, *, exited_poor: bool, marginal_excludes_exited: bool) -> bool:
    """SPEC §4.1: unstable-exited only for exited-poverty households (002 L295); marginal only for households that
    are not, while setting ``monitoring.marginal_excludes_exited`` holds (§15 C-23)."""
    if category == SubjectCategory.UNSTABLE_EXITED:
        return exited_poor
    if category == SubjectCategory.MARGINAL_AT_RISK and marginal_excludes_exited:
        return not exited_poor
    return True


def notice_long_enough(starts_on: datetime.date, ends_on: datetime.date, min_days: int) -> bool:
    """SPEC §4.6 EN-3: the notice lasts at least ``notice.entry_days`` calendar days, both ends included."""
    return (ends_on - starts_on).days + 1 >= min_days


def notice_effective_end(
    ends_on: datetime.date, objections: Iterable[tuple[datetime.date, datetime.date | None]], *, today: datetime.date
) -> datetime.date:
    """Objections pause the notice clock until resolved (issue "monitoring" §2): the end moves by the days during
    which at least one objection was open (overlapping objections count once)."""
    paused: set[datetime.date] = set()
    for received, resolved in objections:
        last = resolved or today
        day = received
        while day < last:
            paused.add(day)
            day += datetime.timedelta(days=1)
    return ends_on + datetime.timedelta(days=len(paused))


def notice_period_over(effective_end: datetime.date, *, today: datetime.date) -> bool:
    """The case moves on the day after the (effective) last notice day."""
    return today > effective_end


def negative_list_allows_approval(*, hits: int, mode: str, overridden: bool) -> bool:
    """SPEC §4.7 and §15 C-05: ``block`` — any hit stops approval (003 L236 literally); ``override`` (default) — a
    hit stops approval until a county reviewer records a written reason (002 L299); ``warn`` — informational."""
    if hits == 0 or mode == "warn":
        return True
    if mode == "block":
        return False
    return overridden


# NR-MEAS-01 (SPEC §5.3, 003 L1392, L1400): these are paid from their original channels, never linkage funds.
ORIGINAL_CHANNEL_ONLY = frozenset(
    {
        "subsistence_allowance",
        "temporary_assistance",
        "premium_subsidy",
        "pension_premium_paid",
        "anti_poverty_insurance",
        "industry_insurance",
    }
)


def linkage_fund_allowed(funding_source: str, subtype: str) -> bool:
    """NR-MEAS-01: 低保, temporary assistance, medical and pension premiums and any insurance purchase must not be
    paid from the linkage fund (衔接资金)."""
    return not (funding_source == "linkage_fund" and subtype in ORIGINAL_CHANNEL_ONLY)


def only_safety_net_for_able_household(has_labour_capacity: bool, measure_types: list[str]) -> bool:
    """NR-MEAS-02 (SPEC §5.5, FC-GAP-MISSED-AID-09): a household that can work whose only measures are safety-net
    ones is at risk of welfare dependency — a warning, not a block."""
    return has_labour_capacity and bool(measure_types) and set(measure_types) == {"social_security"}


def measure_plan_overdue(entered_on: datetime.date, measures: int, *, today: datetime.date, due_days: int) -> bool:
    """A subject without any measure ``measure.plan_due_days`` (15) days after entry (SPEC §4.14): the 漏扶 signal
    the sweeps reuse."""
    return measures == 0 and (today - entered_on).days > due_days
