"""One home for every derived household fact (SPEC §2–§4, §15.2).

Each fact is defined here once, with two faces side by side:

* the **Python face** reads one household's rows (prefetched) and is what a page, a checklist or a transition asks;
* the **query face** reads a set of households in one pass per input table (an aggregate, or a narrow read of a
  small table) and is what the facts table is built from.

What the two faces produce goes through the same derivation (``derive``): per-capita income, the exit line, the
hardship tests and the visit due date are computed by one function each, whichever face read the inputs. The tests
run both faces on the same households at the boundaries the documents give.

The result is kept per household in ``HouseholdFacts`` (the read model sweeps, lists, queues and dashboards read):
``facts_refresh`` rewrites the facts of a set of households set-based (a township at a time; nightly and before
every sweep), and every service that changes an input refreshes its household in its own transaction
(``facts_refresh_households``). Apps above this one (monitoring) add their facts through ``register``, so nothing
here imports them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, Protocol

from django.db import connection, transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from geo.codes import AreaLevel, ancestor_code
from geo.models import AdminArea
from geo.parameters import parameters
from households import rules
from households.choices import (
    IN_SCHOOL,
    SPECIAL_IDENTITIES,
    EmploymentStatus,
    HealthStatus,
    HouseholdFlagKind,
    HousingSafety,
    LabourCapacity,
    MemberStatus,
    Relationship,
    RigidExpenseKind,
    SchoolingStatus,
    SelfCare,
)
from households.models import (
    FactsRefresh,
    GuaranteeCheck,
    Household,
    HouseholdFacts,
    HouseholdFlag,
    HouseholdMember,
    IncomeRecord,
    RigidExpense,
    Visit,
)

CENT: Final = Decimal("0.01")
ZERO: Final = Decimal("0")

# ------------------------------------------------------------------------------------------------------ context


@dataclass(frozen=True)
class FactContext:
    """The day facts are computed for and every setting they read (SPEC §15.2), fetched once per area."""

    on: datetime.date
    line: Decimal | None  # this year's monitoring line (SPEC §3.4); None while no administrator has entered one
    exit_margin_pct: Decimal  # exit.income_margin_pct
    exit_inclusive: bool  # exit.margin_inclusive
    compulsory_age: tuple[int, int]  # school.compulsory_age
    elderly_age: int  # person.elderly_age
    sharp_drop_pct: Decimal  # income.sharp_drop_pct
    oop_ratio: Decimal  # income.large_medical_oop_ratio
    check_max_age_days: int  # exit.guarantee_check_max_age_days
    visit_intervals: Mapping[str, int]  # visit.interval_days
    stable_months: int = 6  # "stably employed": working at least half of the year [design, SPEC §7.3 FC-WEAK-RELOC-01]

    @classmethod
    def of(cls, area_code: str, *, on: datetime.date) -> FactContext:
        from households.selectors import threshold_for
        from revitalization.errors import DomainError

        values = parameters(
            [
                "exit.income_margin_pct", "exit.margin_inclusive", "school.compulsory_age", "person.elderly_age",
                "income.sharp_drop_pct", "income.large_medical_oop_ratio", "exit.guarantee_check_max_age_days",
                "visit.interval_days",
            ],
            area_code=area_code,
            on=on,
        )  # fmt: skip
        try:
            line: Decimal | None = threshold_for(area_code=area_code, year=on.year).amount
        except DomainError:
            line = None
        low, high = values["school.compulsory_age"]
        return cls(
            on=on,
            line=line,
            exit_margin_pct=Decimal(str(values["exit.income_margin_pct"])),
            exit_inclusive=bool(values["exit.margin_inclusive"]),
            compulsory_age=(int(low), int(high)),
            elderly_age=int(values["person.elderly_age"]),
            sharp_drop_pct=Decimal(str(values["income.sharp_drop_pct"])),
            oop_ratio=Decimal(str(values["income.large_medical_oop_ratio"])),
            check_max_age_days=int(values["exit.guarantee_check_max_age_days"]),
            visit_intervals={str(k): int(v) for k, v in dict(values["visit.interval_days"]).items()},
        )

    def years_ago(self, years: int) -> datetime.date:
        """The same day ``years`` years before; 29 February becomes 28 February in a common year."""
        try:
            return self.on.replace(year=self.on.year - years)
        except ValueError:
            return self.on.replace(year=self.on.year - years, day=28)


# ------------------------------------------------------------------------------------------------------- ages


def age_between(birth_date: datetime.date, ctx: FactContext, low: int, high: int) -> bool:
    """Python face: aged ``low`` … ``high`` (both included) on the context's day (SPEC §2.5)."""
    return low <= rules.age_on(birth_date, ctx.on) <= high


def age_between_q(ctx: FactContext, low: int, high: int) -> Q:
    """Query face of ``age_between`` over ``birth_date``: a birthday on 29 February falls on 1 March in a common
    year, as ``rules.age_on`` counts it."""
    return Q(birth_date__gt=ctx.years_ago(high + 1), birth_date__lte=ctx.years_ago(low))


def age_at_least(birth_date: datetime.date, ctx: FactContext, years: int) -> bool:
    return rules.age_on(birth_date, ctx.on) >= years


def age_at_least_q(ctx: FactContext, years: int) -> Q:
    return Q(birth_date__lte=ctx.years_ago(years))


# --------------------------------------------------------------------------------------------- member facts


CAN_WORK: Final = frozenset({LabourCapacity.SKILLED, LabourCapacity.ORDINARY, LabourCapacity.WEAK_OR_PARTIAL})
WEAK_OR_LOST: Final = frozenset({LabourCapacity.WEAK_OR_PARTIAL, LabourCapacity.LOST})
EMPLOYED: Final = frozenset(
    {
        EmploymentStatus.EMPLOYED,
        EmploymentStatus.SELF_EMPLOYED,
        EmploymentStatus.FLEXIBLE,
        EmploymentStatus.PUBLIC_WELFARE_POST,
    }
)
WORKING: Final = EMPLOYED | {EmploymentStatus.FARMING}  # anyone earning from work, farming included (DQ-04)
COLLEGE: Final = frozenset({SchoolingStatus.HIGHER_VOCATIONAL, SchoolingStatus.UNDERGRADUATE_PLUS})


