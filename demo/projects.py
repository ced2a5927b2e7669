"""The demo county's project library and linkage funds (SPEC §8–§10), through the real services and on the days they
happen: last year's and this year's money issued to the county, this year's projects proposed last summer and taken
through the three notices into the library and the annual plan by November (NR-PRJ-10), their implementation plans
approved in March, works started in April, funds allocated in April and paid in June and September (a little behind
the 30 November milestone), the finished ones accepted, evaluated and their assets handed over with income and its
distribution; next year's proposals on their way through the levels — and two things for the sweep to find (an
industry project with no exited household among its beneficiaries, FC-GAP-MISSED-AID-03, and an idle asset,
AID-06). Every step is a story step of ``demo.clock.Timeline``."""

from __future__ import annotations

import datetime
import functools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from django.utils import timezone

from accounts.models import User
from demo.clock import DAY, Moments, Story, Workdays, at, place, steps_story
from demo.plan import COUNTY_CODE
from funds import services as funds
from funds.models import Disbursement, FundAllocation, FundBatch
from geo.codes import AreaLevel, prefix_of
from geo.models import AdminArea
from households.choices import HouseholdFlagKind
from households.models import Household
from projects import policy, services
from projects.choices import ProjectStatus
from projects.models import Project, ProjectAsset, ProjectCategory

P = ProjectStatus
# Where each demo project stops (SPEC §8.3), in the order of the chain.
STOPS: Final = (
    P.PROPOSED, P.PROPOSED, P.APPRAISED, P.TOWNSHIP_REVIEWED, P.COUNTY_APPROVED, P.IN_LIBRARY, P.IN_LIBRARY,
    P.IN_ANNUAL_PLAN, P.APPROVED_FOR_IMPLEMENTATION, P.IN_PROGRESS, P.IN_PROGRESS, P.IN_PROGRESS, P.IN_PROGRESS,
    P.ACCEPTED, P.EVALUATED, P.ASSETS_TRANSFERRED, P.ASSETS_TRANSFERRED, P.ASSETS_TRANSFERRED,
)  # fmt: skip
# Before the library: next year's projects, still on their way up the levels.
_EARLY: Final = frozenset({P.PROPOSED, P.APPRAISED, P.TOWNSHIP_REVIEWED, P.COUNTY_APPROVED})
_CHAIN: Final = (
    P.APPRAISED, P.TOWNSHIP_REVIEWED, P.COUNTY_APPROVED, P.IN_LIBRARY, P.IN_ANNUAL_PLAN, P.APPROVED_FOR_IMPLEMENTATION,
    P.IN_PROGRESS, P.ACCEPTED, P.EVALUATED, P.ASSETS_TRANSFERRED,
)  # fmt: skip
# The library steps of P-2 … P-6 and the moment key of each.
_LIBRARY_STEPS: Final = (
    (P.APPRAISED, "appraise"), (P.TOWNSHIP_REVIEWED, "township"), (P.COUNTY_APPROVED, "county"),
    (P.IN_LIBRARY, "library"), (P.IN_ANNUAL_PLAN, "plan"),
)  # fmt: skip
# (name, category code, content, linkage-fund amount, beneficiaries): a typical Ningxia county year.
KINDS: Final = (
    ("肉牛养殖圈棚建设", "0101", "新建标准化圈棚 12 座、青贮池 2 座", Decimal("1860000.00"), 8),
    ("冷凉蔬菜基地建设", "0101", "建设日光温室 30 栋、配套滴灌", Decimal("2350000.00"), 10),
    ("枸杞产业提升", "0101", "改良枸杞 800 亩、配套水肥一体化", Decimal("1200000.00"), 6),
    ("农产品冷链仓储", "0103", "新建 500 吨冷库 1 座", Decimal("980000.00"), 0),
    ("村组道路硬化", "0301", "硬化村组道路 4.2 公里", Decimal("1500000.00"), 0),
    ("农村供水管网改造", "0302", "改造入户管网 18 公里", Decimal("860000.00"), 0),
    ("人居环境整治", "0303", "改厕 120 户、垃圾收集点 6 处", Decimal("640000.00"), 0),
    ("扶贫车间建设", "0201", "新建扶贫车间 800 平方米", Decimal("1100000.00"), 12),
    ("滩羊养殖合作社扶持", "0102", "支持合作社扩繁滩羊 600 只", Decimal("900000.00"), 9),
)
_FEE: Final = (Decimal("16350000.00") * Decimal("0.008")).quantize(Decimal("0.01"))  # 0.8 % (NR-FUND-03: ≤ 1 %)


