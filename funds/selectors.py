"""What the county funds page shows (SPEC §9.5, §8.7): the compliance checks, computed from the rows every time they
are read (never stored, so they are never stale), and the fund ledger whose totals are the exact sums of its rows.

Sums are taken in Python over the Decimal values: PostgreSQL's numeric is exact, SQLite's is not, and a county-year
has at most a few thousand rows."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from django.db.models import QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.percent import share_pct
from funds import rules
from funds.choices import FundLevel, FundUse
from funds.models import Disbursement, FundAllocation, FundBatch
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.parameters import parameter, read_ahead
from projects import policy as project_policy
from projects.choices import FundingSource

ZERO = Decimal(0)

# The linkage funds proper (衔接资金, SPEC §9.1): the base of the shares and caps of §9.5.
# Narrower than LIBRARY_ONLY_SOURCES: integrated funds and bonds also pay library projects only, but they are
# not part of these shares.
LINKAGE_SOURCES = frozenset(
    {
        FundingSource.CENTRAL_LINKAGE,
        FundingSource.REGIONAL_LINKAGE,
        FundingSource.CITY_LINKAGE,
        FundingSource.COUNTY_LINKAGE,
    }
)
# The uses that count as industry development (SPEC §9.3 item 2: 产业发展 and its supporting infrastructure).
INDUSTRY_USES = frozenset({FundUse.INDUSTRY_DEVELOPMENT, FundUse.INDUSTRY_INFRASTRUCTURE})


# What an allocation counts towards in the shares of SPEC §9.5, read by the compliance checks here and by the funds
# ledger (L-08); the SQL face of the industry share is ``use__in=INDUSTRY_USES`` (``industry_shares``).
def for_industry(allocation: FundAllocation) -> bool:
    return allocation.use in INDUSTRY_USES


def to_non_poor_village(allocation: FundAllocation) -> bool:
    """NR-FUND-02 counts by the village the project is built in; a township-level project is not counted."""
    area = allocation.project.area
    return bool(area.level == AreaLevel.VILLAGE and not area.former_poor_village)


def management_fee(allocation: FundAllocation) -> bool:
    return allocation.use == FundUse.MANAGEMENT_FEE


def _sum(values: Any) -> Decimal:
    # Start from a Decimal zero: an empty sum stays Decimal (not int 0) for the exact comparisons of core.percent.
    return sum(values, ZERO)


@dataclass(frozen=True)
class Check:
    """One compliance check: its rule, the measured share, the limit and whether it holds."""

    rule: str
    label: str
    basis: str
    part: Decimal
    whole: Decimal
    limit: str
    ok: bool
    note: str = ""

    @property
    def pct(self) -> Decimal | None:
        return share_pct(self.part, self.whole)


@dataclass(frozen=True)
class ProjectProgress:
    project_id: int
    code: str
    name: str
    allocated: Decimal
    paid: Decimal
    ok: bool

    @property
    def pct(self) -> Decimal | None:
        return share_pct(self.paid, self.allocated)


@dataclass
class Compliance:
    county: AdminArea
    year: int
    on: datetime.date
    issued: Decimal = ZERO
    allocated: Decimal = ZERO
    paid: Decimal = ZERO
    due_pct: Decimal = ZERO
    checks: list[Check] = field(default_factory=list)
    behind: list[ProjectProgress] = field(default_factory=list)
    by_source: list[tuple[str, Decimal, Decimal, Decimal]] = field(default_factory=list)
    batches: list[FundBatch] = field(default_factory=list)  # the county's batches of the year, as the checks read them

    @property
    def all_ok(self) -> bool:
        return all(check.ok for check in self.checks)


def industry_shares(counties: Sequence[AdminArea], year: int) -> dict[int, Decimal | None]:
    """The industry share of each county-year's linkage funds in percent (None without funds that year), by county
    id: one query whatever the number of counties (the batches issued and the industry allocations, as one list of
    amounts summed exactly in Python)."""
    issued_rows = (
        FundBatch.objects.filter(county__in=counties, year=year, source__in=LINKAGE_SOURCES)
        .order_by()
        .annotate(industry=Value(False))
        .values_list("county_id", "amount", "industry")
    )
    industry_rows = (
        FundAllocation.objects.filter(
            batch__county__in=counties, batch__year=year, batch__source__in=LINKAGE_SOURCES, use__in=INDUSTRY_USES
        )
        .order_by()
        .annotate(industry=Value(True))
        .values_list("batch__county_id", "amount", "industry")
    )
    issued: dict[int, Decimal] = defaultdict(lambda: ZERO)
    industry: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for county_id, amount, is_industry in issued_rows.union(industry_rows, all=True):
        (industry if is_industry else issued)[county_id] += amount
    return {county.pk: share_pct(industry[county.pk], issued[county.pk]) for county in counties}


def due_pct(year: int, on: datetime.date, *, area_code: str) -> Decimal:
    """The cumulative payment share due on ``on`` for the funds of ``year`` (NR-PRJ-09): a past year owes its last
    milestone, a future year nothing."""
    if on.year < year:
        return ZERO
    # Clamped to 31 December: a past year owes every milestone, read from the parameter in force that year.
    day = min(on, datetime.date(year, 12, 31))
    return rules.milestone_pct(day, parameter("fund.payment_milestones", area_code=area_code, on=day))


@dataclass(frozen=True)
class _Books:
    """What every compliance check of one county and fund year reads, read once (SPEC §9.5, §8.7)."""

    county: AdminArea
    year: int
    on: datetime.date
    batches: list[FundBatch]
    linkage: list[FundBatch]  # the linkage funds: the base of every share
    allocations: list[FundAllocation]
    linked: list[FundAllocation]  # the allocations of linkage funds
    paid_by_allocation: dict[int, Decimal]
    issued: Decimal
    allocated: Decimal
    paid: Decimal
    due_pct: Decimal
    last_year_industry_pct: Decimal | None  # NR-FUND-07: not below last year's share

    def setting(self, key: str) -> Decimal:
        """A percentage setting of the county, as in force on 1 January of the fund year."""
        # One date for the whole fund year: a setting changed mid-year applies from the next fund year, so a check
        # does not change with the day it is viewed.
        return Decimal(str(parameter(key, area_code=self.county.code, on=datetime.date(self.year, 1, 1))))


def _industry_share(books: _Books) -> Check:
    """NR-FUND-06/07: industry share ≥ the year's figure (the setting and any document's own figure) and last
    year's."""
    min_pct = books.setting("fund.industry_share_min_pct")
    # NR-FUND-06 and -07 both bind: the stricter of the setting and any batch document's own figure wins.
    for batch in books.linkage:
        if batch.industry_share_required is not None:
            min_pct = max(min_pct, batch.industry_share_required)
    last_year = books.last_year_industry_pct
    industry = _sum(a.amount for a in books.linked if for_industry(a))
    limit = f"≥ {min_pct}%" + (_("，且不低于上年 %(pct)s%%") % {"pct": last_year} if last_year is not None else "")
    return Check(
        rule="NR-FUND-06/07",
        label=_("产业发展资金占比"),
        basis=_("宁财（农）发〔2021〕268号；宁乡振发〔2021〕34号"),
        part=industry,
        whole=books.issued,
        limit=limit,
        ok=rules.industry_share_ok(industry, books.issued, min_pct=min_pct, last_year_pct=last_year),
    )