@dataclass(frozen=True)
class MemberFact:
    """A count of the household's **present** members that meet a condition: ``test`` is the Python face for one
    member, ``query`` the query face over ``HouseholdMember`` (None: every present member)."""

    name: str
    test: Callable[[Any, FactContext], bool]
    query: Callable[[FactContext], Q] | None


def _school_age_out(m: Any, c: FactContext) -> bool:
    """SPEC §2.5, FC-GAP-MISSED-ITEM-01: of compulsory-school age (``school.compulsory_age``, 6–15) and neither in
    school nor lawfully exempt or home-taught (IN_SCHOOL counts both)."""
    return age_between(m.birth_date, c, *c.compulsory_age) and m.schooling_status not in IN_SCHOOL


def _vulnerable(m: Any, c: FactContext) -> bool:
    """FC-WEAK-INCOME-02: old (``person.elderly_age``), weak or without labour, ill or disabled (老弱病残)."""
    return (
        age_at_least(m.birth_date, c, c.elderly_age)
        or m.labour_capacity in WEAK_OR_LOST
        or m.health_status != HealthStatus.HEALTHY
        or m.disability_category != ""
    )


MEMBER_FACTS: Final[tuple[MemberFact, ...]] = (
    # SPEC §2.1 household_size: present members who count in the household (the one definition of "人口").
    MemberFact("size", lambda m, c: m.counts_in_household, lambda c: Q(counts_in_household=True)),
    MemberFact("present", lambda m, c: True, None),
    MemberFact(
        "school_age_out",
        _school_age_out,
        lambda c: age_between_q(c, *c.compulsory_age) & ~Q(schooling_status__in=sorted(IN_SCHOOL)),
    ),
    # SPEC §2.5: basic medical insurance, FC-GAP-MISSED-ITEM-02.
    MemberFact(
        "uninsured", lambda m, c: not m.medical_insurance_enrolled, lambda c: Q(medical_insurance_enrolled=False)
    ),
    MemberFact(
        "seriously_ill",
        lambda m, c: m.health_status == HealthStatus.SERIOUS_ILLNESS,
        lambda c: Q(health_status=HealthStatus.SERIOUS_ILLNESS),
    ),
    MemberFact(
        "chronically_ill",
        lambda m, c: m.health_status == HealthStatus.CHRONIC_DISEASE,
        lambda c: Q(health_status=HealthStatus.CHRONIC_DISEASE),
    ),
    # SPEC §4.2 UE-1: a serious illness confirmed by a medical institution.
    MemberFact(
        "confirmed_ill",
        lambda m, c: m.health_status == HealthStatus.SERIOUS_ILLNESS and m.illness_confirmed_by_institution,
        lambda c: Q(health_status=HealthStatus.SERIOUS_ILLNESS, illness_confirmed_by_institution=True),
    ),
    MemberFact(
        "severely_disabled", lambda m, c: m.disability_grade in (1, 2), lambda c: Q(disability_grade__in=[1, 2])
    ),
    MemberFact(
        "lost_self_care", lambda m, c: m.self_care == SelfCare.DISABLED, lambda c: Q(self_care=SelfCare.DISABLED)
    ),
    MemberFact(
        "can_work", lambda m, c: m.labour_capacity in CAN_WORK, lambda c: Q(labour_capacity__in=sorted(CAN_WORK))
    ),
    MemberFact(
        "stably_employed",
        lambda m, c: m.employment_status in EMPLOYED and m.employment_months_this_year >= c.stable_months,
        lambda c: Q(employment_status__in=sorted(EMPLOYED), employment_months_this_year__gte=c.stable_months),
    ),
    MemberFact(
        "working", lambda m, c: m.employment_status in WORKING, lambda c: Q(employment_status__in=sorted(WORKING))
    ),
    MemberFact(
        "college_students",
        lambda m, c: m.schooling_status in COLLEGE,
        lambda c: Q(schooling_status__in=sorted(COLLEGE)),
    ),
    # SPEC §4.2 UE-4/MA-4: a main labourer with a disability whose labour is weak, partial or lost.
    MemberFact(
        "disabled_main_labourers",
        lambda m, c: m.is_main_labourer and m.disability_category != "" and m.labour_capacity in WEAK_OR_LOST,
        lambda c: Q(is_main_labourer=True, labour_capacity__in=sorted(WEAK_OR_LOST)) & ~Q(disability_category=""),
    ),
    MemberFact("heads", lambda m, c: m.relationship == Relationship.HEAD, lambda c: Q(relationship=Relationship.HEAD)),
    MemberFact(
        "vulnerable",
        _vulnerable,
        lambda c: (
            age_at_least_q(c, c.elderly_age)
            | Q(labour_capacity__in=sorted(WEAK_OR_LOST))
            | ~Q(health_status=HealthStatus.HEALTHY)
            | ~Q(disability_category="")
        ),
    ),
)
MEMBER_FACT: Final[dict[str, MemberFact]] = {f.name: f for f in MEMBER_FACTS}


def present_members_q() -> Q:
    return Q(member_status=MemberStatus.PRESENT)


def member_fact_q(name: str, ctx: FactContext) -> Q:
    """The query face of one member fact, present members included: what member rules filter by."""
    fact = MEMBER_FACT[name]
    return present_members_q() & (fact.query(ctx) if fact.query is not None else Q())


def member_counts(members: Iterable[Any], ctx: FactContext) -> dict[str, int]:
    """Python face of every member count, over one household's members."""
    present = [m for m in members if m.member_status == MemberStatus.PRESENT]
    return {fact.name: sum(1 for m in present if fact.test(m, ctx)) for fact in MEMBER_FACTS}


