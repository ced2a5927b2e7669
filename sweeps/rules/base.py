"""The machinery of the rule catalogue (SPEC §7.3): a rule is a named, versioned, set-based query over one township,
never a loop over households. ``Scope`` carries the township, the day and every number the rules read, fetched once
per township from ``MonitoringThreshold`` and ``PolicyParameter`` (STYLE rule 5); the expressions below are the
shared building blocks (income of a calendar year, household size, "not monitored" …)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.parameters import parameter
from households.choices import MemberStatus
from households.models import Household, HouseholdFlag, HouseholdMember, IncomeRecord, RigidExpense
from households.selectors import threshold_for
from monitoring.choices import OPEN_ENTRY_STATES, OPEN_SUBJECT_STATUSES
from monitoring.models import EntryApplication, MonitoringSubject
from sweeps.choices import FourChecksCategory, GapType, RuleMode, SubjectKind

MONEY: DecimalField[Any, Any] = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)


@dataclass(frozen=True)
class Scope:
    """One township on one day, with the settings the rules read (SPEC §15.2), fetched once per township."""

    township: AdminArea
    on: datetime.date
    threshold: Decimal  # this year's monitoring line (SPEC §3.4)
    exit_margin_pct: Decimal  # exit.income_margin_pct
    focus_factor: Decimal  # sweep.focus_income_factor (1.5): focus groups are checked up to F × the line
    sharp_drop_pct: Decimal  # income.sharp_drop_pct
    oop_ratio: Decimal  # income.large_medical_oop_ratio
    compulsory_age: tuple[int, int]  # school.compulsory_age
    plan_due_days: int  # measure.plan_due_days
    visit_days: int  # visit.interval_days["monitored"]
    guarantee_max_age_days: int  # guarantee.max_age_days
    repeat_threshold: int  # warning.repeat_threshold
    total_target_days: int  # entry.total_target_days
    exit_ready_months: int  # sweep.exit_ready_months
    market_drop_share: Decimal  # sweep.market_drop_share (%)
    vulnerable_share: Decimal  # sweep.vulnerable_share (%)
    policy_income_share: Decimal  # sweep.policy_income_share (%)
    scale_risk_share: Decimal  # sweep.scale_risk_share (%)
    elderly_age: int  # person.elderly_age

    @classmethod
    def of(cls, township: AdminArea, *, on: datetime.date) -> Scope:
        code = township.code

        def number(key: str) -> Decimal:
            return Decimal(str(parameter(key, area_code=code, on=on)))

        low, high = parameter("school.compulsory_age", area_code=code, on=on)
        return cls(
            township=township,
            on=on,
            threshold=threshold_for(area_code=code, year=on.year).amount,
            exit_margin_pct=number("exit.income_margin_pct"),
            focus_factor=number("sweep.focus_income_factor"),
            sharp_drop_pct=number("income.sharp_drop_pct"),
            oop_ratio=number("income.large_medical_oop_ratio"),
            compulsory_age=(int(low), int(high)),
            plan_due_days=int(number("measure.plan_due_days")),
            visit_days=int(parameter("visit.interval_days", area_code=code, on=on)["monitored"]),
            guarantee_max_age_days=int(number("guarantee.max_age_days")),
            repeat_threshold=int(number("warning.repeat_threshold")),
            total_target_days=int(number("entry.total_target_days")),
            exit_ready_months=int(number("sweep.exit_ready_months")),
            market_drop_share=number("sweep.market_drop_share"),
            vulnerable_share=number("sweep.vulnerable_share"),
            policy_income_share=number("sweep.policy_income_share"),
            scale_risk_share=number("sweep.scale_risk_share"),
            elderly_age=int(number("person.elderly_age")),
        )

    @property
    def last_year(self) -> int:
        """SPEC §3.5: the Ningxia tests read "上年度收入" (003 L218): the sweep reads complete calendar years."""
        return self.on.year - 1

    def households(self) -> QuerySet[Household]:
        """Open households managed in the township: the township answers for their rectification."""
        return Household.objects.managed_in(self.township).active()

    def members(self) -> QuerySet[HouseholdMember]:
        return HouseholdMember.objects.filter(
            household__in=self.households(), member_status=MemberStatus.PRESENT
        ).select_related(None)

    def subjects(self) -> QuerySet[MonitoringSubject]:
        return MonitoringSubject.objects.filter(
            household__in=self.households(), status__in=sorted(OPEN_SUBJECT_STATUSES)
        )

    def villages(self) -> QuerySet[AdminArea]:
        return AdminArea.objects.filter(
            code__startswith=self.township.prefix, level=AreaLevel.VILLAGE, valid_to__isnull=True
        )

    def years_ago(self, years: int) -> datetime.date:
        try:
            return self.on.replace(year=self.on.year - years)
        except ValueError:  # 29 February
            return self.on.replace(year=self.on.year - years, day=28)

    def window_start(self) -> datetime.date:
        """First day of the rolling 12-month window of SPEC §3.5 (month M of last year)."""
        return self.on.replace(year=self.on.year - 1, day=1)

    def window_end(self) -> datetime.date:
        """The day before the decision month starts."""
        return self.on.replace(day=1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    """One rule of SPEC §7.3 (or a data-quality rule). ``find`` returns the subjects that trip it inside a scope as
    one queryset of the ``subject`` model; ``evidence`` names values it annotates, kept on the problem as the
    snapshot of why it was found. A rule with ``find`` None is a checklist question of a campaign."""

    id: str
    version: int
    category: FourChecksCategory
    subject: SubjectKind
    mode: RuleMode
    title: str
    basis: str  # the SPEC row and the seed it rests on
    find: Callable[[Scope], QuerySet[Any]] | None = None
    gap_type: GapType | str = ""
    evidence: tuple[str, ...] = ()

    @property
    def automated(self) -> bool:
        return self.find is not None


# ---------------------------------------------------------------------------------------------- building blocks

NET = F("wage_income") + F("business_income") - F("business_expense") + F("property_income") + F("transfer_income")
WORK_AND_BUSINESS = F("wage_income") + F("business_income") - F("business_expense")


def year_amount(expression: Any, year: int, outer: str = "pk") -> Coalesce:
    """An amount of one calendar year: the yearly record, or the sum of twelve monthly records (SPEC §3.1)."""
    records = IncomeRecord.objects.filter(household=OuterRef(outer), year=year)
    yearly = records.filter(month__isnull=True).annotate(value=ExpressionWrapper(expression, MONEY)).values("value")
    monthly = (
        records.filter(month__isnull=False)
        .values("household")
        .annotate(value=Sum(ExpressionWrapper(expression, MONEY)), months=Count("pk"))
        .filter(months=12)
        .values("value")
    )
    return Coalesce(Subquery(yearly[:1]), Subquery(monthly[:1]), output_field=MONEY)


def household_size(outer: str = "pk") -> Coalesce:
    """SPEC §2.1: present members who count in the household."""
    counted = (
        HouseholdMember.objects.filter(
            household=OuterRef(outer), member_status=MemberStatus.PRESENT, counts_in_household=True
        )
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted[:1]), Value(0), output_field=IntegerField())


def with_income(households: QuerySet[Household], scope: Scope) -> QuerySet[Any]:
    """Annotate last year's and the year before's net income and the household size."""
    return households.annotate(
        net_last=year_amount(NET, scope.last_year),
        net_before=year_amount(NET, scope.last_year - 1),
        size=household_size(),
    )


def income_below(scope: Scope, factor: Decimal = Decimal(1)) -> Q:
    """Last year's per-capita net income below ``factor`` × the line (NR-INC-01 strictly below; needs
    ``with_income``)."""
    line = Value(scope.threshold * factor, output_field=MONEY)
    return Q(size__gt=0, net_last__isnull=False, net_last__lt=F("size") * line)


def sharp_drop(scope: Scope, current: str = "net_last", previous: str = "net_before") -> Q:
    """SPEC §3.3 ``sharp_income_drop`` over calendar years: at most (1 − income.sharp_drop_pct) of the year before."""
    keep = Value((Decimal(100) - scope.sharp_drop_pct) / Decimal(100), output_field=MONEY)
    return Q(**{f"{previous}__gt": 0, f"{current}__isnull": False, f"{current}__lte": F(previous) * keep})


def rigid_in_window(scope: Scope, kinds: Iterable[str] | None = None, outer: str = "pk") -> Coalesce:
    """Net rigid expenses (gross − reimbursed) incurred in the rolling window of SPEC §3.5."""
    bills = RigidExpense.objects.filter(
        household=OuterRef(outer), incurred_on__gte=scope.window_start(), incurred_on__lte=scope.window_end()
    )
    if kinds is not None:
        bills = bills.filter(kind__in=list(kinds))
    total = bills.values("household").annotate(v=Sum(F("gross_amount") - F("reimbursed_amount"))).values("v")
    return Coalesce(Subquery(total[:1]), ZERO, output_field=MONEY)


def with_rigid(households: QuerySet[Any], scope: Scope) -> QuerySet[Any]:
    """Rigid spending as ``households.selectors.household_hardship`` counts it: bills of the window, or the
    medical and schooling totals kept with last year's income, whichever is larger (needs ``with_income``)."""
    return households.annotate(
        bills=rigid_in_window(scope),
        kept=year_amount(F("medical_self_pay") + F("schooling_expense"), scope.last_year),
        medical_bills=rigid_in_window(scope, ["medical_out_of_pocket"]),
        medical_kept=year_amount(F("medical_self_pay"), scope.last_year),
    )


