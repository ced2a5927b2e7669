"""Reads of the registry; every one starts from ``visible_to(user)`` (STYLE rule 2)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from geo.codes import AreaCodeError, level_of, prefix_of
from geo.parameters import area_codes_up, parameter
from households import rules
from households.choices import HouseholdFlagKind, MemberStatus, RigidExpenseKind
from households.idnumbers import normalize
from households.models import (
    GuaranteeCheck,
    Household,
    HouseholdFlag,
    HouseholdMember,
    IncomeRecord,
    MonitoringThreshold,
)
from households.rules import ZERO
from revitalization.errors import DomainError

SORTS = {
    "household_no": "household_no",
    "-household_no": "-household_no",
    "head_name": "head_name",
    "-head_name": "-head_name",
    "village": "managing_area__code",
    "-village": "-managing_area__code",
    "size": "present_members",
    "-size": "-present_members",
}


def household_list(*, user: Any, q: str = "", area_code: str = "", sort: str = "") -> QuerySet[Household]:
    """The households a user may see, filtered and sorted; a fixed number of queries whatever the page size."""
    return household_search(Household.objects.visible_to(user), q=q, area_code=area_code, sort=sort)


def household_search(
    queryset: QuerySet[Household], *, q: str = "", area_code: str = "", sort: str = ""
) -> QuerySet[Household]:
    """Narrow an already scoped queryset (``visible_to`` ran) by search text, area and sort order."""
    queryset = queryset.select_related("managing_area", "managing_area__parent").annotate(
        present_members=Count("members", filter=Q(members__member_status=MemberStatus.PRESENT))
    )
    q = q.strip()
    if q:
        # Each branch is its own indexed lookup (unique household number, ID number, name prefixes with pattern
        # operator classes); pk__in subqueries avoid a join that would multiply rows and the member count.
        number = normalize(q)
        if number.isdigit() or (number[:-1].isdigit() and number.endswith("X")):
            by_member = HouseholdMember.objects.filter(id_number=number).values("household_id")
            queryset = queryset.filter(Q(household_no=q) | Q(pk__in=by_member))
        else:
            by_member = HouseholdMember.objects.filter(name__startswith=q).values("household_id")
            queryset = queryset.filter(Q(head_name__startswith=q) | Q(pk__in=by_member))
    if area_code:
        try:
            prefix = prefix_of(area_code, level_of(area_code))
        except AreaCodeError:
            return queryset.none()
        queryset = queryset.filter(managing_area__code__startswith=prefix)
    return queryset.order_by(SORTS.get(sort, "household_no"), "pk")


# ------------------------------------------------------------------------------------------- income and the line


@dataclass(frozen=True)
class ThresholdChoice:
    amount: Decimal
    year: int
    area_code: str
    carried_forward: bool  # no row for the requested year: the latest earlier year is used, and the page says so
    national_line: Decimal | None = None  # the national poverty line of that row, where entered (SPEC §3.4 floor)


def threshold_for(*, area_code: str, year: int) -> ThresholdChoice:
    """SPEC §3.4: the line of the decision year for the most specific area (county before province). A year an
    administrator has not entered yet carries the latest earlier year forward, visibly."""
    scopes = area_codes_up(area_code)
    depth = {code: index for index, code in enumerate(scopes)}
    rows = list(MonitoringThreshold.objects.filter(area_code__in=scopes, year__lte=year))
    if not rows:
        raise DomainError(f"{year} 年及以前的监测标准均未设置，请系统管理员在“监测标准”中录入", field="threshold")
    best = max(rows, key=lambda row: (row.year, -depth[row.area_code]))
    return ThresholdChoice(
        amount=best.amount,
        year=best.year,
        area_code=best.area_code,
        carried_forward=best.year != year,
        national_line=best.national_line,
    )


@dataclass(frozen=True)
class IncomeSummary:
    window: rules.Window
    months_covered: int
    prorated: bool
    calendar_year_fallback: bool  # the rolling window was incomplete; the latest complete year is shown
    components: rules.IncomeComponents
    net_income: Decimal
    household_size: int
    per_capita: Decimal | None
    threshold: ThresholdChoice
    exit_line: Decimal
    position: rules.LinePosition


def has_open_flag(household: Household, kind: str, *, on: datetime.date) -> bool:
    """Whether the household carries flag ``kind`` on day ``on`` (SPEC §2.4, effective-dated)."""
    return (
        household.flags.filter(kind=kind, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .exists()
    )


def household_size(household: Household) -> int:
    """SPEC §2.1 ``household_size``: present members who count in the household."""
    return sum(1 for m in household.members.all() if m.member_status == MemberStatus.PRESENT and m.counts_in_household)


def _period_incomes(household: Household) -> list[rules.PeriodIncome]:
    """The household's income records as the income rules read them (SPEC §3.1)."""
    return [
        rules.PeriodIncome(
            r.year,
            r.month,
            rules.IncomeComponents(
                wage_income=r.wage_income,
                business_income=r.business_income,
                business_expense=r.business_expense,
                property_income=r.property_income,
                transfer_income=r.transfer_income,
            ),
        )
        for r in household.incomes.all()
    ]


