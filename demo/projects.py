"""The demo county's project library and linkage funds (SPEC §8–§10), through the real services: this year's and
last year's money issued to the county, projects at every step of the chain (with their notices, targets and
beneficiaries), allocations to library projects, payments a little behind the 30 November milestone, assets with
income and its distribution — and two things for the sweep to find (an industry project with no exited household
among its beneficiaries, FC-GAP-MISSED-AID-03, and an idle asset, AID-06)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.utils import timezone

from accounts.models import User
from demo.plan import COUNTY_CODE
from funds import services as funds
from geo.codes import AreaLevel, prefix_of
from geo.models import AdminArea
from households.choices import HouseholdFlagKind
from households.models import Household
from projects import services
from projects.choices import ProjectStatus
from projects.models import Project, ProjectCategory

P = ProjectStatus
DAY: Final = datetime.timedelta(days=1)
# Where each demo project stops (SPEC §8.3), in the order of the chain.
STOPS: Final = (
    P.PROPOSED, P.PROPOSED, P.APPRAISED, P.TOWNSHIP_REVIEWED, P.COUNTY_APPROVED, P.IN_LIBRARY, P.IN_LIBRARY,
    P.IN_ANNUAL_PLAN, P.APPROVED_FOR_IMPLEMENTATION, P.IN_PROGRESS, P.IN_PROGRESS, P.IN_PROGRESS, P.IN_PROGRESS,
    P.ACCEPTED, P.EVALUATED, P.ASSETS_TRANSFERRED, P.ASSETS_TRANSFERRED, P.ASSETS_TRANSFERRED,
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


@dataclass(frozen=True)
class ProjectsResult:
    projects: dict[str, int]
    batches: int
    allocated: Decimal
    paid: Decimal
    assets: int


class _Notices:
    """Post the notice of the project's level, already run out (the demo backdates it), as each level would."""

    def __init__(self, today: datetime.date) -> None:
        self.starts = today - 40 * DAY
        self.ends = today - 30 * DAY

    def post(self, project: Project, actor: User) -> None:
        services.project_notice_post(
            project=project, actor=actor, places="村务公开栏、项目所在地", starts_on=self.starts, ends_on=self.ends
        )


def _parent(area: AdminArea) -> AdminArea:
    assert area.parent is not None  # villages and townships always have their parent
    return area.parent


def _bound(area: AdminArea | None) -> AdminArea:
    assert area is not None  # filtered on area__isnull=False
    return area


def _mark_former_poor_villages() -> list[AdminArea]:
    """Two villages in five are former poor villages (脱贫村); the rest are non-poor villages (SPEC §1.1)."""
    villages = list(
        AdminArea.objects.filter(
            code__startswith=prefix_of(COUNTY_CODE, AreaLevel.COUNTY), level=AreaLevel.VILLAGE
        ).order_by("code")
    )
    poor = [v for n, v in enumerate(villages) if n % 5 in (0, 2)]
    AdminArea.objects.filter(pk__in=[v.pk for v in poor]).update(former_poor_village=True)
    return poor


