"""A county with two villages of one township and a village of another county, the people who work there, and
posts made through the service (SPEC §11.4)."""

import datetime
from decimal import Decimal
from typing import Any

import factory

from accounts.roles import Role
from households.choices import HouseholdFlagKind, LabourCapacity
from households.models import HouseholdFlag, HouseholdMember
from tests.factories import HouseholdFactory, MemberFactory, TownshipFactory, UserFactory, VillageFactory
from welfare_posts import services
from welfare_posts.models import WelfarePost

TODAY = datetime.date(2026, 6, 15)


class PostFactory(factory.django.DjangoModelFactory):
    """A post written as the row (for reads); the rules' paths go through ``PostWorld.post``."""

    class Meta:
        model = WelfarePost

    village = factory.SubFactory(VillageFactory)
    name = factory.Sequence(lambda n: f"保洁岗{n}")
    post_type = "cleaning"
    funding_source = "linkage_funds"
    monthly_subsidy = Decimal("800.00")
    positions = 2
    need = "村道和公共场所保洁"
    created_on = datetime.date(2026, 1, 1)
    created_by = factory.SubFactory(UserFactory, area=None)


class PostWorld:
    """A township with two villages; a village of another county; a village worker, a township cadre, a county
    reviewer and a reporting officer of the county; a village worker of the other county."""

    def __init__(self) -> None:
        self.township = TownshipFactory(name="同心镇")
        self.county = self.township.parent
        self.village = VillageFactory(parent=self.township, name="河东村")
        self.sibling = VillageFactory(parent=self.township, name="河西村")
        self.foreign = VillageFactory(name="外县村")
        self.village_worker = UserFactory(roles=[Role.VILLAGE_WORKER], area=self.village, last_name="村文书")
        self.sibling_worker = UserFactory(roles=[Role.VILLAGE_WORKER], area=self.sibling)
        self.township_cadre = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=self.township)
        self.county_reviewer = UserFactory(roles=[Role.COUNTY_REVIEWER], area=self.county)
        self.reporting_officer = UserFactory(roles=[Role.REPORTING_OFFICER], area=self.county)
        self.foreign_worker = UserFactory(roles=[Role.VILLAGE_WORKER], area=self.foreign)
        self.screener = UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=self.county)

    def post(self, *, village: Any = None, actor: Any = None, **overrides: Any) -> WelfarePost:
        data = {
            "village": village or self.village, "name": "村道保洁员", "post_type": "cleaning",
            "funding_source": "linkage_funds", "monthly_subsidy": Decimal("800.00"), "positions": 2,
            "need": "村道和公共场所保洁", "created_on": datetime.date(2026, 1, 1),
        }  # fmt: skip
        data.update(overrides)
        return services.post_create(actor=actor or self.village_worker, data=services.PostInput(**data))

    def person(self, *, village: Any = None, name: str = "", employed: bool = True, **fields: Any) -> HouseholdMember:
        """A working-age member of a new household of the village. ``employed`` gives the household another member
        in work, so that it is not a zero-employment household."""
        household = HouseholdFactory(managing_area=village or self.village, with_head=False)
        if employed:
            MemberFactory(household=household, employment_status="employed", name=f"{name or '成员'}家属")
        return MemberFactory(household=household, **({"name": name} if name else {}), **fields)

    def zero_employment_person(self, **fields: Any) -> HouseholdMember:
        return self.person(employed=False, employment_status="not_working", **fields)

    def disabled_person(self, **fields: Any) -> HouseholdMember:
        return self.person(disability_category="physical", disability_grade=3, **fields)

    def flag(self, member: HouseholdMember, kind: str = HouseholdFlagKind.EXITED_POOR) -> None:
        HouseholdFlag.objects.create(household=member.household, kind=kind, valid_from=datetime.date(2020, 1, 1))


WEAK = LabourCapacity.WEAK_OR_PARTIAL