def _non_poor_villages(books: _Books) -> Check:
    """NR-FUND-02: ≤ 30 % to non-poor villages."""
    max_pct = books.setting("fund.non_poor_village_max_pct")
    # The base is the money issued to the county ("reaching the county", 003 L1402), not what is allocated so far.
    non_poor = _sum(a.amount for a in books.linked if to_non_poor_village(a))
    return Check(
        rule="NR-FUND-02",
        label=_("用于非贫困村的资金占比"),
        basis=_("宁财（农）发〔2021〕268号"),
        part=non_poor,
        whole=books.issued,
        limit=f"≤ {max_pct}%",
        ok=rules.non_poor_village_share_ok(non_poor, books.issued, max_pct=max_pct),
        note=_("按项目建设地点所在村是否为脱贫村统计；乡镇级项目不计入"),
    )


def _county_fee(books: _Books) -> Check:
    """NR-FUND-03: the county's management fee ≤ 1 %."""
    fee_pct = books.setting("fund.management_fee_max_pct")
    fee = _sum(a.amount for a in books.linked if management_fee(a))
    return Check(
        rule="NR-FUND-03",
        label=_("县级项目管理费占比"),
        basis=_("宁财（农）发〔2021〕268号"),
        part=fee,
        whole=books.issued,
        limit=f"≤ {fee_pct}%",
        ok=rules.management_fee_ok(fee, books.issued, max_pct=fee_pct, level=FundLevel.COUNTY),
    )