@dataclass(frozen=True)
class ProjectsResult:
    projects: dict[str, int]
    batches: int
    allocated: Decimal
    paid: Decimal
    assets: int


def fund_year(today: datetime.date) -> int:
    """The fund year whose cycle is (almost) complete on the day of loading: this year from October, else last year."""
    return today.year if today >= datetime.date(today.year, 10, 1) else today.year - 1


def first_day(today: datetime.date) -> datetime.date:
    """The first day of the projects' history: last year's money issued in January of the year before."""
    return datetime.date(fund_year(today) - 1, 1, 10)


def mark_former_poor_villages() -> list[AdminArea]:
    """Two villages in five are former poor villages (脱贫村); the rest are non-poor villages (SPEC §1.1). A fact of
    the registry, set when it is loaded."""
    villages = list(
        AdminArea.objects.filter(
            code__startswith=prefix_of(COUNTY_CODE, AreaLevel.COUNTY), level=AreaLevel.VILLAGE
        ).order_by("code")
    )
    poor = [v for n, v in enumerate(villages) if n % 5 in (0, 2)]
    AdminArea.objects.filter(pk__in=[v.pk for v in poor]).update(former_poor_village=True)
    return poor


def _parent(area: AdminArea) -> AdminArea:
    assert area.parent is not None  # villages and townships always have their parent
    return area.parent


def _bound(area: AdminArea | None) -> AdminArea:
    assert area is not None  # filtered on area__isnull=False
    return area


def _today() -> datetime.date:
    """The day of the step being taken: the demo clock's."""
    return timezone.localdate()


@dataclass
class _County:
    """What the stories share: the people, the villages, the categories and the batches issued so far."""

    today: datetime.date
    days: Workdays
    year: int
    people: dict[str, Any]
    categories: dict[str, ProjectCategory]
    poor_villages: list[AdminArea]
    other_villages: list[AdminArea]
    county: AdminArea
    batches: dict[str, FundBatch] = field(default_factory=dict)

    def with_room(self, amount: Decimal) -> FundBatch | None:
        """The first of this year's linkage batches with enough left (they are spent in the order issued)."""
        for key in ("central", "regional", "city", "own"):
            batch = self.batches.get(key)
            if batch is not None and batch.amount - funds.allocated_total(batch) >= amount:
                return batch
        return None

    def cap(self, day: datetime.date, working_days_before_today: int) -> datetime.date:
        """``day``, or a working day far enough before today that what follows it still happened."""
        return min(day, self.days.before(self.today, working_days_before_today))


def _library_builder(rng: random.Random, days: Workdays, notice_days: Callable[[datetime.date], int]) -> Callable[
    [datetime.date], Moments
]:  # fmt: skip
    """P-1 … P-6 from a proposal day: the village notice, the appraisal, and each level's review once the notice of
    the level below ran its ``notice.project_days`` (SPEC §8.8), on a working day after it."""
    gaps = [rng.randint(1, 2), rng.randint(2, 4), rng.randint(1, 3), rng.randint(1, 4), rng.randint(1, 4)]
    gaps.append(rng.randint(2, 6))
    minute = [rng.randrange(0, 50, 5) for _ in range(7)]

    def build(start: datetime.date) -> Moments:
        proposed = days.on_or_after(start)
        posted = days.after(proposed, gaps[0])
        village_ends = posted + (notice_days(posted) - 1) * DAY
        appraised = days.after(proposed, gaps[1])
        township = days.after(max(village_ends, appraised), gaps[2])
        township_ends = township + (notice_days(township) - 1) * DAY
        county = days.after(township_ends, gaps[3])
        county_ends = county + (notice_days(county) - 1) * DAY
        library = days.after(county_ends, gaps[4])
        return {
            "propose": at(proposed, 9, minute[0]),
            "village_notice": at(posted, 10, minute[1]),
            "village_ends": at(village_ends, 23, 59),
            "appraise": at(appraised, 15, minute[2]),
            "township": at(township, 10, minute[3]),
            "township_ends": at(township_ends, 23, 59),
            "county": at(county, 11, minute[4]),
            "county_ends": at(county_ends, 23, 59),
            "library": at(library, 15, minute[5]),
            "plan": at(days.after(library, gaps[5]), 16, minute[6]),
        }

    return build