def member_count_aggregates(ctx: FactContext) -> dict[str, Count]:
    """Query face of every member count, for ``values("household_id").annotate(...)`` over present members."""
    return {
        fact.name: Count("pk", filter=fact.query(ctx)) if fact.query is not None else Count("pk")
        for fact in MEMBER_FACTS
    }


# ---------------------------------------------------------------------------------------------------- income

# The income components of SPEC §3.1 and the two spending totals kept with them, as IncomeRecord fields.
PARTS: Final[dict[str, str]] = {
    "wage": "wage_income",
    "business": "business_income",
    "business_expense": "business_expense",
    "property_": "property_income",  # the underscore: ``property`` is the decorator
    "transfer": "transfer_income",
    "policy": "policy_transfer_income",
    "medical": "medical_self_pay",
    "schooling": "schooling_expense",
}


@dataclass(frozen=True)
class Amounts:
    wage: Decimal = ZERO
    business: Decimal = ZERO
    business_expense: Decimal = ZERO
    property_: Decimal = ZERO
    transfer: Decimal = ZERO
    policy: Decimal = ZERO
    medical: Decimal = ZERO
    schooling: Decimal = ZERO

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(**{name: getattr(self, name) + getattr(other, name) for name in PARTS})

    def share(self, months: int) -> Amounts:
        """``months`` twelfths of a yearly amount, divided once so that the two faces agree to the fen."""
        return Amounts(**{name: getattr(self, name) * months / 12 for name in PARTS})

    @property
    def components(self) -> rules.IncomeComponents:
        return rules.IncomeComponents(
            wage_income=self.wage,
            business_income=self.business,
            business_expense=self.business_expense,
            property_income=self.property_,
            transfer_income=self.transfer,
        )

    @property
    def net(self) -> Decimal:
        """SPEC §3.2 net income, to the fen."""
        return rules.net_income(self.components)

    @property
    def business_net(self) -> Decimal:
        return (self.business - self.business_expense).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def work(self) -> Decimal:
        """Wage and net business income: what a household earns by its own work (FC-WEAK-INCOME-01)."""
        return (self.wage + self.business - self.business_expense).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Half:
    """Monthly records of one year before the split month (``early``) or from it on (``late``)."""

    months: int = 0
    amounts: Amounts = field(default_factory=Amounts)


@dataclass(frozen=True)
class IncomeYear:
    """One household's income records of one year, cut at the decision month ``split`` (SPEC §3.5): every window
    the rules read (the rolling window, the one before it, a calendar year) is made of such halves."""

    year: int
    yearly: Amounts | None = None
    early: Half = field(default_factory=Half)
    late: Half = field(default_factory=Half)


def _amounts_of(record: Any) -> Amounts:
    return Amounts(**{name: getattr(record, column) for name, column in PARTS.items()})


def income_years(records: Iterable[Any], *, split: int) -> dict[int, IncomeYear]:
    """Python face: one household's ``IncomeRecord`` rows, by year and half."""
    years: dict[int, dict[str, Any]] = {}
    for record in records:
        year = years.setdefault(record.year, {"yearly": None, "early": Half(), "late": Half()})
        if record.month is None:
            year["yearly"] = _amounts_of(record)
        else:
            part = "early" if record.month < split else "late"
            half = year[part]
            year[part] = Half(half.months + 1, half.amounts + _amounts_of(record))
    return {y: IncomeYear(y, v["yearly"], v["early"], v["late"]) for y, v in years.items()}


def income_year_aggregates(split: int) -> dict[str, Any]:
    """Query face of ``income_years``: for ``values("household_id", "year").annotate(...)`` over IncomeRecord."""
    yearly, early, late = Q(month__isnull=True), Q(month__lt=split), Q(month__gte=split)
    out: dict[str, Any] = {
        "yearly_n": Count("pk", filter=yearly),
        "early_n": Count("pk", filter=early),
        "late_n": Count("pk", filter=late),
    }
    for name, column in PARTS.items():
        out[f"y_{name}"] = Sum(column, filter=yearly)
        out[f"e_{name}"] = Sum(column, filter=early)
        out[f"l_{name}"] = Sum(column, filter=late)
    return out


def income_year_from_row(row: Mapping[str, Any]) -> IncomeYear:
    def amounts(prefix: str) -> Amounts:
        return Amounts(**{name: row[f"{prefix}_{name}"] or ZERO for name in PARTS})

    return IncomeYear(
        year=row["year"],
        yearly=amounts("y") if row["yearly_n"] else None,
        early=Half(row["early_n"], amounts("e")),
        late=Half(row["late_n"], amounts("l")),
    )


@dataclass(frozen=True)
class Window:
    """A 12-month window as the halves it is made of: (year, "early" | "late" | "all")."""

    parts: tuple[tuple[int, str], ...]
    label: str
    first: tuple[int, int]
    last: tuple[int, int]

    def as_rules_window(self) -> rules.Window:
        return rules.Window(first=self.first, last=self.last)


def rolling_window(on: datetime.date) -> Window:
    """SPEC §3.5 (002 L295): for a decision in month M of year Y, month M of Y−1 to month M−1 of Y."""
    w = rules.rolling_window(on)
    y = on.year
    parts = ((y - 1, "late"), (y, "early")) if on.month > 1 else ((y - 1, "all"),)
    return Window(parts, w.label, w.first, w.last)


def calendar_window(year: int) -> Window:
    w = rules.calendar_year_window(year)
    return Window(((year, "all"),), w.label, w.first, w.last)


def previous_window(window: Window) -> Window:
    """The twelve months before ``window``."""
    w = rules.previous_window(window.as_rules_window())
    return Window(tuple((year - 1, part) for year, part in window.parts), w.label, w.first, w.last)