def _walk(project: Project, stop: ProjectStatus, *, people: dict[str, User], village_actor: User, notices: _Notices,
          today: datetime.date) -> Project:  # fmt: skip
    area = project.area
    township = people[area.code if area.level == AreaLevel.TOWNSHIP else _parent(area).code]
    county = people["county"]
    chain = [P.APPRAISED, P.TOWNSHIP_REVIEWED, P.COUNTY_APPROVED, P.IN_LIBRARY, P.IN_ANNUAL_PLAN,
             P.APPROVED_FOR_IMPLEMENTATION, P.IN_PROGRESS, P.ACCEPTED, P.EVALUATED]  # fmt: skip
    targets = chain.index(stop) + 1 if stop in chain else (len(chain) if stop == P.ASSETS_TRANSFERRED else 0)
    if stop != P.PROPOSED:
        notices.post(project, village_actor)
    for step in chain[:targets]:
        project.refresh_from_db()
        if step == P.APPRAISED:
            services.project_appraise(project=project, actor=township, comment="项目合规、必要、可行")
        elif step == P.TOWNSHIP_REVIEWED:
            services.project_township_review(project=project, actor=township, comment="同意上报")
            project.refresh_from_db()
            notices.post(project, township)
        elif step == P.COUNTY_APPROVED:
            services.project_county_approve(project=project, actor=county, comment="县级审定通过")
            project.refresh_from_db()
            notices.post(project, county)
        elif step == P.IN_LIBRARY:
            services.project_enter_library(project=project, actor=county)
        elif step == P.IN_ANNUAL_PLAN:
            services.project_plan(project=project, actor=county)
        elif step == P.APPROVED_FOR_IMPLEMENTATION:
            services.project_approve_implementation(
                project=project, actor=county, plan="3 月招标、4 月开工、10 月完工；按进度分 4 次支付"
            )
        elif step == P.IN_PROGRESS:
            services.project_start(project=project, actor=people["projunit"], comment="已开工")
        elif step == P.ACCEPTED:
            services.project_accept(project=project, actor=county, accepted_on=today - 45 * DAY, comment="验收合格")
        elif step == P.EVALUATED:
            actuals = {t.pk: t.target_value for t in project.targets.all()}
            services.project_evaluate(project=project, actor=county, evaluation="绩效目标全部完成", actuals=actuals)
    project.refresh_from_db()
    return project