def _city_fee(books: _Books) -> Check:
    """NR-FUND-05: the city keeps no management fee."""
    # Read from what the city withheld on its batches: that fee never reaches the county as an allocation.
    city_batches = [b for b in books.linkage if b.level == FundLevel.CITY]
    city_fee = _sum(b.fee_withheld for b in city_batches)
    return Check(
        rule="NR-FUND-05",
        label=_("市级提取项目管理费"),
        basis=_("宁财（农）发〔2021〕268号"),
        part=city_fee,
        whole=_sum(b.amount for b in city_batches),
        limit=_("0 元"),
        ok=rules.management_fee_ok(city_fee, books.issued, max_pct=ZERO, level=FundLevel.CITY),
    )


def _banned_uses(books: _Books) -> Check:
    """NR-FUND-01: banned uses are refused at entry; any that reached the rows (imports, old data) shows here."""
    # Every source, not only the linkage funds: allocation_create refuses these uses whatever the batch's source.
    banned = _sum(a.amount for a in books.allocations if a.use in rules.BANNED_USES)
    return Check(
        rule="NR-FUND-01",
        label=_("用于负面清单用途的资金"),
        basis=_("宁财（农）发〔2021〕268号"),
        part=banned,
        whole=_sum(b.amount for b in books.batches),
        limit=_("0 元"),
        ok=banned == 0,
    )


def _payment_progress(books: _Books) -> Check:
    """NR-PRJ-09: the county's payments against the milestone due."""
    return Check(
        rule="NR-PRJ-09",
        label=_("资金支付进度（截至 %(on)s）") % {"on": f"{books.on:%Y-%m-%d}"},
        basis=_("宁乡振发〔2021〕34号"),
        part=books.paid,
        whole=books.allocated,
        limit=f"≥ {books.due_pct}%",
        ok=rules.payment_progress_ok(books.paid, books.allocated, due_pct=books.due_pct),
    )


# The compliance checks of a county's fund year, in the order the overview and the fund ledger list them: one
# function per check of SPEC §9.5 and §8.7, each reading the same books.
COMPLIANCE_CHECKS: Final[tuple[Callable[[_Books], Check], ...]] = (
    _industry_share,
    _non_poor_villages,
    _county_fee,
    _city_fee,
    _banned_uses,
    _payment_progress,
)


def _books(county: AdminArea, year: int, *, on: datetime.date, against_pct: Decimal | None) -> _Books:
    return _books_of([county], year, on=on, against_pct=against_pct)[0]


def _books_of(
    counties: Sequence[AdminArea], year: int, *, on: datetime.date, against_pct: Decimal | None
) -> list[_Books]:
    """The books of several counties' fund year, read together: three queries whatever the number of counties."""
    batches_of: dict[int, list[FundBatch]] = defaultdict(list)
    for batch in FundBatch.objects.filter(county__in=counties, year=year):  # in the batches' own order, as listed
        batches_of[batch.county_id].append(batch)
    allocations_of: dict[int, list[FundAllocation]] = defaultdict(list)
    paid_by_allocation: dict[int, Decimal] = defaultdict(lambda: ZERO)
    if batches_of:
        everything = [batch for batches in batches_of.values() for batch in batches]
        for allocation in (
            FundAllocation.objects.filter(batch__in=everything).select_related("project__area", "batch").order_by("pk")
        ):
            allocations_of[allocation.batch.county_id].append(allocation)
        # (allocation, amount) pairs summed in Python: exact on SQLite, one query for all allocations. Payments
        # dated after ``on`` are left out, so the progress is that of ``on``.
        for allocation_id, amount in Disbursement.objects.filter(
            allocation__batch__in=everything, paid_on__lte=on
        ).values_list("allocation_id", "amount"):
            paid_by_allocation[allocation_id] += amount
    last_year = industry_shares(counties, year - 1)
    codes = [county.code for county in counties]
    # each county's shares (``_Books.setting``) and its milestones (``due_pct``), in one query
    read_ahead(codes, on=[datetime.date(year, 1, 1), min(on, datetime.date(year, 12, 31))])
    return [
        _county_books(
            county, year, on=on, against_pct=against_pct, batches=batches_of[county.pk],
            allocations=allocations_of[county.pk], paid_by_allocation=paid_by_allocation,
            last_year_industry_pct=last_year[county.pk],
        )
        for county in counties
    ]  # fmt: skip