@dataclass(frozen=True)
class WindowIncome:
    amounts: Amounts
    months: int  # how many of the 12 months the records cover
    prorated: bool  # a yearly record was spread evenly over months no monthly record covers


def window_income(years: Mapping[int, IncomeYear], window: Window, *, split: int) -> WindowIncome:
    """SPEC §3.5 [design]: a monthly record counts for its month; a yearly record counts for the window months of
    its year that no monthly record covers, at one twelfth each."""
    total, covered, prorated = Amounts(), 0, False
    for year, part in window.parts:
        income = years.get(year)
        if income is None:
            continue
        halves = (income.early, income.late) if part == "all" else (getattr(income, part),)
        months_in_part = 12 if part == "all" else (split - 1 if part == "early" else 13 - split)
        recorded = sum(h.months for h in halves)
        for half in halves:
            total = total + half.amounts
        covered += recorded
        if income.yearly is not None and months_in_part > recorded:
            total = total + income.yearly.share(months_in_part - recorded)
            covered += months_in_part - recorded
            prorated = True
    return WindowIncome(total, covered, prorated)


@dataclass(frozen=True)
class IncomeFacts:
    """SPEC §3.2–§3.6: the household's current income and where it stands, and the hardship tests of §3.3."""

    window: Window
    fallback: bool  # the rolling window is not fully recorded: the latest fully recorded calendar year is used
    income: WindowIncome
    net_income: Decimal | None
    per_capita: Decimal | None
    line: Decimal | None
    exit_line: Decimal | None
    position: rules.LinePosition
    exit_income_met: bool | None
    net_last_year: Decimal | None
    policy_last_year: Decimal | None
    net_current: Decimal | None
    net_previous: Decimal | None
    business_current: Decimal | None
    business_previous: Decimal | None
    work_current: Decimal | None
    work_previous: Decimal | None
    kept_rigid: Decimal  # medical and schooling spending kept with last year's income
    kept_medical: Decimal


def income_facts(years: Mapping[int, IncomeYear], *, size: int, ctx: FactContext) -> IncomeFacts:
    """The one derivation of income facts, whichever face read the records."""
    split = ctx.on.month
    window, fallback = rolling_window(ctx.on), False
    current = window_income(years, window, split=split)
    if current.months < 12:
        # SPEC §3.5, 003 L218 "上年度收入": the latest fully recorded calendar year stands in, and pages say so.
        for year in sorted(years, reverse=True):
            candidate = window_income(years, calendar_window(year), split=split)
            if candidate.months == 12:
                window, current, fallback = calendar_window(year), candidate, True
                break
    complete = current.months == 12
    net = current.amounts.net if complete else None
    per_capita = rules.per_capita_income(net, size) if net is not None else None
    exit_line = position = met = None
    if ctx.line is not None:
        exit_line = rules.exit_line(ctx.line, ctx.exit_margin_pct)
        position = rules.line_position(per_capita, ctx.line, ctx.exit_margin_pct, inclusive=ctx.exit_inclusive)
        if per_capita is not None:
            met = rules.meets_exit_income(per_capita, ctx.line, ctx.exit_margin_pct, inclusive=ctx.exit_inclusive)
    previous = window_income(years, previous_window(window), split=split) if complete else None
    last = window_income(years, calendar_window(ctx.on.year - 1), split=split)
    last_complete = last.months == 12
    before = previous if previous is not None and previous.months == 12 else None
    return IncomeFacts(
        window=window,
        fallback=fallback,
        income=current,
        net_income=net,
        per_capita=per_capita,
        line=ctx.line,
        exit_line=exit_line,
        position=position or rules.LinePosition.UNKNOWN,
        exit_income_met=met,
        net_last_year=last.amounts.net if last_complete else None,
        policy_last_year=last.amounts.policy.quantize(CENT, rounding=ROUND_HALF_UP) if last_complete else None,
        net_current=net,
        net_previous=before.amounts.net if before else None,
        business_current=current.amounts.business_net if complete else None,
        business_previous=before.amounts.business_net if before else None,
        work_current=current.amounts.work if complete else None,
        work_previous=before.amounts.work if before else None,
        kept_rigid=(last.amounts.medical + last.amounts.schooling).quantize(CENT, rounding=ROUND_HALF_UP),
        kept_medical=last.amounts.medical.quantize(CENT, rounding=ROUND_HALF_UP),
    )


# ------------------------------------------------------------------------------------------------ rigid bills

SUDDEN: Final = frozenset({RigidExpenseKind.ACCIDENT, RigidExpenseKind.MAJOR_CHANGE, RigidExpenseKind.EPIDEMIC})
EMERGENCY: Final = frozenset({RigidExpenseKind.ACCIDENT, RigidExpenseKind.MAJOR_CHANGE})
BILL_KINDS: Final[dict[str, frozenset[str] | None]] = {
    "total": None,
    "medical": frozenset({RigidExpenseKind.MEDICAL_OUT_OF_POCKET}),
    "disaster": frozenset({RigidExpenseKind.DISASTER_LOSS}),
    "epidemic": frozenset({RigidExpenseKind.EPIDEMIC}),
    "emergency": EMERGENCY,
    "sudden": SUDDEN,
}


def window_dates(ctx: FactContext) -> tuple[datetime.date, datetime.date]:
    """First and last day of the rolling window of SPEC §3.5."""
    first = ctx.on.replace(year=ctx.on.year - 1, day=1)
    return first, ctx.on.replace(day=1) - datetime.timedelta(days=1)


def bill_totals(bills: Iterable[Any], ctx: FactContext) -> dict[str, Decimal]:
    """Python face: net rigid expenses (gross − reimbursed) incurred in the rolling window, by kind (SPEC §3.3)."""
    first, last = window_dates(ctx)
    inside = [b for b in bills if first <= b.incurred_on <= last]
    return {
        name: sum((b.gross_amount - b.reimbursed_amount for b in inside if kinds is None or b.kind in kinds), ZERO)
        for name, kinds in BILL_KINDS.items()
    }