def demo_projects_load(*, today: datetime.date | None = None) -> ProjectsResult:
    today = today or timezone.localdate()
    # The fund year whose cycle is (almost) complete on the day of loading: this year from October, else last year.
    year = today.year if today >= datetime.date(today.year, 10, 1) else today.year - 1
    county = AdminArea.objects.get(code=COUNTY_CODE)
    users = {u.username: u for u in User.objects.select_related("area").filter(username__in=(
        "village", "county", "finance", "projunit"))}  # fmt: skip
    people: dict[str, Any] = dict(users)
    for cadre in User.objects.select_related("area").filter(username__startswith="township", area__isnull=False):
        people[_bound(cadre.area).code] = cadre
    _mark_former_poor_villages()
    # Projects go to villages with exited households, so those that must link them (NR-PRJ-03) can.
    settled = (
        AdminArea.objects.filter(code__startswith=prefix_of(COUNTY_CODE, AreaLevel.COUNTY), level=AreaLevel.VILLAGE)
        .filter(managed_households__flags__kind=HouseholdFlagKind.EXITED_POOR)
        .distinct().select_related("parent").order_by("code")
    )  # fmt: skip
    poor_villages = list(settled.filter(former_poor_village=True)) or list(settled)
    other_villages = list(settled.filter(former_poor_village=False)) or poor_villages
    notices = _Notices(today)
    finance = users["finance"]
    issued = datetime.date(year, 1, 18)

    def batch(source: str, level: str, amount: str, doc: str, **kw: Any) -> Any:
        return funds.batch_register(actor=finance, data=funds.BatchInput(
            county=county, year=kw.pop("year", year), level=level, source=source,
            category=kw.pop("category", "consolidation_revitalization"), document_no=doc, amount=Decimal(amount),
            issued_on=kw.pop("issued_on", issued), **kw,
        ))  # fmt: skip

    central = batch("central_linkage", "central", "10550000.00", f"宁财（农）发〔{year}〕12号")
    regional = batch("regional_linkage", "regional", "4500000.00", f"宁财（农）发〔{year}〕15号",
                     issued_on=datetime.date(year, 2, 6))  # fmt: skip
    city = batch("city_linkage", "city", "800000.00", f"吴财发〔{year}〕8号", issued_on=datetime.date(year, 3, 2))
    own = batch("county_linkage", "county", "500000.00", f"同财发〔{year}〕3号", issued_on=datetime.date(year, 3, 10))

    def with_room(amount: Decimal) -> Any:
        """The first of this year's linkage batches with enough left (they are spent in the order issued)."""
        return next(b for b in (central, regional, city, own) if b.amount - funds.allocated_total(b) >= amount)

    batch("east_west", "regional", "3000000.00", f"闽宁协作〔{year}〕2号", issued_on=datetime.date(year, 4, 1))
    last = batch("central_linkage", "central", "13500000.00", f"宁财（农）发〔{year - 1}〕10号", year=year - 1,
                 issued_on=datetime.date(year - 1, 1, 20))  # fmt: skip
    counts: Counter[str] = Counter()
    categories = {c.code: c for c in ProjectCategory.objects.all()}
    allocated = paid = Decimal(0)
    assets = 0
    village_worker = users["village"]
    demo_village = village_worker.area
    assert demo_village is not None  # the demo's village worker is bound to the first village
    for n, stop in enumerate(STOPS):
        name, code, content, amount, beneficiaries = KINDS[n % len(KINDS)]
        # Most money goes to former poor villages; about a fifth to the others (NR-FUND-02 allows 30 %).
        choices = other_villages if n % 5 == 4 else poor_villages
        village = demo_village if n == 0 else choices[n % 7 % len(choices)]
        actor = village_worker if village == demo_village else people[_parent(village).code]
        project = services.project_propose(actor=actor, data=services.ProjectInput(
            name=f"{village.name}{name}", year=year, category=categories[code], area=village,
            implementing_unit=f"{_parent(village).name}人民政府", content=content,
            planned_start=datetime.date(year, 4, 1), planned_end=datetime.date(year, 10, 31),
            fundings=[("central_linkage", amount), ("household_own", (amount / 20).quantize(Decimal("1")))],
            benefits_business_entity=code == "0102",
        ))  # fmt: skip
        services.target_add(project=project, actor=actor, indicator=content.split("、")[0], target_value="1", unit="项")
        exited = list(
            Household.objects.filter(
                managing_area=village, flags__kind=HouseholdFlagKind.EXITED_POOR, flags__valid_to__isnull=True
            ).order_by("household_no")[: beneficiaries if n != 2 else 0]  # n == 2: an industry project, no link
        )  # fmt: skip
        for household in exited:
            services.beneficiary_add(
                project=project, actor=actor, household=household, linkage_mode="employment" if n % 2 else "shares",
                expected_income=Decimal("2400.00"),
            )  # fmt: skip
        project = _walk(project, stop, people=people, village_actor=actor, notices=notices, today=today)
        counts[project.status] += 1
        if project.status in (P.PROPOSED, P.APPRAISED, P.TOWNSHIP_REVIEWED, P.COUNTY_APPROVED):
            continue
        source = with_room(amount)
        use = "industry_development" if categories[code].is_industry else (
            "employment" if code.startswith("02") else "living_environment")  # fmt: skip
        allocation = funds.allocation_create(
            actor=finance, batch=source, project=project, use=use, amount=amount,
            allocated_on=datetime.date(year, 4, 10),
        )  # fmt: skip
        allocated += amount
        if project.status in (P.IN_LIBRARY, P.IN_ANNUAL_PLAN):
            continue
        share = Decimal("1.00") if project.status in (P.ACCEPTED, P.EVALUATED, P.ASSETS_TRANSFERRED) else (
            Decimal("0.60") if n % 2 else Decimal("0.80"))  # fmt: skip
        for part, on in (
            (Decimal("0.4"), datetime.date(year, 6, 20)),
            (share - Decimal("0.4"), datetime.date(year, 9, 25)),
        ):
            money = (amount * part).quantize(Decimal("0.01"))
            if money > 0 and on <= today:
                funds.disbursement_record(
                    actor=finance, allocation=allocation, paid_on=on, amount=money,
                    payee=f"{_parent(village).name}建筑工程有限公司", voucher_no=f"付{n:03d}-{on:%m}",
                )  # fmt: skip
                paid += money
        if stop == P.ASSETS_TRANSFERRED:
            assets += _assets(project, village, actor=people["county"], village_actor=actor, n=n, today=today)
            services.project_transfer_assets(project=project, actor=people["county"])
            counts[P.EVALUATED] -= 1
            counts[P.ASSETS_TRANSFERRED] += 1
    # The county's project management fee, 0.8 % of this year's linkage funds (NR-FUND-03 allows 1 %).
    fee = (Decimal("16350000.00") * Decimal("0.008")).quantize(Decimal("0.01"))
    fee_project = services.project_propose(actor=people["county"], data=services.ProjectInput(
        name=f"{year}年度项目管理费", year=year, category=categories["0701"], area=_parent(demo_village),
        implementing_unit="同心县乡村振兴局", content="项目设计、评审、招标、监理、验收",
        planned_start=datetime.date(year, 1, 1), planned_end=datetime.date(year, 12, 31),
        fundings=[("central_linkage", fee)],
    ))  # fmt: skip
    services.target_add(
        project=fee_project, actor=people["county"], indicator="项目验收覆盖率", target_value="100", unit="%"
    )
    fee_project = _walk(fee_project, P.IN_ANNUAL_PLAN, people=people, village_actor=people["county"], notices=notices,
                        today=today)  # fmt: skip
    fee_batch = with_room(fee)
    funds.allocation_create(
        actor=finance, batch=fee_batch, project=fee_project, use="management_fee", amount=fee,
        allocated_on=max(datetime.date(year, 2, 1), fee_batch.issued_on),
    )  # fmt: skip
    counts[fee_project.status] += 1
    allocated += fee
    # Last year's industry share, against which this year's is held (NR-FUND-07).
    last_project = Project.objects.filter(year=year, category__is_industry=True, status=P.ASSETS_TRANSFERRED).first()
    if last_project is not None:
        funds.allocation_create(actor=finance, batch=last, project=last_project, use="industry_development",
                                amount=Decimal("6750000.00"), allocated_on=datetime.date(year - 1, 5, 1))  # fmt: skip
    # Next year's proposals wait for the 30 November plan and the 31 December library (NR-PRJ-10 reminders).
    for n, village in enumerate(poor_villages[:3]):
        actor = village_worker if village == demo_village else people[_parent(village).code]
        name, code, content, amount, _b = KINDS[(n + 3) % len(KINDS)]
        services.project_propose(actor=actor, data=services.ProjectInput(
            name=f"{village.name}{name}（{year + 1}年）", year=year + 1, category=categories[code], area=village,
            implementing_unit=f"{_parent(village).name}人民政府", content=content,
            planned_start=datetime.date(year + 1, 4, 1), planned_end=datetime.date(year + 1, 10, 31),
            fundings=[("central_linkage", amount)],
        ))  # fmt: skip
        counts["next_year"] += 1
    return ProjectsResult(projects=dict(counts), batches=6, allocated=allocated, paid=paid, assets=assets)