class _Project:
    """One project's steps through the services. ``project`` is set by the proposal."""

    def __init__(self, county: _County, *, n: int, stop: ProjectStatus, moments: Moments, year: int) -> None:
        self.c = county
        self.n = n
        self.stop = stop
        self.moments = moments
        self.year = year
        self.project: Project | None = None
        self.allocation: Any = None
        self.asset: Any = None
        self.income: Any = None

    @property
    def p(self) -> Project:
        assert self.project is not None  # every step comes after the proposal
        self.project.refresh_from_db()
        return self.project

    def notice(self, actor: User, ends: str) -> None:
        services.project_notice_post(
            project=self.p,
            actor=actor,
            places="村务公开栏、项目所在地",
            starts_on=_today(),
            ends_on=self.moments[ends].date(),
        )


def _proposal(c: _County, n: int) -> tuple[AdminArea, User, tuple[str, str, str, Decimal, int]]:
    kind = KINDS[n % len(KINDS)]
    village_worker = c.people["village"]
    # Most money goes to former poor villages; about a fifth to the others (NR-FUND-02 allows 30 %).
    choices = c.other_villages if n % 5 == 4 else c.poor_villages
    village = village_worker.area if n == 0 else choices[n % 7 % len(choices)]
    actor = village_worker if village == village_worker.area else c.people[_parent(village).code]
    return village, actor, kind


def _project_steps(c: _County, job: _Project, *, village: AdminArea, actor: User, kind: tuple[Any, ...]) -> list[
    tuple[datetime.datetime, Callable[[], object]]
]:  # fmt: skip
    """The steps of one project up to its stop, each at its moment."""
    name, code, content, amount, beneficiaries = kind
    township = c.people[_parent(village).code]
    county = c.people["county"]
    m = job.moments
    year = job.year

    def propose() -> None:
        job.project = services.project_propose(actor=actor, data=services.ProjectInput(
            name=f"{village.name}{name}" + (f"（{year}年）" if year != c.year else ""), year=year,
            category=c.categories[code], area=village, implementing_unit=f"{_parent(village).name}人民政府",
            content=content, planned_start=datetime.date(year, 4, 1), planned_end=datetime.date(year, 10, 31),
            fundings=[("central_linkage", amount), ("household_own", (amount / 20).quantize(Decimal("1")))],
            benefits_business_entity=code == "0102",
        ))  # fmt: skip
        services.target_add(project=job.p, actor=actor, indicator=content.split("、")[0], target_value="1", unit="项")
        exited = Household.objects.filter(
            managing_area=village, flags__kind=HouseholdFlagKind.EXITED_POOR, flags__valid_to__isnull=True
        ).order_by("household_no")[: beneficiaries if job.n != 2 else 0]  # n == 2: an industry project, no link
        for household in exited:
            services.beneficiary_add(
                project=job.p, actor=actor, household=household, linkage_mode="employment" if job.n % 2 else "shares",
                expected_income=Decimal("2400.00"),
            )  # fmt: skip

    def appraise() -> None:
        services.project_appraise(project=job.p, actor=township, comment="项目合规、必要、可行")

    def township_review() -> None:
        services.project_township_review(project=job.p, actor=township, comment="同意上报")
        job.notice(township, "township_ends")

    def county_approve() -> None:
        services.project_county_approve(project=job.p, actor=county, comment="县级审定通过")
        job.notice(county, "county_ends")

    steps: list[tuple[datetime.datetime, Callable[[], object]]] = [(m["propose"], propose)]
    if job.stop == P.PROPOSED:
        return steps
    steps.append((m["village_notice"], lambda: job.notice(actor, "village_ends")))
    reached = _CHAIN.index(job.stop) + 1
    actions: dict[str, Callable[[], object]] = {
        "appraise": appraise,
        "township": township_review,
        "county": county_approve,
        "library": lambda: services.project_enter_library(project=job.p, actor=county),
        "plan": lambda: services.project_plan(project=job.p, actor=county),
    }
    for status, key in _LIBRARY_STEPS:
        if _CHAIN.index(status) < reached:
            steps.append((m[key], actions[key]))
    return steps