def bill_aggregates() -> dict[str, Sum]:
    """Query face of ``bill_totals`` over RigidExpense of the window (the caller filters the dates)."""
    from django.db.models import F

    net = F("gross_amount") - F("reimbursed_amount")
    return {
        name: Sum(net, filter=Q(kind__in=sorted(kinds)) if kinds is not None else None)
        for name, kinds in BILL_KINDS.items()
    }


@dataclass(frozen=True)
class Hardship:
    """SPEC §3.3 for one decision date: what the trigger conditions of §4.2 and the rigid test NR-INC-06 read.
    ``None`` means the records cannot say (an income year not fully recorded)."""

    rigid_total: Decimal
    medical_oop: Decimal
    rigid_exceeds_income: bool | None
    sharp_income_drop: bool | None
    large_medical_oop: bool | None
    business_loss: bool | None  # net business income fell by at least ``income.sharp_drop_pct`` (UE-5)
    work_income_drop: bool | None  # wage and net business income fell by as much (FC-WEAK-INCOME-01)


def hardship(income: IncomeFacts, bills: Mapping[str, Decimal], ctx: FactContext) -> Hardship:
    """Bills of the window, or the medical and schooling totals kept with last year's income, whichever is larger:
    the same spending recorded both ways never counts twice [design]."""
    rigid = max(bills["total"], income.kept_rigid)
    medical = max(bills["medical"], income.kept_medical)
    drop = ctx.sharp_drop_pct
    return Hardship(
        rigid_total=rigid,
        medical_oop=medical,
        rigid_exceeds_income=rules.rigid_exceeds_income(rigid, income.net_last_year),
        sharp_income_drop=rules.sharp_income_drop(income.net_current, income.net_previous, drop),
        large_medical_oop=rules.large_medical_oop(medical, income.net_last_year, ctx.oop_ratio),
        business_loss=rules.sharp_income_drop(income.business_current, income.business_previous, drop),
        work_income_drop=rules.sharp_income_drop(income.work_current, income.work_previous, drop),
    )


# ------------------------------------------------------------------------------------------------------ flags

# One bit per flag kind, fixed here: the stored bitmask must not change meaning when the choices are reordered.
FLAG_BITS: Final[dict[str, int]] = {
    kind: 1 << bit
    for bit, kind in enumerate(
        (
            HouseholdFlagKind.EXITED_POOR,
            HouseholdFlagKind.STABLY_EXITED,
            HouseholdFlagKind.RETURNED_TO_POVERTY,
            HouseholdFlagKind.SUBSISTENCE_ALLOWANCE,
            HouseholdFlagKind.DESTITUTE_SUPPORT,
            HouseholdFlagKind.NEAR_SUBSISTENCE,
            HouseholdFlagKind.RELOCATED,
            HouseholdFlagKind.POLICY_MIGRANT,
            HouseholdFlagKind.LABOUR_MIGRANT,
            HouseholdFlagKind.SELF_MIGRANT,
            HouseholdFlagKind.ZERO_EMPLOYMENT,
            HouseholdFlagKind.DISABLED_HOUSEHOLD,
            HouseholdFlagKind.MULTI_DISABLED,
            HouseholdFlagKind.NEWLY_DISABLED,
            HouseholdFlagKind.SERIOUS_ILLNESS_HOUSEHOLD,
            HouseholdFlagKind.ILLNESS_THIS_YEAR,
            HouseholdFlagKind.MANY_CHILDREN_IN_SCHOOL,
            HouseholdFlagKind.SAND_FIELD_WITHDRAWAL,
        )
    )
}
assert set(FLAG_BITS) == set(HouseholdFlagKind.values), "every flag kind has its bit"


def flag_in_force_q(on: datetime.date) -> Q:
    """Query face: an effective-dated flag valid on ``on`` (SPEC §2.4)."""
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def flag_in_force(flag: Any, on: datetime.date) -> bool:
    """Python face of ``flag_in_force_q``."""
    return flag.valid_from <= on and (flag.valid_to is None or flag.valid_to >= on)


@dataclass(frozen=True)
class FlagFacts:
    bits: int
    since: Mapping[str, datetime.date]  # when each flag in force began

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.since)


def flag_facts(flags: Iterable[tuple[str, datetime.date]]) -> FlagFacts:
    """The flags in force as (kind, valid_from) pairs: their bitmask and start dates."""
    since: dict[str, datetime.date] = {}
    for kind, valid_from in flags:
        since[kind] = min(valid_from, since.get(kind, valid_from))
    bits = 0
    for kind in since:
        bits |= FLAG_BITS[kind]
    return FlagFacts(bits, since)


def has_flag_q(*kinds: str, path: str = "") -> Q:
    """Query face over the facts table (``path`` leads from the queried model to its ``HouseholdFacts``): any of
    ``kinds`` in force."""
    from django.db.models import F, IntegerField
    from django.db.models.expressions import ExpressionWrapper
    from django.db.models.lookups import GreaterThan

    mask = 0
    for kind in kinds:
        mask |= FLAG_BITS[kind]
    masked = ExpressionWrapper(F(f"{path}flags").bitand(mask), output_field=IntegerField())
    return Q(GreaterThan(masked, 0))


# ------------------------------------------------------------------------------------------------- guarantees


@dataclass(frozen=True)
class CheckFacts:
    on: datetime.date | None = None
    all_ok: bool | None = None
    water_ok: bool | None = None


def latest_check(checks: Iterable[Any]) -> CheckFacts:
    """The latest "two assurances, three guarantees" check (SPEC §2.5): latest date, then latest recorded."""
    latest = max(checks, key=lambda c: (c.checked_on, c.pk), default=None)
    if latest is None:
        return CheckFacts()
    return CheckFacts(latest.checked_on, bool(latest.all_ok), bool(latest.water_ok))