def _county_books(
    county: AdminArea,
    year: int,
    *,
    on: datetime.date,
    against_pct: Decimal | None,
    batches: list[FundBatch],
    allocations: list[FundAllocation],
    paid_by_allocation: dict[int, Decimal],
    last_year_industry_pct: Decimal | None,
) -> _Books:
    linkage = [b for b in batches if b.source in LINKAGE_SOURCES]
    # The shares and NR-PRJ-09 concern linkage funds; other sources still count in by_source and the banned uses.
    linked = [a for a in allocations if a.batch.source in LINKAGE_SOURCES]
    return _Books(
        county=county,
        year=year,
        on=on,
        batches=batches,
        linkage=linkage,
        allocations=allocations,
        linked=linked,
        paid_by_allocation=paid_by_allocation,
        issued=_sum(b.amount for b in linkage),
        allocated=_sum(a.amount for a in linked),
        paid=_sum(paid_by_allocation[a.pk] for a in linked),
        due_pct=against_pct if against_pct is not None else due_pct(year, on, area_code=county.code),
        last_year_industry_pct=last_year_industry_pct,
    )


def county_compliance(
    county: AdminArea, year: int, *, on: datetime.date, against_pct: Decimal | None = None
) -> Compliance:
    """The checks of SPEC §9.5 and §8.7 for one county and fund year, as of ``on`` (``COMPLIANCE_CHECKS``);
    payments are held against the share due that day, or ``against_pct`` (a reminder looks ahead to the next
    milestone)."""
    return _compliance(_books(county, year, on=on, against_pct=against_pct))


def counties_compliance(counties: Sequence[AdminArea], year: int, *, on: datetime.date) -> list[Compliance]:
    """``county_compliance`` of several counties (a city's or a province's dashboard), their books read together."""
    return [_compliance(books) for books in _books_of(counties, year, on=on, against_pct=None)]


def _compliance(books: _Books) -> Compliance:
    county, year, on = books.county, books.year, books.on
    result = Compliance(county=county, year=year, on=on, batches=books.batches)
    for source in FundingSource:
        rows = [b for b in books.batches if b.source == source]
        if rows:
            mine = [a for a in books.allocations if a.batch.source == source]
            result.by_source.append(
                (
                    str(source.label),
                    _sum(b.amount for b in rows),
                    _sum(a.amount for a in mine),
                    _sum(books.paid_by_allocation[a.pk] for a in mine),
                )
            )
    result.issued, result.allocated, result.paid = books.issued, books.allocated, books.paid
    result.due_pct = books.due_pct
    result.checks.extend(check(books) for check in COMPLIANCE_CHECKS)
    result.behind = _projects_behind(books)
    return result


def _projects_behind(books: _Books) -> list[ProjectProgress]:
    """NR-PRJ-09 per project: the projects whose payments lag the share due, the furthest behind first."""
    per_project: dict[int, list[FundAllocation]] = defaultdict(list)
    for allocation in books.linked:
        per_project[allocation.project_id].append(allocation)
    behind = []
    for rows in per_project.values():
        project = rows[0].project
        allocated = _sum(a.amount for a in rows)
        paid = _sum(books.paid_by_allocation[a.pk] for a in rows)
        ok = rules.payment_progress_ok(paid, allocated, due_pct=books.due_pct)
        if not ok:
            behind.append(ProjectProgress(project.pk, project.code, project.name, allocated, paid, ok))
    behind.sort(key=lambda p: (p.pct or ZERO, p.code))
    return behind


