"""Factories shared by every test package. Areas get valid statistical codes under their parent's prefix."""

import datetime
import itertools

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from geo.codes import AreaLevel
from geo.models import AdminArea
from households import idnumbers
from households.choices import Gender, HealthStatus, LabourCapacity, Relationship, SchoolingStatus
from households.models import Household, HouseholdMember, IncomeRecord, RiskFlag
from monitoring.models import EntryApplication, MonitoringSubject

_province_seq = itertools.count()
# Two-digit province codes for generated provinces: never 00, and never 64 (Ningxia), which tests use by name.
_PROVINCE_CODES = [f"{n:02d}" for n in range(11, 100) if n != 64]
_child_seq: dict[str, itertools.count] = {}


def _child_code(parent: AdminArea, level: str) -> str:
    counter = _child_seq.setdefault(parent.code, itertools.count(1))
    number = next(counter)
    if level == AreaLevel.CITY:
        return f"{parent.code[:2]}{number:02d}".ljust(12, "0")
    if level == AreaLevel.COUNTY:
        return f"{parent.code[:4]}{number:02d}".ljust(12, "0")
    if level == AreaLevel.TOWNSHIP:
        return f"{parent.code[:6]}{number:03d}".ljust(12, "0")
    if level == AreaLevel.VILLAGE:
        return f"{parent.code[:9]}{200 + number:03d}"
    return f"{parent.code}{number:03d}"


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminArea

    code = factory.LazyFunction(lambda: _PROVINCE_CODES[next(_province_seq) % len(_PROVINCE_CODES)].ljust(12, "0"))
    name = factory.Sequence(lambda n: f"测试省{n}")
    level = AreaLevel.PROVINCE
    parent = None


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminArea

    parent = factory.SubFactory(ProvinceFactory)
    code = factory.LazyAttribute(lambda o: _child_code(o.parent, AreaLevel.CITY))
    name = factory.Sequence(lambda n: f"测试市{n}")
    level = AreaLevel.CITY


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminArea

    parent = factory.SubFactory(CityFactory)
    code = factory.LazyAttribute(lambda o: _child_code(o.parent, AreaLevel.COUNTY))
    name = factory.Sequence(lambda n: f"测试县{n}")
    level = AreaLevel.COUNTY


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminArea

    parent = factory.SubFactory(CountyFactory)
    code = factory.LazyAttribute(lambda o: _child_code(o.parent, AreaLevel.TOWNSHIP))
    name = factory.Sequence(lambda n: f"测试镇{n}")
    level = AreaLevel.TOWNSHIP


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminArea

    parent = factory.SubFactory(TownshipFactory)
    code = factory.LazyAttribute(lambda o: _child_code(o.parent, AreaLevel.VILLAGE))
    name = factory.Sequence(lambda n: f"测试村{n}")
    level = AreaLevel.VILLAGE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    area = factory.SubFactory(VillageFactory)
    password = factory.PostGenerationMethodCall("set_password", "pw-Secret-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=[str(r) for r in extracted]))
        self.save()


_id_seq = itertools.count(1)


def valid_id_number(
    birth: datetime.date = datetime.date(1980, 5, 17), *, male: bool = True, area6: str = "640324"
) -> str:
    return idnumbers.build(area6, birth, next(_id_seq) * 2, male=male)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household
        skip_postgeneration_save = True

    household_no = factory.Sequence(lambda n: f"6403{n:010d}")
    managing_area = factory.SubFactory(VillageFactory)
    residence_area = factory.SelfAttribute("managing_area")
    head_name = factory.Sequence(lambda n: f"户主{n}")
    phone = "13912345678"

    @factory.post_generation
    def with_head(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        head = MemberFactory(household=self, name=self.head_name, relationship=Relationship.HEAD)
        self.head = head
        self.save(update_fields=["head"])


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory, with_head=False)
    name = factory.Sequence(lambda n: f"成员{n}")
    birth_date = datetime.date(1980, 5, 17)
    gender = Gender.MALE
    id_number = factory.LazyAttribute(lambda o: valid_id_number(o.birth_date, male=o.gender == Gender.MALE))
    relationship = Relationship.SPOUSE
    labour_capacity = LabourCapacity.ORDINARY
    schooling_status = SchoolingStatus.LEFT_SCHOOL
    health_status = HealthStatus.HEALTHY


class IncomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncomeRecord

    household = factory.SubFactory(HouseholdFactory)
    year = 2025
    wage_income = 20000


class RiskFlagFactory(factory.django.DjangoModelFactory):
    """An open risk found on a visit (SPEC §4.3), written as the row; the services' paths are in tests/households."""

    class Meta:
        model = RiskFlag

    household = factory.SubFactory(HouseholdFactory)
    risk_type = "illness"
    source = "visit"
    found_on = datetime.date(2026, 1, 1)
    evidence = "户主患病住院"


class EntryApplicationFactory(factory.django.DjangoModelFactory):
    """A registered entry application (the record a monitoring subject comes from)."""

    class Meta:
        model = EntryApplication

    household = factory.SubFactory(HouseholdFactory)
    channel = "cadre_screening"
    proposed_category = "marginal_at_risk"
    category = "marginal_at_risk"
    risk_types = factory.LazyFunction(lambda: ["illness"])
    reason = "因病"
    reported_by = factory.SubFactory(UserFactory)
    reported_on = datetime.date(2026, 1, 1)
    state = "registered"


class MonitoringSubjectFactory(factory.django.DjangoModelFactory):
    """A household in monitoring (marginal, at risk of illness) since ``entered_on``, from its application."""

    class Meta:
        model = MonitoringSubject

    household = factory.SubFactory(HouseholdFactory)
    application = factory.SubFactory(
        EntryApplicationFactory,
        household=factory.SelfAttribute("..household"),
        reported_on=factory.LazyAttribute(lambda o: o.factory_parent.entered_on - datetime.timedelta(days=10)),
    )
    category = "marginal_at_risk"
    risk_types = factory.LazyFunction(lambda: ["illness"])
    entered_on = datetime.date(2026, 1, 11)
    status = "monitored"