def household_income_summary(household: Household, *, on: datetime.date) -> IncomeSummary:
    """The household's income in the rolling 12-month window ending before ``on`` (SPEC §3.5) and its position
    against that year's line (§3.6). Members and incomes should be prefetched by the caller."""
    records = _period_incomes(household)
    window = rules.rolling_window(on)
    in_window = rules.income_in_window(records, window)
    fallback = False
    if in_window.months_covered < 12:
        # The rolling window is not fully recorded: use the latest fully recorded calendar year instead, as the
        # Ningxia rules do for "上年度收入" (SPEC §3.5, 003 L218), and say so on the page.
        for year in sorted({r.year for r in records}, reverse=True):
            candidate = rules.income_in_window(records, rules.calendar_year_window(year))
            if candidate.months_covered == 12:
                window, in_window, fallback = rules.calendar_year_window(year), candidate, True
                break
    size = household_size(household)
    net = rules.net_income(in_window.components)
    per_capita = rules.per_capita_income(net, size) if in_window.months_covered == 12 else None
    area_code = household.managing_area.code
    threshold = threshold_for(area_code=area_code, year=on.year)
    margin = Decimal(str(parameter("exit.income_margin_pct", area_code=area_code, on=on)))
    inclusive = bool(parameter("exit.margin_inclusive", area_code=area_code, on=on))
    return IncomeSummary(
        window=window,
        months_covered=in_window.months_covered,
        prorated=in_window.prorated,
        calendar_year_fallback=fallback,
        components=in_window.components,
        net_income=net,
        household_size=size,
        per_capita=per_capita,
        threshold=threshold,
        exit_line=rules.exit_line(threshold.amount, margin),
        position=rules.line_position(per_capita, threshold.amount, margin, inclusive=inclusive),
    )


@dataclass(frozen=True)
class Hardship:
    """The derived hardship flags of SPEC §3.3 on one decision date: what the trigger conditions of §4.2 and the
    rigid test NR-INC-06 read. ``None`` means the records cannot say (an income year not fully recorded)."""

    window: rules.Window
    rigid_total: Decimal
    medical_out_of_pocket: Decimal
    expense_kinds: frozenset[str]
    last_year: int
    last_year_net: Decimal | None
    current_net: Decimal | None
    previous_net: Decimal | None
    rigid_exceeds_income: bool | None
    sharp_income_drop: bool | None
    large_medical_oop: bool | None
    business_loss: bool | None  # net business income fell by at least ``income.sharp_drop_pct`` (UE-5)


def _window_nets(records: list[rules.PeriodIncome], window: rules.Window) -> tuple[Decimal, Decimal] | None:
    """(net income, net business income) of a fully recorded window, else None."""
    income = rules.income_in_window(records, window)
    if income.months_covered < 12:
        return None
    business = income.components.business_income - income.components.business_expense
    return rules.net_income(income.components), business