def _implementation_steps(c: _County, job: _Project, *, village: AdminArea, actor: User, amount: Decimal) -> list[
    tuple[datetime.datetime, Callable[[], object]]
]:  # fmt: skip
    """This year's steps after the annual plan: allocation, implementation plan, start, payments, acceptance,
    evaluation, assets with their income (SPEC §8.3 P-7 … P-12, §9, §10)."""
    days, year, n = c.days, c.year, job.n
    code = KINDS[n % len(KINDS)][1]
    county, finance, unit = c.people["county"], c.people["finance"], c.people["projunit"]
    reached = _CHAIN.index(job.stop) + 1
    steps: list[tuple[datetime.datetime, Callable[[], object]]] = []

    def allocate() -> None:
        source = c.with_room(amount)
        if source is None:
            return
        use = "industry_development" if c.categories[code].is_industry else (
            "employment" if code.startswith("02") else "living_environment")  # fmt: skip
        job.allocation = funds.allocation_create(
            actor=finance, batch=source, project=job.p, use=use, amount=amount, allocated_on=_today()
        )

    steps.append((at(days.on_or_after(datetime.date(year, 4, 10)), 10, n), allocate))
    if reached <= _CHAIN.index(P.IN_ANNUAL_PLAN) + 1:
        return steps
    approve = days.on_or_after(datetime.date(year, 3, 2) + n * DAY)
    steps.append((at(approve, 11, 0), lambda: services.project_approve_implementation(
        project=job.p, actor=county, plan="3 月招标、4 月开工、10 月完工；按进度分 4 次支付")))  # fmt: skip
    if reached > _CHAIN.index(P.IN_PROGRESS):
        start = days.on_or_after(datetime.date(year, 4, 1) + (n % 7) * DAY)
        steps.append((at(start, 9, 30), lambda: services.project_start(project=job.p, actor=unit, comment="已开工")))
    accepted = reached > _CHAIN.index(P.ACCEPTED)
    accept_day = c.cap(days.on_or_after(datetime.date(year, 10, 15) + (n % 10) * DAY), 25)
    share = Decimal("1.00") if accepted else (Decimal("0.60") if n % 2 else Decimal("0.80"))
    for part, day in (
        (Decimal("0.4"), days.on_or_after(datetime.date(year, 6, 20))),
        (share - Decimal("0.4"), days.on_or_after(datetime.date(year, 9, 25))),
    ):
        if accepted:
            day = min(day, accept_day)  # the last payment before acceptance when the year is cut short
        if at(day, 10, 30) > at(c.today, 0, 0):
            continue  # not paid yet

        def pay(part: Decimal = part) -> None:
            if job.allocation is None:
                return
            money = (amount * part).quantize(Decimal("0.01"))
            if money > 0:
                funds.disbursement_record(
                    actor=finance, allocation=job.allocation, paid_on=_today(), amount=money,
                    payee=f"{_parent(village).name}建筑工程有限公司", voucher_no=f"付{n:03d}-{_today():%m}",
                )  # fmt: skip

        steps.append((at(day, 10, 30), pay))
    if not accepted:
        return steps
    steps.append((at(accept_day, 11, 0), lambda: services.project_accept(
        project=job.p, actor=county, accepted_on=_today(), comment="验收合格")))  # fmt: skip
    if reached <= _CHAIN.index(P.EVALUATED):
        return steps
    rng = random.Random(f"{n}/project")
    evaluated = max(accept_day, c.cap(days.after(accept_day, rng.randint(3, 8)), 20))

    def evaluate() -> None:
        project = job.p
        actuals = {t.pk: t.target_value for t in project.targets.all()}
        services.project_evaluate(project=project, actor=county, evaluation="绩效目标全部完成", actuals=actuals)

    steps.append((at(evaluated, 15, 0), evaluate))
    if job.stop != P.ASSETS_TRANSFERRED:
        return steps
    handed = max(evaluated, c.cap(days.after(evaluated, rng.randint(2, 5)), 15))
    steps.append((at(handed, 16, 0), lambda: _assets_register(c, job, village=village)))
    later = max(handed, c.cap(days.after(handed, rng.randint(3, 6)), 10))
    if c.categories[code].is_industry and n % 2:  # left idle: the sweep lists it (FC-GAP-MISSED-AID-06)
        steps.append((at(later, 10, 0), lambda: services.asset_update_operation(
            asset=job.asset, actor=county, status="idle", custodian=job.asset.custodian,
            operating_mode=job.asset.operating_mode, operator="")))  # fmt: skip
    elif c.categories[code].is_industry:
        paid = max(later, c.cap(days.after(later, rng.randint(2, 4)), 6))
        steps.append((at(later, 10, 0), lambda: _asset_income(job, village_actor=actor)))
        steps.append((at(paid, 11, 0), lambda: _asset_distribute(job, village=village, village_actor=actor)))
    return steps