@dataclass(frozen=True)
class GuaranteeFacts:
    education_ok: bool
    medical_ok: bool
    housing_ok: bool
    check: CheckFacts
    check_current: bool
    secure: bool


def guarantee_facts(
    counts: Mapping[str, int], housing_safety: str, check: CheckFacts, ctx: FactContext
) -> GuaranteeFacts:
    """SPEC §2.5 and §4.8 precondition 2: what the registry says (no member of school age out of school, everyone
    insured, the house safe) and a recent check with every item met."""
    current = check.on is not None and (ctx.on - check.on).days <= ctx.check_max_age_days
    education, medical = counts["school_age_out"] == 0, counts["uninsured"] == 0
    housing = not rules.housing_at_risk(housing_safety, safe_value=HousingSafety.SAFE)
    return GuaranteeFacts(
        education_ok=education,
        medical_ok=medical,
        housing_ok=housing,
        check=check,
        check_current=current,
        secure=education and medical and housing and current and bool(check.all_ok),
    )


def derived_guarantee(present_members: Iterable[Any], housing_safety: str, ctx: FactContext) -> tuple[bool, bool, bool]:
    """SPEC §2.5 as the registry says it on the context's day, for a check recorded on a visit: (education, basic
    medical, housing) met, by the member facts ``school_age_out`` and ``uninsured``."""
    members = list(present_members)
    return (
        not any(MEMBER_FACT["school_age_out"].test(m, ctx) for m in members),
        not any(MEMBER_FACT["uninsured"].test(m, ctx) for m in members),
        not rules.housing_at_risk(housing_safety, safe_value=HousingSafety.SAFE),
    )


# ----------------------------------------------------------------------------------------------------- visits

# Which interval of ``visit.interval_days`` a household is visited by, and since when (SPEC §4.13, §15.2).
VisitClasses = Mapping[str, datetime.date]


def visit_due(
    last_visit: datetime.date | None, planned: datetime.date | None, classes: VisitClasses, ctx: FactContext
) -> tuple[str, datetime.date | None]:
    """SPEC §4.13: the day by which the household must be visited — overdue once it has passed. Each class the
    household is in (monitored, held, eliminated, exited, risk found) gives its interval after the last visit, or
    after the day it entered the class when it was never visited; a planned next visit not yet made gives its
    date. The earliest wins; a household in no class and with no plan is never due."""
    candidates: list[tuple[datetime.date, str]] = []
    if planned is not None and (last_visit is None or planned > last_visit):
        candidates.append((planned, "planned"))
    for name, since in classes.items():
        days = ctx.visit_intervals.get(name)
        if days is None:
            continue
        due = (last_visit or since) + datetime.timedelta(days=days)
        candidates.append((due, name))
    if not candidates:
        return "", None
    due, name = min(candidates)
    return name, due


def visit_overdue(due_on: datetime.date | None, *, today: datetime.date) -> bool:
    """Python face of the overdue test; the query face is ``visit_overdue_q``."""
    return due_on is not None and due_on < today


def visit_overdue_q(today: datetime.date, path: str = "") -> Q:
    return Q(**{f"{path}visit_due_on__lt": today})


# --------------------------------------------------------------------------------------- contributions above


class Contributor(Protocol):
    """Facts owned by an app above this one (monitoring): the columns it fills, for one household and for a set.
    ``visit_classes`` maps each household to the visit classes its facts put it in."""

    columns: tuple[str, ...]

    def one(self, household: Household, ctx: FactContext) -> dict[str, Any]: ...

    def many(self, households: QuerySet[Household], ctx: FactContext) -> dict[int, dict[str, Any]]: ...

    def defaults(self) -> dict[str, Any]: ...


_CONTRIBUTORS: list[Contributor] = []


def register(contributor: Contributor) -> None:
    """Called from an app's ``ready()``."""
    if all(type(c) is not type(contributor) for c in _CONTRIBUTORS):
        _CONTRIBUTORS.append(contributor)


# ------------------------------------------------------------------------------------------------ derivation


@dataclass(frozen=True)
class Inputs:
    """One household's inputs, read by either face."""

    household_id: int
    managing_area_id: int
    active: bool
    housing_safety: str
    risk_flagged_on: datetime.date | None
    counts: Mapping[str, int]
    years: Mapping[int, IncomeYear]
    bills: Mapping[str, Decimal]
    flags: FlagFacts
    check: CheckFacts
    last_visit: datetime.date | None
    planned_visit: datetime.date | None
    paired_cadre_id: int | None
    contributed: Mapping[str, Any]


NO_BILLS: Final = dict.fromkeys(BILL_KINDS, ZERO)