def rigid_exceeds_income() -> Q:
    """SPEC §3.3 ``rigid_exceeds_income`` (needs ``with_income`` and ``with_rigid``)."""
    return Q(net_last__isnull=False) & (Q(bills__gt=F("net_last")) | Q(kept__gt=F("net_last")))


def large_medical_oop(scope: Scope) -> Q:
    """SPEC §3.3 ``large_medical_oop``: self-paid medical costs ≥ ratio × last year's net income."""
    ratio = Value(scope.oop_ratio, output_field=MONEY)
    return Q(net_last__isnull=False) & (
        Q(medical_bills__gte=F("net_last") * ratio) | Q(medical_kept__gte=F("net_last") * ratio)
    )


def monitored(outer: str = "pk") -> Exists:
    """An open monitoring episode (SPEC §4.11)."""
    return Exists(MonitoringSubject.objects.filter(household=OuterRef(outer), status__in=sorted(OPEN_SUBJECT_STATUSES)))


def not_monitored(outer: str = "pk") -> Q:
    """SPEC §7.3: no open ``MonitoringSubject`` and no open ``EntryApplication``."""
    applying = Exists(EntryApplication.objects.filter(household=OuterRef(outer), state__in=sorted(OPEN_ENTRY_STATES)))
    return ~Q(monitored(outer)) & ~Q(applying)