def _assets_register(c: _County, job: _Project, *, village: AdminArea) -> None:
    """登记造册 (004 L342–L348) and the hand-over (P-12) the same afternoon."""
    project = job.p
    industry = project.category.is_industry
    job.asset = services.asset_register(project=project, actor=c.people["county"], data=services.AssetInput(
        name=project.name.removeprefix(village.name), asset_class="industry" if industry else "infrastructure",
        nature="operating" if industry else "public_welfare", area=village, owner_kind="village_collective",
        owner_name=f"{village.name}股份经济合作社", value=sum((f.amount for f in project.fundings.all()), Decimal(0)),
        transferred_on=_today(), custodian=f"{village.name}村民委员会",
        operating_mode="lease" if industry else "", operator="同心县宏达养殖专业合作社" if industry else "",
    ))  # fmt: skip
    services.project_transfer_assets(project=job.p, actor=c.people["county"])


def _asset_income(job: _Project, *, village_actor: User) -> None:
    job.income = services.income_record(asset=job.asset, actor=village_actor, period=f"{_today().year}",
                                        amount=Decimal("96000.00"), received_on=_today())  # fmt: skip


def _asset_distribute(job: _Project, *, village: AdminArea, village_actor: User) -> None:
    services.distribution_record(income=job.income, actor=village_actor, use="operation_maintenance",
                                 amount=Decimal("20000.00"), paid_on=_today(), note="圈棚维修")  # fmt: skip
    worker = Household.objects.filter(managing_area=village).order_by("household_no").first()
    if worker is not None:
        services.distribution_record(
            income=job.income, actor=village_actor, use="consolidation", amount=Decimal("6000.00"),
            paid_on=_today(), household=worker, labour_based=True, note="设置公益岗位，按月发放劳务报酬",
        )  # fmt: skip


def _batches(c: _County) -> list[tuple[datetime.datetime, Callable[[], object]]]:
    """Last year's and this year's money, each registered by the county finance bureau on the day it arrives."""
    year, days = c.year, c.days
    finance = c.people["finance"]
    issued = [  # key, year, level, source, amount, document, day
        ("last", year - 1, "central", "central_linkage", "13500000.00", f"宁财（农）发〔{year - 1}〕10号", (1, 20)),
        ("central", year, "central", "central_linkage", "10550000.00", f"宁财（农）发〔{year}〕12号", (1, 18)),
        ("regional", year, "regional", "regional_linkage", "4500000.00", f"宁财（农）发〔{year}〕15号", (2, 6)),
        ("city", year, "city", "city_linkage", "800000.00", f"吴财发〔{year}〕8号", (3, 2)),
        ("own", year, "county", "county_linkage", "500000.00", f"同财发〔{year}〕3号", (3, 10)),
        ("east_west", year, "regional", "east_west", "3000000.00", f"闽宁协作〔{year}〕2号", (4, 1)),
    ]
    steps: list[tuple[datetime.datetime, Callable[[], object]]] = []
    for key, batch_year, level, source, amount, document, (month, day) in issued:

        def register(key: str = key, batch_year: int = batch_year, level: str = level, source: str = source,
                     amount: str = amount, document: str = document) -> None:  # fmt: skip
            c.batches[key] = funds.batch_register(actor=finance, data=funds.BatchInput(
                county=c.county, year=batch_year, level=level, source=source,
                category="consolidation_revitalization", document_no=document, amount=Decimal(amount),
                issued_on=_today(),
            ))  # fmt: skip

        steps.append((at(days.on_or_after(datetime.date(batch_year, month, day)), 10, 0), register))
    return steps