def household_hardship(household: Household, *, on: datetime.date) -> Hardship:
    """Rigid spending and income drops of the household for a decision on ``on`` (SPEC §3.3). Bills
    (``RigidExpense``) count when incurred in the rolling window of §3.5; "last year" is the calendar year before
    (003 L218), and the medical and schooling totals kept with last year's income are a second record of the same
    spending: the larger counts, so nothing entered both ways counts twice [design]. The sweeps read the same
    definition set-based (``sweeps.rules.base.with_rigid``). Incomes and rigid expenses should be prefetched."""
    records = _period_incomes(household)
    window = rules.rolling_window(on)
    months = set(window.months())
    bills = [e for e in household.rigid_expenses.all() if (e.incurred_on.year, e.incurred_on.month) in months]
    net_bill = [(e.kind, e.gross_amount - e.reimbursed_amount) for e in bills]
    medical_bills = sum((amount for kind, amount in net_bill if kind == RigidExpenseKind.MEDICAL_OUT_OF_POCKET), ZERO)
    last_year = on.year - 1
    last_calendar_year = rules.calendar_year_window(last_year)
    kept_medical = rules.amount_in_window(
        [(r.year, r.month, r.medical_self_pay) for r in household.incomes.all()], last_calendar_year
    )
    kept_rigid = rules.amount_in_window(
        [(r.year, r.month, r.medical_self_pay + r.schooling_expense) for r in household.incomes.all()],
        last_calendar_year,
    )
    rigid_total = max(sum((amount for _kind, amount in net_bill), ZERO), kept_rigid)
    medical = max(medical_bills, kept_medical)

    last = _window_nets(records, rules.calendar_year_window(last_year))
    current_window = window
    current = _window_nets(records, window)
    if current is None and last is not None:
        current_window, current = rules.calendar_year_window(last_year), last  # as the income summary falls back
    previous = _window_nets(records, rules.previous_window(current_window)) if current is not None else None

    area_code = household.managing_area.code
    drop_pct = Decimal(str(parameter("income.sharp_drop_pct", area_code=area_code, on=on)))
    ratio = Decimal(str(parameter("income.large_medical_oop_ratio", area_code=area_code, on=on)))
    last_year_net = last[0] if last else None
    return Hardship(
        window=window,
        rigid_total=rigid_total,
        medical_out_of_pocket=medical,
        expense_kinds=frozenset(kind for kind, _amount in net_bill),
        last_year=last_year,
        last_year_net=last_year_net,
        current_net=current[0] if current else None,
        previous_net=previous[0] if previous else None,
        rigid_exceeds_income=rules.rigid_exceeds_income(rigid_total, last_year_net),
        sharp_income_drop=rules.sharp_income_drop(
            current[0] if current else None, previous[0] if previous else None, drop_pct
        ),
        large_medical_oop=rules.large_medical_oop(medical, last_year_net, ratio),
        business_loss=rules.sharp_income_drop(
            current[1] if current else None, previous[1] if previous else None, drop_pct
        ),
    )


@dataclass(frozen=True)
class GuaranteeStatus:
    """SPEC §2.5: what the data says (derived) beside what the latest check recorded."""

    education_risk: bool
    medical_risk: bool
    housing_risk: bool
    latest_check: GuaranteeCheck | None

    @property
    def risks(self) -> list[str]:
        found = []
        if self.education_risk:
            found.append(str(_("义务教育（有适龄未入学或辍学成员）")))
        if self.medical_risk:
            found.append(str(_("基本医疗（有成员未参加基本医疗保险）")))
        if self.housing_risk:
            found.append(str(_("住房安全（住房未评定为安全）")))
        check = self.latest_check
        if check is not None:
            for ok, label in (
                (check.food_ok, _("不愁吃")),
                (check.clothing_ok, _("不愁穿")),
                (check.water_ok, _("饮水安全")),
            ):
                if not ok:
                    found.append(str(label) + str(_("（走访核查未达标）")))
        return found


def household_guarantee_status(household: Household, *, on: datetime.date) -> GuaranteeStatus:
    present = [m for m in household.members.all() if m.member_status == MemberStatus.PRESENT]
    low, high = parameter("school.compulsory_age", area_code=household.managing_area.code, on=on)
    derived = rules.derived_guarantee(present, household.housing_safety, on=on, compulsory_age=(low, high))
    return GuaranteeStatus(
        education_risk=not derived.education_ok,
        medical_risk=not derived.medical_ok,
        housing_risk=not derived.housing_ok,
        latest_check=household.guarantee_checks.order_by("-checked_on", "-pk").first(),
    )