def has_flag(kinds: Iterable[str], scope: Scope, *, since: datetime.date | None = None, outer: str = "pk") -> Exists:
    """An effective-dated household flag valid on the scope's day (SPEC §2.4)."""
    flags = HouseholdFlag.objects.filter(household=OuterRef(outer), kind__in=list(kinds), valid_from__lte=scope.on)
    flags = flags.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=scope.on))
    if since is not None:
        flags = flags.filter(valid_from__gte=since)
    return Exists(flags)


def exited_or_monitored(scope: Scope, outer: str = "pk") -> Q:
    from households.choices import HouseholdFlagKind

    return Q(has_flag([HouseholdFlagKind.EXITED_POOR], scope, outer=outer)) | Q(monitored(outer))


def member_exists(outer: str = "pk", **conditions: Any) -> Exists:
    """A present member of the household matching ``conditions``."""
    return Exists(
        HouseholdMember.objects.filter(household=OuterRef(outer), member_status=MemberStatus.PRESENT, **conditions)
    )


def born_between(scope: Scope, low_age: int, high_age: int) -> Q:
    """Members aged ``low_age`` … ``high_age`` (inclusive) on the scope's day."""
    oldest_birth = scope.years_ago(high_age + 1) + datetime.timedelta(days=1)
    youngest_birth = scope.years_ago(low_age)
    return Q(birth_date__gte=oldest_birth, birth_date__lte=youngest_birth)