def derive(inputs: Inputs, ctx: FactContext) -> dict[str, Any]:
    """Every column of ``HouseholdFacts`` from one household's inputs: the one derivation both faces share."""
    counts = inputs.counts
    income = income_facts(inputs.years, size=counts["size"], ctx=ctx)
    hard = hardship(income, inputs.bills, ctx)
    guarantee = guarantee_facts(counts, inputs.housing_safety, inputs.check, ctx)
    classes: dict[str, datetime.date] = dict(inputs.contributed.get("visit_classes", {}))
    exited_since = inputs.flags.since.get(HouseholdFlagKind.EXITED_POOR)
    if exited_since is not None:
        classes["exited"] = exited_since
    if inputs.risk_flagged_on is not None:
        classes["risk_flagged"] = inputs.risk_flagged_on
    visit_class, due = visit_due(inputs.last_visit, inputs.planned_visit, classes, ctx)
    row: dict[str, Any] = {
        "managing_area_id": inputs.managing_area_id,
        "active": inputs.active,
        "computed_on": ctx.on,
        **{fact.name: counts[fact.name] for fact in MEMBER_FACTS},
        "flags": inputs.flags.bits,
        "special_identities": len(inputs.flags.kinds & SPECIAL_IDENTITIES),
        "income_window": income.window.label if income.income.months == 12 else "",
        "income_months": income.income.months,
        "net_income": income.net_income,
        "per_capita": income.per_capita,
        "line": income.line,
        "line_position": str(income.position),
        "exit_income_met": income.exit_income_met,
        "net_last_year": income.net_last_year,
        "policy_last_year": income.policy_last_year,
        "rigid_total": hard.rigid_total,
        "medical_oop": hard.medical_oop,
        "disaster_loss": inputs.bills["disaster"],
        "epidemic_cost": inputs.bills["epidemic"],
        "emergency_cost": inputs.bills["emergency"],
        "sudden_cost": inputs.bills["sudden"],
        "net_current": income.net_current,
        "net_previous": income.net_previous,
        "business_current": income.business_current,
        "business_previous": income.business_previous,
        "work_current": income.work_current,
        "work_previous": income.work_previous,
        "rigid_exceeds_income": hard.rigid_exceeds_income,
        "sharp_income_drop": hard.sharp_income_drop,
        "large_medical_oop": hard.large_medical_oop,
        "business_loss": hard.business_loss,
        "work_income_drop": hard.work_income_drop,
        "education_ok": guarantee.education_ok,
        "medical_ok": guarantee.medical_ok,
        "housing_ok": guarantee.housing_ok,
        "latest_check_on": guarantee.check.on,
        "latest_check_ok": guarantee.check.all_ok,
        "latest_water_ok": guarantee.check.water_ok,
        "guarantees_secure": guarantee.secure,
        "last_visit_on": inputs.last_visit,
        "visit_class": visit_class,
        "visit_due_on": due,
        "paired_cadre_id": inputs.paired_cadre_id,
    }
    for contributor in _CONTRIBUTORS:
        for column in contributor.columns:
            row[column] = inputs.contributed.get(column, contributor.defaults()[column])
    return row


COLUMNS: Final[tuple[str, ...]] = tuple(
    f.attname for f in HouseholdFacts._meta.concrete_fields if f.attname != "household_id"
)


# ---------------------------------------------------------------------------------------------- Python face


def household_inputs(household: Household, ctx: FactContext) -> Inputs:
    """Python face: one household's inputs from its rows (prefetch members, incomes, flags, rigid_expenses,
    guarantee_checks and visits to keep it to a few queries)."""
    from accounts.grants import paired_cadre_ids

    contributed: dict[str, Any] = {}
    for contributor in _CONTRIBUTORS:
        contributed.update(contributor.one(household, ctx))
    visits = list(household.visits.all())
    cadres = paired_cadre_ids(household)
    return Inputs(
        household_id=household.pk,
        managing_area_id=household.managing_area_id,
        active=household.closed_on is None,
        housing_safety=household.housing_safety,
        risk_flagged_on=household.risk_flagged_on,
        counts=member_counts(household.members.all(), ctx),
        years=income_years(household.incomes.all(), split=ctx.on.month),
        bills=bill_totals(household.rigid_expenses.all(), ctx),
        flags=flag_facts((f.kind, f.valid_from) for f in household.flags.all() if flag_in_force(f, ctx.on)),
        check=latest_check(household.guarantee_checks.all()),
        last_visit=max((v.visited_on for v in visits), default=None),
        planned_visit=max((v.next_visit_on for v in visits if v.next_visit_on), default=None),
        paired_cadre_id=min(cadres, default=None),
        contributed=contributed,
    )


def household_facts(household: Household, *, on: datetime.date, ctx: FactContext | None = None) -> dict[str, Any]:
    """Python face of every fact of one household on ``on``: what the facts table holds for it."""
    ctx = ctx or context_for(household.managing_area.code, on=on)
    return derive(household_inputs(household, ctx), ctx)


# ------------------------------------------------------------------------------------------------ query face


def _by_household(rows: Iterable[Mapping[str, Any]]) -> dict[int, dict[str, Any]]:
    return {row["household_id"]: dict(row) for row in rows}


def set_inputs(households: QuerySet[Household], ctx: FactContext) -> Iterator[Inputs]:
    """Query face: the inputs of every household of ``households``, one pass per input table."""
    from accounts.grants import pairings

    ids = households.order_by().values("pk")
    base = list(
        households.order_by().values_list("pk", "managing_area_id", "closed_on", "housing_safety", "risk_flagged_on")
    )
    members = _by_household(
        HouseholdMember.objects.filter(household_id__in=ids, member_status=MemberStatus.PRESENT)
        .order_by()
        .values("household_id")
        .annotate(**member_count_aggregates(ctx))
    )
    years: dict[int, dict[int, IncomeYear]] = {}
    income_rows = (
        IncomeRecord.objects.filter(household_id__in=ids)
        .order_by()
        .values("household_id", "year")
        .annotate(**income_year_aggregates(ctx.on.month))
    )
    for row in income_rows:
        years.setdefault(row["household_id"], {})[row["year"]] = income_year_from_row(row)
    first, last = window_dates(ctx)
    bills = _by_household(
        RigidExpense.objects.filter(household_id__in=ids, incurred_on__gte=first, incurred_on__lte=last)
        .order_by()
        .values("household_id")
        .annotate(**bill_aggregates())
    )
    flags: dict[int, list[tuple[str, datetime.date]]] = {}
    for household_id, kind, valid_from in (
        HouseholdFlag.objects.filter(flag_in_force_q(ctx.on), household_id__in=ids)
        .order_by()
        .values_list("household_id", "kind", "valid_from")
    ):
        flags.setdefault(household_id, []).append((kind, valid_from))
    checks = _latest_checks(ids)
    visits = _by_household(
        Visit.objects.filter(household_id__in=ids)
        .order_by()
        .values("household_id")
        .annotate(last=Max("visited_on"), planned=Max("next_visit_on"))
    )
    cadres: dict[int, int] = {}
    for household_id, user_id in pairings().filter(household_id__in=ids).values_list("household_id", "user_id"):
        cadres[household_id] = min(user_id, cadres.get(household_id, user_id))
    contributed: dict[int, dict[str, Any]] = {}
    for contributor in _CONTRIBUTORS:
        for household_id, values in contributor.many(households, ctx).items():
            contributed.setdefault(household_id, {}).update(values)
    empty_counts = {fact.name: 0 for fact in MEMBER_FACTS}
    for pk, area_id, closed_on, housing_safety, risk_flagged_on in base:
        visit = visits.get(pk, {})
        counts = members.get(pk)
        bill = bills.get(pk)
        yield Inputs(
            household_id=pk,
            managing_area_id=area_id,
            active=closed_on is None,
            housing_safety=housing_safety,
            risk_flagged_on=risk_flagged_on,
            counts={name: counts[name] for name in empty_counts} if counts else empty_counts,
            years=years.get(pk, {}),
            bills={name: bill[name] or ZERO for name in BILL_KINDS} if bill else NO_BILLS,
            flags=flag_facts(flags.get(pk, ())),
            check=checks.get(pk, CheckFacts()),
            last_visit=visit.get("last"),
            planned_visit=visit.get("planned"),
            paired_cadre_id=cadres.get(pk),
            contributed=contributed.get(pk, {}),
        )