def _assets(project: Project, village: AdminArea, *, actor: User, village_actor: User, n: int,
            today: datetime.date) -> int:  # fmt: skip
    industry = project.category.is_industry
    asset = services.asset_register(project=project, actor=actor, data=services.AssetInput(
        name=project.name.removeprefix(village.name), asset_class="industry" if industry else "infrastructure",
        nature="operating" if industry else "public_welfare", area=village, owner_kind="village_collective",
        owner_name=f"{village.name}股份经济合作社", value=sum((f.amount for f in project.fundings.all()), Decimal(0)),
        transferred_on=today - 40 * DAY, custodian=f"{village.name}村民委员会",
        operating_mode="lease" if industry else "", operator="同心县宏达养殖专业合作社" if industry else "",
    ))  # fmt: skip
    if not industry:
        return 1
    if n % 2:  # left idle: the sweep lists it (FC-GAP-MISSED-AID-06)
        services.asset_update_operation(asset=asset, actor=actor, status="idle", custodian=asset.custodian,
                                        operating_mode=asset.operating_mode, operator="")  # fmt: skip
        return 1
    income = services.income_record(asset=asset, actor=village_actor, period=f"{today.year}",
                                    amount=Decimal("96000.00"), received_on=today - 20 * DAY)  # fmt: skip
    services.distribution_record(income=income, actor=village_actor, use="operation_maintenance",
                                 amount=Decimal("20000.00"), paid_on=today - 10 * DAY, note="圈棚维修")  # fmt: skip
    worker = Household.objects.filter(managing_area=village).order_by("household_no").first()
    if worker is not None:
        services.distribution_record(
            income=income, actor=village_actor, use="consolidation", amount=Decimal("6000.00"),
            paid_on=today - 10 * DAY, household=worker, labour_based=True, note="设置公益岗位，按月发放劳务报酬",
        )  # fmt: skip
    return 1