def projects_stories(*, today: datetime.date, days: Workdays) -> list[tuple[str, Story]]:
    """The stories of the county's funds and projects, once the registry and the users exist."""
    year = fund_year(today)
    county = AdminArea.objects.get(code=COUNTY_CODE)
    users = {u.username: u for u in User.objects.select_related("area").filter(username__in=(
        "village", "county", "finance", "projunit"))}  # fmt: skip
    people: dict[str, Any] = dict(users)
    for cadre in User.objects.select_related("area").filter(username__startswith="township", area__isnull=False):
        people[_bound(cadre.area).code] = cadre
    # Projects go to villages with exited households, so those that must link them (NR-PRJ-03) can.
    settled = (
        AdminArea.objects.filter(code__startswith=prefix_of(COUNTY_CODE, AreaLevel.COUNTY), level=AreaLevel.VILLAGE)
        .filter(managed_households__flags__kind=HouseholdFlagKind.EXITED_POOR)
        .distinct().select_related("parent").order_by("code")
    )  # fmt: skip
    poor_villages = list(settled.filter(former_poor_village=True)) or list(settled)
    c = _County(
        today=today, days=days, year=year, people=people,
        categories={cat.code: cat for cat in ProjectCategory.objects.all()},
        poor_villages=poor_villages, other_villages=list(settled.filter(former_poor_village=False)) or poor_villages,
        county=county,
    )  # fmt: skip
    rng = random.Random(f"{year}/projects")

    def notice_days(day: datetime.date) -> int:
        return policy.notice_days(COUNTY_CODE, on=day)

    stories: list[tuple[str, Story]] = [("funds batches", steps_story(_batches(c)))]
    industry_done = next(
        n
        for n, stop in enumerate(STOPS)
        if stop == P.ASSETS_TRANSFERRED and c.categories[KINDS[n % len(KINDS)][1]].is_industry
    )
    for n, stop in enumerate(STOPS):
        build = _library_builder(rng, days, notice_days)
        village, actor, kind = _proposal(c, n)
        if stop in _EARLY:
            last = {P.PROPOSED: "propose", P.APPRAISED: "appraise", P.TOWNSHIP_REVIEWED: "township",
                    P.COUNTY_APPROVED: "county"}[stop]  # fmt: skip
            moments = place(build, last, days.before(today, rng.randint(2, 10)), days)
            job = _Project(c, n=n, stop=stop, moments=moments, year=year + 1)
            steps = _project_steps(c, job, village=village, actor=actor, kind=kind)
        else:
            moments = build(datetime.date(year - 1, 7, 1) + 3 * n * DAY)
            job = _Project(c, n=n, stop=stop, moments=moments, year=year)
            steps = _project_steps(c, job, village=village, actor=actor, kind=kind)
            steps += _implementation_steps(c, job, village=village, actor=actor, amount=kind[3])
            if n == industry_done:  # last year's industry share, against which this year's is held (NR-FUND-07)
                day = days.on_or_after(datetime.date(year - 1, 12, 10))
                steps.append((at(day, 10, 0), functools.partial(_last_year_share, c, job)))
        stories.append((f"project {n}", steps_story(steps)))
    stories.append(("project fee", steps_story(_fee_steps(c, rng, notice_days))))
    # Next year's proposals wait for the 30 November plan and the 31 December library (NR-PRJ-10 reminders).
    for n, village in enumerate(c.poor_villages[:3]):
        stories.append((f"project next {n}", steps_story(_next_year_steps(c, n, village, rng))))
    return stories


def _last_year_share(c: _County, job: _Project) -> None:
    funds.allocation_create(
        actor=c.people["finance"], batch=c.batches["last"], project=job.p, use="industry_development",
        amount=Decimal("6750000.00"), allocated_on=_today(),
    )  # fmt: skip