@dataclass
class LedgerAllocation:
    allocation: FundAllocation
    payments: list[Disbursement]

    @property
    def paid(self) -> Decimal:
        return _sum(p.amount for p in self.payments)

    @property
    def unpaid(self) -> Decimal:
        return self.allocation.amount - self.paid


@dataclass
class LedgerBatch:
    batch: FundBatch
    allocations: list[LedgerAllocation]

    @property
    def allocated(self) -> Decimal:
        return _sum(a.allocation.amount for a in self.allocations)

    @property
    def paid(self) -> Decimal:
        return _sum(a.paid for a in self.allocations)

    @property
    def unallocated(self) -> Decimal:
        return self.batch.amount - self.allocated


@dataclass
class Ledger:
    batches: list[LedgerBatch]

    @property
    def issued(self) -> Decimal:
        return _sum(b.batch.amount for b in self.batches)

    @property
    def allocated(self) -> Decimal:
        return _sum(b.allocated for b in self.batches)

    @property
    def paid(self) -> Decimal:
        return _sum(b.paid for b in self.batches)


def fund_ledger(batches: QuerySet[FundBatch]) -> Ledger:
    """The fund ledger (资金台账) of the given batches: every allocation under its batch, every payment under its
    allocation, in three queries; every total is the sum of the rows below it."""
    batch_list = list(batches.select_related("county").order_by("year", "issued_on", "pk"))
    allocations = list(
        FundAllocation.objects.filter(batch__in=batch_list)
        .select_related("project__area")
        .order_by("allocated_on", "pk")
    )
    payments: dict[int, list[Disbursement]] = defaultdict(list)
    for payment in Disbursement.objects.filter(allocation__in=allocations).order_by("paid_on", "pk"):
        payments[payment.allocation_id].append(payment)
    by_batch: dict[int, list[LedgerAllocation]] = defaultdict(list)
    for allocation in allocations:
        by_batch[allocation.batch_id].append(LedgerAllocation(allocation, payments[allocation.pk]))
    return Ledger([LedgerBatch(batch, by_batch[batch.pk]) for batch in batch_list])


# ----------------------------------------------------------------------------------------------------- disclosure


@dataclass
class DisclosureSheet:
    """A three-level public notice of projects and funds (项目资金三级公开公示, SPEC §9.7, §8.8): the county lists the
    funds it received and every funded project; the township its projects and amounts; the village its projects,
    amounts and beneficiaries."""

    title: str
    level: str
    area: AdminArea
    year: int
    columns: list[str]
    rows: list[tuple[Any, ...]]
    totals: tuple[Any, ...]
    batches: list[FundBatch] = field(default_factory=list)
    notice_days: int = 0  # how long it is posted at least (notice.project_days)


def _project_amounts(
    projects: list[Any],
) -> tuple[dict[int, Decimal], dict[int, Decimal], dict[int, Decimal]]:
    """Each project's planned investment (its fundings), the money allocated to it and the money paid, by project id:
    one query (the three lists of amounts as one, summed exactly in Python)."""
    from projects.models import ProjectFunding

    def amounts(queryset: QuerySet[Any], project: str, kind: int) -> QuerySet[Any]:
        listed: QuerySet[Any] = queryset.order_by().annotate(kind=Value(kind)).values_list(project, "amount", "kind")
        return listed

    sums: tuple[dict[int, Decimal], ...] = (
        defaultdict(lambda: ZERO),
        defaultdict(lambda: ZERO),
        defaultdict(lambda: ZERO),
    )
    if projects:
        rows = amounts(ProjectFunding.objects.filter(project__in=projects), "project_id", 0).union(
            amounts(FundAllocation.objects.filter(project__in=projects), "project_id", 1),
            amounts(Disbursement.objects.filter(allocation__project__in=projects), "allocation__project_id", 2),
            all=True,
        )
        for project_id, amount, kind in rows:
            sums[kind][project_id] += amount
    return sums[0], sums[1], sums[2]


