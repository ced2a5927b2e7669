"""A county with an exited household, a marginal monitored one and an ordinary one, the people who record loans,
and a helper that signs a loan through the service (SPEC §11.1)."""

import datetime
from decimal import Decimal

from accounts.roles import Role
from credit import services
from households.models import HouseholdFlag
from tests.factories import (
    CountyFactory,
    HouseholdFactory,
    MemberFactory,
    MonitoringSubjectFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
)

TODAY = datetime.date(2025, 6, 16)
SIGNED = datetime.date(2024, 3, 1)


class CreditWorld:
    def __init__(self) -> None:
        self.county = CountyFactory(name="隆德县")
        self.township = TownshipFactory(parent=self.county, name="沙塘镇")
        self.village = VillageFactory(parent=self.township, name="张树村")
        self.other_township = TownshipFactory(parent=self.county, name="联财镇")
        self.far_village = VillageFactory(parent=self.other_township, name="联财村")
        self.village_worker = UserFactory(area=self.village, roles=[Role.VILLAGE_WORKER])
        self.township_cadre = UserFactory(area=self.township, roles=[Role.TOWNSHIP_CADRE])
        self.other_cadre = UserFactory(area=self.other_township, roles=[Role.TOWNSHIP_CADRE])
        self.county_reviewer = UserFactory(area=self.county, roles=[Role.COUNTY_REVIEWER])
        self.reporter = UserFactory(area=self.county, roles=[Role.REPORTING_OFFICER])
        self.finance = UserFactory(area=self.county, roles=[Role.COUNTY_FINANCE])
        self.exited = HouseholdFactory(managing_area=self.village, head_name="脱贫户主")
        HouseholdFlag.objects.create(household=self.exited, kind="exited_poor", valid_from=datetime.date(2019, 12, 31))
        self.marginal = HouseholdFactory(managing_area=self.village, head_name="边缘户主")
        self.subject = MonitoringSubjectFactory(household=self.marginal, entered_on=datetime.date(2023, 5, 1))
        self.ordinary = HouseholdFactory(managing_area=self.village, head_name="一般户主")
        self.far = HouseholdFactory(managing_area=self.far_village, head_name="联财户主")
        HouseholdFlag.objects.create(household=self.far, kind="exited_poor", valid_from=datetime.date(2019, 12, 31))

    def data(self, household=None, **overrides) -> services.LoanInput:
        household = household or self.exited
        values = {
            "borrower": household.head,
            "bank": "宁夏黄河农村商业银行沙塘支行",
            "contract_no": f"HT-{household.pk}-{overrides.get('signed_on', SIGNED)}-{overrides.get('amount', 0)}",
            "amount": Decimal("50000.00"),
            "signed_on": SIGNED,
            "maturity": datetime.date(2027, 3, 1),
            "rate": Decimal("3.95"),
            "lpr": Decimal("3.95"),
            "purpose": "breeding",
        }
        values.update(overrides)
        return services.LoanInput(**values)

    def sign(self, household=None, actor=None, **overrides):
        household = household or self.exited
        return services.loan_sign(
            actor=actor or self.village_worker, household=household, data=self.data(household, **overrides)
        )


def member_born(household, birth: datetime.date):
    return MemberFactory(household=household, birth_date=birth)