def _fee_steps(c: _County, rng: random.Random, notice_days: Callable[[datetime.date], int]) -> list[
    tuple[datetime.datetime, Callable[[], object]]
]:  # fmt: skip
    """The county's project management fee, 0.8 % of this year's linkage funds (NR-FUND-03 allows 1 %): planned
    with the library last autumn, allocated in April."""
    county = c.people["county"]
    township = _parent(_bound(c.people["village"].area))
    moments = _library_builder(rng, c.days, notice_days)(datetime.date(c.year - 1, 9, 1))
    job = _Project(c, n=len(STOPS), stop=P.IN_ANNUAL_PLAN, moments=moments, year=c.year)

    def propose() -> None:
        job.project = services.project_propose(actor=county, data=services.ProjectInput(
            name=f"{c.year}年度项目管理费", year=c.year, category=c.categories["0701"], area=township,
            implementing_unit="同心县乡村振兴局", content="项目设计、评审、招标、监理、验收",
            planned_start=datetime.date(c.year, 1, 1), planned_end=datetime.date(c.year, 12, 31),
            fundings=[("central_linkage", _FEE)],
        ))  # fmt: skip
        services.target_add(project=job.p, actor=county, indicator="项目验收覆盖率", target_value="100", unit="%")

    def allocate() -> None:
        batch = c.with_room(_FEE)
        if batch is not None:
            funds.allocation_create(
                actor=c.people["finance"],
                batch=batch,
                project=job.p,
                use="management_fee",
                amount=_FEE,
                allocated_on=_today(),
            )

    cadre = c.people[township.code]  # the township of the county seat reviews it like any other project

    def township_review() -> None:
        services.project_township_review(project=job.p, actor=cadre, comment="同意上报")
        job.notice(cadre, "township_ends")

    def county_approve() -> None:
        services.project_county_approve(project=job.p, actor=county, comment="县级审定通过")
        job.notice(county, "county_ends")

    m = moments
    return [
        (m["propose"], propose),
        (m["village_notice"], lambda: job.notice(county, "village_ends")),
        (m["appraise"], lambda: services.project_appraise(project=job.p, actor=cadre, comment="项目合规、必要、可行")),
        (m["township"], township_review),
        (m["county"], county_approve),
        (m["library"], lambda: services.project_enter_library(project=job.p, actor=county)),
        (m["plan"], lambda: services.project_plan(project=job.p, actor=county)),
        # Allocated with this year's projects, once their shares are set (the fee takes what is left of a batch).
        (at(c.days.on_or_after(datetime.date(c.year, 4, 10)), 16, 0), allocate),
    ]


def _next_year_steps(c: _County, n: int, village: AdminArea, rng: random.Random) -> list[
    tuple[datetime.datetime, Callable[[], object]]
]:  # fmt: skip
    village_worker = c.people["village"]
    actor = village_worker if village == village_worker.area else c.people[_parent(village).code]
    name, code, content, amount, _b = KINDS[(n + 3) % len(KINDS)]
    year = c.year + 1

    def propose() -> None:
        services.project_propose(actor=actor, data=services.ProjectInput(
            name=f"{village.name}{name}（{year}年）", year=year, category=c.categories[code], area=village,
            implementing_unit=f"{_parent(village).name}人民政府", content=content,
            planned_start=datetime.date(year, 4, 1), planned_end=datetime.date(year, 10, 31),
            fundings=[("central_linkage", amount)],
        ))  # fmt: skip

    return [(at(c.days.before(c.today, rng.randint(3, 12)), 9, 10 * n), propose)]


def projects_result(today: datetime.date) -> ProjectsResult:
    """What the replay left: this year's projects by status and next year's proposals, this year's money allocated
    and paid, and the assets."""
    year = fund_year(today)
    prefix = prefix_of(COUNTY_CODE, AreaLevel.COUNTY)
    projects = Project.objects.filter(area__code__startswith=prefix)
    counts: Counter[str] = Counter(projects.filter(year=year).values_list("status", flat=True))
    found: dict[str, int] = {status: counts[status] for status in ProjectStatus.values if counts[status]}
    found["next_year"] = projects.filter(year=year + 1).count()
    allocations = FundAllocation.objects.filter(batch__county__code=COUNTY_CODE, batch__year=year)
    return ProjectsResult(
        projects=found,
        batches=FundBatch.objects.filter(county__code=COUNTY_CODE).count(),
        allocated=sum(allocations.values_list("amount", flat=True), Decimal(0)),
        paid=sum(Disbursement.objects.filter(allocation__in=allocations).values_list("amount", flat=True), Decimal(0)),
        assets=ProjectAsset.objects.filter(project__in=projects).count(),
    )