def disclosure_sheet(*, area: AdminArea, year: int, user: User) -> DisclosureSheet:
    from projects.choices import FUNDABLE_STATUSES
    from projects.models import Project, ProjectBeneficiary
    from projects.selectors import beneficiaries_of

    # Only projects that may receive money (in the library or later) are published with amounts (SPEC §9.7).
    projects = list(
        Project.objects.visible_to(user)
        .filter(area__code__startswith=area.prefix, year=year, status__in=FUNDABLE_STATUSES)
        .select_related("area__parent", "category")
        .order_by("area__code", "code")
    )
    planned, allocated, paid = _project_amounts(projects)
    level = area.level
    # Only the village notice names beneficiary households (SPEC §9.7); the others list projects and amounts.
    if level == AreaLevel.VILLAGE:
        columns = ["序号", "项目名称", "建设内容", "计划投资（元）", "安排资金（元）", "受益农户（户）", "其中脱贫户",
                   "其中监测户", "受益农户"]  # fmt: skip
        rows: list[tuple[Any, ...]] = []
        households = 0
        for n, project in enumerate(projects, start=1):
            people: list[ProjectBeneficiary] = list(beneficiaries_of(project))
            households += len(people)
            rows.append(
                (
                    n, project.name, project.content, planned[project.pk], allocated[project.pk], len(people),
                    sum(1 for b in people if getattr(b, "is_exited", False)),
                    sum(1 for b in people if getattr(b, "is_monitored", False)),
                    "、".join(b.household.head_name for b in people),
                )
            )  # fmt: skip
        totals: tuple[Any, ...] = ("合计", "", "", _sum(planned.values()), _sum(allocated.values()), households, "", "",
                                   "")  # fmt: skip
        title = f"{area.name}{year}年度项目资金公示"
    else:
        columns = ["序号", "乡镇", "村", "项目名称", "项目类别", "建设内容", "实施单位", "计划投资（元）",
                   "安排资金（元）", "已支付（元）", "状态"]  # fmt: skip
        rows = []
        for n, project in enumerate(projects, start=1):
            village = project.area if project.area.level == AreaLevel.VILLAGE else None
            township = project.area.parent if village else project.area
            rows.append(
                (
                    n, township.name if township else "", village.name if village else "", project.name,
                    project.category.name, project.content, project.implementing_unit, planned[project.pk],
                    allocated[project.pk], paid[project.pk], project.get_status_display(),
                )
            )  # fmt: skip
        totals = ("合计", "", "", "", "", "", "", _sum(planned.values()), _sum(allocated.values()), _sum(paid.values()),
                  "")  # fmt: skip
        title = f"{area.name}{year}年度衔接资金项目计划及资金安排公告"
    sheet = DisclosureSheet(
        title=title,
        level=level,
        area=area,
        year=year,
        columns=columns,
        rows=rows,
        totals=totals,
        notice_days=project_policy.notice_days(area.code, on=timezone.localdate()),
    )
    # The county also discloses the money it received (SPEC §9.7: the allocation plan and its results).
    if level == AreaLevel.COUNTY:
        sheet.batches = list(
            FundBatch.objects.visible_to(user).filter(county=area, year=year).order_by("issued_on", "pk")
        )
    return sheet


def batch_changes(batch: FundBatch, *, limit: int = 60) -> list[Any]:
    """Who registered or changed the batch and each of its allocations and payments (simple-history), newest first."""
    from django.utils.translation import gettext as _

    from households.selectors import changes_of

    skip = frozenset({"id", "created_at", "created_by", "batch", "allocation"})
    allocations = list(FundAllocation.objects.filter(batch=batch).values_list("pk", flat=True))
    changes = [
        *changes_of(FundBatch.history.filter(id=batch.pk), lambda r: _("资金下达"), skip),
        *changes_of(
            FundAllocation.history.filter(batch_id=batch.pk),
            lambda r: _("资金分配 %(amount)s") % {"amount": r.amount},
            skip,
        ),
        *changes_of(
            Disbursement.history.filter(allocation_id__in=allocations),
            lambda r: _("资金支付 %(amount)s") % {"amount": r.amount},
            skip,
        ),
    ]
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:limit]
