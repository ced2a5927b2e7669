"""A county with a former poor village and a non-poor one, the people of the project chain, and helpers that walk a
project through SPEC §8.3: shared by the project and fund tests."""

import datetime
from decimal import Decimal

from accounts.roles import Role
from households.models import HouseholdFlag
from projects import services
from projects.models import Project, ProjectCategory
from tests.factories import CountyFactory, HouseholdFactory, TownshipFactory, UserFactory, VillageFactory

TODAY = datetime.date(2026, 7, 15)


DAY = datetime.timedelta(days=1)


class ProjectWorld:
    def __init__(self) -> None:
        self.county = CountyFactory(name="隆德县")
        self.township = TownshipFactory(parent=self.county, name="沙塘镇")
        self.poor_village = VillageFactory(parent=self.township, name="张树村", former_poor_village=True)
        self.other_village = VillageFactory(parent=self.township, name="锦华村")
        self.other_township = TownshipFactory(parent=self.county, name="联财镇")
        self.far_village = VillageFactory(parent=self.other_township, name="联财村")
        self.foreign_county = CountyFactory(parent=self.county.parent, name="泾源县")
        self.foreign_village = VillageFactory(parent=TownshipFactory(parent=self.foreign_county))
        self.village_worker = UserFactory(area=self.poor_village, roles=[Role.VILLAGE_WORKER])
        self.township_cadre = UserFactory(area=self.township, roles=[Role.TOWNSHIP_CADRE])
        self.other_cadre = UserFactory(area=self.other_township, roles=[Role.TOWNSHIP_CADRE])
        self.county_reviewer = UserFactory(area=self.county, roles=[Role.COUNTY_REVIEWER])
        self.finance = UserFactory(area=self.county, roles=[Role.COUNTY_FINANCE])
        self.project_unit = UserFactory(area=self.county, roles=[Role.PROJECT_UNIT])
        self.foreign_reviewer = UserFactory(area=self.foreign_county, roles=[Role.COUNTY_REVIEWER])
        self.exited = HouseholdFactory(managing_area=self.poor_village, head_name="脱贫户主")
        HouseholdFlag.objects.create(household=self.exited, kind="exited_poor", valid_from=datetime.date(2019, 12, 31))
        self.ordinary = HouseholdFactory(managing_area=self.poor_village, head_name="一般户主")

    def category(self, code: str) -> ProjectCategory:
        return ProjectCategory.objects.get(code=code)

    def data(self, **overrides) -> services.ProjectInput:
        values = {
            "name": "张树村肉牛养殖圈棚建设",
            "year": 2026,
            "category": self.category("0101"),
            "area": self.poor_village,
            "implementing_unit": "沙塘镇人民政府",
            "content": "新建标准化圈棚 20 座",
            "planned_start": datetime.date(2026, 4, 1),
            "planned_end": datetime.date(2026, 10, 31),
            "fundings": [("central_linkage", Decimal("800000.00")), ("household_own", Decimal("50000.00"))],
        }
        values.update(overrides)
        return services.ProjectInput(**values)

    def proposer(self, area):
        return self.village_worker if area == self.poor_village else self.township_cadre

    def propose(self, **overrides) -> Project:
        data = self.data(**overrides)
        return services.project_propose(actor=self.proposer(data.area), data=data)

    def notice(self, project: Project, actor) -> None:
        services.project_notice_post(
            project=project, actor=actor, places="村务公开栏", starts_on=TODAY - 20 * DAY, ends_on=TODAY - 10 * DAY
        )

    def to_library(self, project: Project | None = None, *, target: bool = True) -> Project:
        project = project or self.propose()
        village = self.proposer(project.area)
        if target:
            services.target_add(project=project, actor=village, indicator="新建圈棚", target_value="20", unit="座")
        self.notice(project, village)
        services.project_appraise(project=project, actor=self.township_cadre)
        services.project_township_review(project=project, actor=self.township_cadre)
        project.refresh_from_db()
        self.notice(project, self.township_cadre)
        services.project_county_approve(project=project, actor=self.county_reviewer)
        project.refresh_from_db()
        self.notice(project, self.county_reviewer)
        services.project_enter_library(project=project, actor=self.county_reviewer)
        project.refresh_from_db()
        return project

    def to_implementation(self, project: Project | None = None) -> Project:
        project = self.to_library(project)
        services.project_plan(project=project, actor=self.county_reviewer)
        services.project_approve_implementation(project=project, actor=self.county_reviewer, plan="4 月开工，10 月完工")
        project.refresh_from_db()
        return project