# ------------------------------------------------------------------------------------------------------- visits


def overdue_visits(*, user: Any, on: datetime.date) -> QuerySet[Household]:
    """Households the user may see whose visit is overdue: a planned next visit has passed, or the last visit is
    older than the interval of their class (SPEC §4.13). Set-based: one query, whatever the county's size."""
    intervals = parameter("visit.interval_days", area_code=getattr(getattr(user, "area", None), "code", ""), on=on)
    exited_days = intervals.get("exited")
    risk_days = intervals.get("risk_flagged")
    queryset = (
        Household.objects.visible_to(user)
        .active()
        .annotate(last_visit=Max("visits__visited_on"), planned=Max("visits__next_visit_on"))
    )
    overdue = Q(planned__lt=on, last_visit__lt=F("planned"))  # the planned date passed with no visit since
    if risk_days is not None:
        limit = on - datetime.timedelta(days=risk_days)
        overdue |= Q(risk_flagged_on__isnull=False) & (Q(last_visit__isnull=True) | Q(last_visit__lt=limit))
    if exited_days is not None:
        limit = on - datetime.timedelta(days=exited_days)
        exited = Q(flags__kind=HouseholdFlagKind.EXITED_POOR, flags__valid_to__isnull=True)
        overdue |= exited & (Q(last_visit__isnull=True) | Q(last_visit__lt=limit))
    return queryset.filter(overdue).distinct()


# ----------------------------------------------------------------------------------------------- change history


@dataclass(frozen=True)
class Change:
    at: datetime.datetime
    who: str
    what: str  # "农户", "成员 马小军", "2025 年收入" …
    kind: str  # 新增 / 修改
    reason: str
    fields: list[tuple[str, str, str]]  # (label, before, after)


def _display(instance: Any, field_name: str) -> str:
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field.attname)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    return str(value)


def changes_of(history: QuerySet[Any], describe: Any, skip: frozenset[str]) -> list[Change]:
    out: list[Change] = []
    previous: dict[int, Any] = {}
    for record in history.select_related("history_user").order_by("history_date", "history_id"):
        before = previous.get(record.id)
        previous[record.id] = record
        fields = []
        if before is not None:
            for field in record.instance_type._meta.fields:
                name = field.name
                if name in skip or field.attname in skip:
                    continue
                if getattr(before, field.attname) != getattr(record, field.attname):
                    fields.append((str(field.verbose_name), _display(before, name), _display(record, name)))
            if not fields:
                continue
        out.append(
            Change(
                at=record.history_date,
                who=str(record.history_user) if record.history_user else str(_("系统")),
                what=describe(record),
                kind=str(_("新增")) if before is None and record.history_type == "+" else str(_("修改")),
                reason=record.history_change_reason or "",
                fields=fields,
            )
        )
    return out


def household_changes(household: Household, *, limit: int = 60) -> list[Change]:
    """Who changed what and when on a household, its members, incomes and flags (SPEC §2.6), newest first.
    One query per kind of record, whatever the number of changes."""
    skip = frozenset({"id", "updated_at", "recorded_at", "head", "household", "household_id", "created_at"})
    changes = [
        *changes_of(Household.history.filter(id=household.pk), lambda r: str(_("农户信息")), skip),
        *changes_of(
            HouseholdMember.history.filter(household_id=household.pk),
            lambda r: str(_("成员 %(name)s")) % {"name": r.name},
            skip,
        ),
        *changes_of(
            IncomeRecord.history.filter(household_id=household.pk),
            lambda r: str(_("%(period)s 收入")) % {"period": f"{r.year}-{r.month:02d}" if r.month else r.year},
            skip,
        ),
        *changes_of(
            HouseholdFlag.history.filter(household_id=household.pk),
            lambda r: str(_("标识 %(kind)s")) % {"kind": r.get_kind_display()},
            skip,
        ),
    ]
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:limit]
