"""Income facts (SPEC §3.1–§3.6) and the hardship of §3.3: the income of a window, per-capita income against the
line, the exit income, the drops and the rigid spending. The Python face reads one household's records
(``income_years`` → ``income_facts`` → ``hardship``); the query face is ``IncomeSql``, SQL over the same halves of
the same windows, for a whole township at once. The tests hold the two to the fen at the documents' boundaries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from django.db.models import Count, F, Q, Sum

from households import rules
from households.choices import RigidExpenseKind
from households.facts.context import Dialect, FactContext

CENT: Final = Decimal("0.01")
ZERO: Final = Decimal("0")


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


# The sums the query face keeps per household, year and half: net income (SPEC §3.2), net business income, wage and
# net business income, policy transfers, and the medical and schooling spending kept with the income.
COMBOS: Final[dict[str, Any]] = {
    "net": F("wage_income")
    + F("business_income")
    - F("business_expense")
    + F("property_income")
    + F("transfer_income"),
    "business": F("business_income") - F("business_expense"),
    "work": F("wage_income") + F("business_income") - F("business_expense"),
    "policy": F("policy_transfer_income"),
    "medical": F("medical_self_pay"),
    "schooling": F("schooling_expense"),
}


def income_year_aggregates(split: int) -> dict[str, Any]:
    """Query face of ``income_years``: for ``values("household_id", "year").annotate(...)`` over IncomeRecord, the
    yearly record and the monthly records before and from the split month, counted and summed."""
    yearly, early, late = Q(month__isnull=True), Q(month__lt=split), Q(month__gte=split)
    out: dict[str, Any] = {
        "yearly_n": Count("pk", filter=yearly),
        "early_n": Count("pk", filter=early),
        "late_n": Count("pk", filter=late),
    }
    for name, expression in COMBOS.items():
        out[f"y_{name}"] = Sum(expression, filter=yearly)
        out[f"e_{name}"] = Sum(expression, filter=early)
        out[f"l_{name}"] = Sum(expression, filter=late)
    return out


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


# ------------------------------------------------------------------------------------------------ query face


class IncomeSql:
    """The query face of ``income_facts`` and ``hardship``: SQL expressions over the halves of ``iy`` (a row per
    household and year of ``income_year_aggregates``) joined at the years the windows need, in layers (a layer
    reads the names of the layers before it). The windows are the Python face's: ``rolling_window``,
    ``previous_window``, ``calendar_window`` and the fallback to the latest fully recorded calendar year."""

    # The ``iy`` joins the layers read: this year, the two before, the fallback year and the year before it.
    JOINS: Final = ("i0", "i1", "i2", "ify", "ifp")

    def __init__(self, ctx: FactContext, d: Dialect) -> None:
        self.ctx, self.d = ctx, d
        self.split = ctx.on.month
        y = ctx.on.year
        self.years = {"i0": y, "i1": y - 1, "i2": y - 2}
        rolling = rolling_window(ctx.on)
        alias = {y: "i0", y - 1: "i1", y - 2: "i2"}
        self.rolling = [(alias[year], part) for year, part in rolling.parts]
        self.previous = [(alias[year], part) for year, part in previous_window(rolling).parts]
        self.rolling_label = rolling.label

    def _part(self, alias: str, half: str, combo: str | None) -> tuple[str, str]:
        """(amount, months covered) of one half of one year, by ``window_income``'s reckoning."""
        months = 12 if half == "all" else (self.split - 1 if half == "early" else 13 - self.split)
        if half == "all":
            monthly_n = f"(COALESCE({alias}.early_n, 0) + COALESCE({alias}.late_n, 0))"
            monthly = f"(COALESCE({alias}.e_{combo}, 0) + COALESCE({alias}.l_{combo}, 0))" if combo else ""
        else:
            prefix = half[0]
            monthly_n = f"COALESCE({alias}.{half}_n, 0)"
            monthly = f"COALESCE({alias}.{prefix}_{combo}, 0)" if combo else ""
        yearly = f"COALESCE({alias}.yearly_n, 0) > 0"
        covered = f"({monthly_n} + CASE WHEN {yearly} THEN {months} - {monthly_n} ELSE 0 END)"
        if combo is None:
            return "", covered
        # A yearly record fills the months no monthly record covers, divided once (SPEC §3.5 [design]).
        share = f"{alias}.y_{combo} * ({months} - {monthly_n}) / 12.0"
        return f"({monthly} + CASE WHEN {yearly} THEN {share} ELSE 0 END)", covered

    def _window(self, parts: list[tuple[str, str]], combo: str | None) -> str:
        pieces = [self._part(alias, half, combo) for alias, half in parts if not self._empty(half)]
        index = 1 if combo is None else 0
        return "(" + " + ".join(piece[index] for piece in pieces) + ")" if pieces else "0"

    def _empty(self, half: str) -> bool:
        return half == "early" and self.split == 1

    def layers(self) -> list[dict[str, str]]:
        d = self.d
        roll_months = self._window(self.rolling, None)
        prev_months = self._window(self.previous, None)
        fbp_months = self._window([("ifp", "all")], None)
        one: dict[str, str] = {
            "roll_months": roll_months,
            "fb_year": "fb.year",
            "last_months": self._window([("i1", "all")], None),
            "last_net": self._window([("i1", "all")], "net"),
            "last_policy": self._window([("i1", "all")], "policy"),
            "last_medical": self._window([("i1", "all")], "medical"),
            "last_schooling": self._window([("i1", "all")], "schooling"),
        }
        # Only the window a household's income is read from is summed: a CASE computes the branch it takes, and the
        # sums are numeric arithmetic over six joins (the rolling window when it is complete, else the latest
        # complete calendar year), so each amount is its window's choice made here, rounded in the next layer.
        rolled_here, fell_back_here = f"{roll_months} = 12", "fb.year IS NOT NULL"
        for combo in ("net", "business", "work"):
            rolling, fallback = self._window(self.rolling, combo), self._window([("ify", "all")], combo)
            previous, fallback_previous = self._window(self.previous, combo), self._window([("ifp", "all")], combo)
            one[f"now_{combo}"] = f"CASE WHEN {rolled_here} THEN {rolling} WHEN {fell_back_here} THEN {fallback} END"
            one[f"then_{combo}"] = (
                f"CASE WHEN {rolled_here} THEN (CASE WHEN {prev_months} = 12 THEN {previous} END) "
                f"WHEN {fell_back_here} THEN (CASE WHEN {fbp_months} = 12 THEN {fallback_previous} END) END"
            )

        rolled, fell_back = "roll_months = 12", "fb_year IS NOT NULL"
        year = d.to_text("fb_year")
        two = {
            "income_window": f"CASE WHEN {rolled} THEN {d.text(self.rolling_label)} "
            f"WHEN {fell_back} THEN {year} || '-01 … ' || {year} || '-12' ELSE '' END",
            "income_months": f"CASE WHEN {rolled} THEN 12 WHEN {fell_back} THEN 12 ELSE roll_months END",
            "net_income": d.round2("now_net"),
            "net_current": d.round2("now_net"),
            "net_previous": d.round2("then_net"),
            "business_current": d.round2("now_business"),
            "business_previous": d.round2("then_business"),
            "work_current": d.round2("now_work"),
            "work_previous": d.round2("then_work"),
            "net_last_year": f"CASE WHEN last_months = 12 THEN {d.round2('last_net')} END",
            "policy_last_year": f"CASE WHEN last_months = 12 THEN {d.round2('last_policy')} END",
            "kept_rigid": d.round2("last_medical + last_schooling"),
            "kept_medical": d.round2("last_medical"),
        }
        three = {
            "per_capita": f"CASE WHEN net_income IS NOT NULL AND size > 0 THEN {d.round2('net_income / size')} END",
            "rigid_total": d.greatest("bills_total", "kept_rigid"),
            "medical_oop": d.greatest("bills_medical", "kept_medical"),
        }
        line = self.ctx.line
        if line is None:
            position, met = "'unknown'", d.null("BOOLEAN")
        else:
            exit_line = rules.exit_line(line, self.ctx.exit_margin_pct)
            reached = ">=" if self.ctx.exit_inclusive else ">"
            met = f"CASE WHEN per_capita IS NULL THEN NULL ELSE (per_capita {reached} {d.number(exit_line)}) END"
            position = (
                f"CASE WHEN per_capita IS NULL THEN 'unknown' WHEN per_capita < {d.number(line)} THEN 'below' "
                f"WHEN per_capita {reached} {d.number(exit_line)} THEN 'safe' ELSE 'near' END"
            )
        keep = (Decimal(100) - self.ctx.sharp_drop_pct) / Decimal(100)

        def drop(now: str, then: str) -> str:
            """``rules.sharp_income_drop``."""
            return (
                f"CASE WHEN {now} IS NULL OR {then} IS NULL THEN NULL WHEN {then} <= 0 THEN {d.false()} "
                f"ELSE ({now} <= {then} * {d.number(keep)}) END"
            )

        ratio = d.number(self.ctx.oop_ratio)
        four = {
            "line": d.number(line),
            "line_position": position,
            "exit_income_met": met,
            # rules.rigid_exceeds_income and rules.large_medical_oop.
            "rigid_exceeds_income": "CASE WHEN net_last_year IS NULL THEN NULL ELSE (rigid_total > net_last_year) END",
            "large_medical_oop": "CASE WHEN net_last_year IS NULL THEN NULL "
            f"WHEN net_last_year <= 0 THEN (medical_oop > 0) ELSE (medical_oop >= net_last_year * {ratio}) END",
            "sharp_income_drop": drop("net_current", "net_previous"),
            "business_loss": drop("business_current", "business_previous"),
            "work_income_drop": drop("work_current", "work_previous"),
        }
        return [one, two, three, four]

    def joins(self, iy: str = "iy") -> list[str]:
        """The LEFT JOINs of ``iy`` the layers read (``h`` is the household)."""
        out = [
            f"LEFT JOIN {iy} {alias} ON {alias}.household_id = h.id AND {alias}.year = {year}"
            for alias, year in self.years.items()
        ]
        out.append(
            f"LEFT JOIN (SELECT household_id, MAX(year) AS year FROM {iy} "  # noqa: S608 - names, not values
            "WHERE yearly_n > 0 OR early_n + late_n = 12 GROUP BY household_id) fb ON fb.household_id = h.id"
        )
        out.append(f"LEFT JOIN {iy} ify ON ify.household_id = h.id AND ify.year = fb.year")
        out.append(f"LEFT JOIN {iy} ifp ON ifp.household_id = h.id AND ifp.year = fb.year - 1")
        return out
