"""The county of the employment tests (SPEC §11.3): a village of the three groups' households and a sibling township,
the roles that read and record employment assistance, and helpers that record through the services."""

import datetime

from accounts.roles import Role
from employment import services
from employment.choices import EmploymentStatus, ServiceKind
from households.choices import HouseholdFlagKind, MigrantType
from households.models import HouseholdFlag
from tests.factories import CountyFactory, HouseholdFactory, MemberFactory, TownshipFactory, UserFactory, VillageFactory

TODAY = datetime.date(2026, 7, 15)
YEAR = TODAY.year


class EmploymentWorld:
    def __init__(self) -> None:
        self.county = CountyFactory(name="隆德县")
        self.township = TownshipFactory(parent=self.county, name="沙塘镇")
        self.village = VillageFactory(parent=self.township, name="张树村")
        self.other_township = TownshipFactory(parent=self.county, name="联财镇")
        self.other_village = VillageFactory(parent=self.other_township, name="联财村")
        self.worker = UserFactory(area=self.village, roles=[Role.VILLAGE_WORKER])
        self.cadre = UserFactory(area=self.township, roles=[Role.TOWNSHIP_CADRE])
        self.other_cadre = UserFactory(area=self.other_township, roles=[Role.TOWNSHIP_CADRE])
        self.reviewer = UserFactory(area=self.county, roles=[Role.COUNTY_REVIEWER])
        self.reporter = UserFactory(area=self.county, roles=[Role.REPORTING_OFFICER])
        self.screener = UserFactory(area=self.county, roles=[Role.DEPARTMENT_SCREENER])
        self.exited = self.household(HouseholdFlagKind.EXITED_POOR, head_name="脱贫户主")
        self.worker_a = MemberFactory(household=self.exited, name="王务工", birth_date=datetime.date(1990, 3, 1))
        self.ordinary = HouseholdFactory(managing_area=self.village, head_name="一般户主")
        self.far = self.household(HouseholdFlagKind.EXITED_POOR, area=self.other_village, head_name="联财户主")
        self.far_member = MemberFactory(household=self.far, name="乙外务工")

    def household(self, *flags: str, area=None, migrant_type=MigrantType.NONE, **kwargs):
        household = HouseholdFactory(managing_area=area or self.village, migrant_type=migrant_type, **kwargs)
        for kind in flags:
            HouseholdFlag.objects.create(household=household, kind=kind, valid_from=datetime.date(2020, 12, 31))
        return household

    def record(self, member, actor=None, **values):
        data = {"recorded_on": TODAY, "status": EmploymentStatus.CROSS_PROVINCE, "months_employed": 8,
                "labour_contract": True, "social_insurance": True, "place": "福建省晋江市", "employer": "晋江鞋厂",
                "wish_to_work": True}  # fmt: skip
        data.update(values)
        return services.record_save(actor=actor or self.worker, member=member, data=services.RecordInput(**data))

    def serve(self, member, kind=ServiceKind.GUIDANCE, n=1, served_on=TODAY, actor=None):
        return [
            services.service_record(
                actor=actor or self.worker, member=member, kind=kind, served_on=served_on, detail="县人社局岗位推介会"
            )
            for _ in range(n)
        ]

    def workshop(self, name="张树村扶贫车间", area=None, actor=None):
        data = services.WorkshopInput(
            name=name, area=area or self.village, operator="宁夏某服饰有限公司", recognised_on=datetime.date(2025, 3, 1)
        )
        return services.workshop_register(actor=actor or self.cadre, data=data)

    def hire(self, workshop, n=1, disabled=False, hired_on=datetime.date(2026, 1, 5)):
        household = self.household(HouseholdFlagKind.EXITED_POOR)
        return [
            services.hire_add(
                actor=self.cadre, workshop=workshop, member=MemberFactory(household=household), hired_on=hired_on,
                disabled_or_guardian=disabled,
            )
            for _ in range(n)
        ]  # fmt: skip