def _latest_checks(ids: QuerySet[Any]) -> dict[int, CheckFacts]:
    """The latest check of every household: DISTINCT ON where the database has it, else every check is read."""
    checks = GuaranteeCheck.objects.filter(household_id__in=ids).order_by("household_id", "-checked_on", "-pk")
    columns: tuple[str, ...] = ("household_id", "checked_on", "pk", "food_ok", "clothing_ok", "education_ok")
    columns += ("medical_ok", "housing_ok", "water_ok")
    if connection.features.can_distinct_on_fields:
        checks = checks.distinct("household_id")
    out: dict[int, CheckFacts] = {}
    for row in checks.values_list(*columns):
        household_id, checked_on, _pk, *items = row
        if household_id not in out:  # the first row is the latest
            out[household_id] = CheckFacts(checked_on, all(items), items[-1])
    return out


# ------------------------------------------------------------------------------------------------- refreshing

WRITE_BATCH: Final = 1000


@transaction.atomic
def facts_refresh(households: QuerySet[Household], *, ctx: FactContext) -> tuple[int, int]:
    """Recompute the facts of a set of households (the query face) and write the rows that changed: one pass per
    input table, one read of the stored facts, inserts and updates in batches. (households, rows written)."""
    ids = households.order_by().values("pk")
    stored = {
        row[0]: row[1:]
        for row in HouseholdFacts.objects.filter(household_id__in=ids).values_list("household_id", *COLUMNS)
    }
    changed: list[HouseholdFacts] = []
    seen = 0
    for inputs in set_inputs(households, ctx):
        seen += 1
        row = derive(inputs, ctx)
        values = tuple(row[column] for column in COLUMNS)
        old = stored.get(inputs.household_id)
        if old is not None and _same(old, values):
            continue
        changed.append(HouseholdFacts(household_id=inputs.household_id, **row))
    for start in range(0, len(changed), WRITE_BATCH):
        HouseholdFacts.objects.bulk_create(
            changed[start : start + WRITE_BATCH],
            update_conflicts=True,
            unique_fields=["household"],
            update_fields=list(COLUMNS),
        )
    return seen, len(changed)


def _same(old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    """Stored and recomputed rows agree, the computation date aside (a row is not rewritten just for the date)."""
    index = COLUMNS.index("computed_on")
    return old[:index] + old[index + 1 :] == new[:index] + new[index + 1 :]


def facts_refresh_area(area: AdminArea, *, on: datetime.date | None = None) -> FactsRefresh:
    """Refresh the facts of every household managed in ``area`` (a township at a time: the sweep's unit) and log
    how fresh they are."""
    on = on or timezone.localdate()
    started = timezone.now()
    ctx = context_for(area.code, on=on)
    seen, changed = facts_refresh(Household.objects.managed_in(area), ctx=ctx)
    return FactsRefresh.objects.create(
        area=area, on=on, started_at=started, finished_at=timezone.now(), households=seen, changed=changed
    )


def context_for(area_code: str, *, on: datetime.date) -> FactContext:
    """Settings and the line are a county's (SPEC §15.2): every household of a county reads the same context,
    whether refreshed with its township or alone."""
    return FactContext.of(ancestor_code(area_code, AreaLevel.COUNTY), on=on)


def facts_refresh_households(household_ids: Iterable[int], *, on: datetime.date | None = None) -> None:
    """What a service calls after changing an input: the facts of these households, in the service's transaction.
    Households of different counties read their own county's settings."""
    ids = sorted(set(household_ids))
    if not ids:
        return
    on = on or timezone.localdate()
    by_county: dict[str, list[int]] = {}
    for pk, code in Household.objects.filter(pk__in=ids).values_list("pk", "managing_area__code"):
        by_county.setdefault(ancestor_code(code, AreaLevel.COUNTY), []).append(pk)
    for county_code, members in by_county.items():
        facts_refresh(Household.objects.filter(pk__in=members), ctx=FactContext.of(county_code, on=on))


def facts_of(household: Household) -> HouseholdFacts:
    """The stored facts of one household, computed now when missing."""
    try:
        return HouseholdFacts.objects.get(household=household)
    except HouseholdFacts.DoesNotExist:
        facts_refresh_households([household.pk])
        return HouseholdFacts.objects.get(household=household)


def facts_fresh_as_of(area: AdminArea) -> datetime.datetime | None:
    """When the facts of ``area`` were last refreshed whole (its own refresh or one of an area above it)."""
    from geo.parameters import area_codes_up

    codes = area_codes_up(area.code)
    return (
        FactsRefresh.objects.filter(Q(area__code__in=codes) | Q(area__code__startswith=area.prefix))
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
