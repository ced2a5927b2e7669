"""The insurance tests' world: a county with two townships, a village of 脱贫户, a monitored household, an ordinary
household and the programme's people (SPEC §11.2)."""

import datetime
from decimal import Decimal

from accounts.roles import Role
from households.models import HouseholdFlag
from insurance import services
from tests.factories import (
    CountyFactory,
    HouseholdFactory,
    MemberFactory,
    MonitoringSubjectFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
)

TODAY = datetime.date(2026, 6, 15)  # a Monday


class InsuranceWorld:
    def __init__(self) -> None:
        self.county = CountyFactory(name="隆德县")
        self.township = TownshipFactory(parent=self.county, name="沙塘镇")
        self.village = VillageFactory(parent=self.township, name="张树村")
        self.other_village = VillageFactory(parent=self.township, name="锦华村")
        self.foreign_county = CountyFactory(parent=self.county.parent, name="泾源县")
        self.foreign_village = VillageFactory(parent=TownshipFactory(parent=self.foreign_county), name="泾河村")
        self.village_worker = UserFactory(area=self.village, roles=[Role.VILLAGE_WORKER])
        self.other_worker = UserFactory(area=self.other_village, roles=[Role.VILLAGE_WORKER])
        self.township_cadre = UserFactory(area=self.township, roles=[Role.TOWNSHIP_CADRE])
        self.county_reviewer = UserFactory(area=self.county, roles=[Role.COUNTY_REVIEWER])
        self.reporting_officer = UserFactory(area=self.county, roles=[Role.REPORTING_OFFICER])
        self.foreign_reviewer = UserFactory(area=self.foreign_county, roles=[Role.COUNTY_REVIEWER])
        # A 脱贫户 of three, a monitored household of one (a monitoring subject), an ordinary household of one.
        self.exited = HouseholdFactory(managing_area=self.village, head_name="脱贫户主")
        HouseholdFlag.objects.create(household=self.exited, kind="exited_poor", valid_from=datetime.date(2019, 12, 31))
        self.exited_spouse = MemberFactory(household=self.exited, name="脱贫配偶")
        self.exited_gone = MemberFactory(household=self.exited, name="已迁出", member_status="moved_out")
        self.monitored = HouseholdFactory(managing_area=self.other_village, head_name="监测户主")
        MonitoringSubjectFactory(household=self.monitored)
        self.ordinary = HouseholdFactory(managing_area=self.village, head_name="一般户主")
        self.foreign = HouseholdFactory(managing_area=self.foreign_village, head_name="外县户主")
        HouseholdFlag.objects.create(household=self.foreign, kind="exited_poor", valid_from=datetime.date(2019, 12, 31))

    def enrol(self, area=None, actor=None, year=2026):
        return services.policies_enrol(
            actor=actor or self.township_cadre, area=area or self.township, year=year, insurer="人保财险隆德支公司",
            starts_on=datetime.date(year, 1, 1), ends_on=datetime.date(year, 12, 31),
        )  # fmt: skip

    def policy(self, member, product="critical_illness", **overrides):
        values = {
            "member": member, "year": 2026, "product": product, "insurer": "人保财险隆德支公司",
            "starts_on": datetime.date(2026, 1, 1), "ends_on": datetime.date(2026, 12, 31),
        }  # fmt: skip
        values.update(overrides)
        return services.policy_create(actor=self.village_worker, data=services.PolicyInput(**values))

    def claim(
        self, policy, *, actor=None, filed_on=datetime.date(2026, 6, 1), incident_on=None, simple=True, **amounts
    ):
        values = {"incident_on": incident_on or min(filed_on, datetime.date(2026, 5, 20)), "filed_on": filed_on,
                  "simple": simple}  # fmt: skip
        values.update({key: Decimal(str(value)) for key, value in amounts.items()})
        return services.claim_file(
            actor=actor or self.village_worker, policy=policy, data=services.ClaimInput(**values)
        )
