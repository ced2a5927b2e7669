"""The demo county 同心县 (640324) as a plan: ``plan_build`` makes the whole data set in memory from a seed, with no
database access and no clock, so the same seed and day always give the same county; ``demo.load`` writes it. The
numbers only make the demo look like a real county (SPEC §1.1 codes, §1.2 roles, §1.5 dual management, §2 registry
and flags, §3 income, §4.13 visits); none of them is policy.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Final, TypeVar

from accounts.roles import Department, Role
from core.errors import DomainError
from demo import names
from geo.codes import AreaLevel, ancestor_code
from households import idnumbers
from households.choices import (
    ChronicCondition,
    DestituteMode,
    DisabilityCategory,
    EmploymentPlace,
    EmploymentStatus,
    Gender,
    HealthStatus,
    HouseholdFlagKind,
    HousingRemedy,
    HousingSafety,
    LabourCapacity,
    MemberStatus,
    MigrantType,
    PremiumSubsidy,
    Relationship,
    RelocationBatch,
    SchoolingStatus,
    SelfCare,
    ToiletType,
    VisitKind,
    WaterSupplyType,
)
from households.rules import age_on

# Short on purpose: typed by hand in demos. Every demo login shares it, the superuser too: never load real data next
# to the demo.
DEMO_PASSWORD: Final = "demo12345"  # noqa: S105
DEFAULT_SEED: Final = 2021
DEFAULT_HOUSEHOLDS: Final = 3000
MAX_HOUSEHOLDS: Final = 100_000
CHANGE_REASON: Final = "演示数据"

PROVINCE: Final = ("640000000000", "宁夏回族自治区")
CITY: Final = ("640300000000", "吴忠市")
COUNTY: Final = ("640324000000", "同心县")
COUNTY_CODE: Final = COUNTY[0]
AREA6: Final = COUNTY_CODE[:6]  # ID numbers of people first registered in the county start with this

ADMIN_USERNAME: Final = "admin"
_FIXED_USERNAMES: Final = (
    "village",
    "cadre",
    "township",
    "county",
    "screener",
    "finance",
    "projunit",
    "report",
    "supervisor",
    "sysadmin",
)
TOWNSHIP_USERNAMES: Final = tuple(f"township{n:02d}" for n in range(1, len(names.TOWNSHIP_NAMES) + 1))
# Every login the loader creates, in the order the logins table lists them.
DEMO_USERNAMES: Final = (*_FIXED_USERNAMES, *TOWNSHIP_USERNAMES, ADMIN_USERNAME)
PAIRED_PER_TOWNSHIP: Final = 4  # the demo assistance cadre gets 4 + 4 households from two townships

_CENT: Final = Decimal("0.01")
_STUDYING: Final = frozenset(
    {
        SchoolingStatus.SENIOR,
        SchoolingStatus.SECONDARY_VOCATIONAL,
        SchoolingStatus.HIGHER_VOCATIONAL,
        SchoolingStatus.UNDERGRADUATE_PLUS,
        SchoolingStatus.SPECIAL_SCHOOL,
        SchoolingStatus.HOME_TEACHING,
    }
)


# ---------------------------------------------------------------------------------------------------------------
# The plan: plain frozen values, comparable with ==
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaSeed:
    code: str
    name: str


@dataclass(frozen=True)
class MemberSeed:
    name: str
    id_number: str
    gender: str
    birth_date: datetime.date
    ethnicity: str
    relationship: str
    member_status: str
    status_changed_on: datetime.date | None
    health_status: str
    labour_capacity: str
    schooling_status: str
    # The details below are drawn after the family (``_member_details``); the defaults are the model's. Every field
    # of this class is a ``HouseholdMember`` field of the same name.
    illness_confirmed_by_institution: bool = False
    chronic_conditions: tuple[str, ...] = ()
    in_37_disease_scheme: bool = False
    disability_category: str = ""
    disability_grade: int | None = None
    disability_certificate_no: str = ""
    self_care: str = SelfCare.INDEPENDENT
    is_main_labourer: bool = False
    employment_status: str = ""
    employment_place: str = ""
    employment_months_this_year: int = 0
    labour_contract: bool = False
    social_insurance_paid: bool = False
    employment_difficulty: bool = False
    medical_insurance_enrolled: bool = True
    medical_premium_subsidy: str = ""
    critical_illness_insurance: bool = True
    medical_assistance_eligible: bool = False
    pension_enrolled: bool = False
    pension_grade: int | None = None
    pension_paid_by_government: bool = False
    is_post_school_youth: bool = False

    @property
    def counts_in_household(self) -> bool:
        return self.member_status == MemberStatus.PRESENT


@dataclass(frozen=True)
class IncomeSeed:
    year: int
    wage_income: Decimal
    business_income: Decimal
    business_expense: Decimal
    property_income: Decimal
    transfer_income: Decimal

    @property
    def net_income(self) -> Decimal:
        business_net = self.business_income - self.business_expense
        return self.wage_income + business_net + self.property_income + self.transfer_income


@dataclass(frozen=True)
class FlagSeed:
    kind: str  # a HouseholdFlagKind
    valid_from: datetime.date
    note: str = ""


@dataclass(frozen=True)
class VisitSeed:
    """A visit (SPEC §4.13) and what its guarantee check saw (§2.5). Education, medical insurance and housing are
    not here: ``demo.load`` derives them from the registry as ``visit_record`` does, so they cannot disagree."""

    visited_on: datetime.date
    kind: str
    recorded_by: str  # the username of one of ``DemoPlan.accounts``
    notes: str
    companions: str = ""
    income_change: str = ""
    member_change: str = ""
    needs: str = ""
    risk_found: bool = False
    risk_note: str = ""
    next_visit_on: datetime.date | None = None
    water_quantity_ok: bool = True
    water_quality_ok: bool = True
    water_access_ok: bool = True
    water_reliability_ok: bool = True
    water_note: str = ""


@dataclass(frozen=True)
class HouseholdDetails:
    """Registry fields of SPEC §2.1; each is a ``Household`` field of the same name, and the defaults are the
    model's."""

    registered_poor_since: int | None = None
    exit_year: int | None = None
    destitute_mode: str = ""
    relocation_batch: str = ""
    resettlement_site: str = ""
    migrant_type: str = MigrantType.NONE
    hukou_moved: bool = False
    has_residence_permit: bool = False
    land_rights_confirmed: bool = False
    contracted_land_mu: Decimal | None = None
    forest_land_mu: Decimal | None = None
    housing_safety: str = HousingSafety.SAFE
    housing_remedy: str = ""
    water_supply_type: str = ""
    toilet_type: str = ""
    cooperative_member: bool = False
    bank_name: str = ""
    bank_account: str = ""
    account_holder_name: str = ""
    risk_flagged_on: datetime.date | None = None
    risk_note: str = ""


@dataclass(frozen=True)
class HouseholdSeed:
    household_no: str
    village_code: str
    hukou_village_code: str  # another township's village for a self-migrant (SPEC §1.5), else the village itself
    address: str
    phone: str
    members: tuple[MemberSeed, ...]  # the head first
    incomes: tuple[IncomeSeed, ...]
    details: HouseholdDetails = HouseholdDetails()
    flags: tuple[FlagSeed, ...] = ()
    visits: tuple[VisitSeed, ...] = ()  # oldest first

    @property
    def head_name(self) -> str:
        return self.members[0].name

    @property
    def is_self_migrant(self) -> bool:
        return self.hukou_village_code != self.village_code

    @property
    def flag_kinds(self) -> frozenset[str]:
        return frozenset(f.kind for f in self.flags)

    @property
    def present_members(self) -> list[MemberSeed]:
        return [m for m in self.members if m.member_status == MemberStatus.PRESENT]


@dataclass(frozen=True)
class AccountSeed:
    username: str
    full_name: str
    role: Role | None  # None: the superuser
    area_code: str | None
    unit_name: str = ""
    department: str = ""
    is_staff: bool = False


@dataclass(frozen=True)
class DemoPlan:
    seed: int
    today: datetime.date
    townships: tuple[AreaSeed, ...]
    villages: tuple[AreaSeed, ...]
    households: tuple[HouseholdSeed, ...]
    paired_household_nos: tuple[str, ...]
    accounts: tuple[AccountSeed, ...]

    @property
    def member_count(self) -> int:
        return sum(len(h.members) for h in self.households)

    @property
    def visit_count(self) -> int:
        return sum(len(h.visits) for h in self.households)


# ---------------------------------------------------------------------------------------------------------------
# Building the plan (pure: no database, no clock)
# ---------------------------------------------------------------------------------------------------------------


def plan_build(*, seed: int, households: int, today: datetime.date) -> DemoPlan:
    """The whole demo county for ``households`` households. Pure: equal arguments give an equal plan."""
    if not 1 <= households <= MAX_HOUSEHOLDS:
        raise DomainError(f"农户数应在 1 到 {MAX_HOUSEHOLDS} 之间，实际为 {households}", field="households")
    rng = random.Random(seed)
    townships, villages = _areas(rng)
    people = _People(rng, today)
    plans = _households(rng, people, townships, villages, households, today)
    paired = _pairing(rng, townships, plans)
    accounts = _accounts(people, townships, villages)
    # Registry details and visits draw from streams of their own (a string seed is hashed with SHA-512, the same
    # in every process), so adding a detail later leaves the families, names and ID numbers of a seed unchanged.
    details_rng = random.Random(f"{seed}/registry")
    sites = {t.code: t.name + site for t, site in zip(townships, names.RESETTLEMENT_SITES, strict=True)}
    plans = tuple(_registry(details_rng, h, site=sites[_township_of(h.village_code)], today=today) for h in plans)
    visits_rng = random.Random(f"{seed}/visits")
    visitors = _visitors(accounts, townships)
    plans = tuple(_with_visits(visits_rng, h, visitor=visitors(h.village_code), today=today) for h in plans)
    return DemoPlan(
        seed=seed,
        today=today,
        townships=townships,
        villages=villages,
        households=plans,
        paired_household_nos=paired,
        accounts=accounts,
    )


# 10–14 villages per township, 120 in all (the real county has 142, SPEC §1.1); the seed shuffles them.
_VILLAGES_PER_TOWNSHIP: Final = (10, 11, 11, 12, 12, 12, 12, 13, 13, 14)


def _areas(rng: random.Random) -> tuple[tuple[AreaSeed, ...], tuple[AreaSeed, ...]]:
    """Ten townships (640324100000, 640324101000, …) with 10–14 villages each, coded 200–399 like NBS villages
    (SPEC §1.1: 001–199 are urban communities). Village names are drawn without replacement, so none repeats."""
    stems = list(dict.fromkeys(names.VILLAGE_STEMS))  # ordered de-duplication keeps the plan deterministic
    rng.shuffle(stems)
    counts = list(_VILLAGES_PER_TOWNSHIP)
    rng.shuffle(counts)
    townships: list[AreaSeed] = []
    villages: list[AreaSeed] = []
    for index, (township_name, count) in enumerate(zip(names.TOWNSHIP_NAMES, counts, strict=True)):
        prefix = f"{AREA6}{100 + index:03d}"
        townships.append(AreaSeed(code=f"{prefix}000", name=township_name))
        numbers = sorted(rng.sample(range(200, 400), count))
        for number in numbers:
            villages.append(AreaSeed(code=f"{prefix}{number:03d}", name=f"{stems.pop()}村"))
    return tuple(townships), tuple(villages)


def _township_of(village_code: str) -> str:
    return ancestor_code(village_code, AreaLevel.TOWNSHIP)


_T = TypeVar("_T")


def _weighted(rng: random.Random, pairs: Sequence[tuple[_T, int]]) -> _T:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A day in [first, last]; ``last`` when the range is empty."""
    return first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


@dataclass
class _Person:
    """A member before the details are drawn: who they are in the family and how old."""

    relationship: Relationship
    male: bool
    age: int
    surname: str


@dataclass
class _People:
    """Draws names, birth dates and unique ID numbers from one random stream."""

    rng: random.Random
    today: datetime.date
    used_ids: set[str] = field(default_factory=set)

    def surname(self) -> str:
        return _weighted(self.rng, names.SURNAMES)

    def name(self, surname: str, *, male: bool) -> str:
        pool = names.MALE_GIVEN if male else names.FEMALE_GIVEN
        length = 2 if self.rng.random() < 0.65 else 1
        return surname + "".join(self.rng.choice(pool) for _ in range(length))

    def birth(self, age: int) -> datetime.date:
        # Born 1–364 days before the date exactly ``age`` years ago, so exactly ``age`` years old today.
        return _years_before(self.today, age) - datetime.timedelta(days=self.rng.randint(1, 364))

    def id_number(self, birth: datetime.date, *, male: bool) -> str:
        while True:
            # GB 11643: an odd sequence digit is a man; drawing the right parity keeps ``build`` from changing it.
            sequence = self.rng.randrange(1, 1000, 2) if male else self.rng.randrange(2, 1000, 2)
            number = idnumbers.build(AREA6, birth, sequence, male=male)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number


_SIZE_WEIGHTS: Final = ((1, 9), (2, 18), (3, 21), (4, 24), (5, 16), (6, 8), (7, 4))  # mean 3.6 people


def _family(people: _People) -> list[_Person]:
    """A plausible family: head, usually a spouse, children or an adult son's family, sometimes a parent."""
    rng = people.rng
    size = rng.choices([s for s, _ in _SIZE_WEIGHTS], weights=[w for _, w in _SIZE_WEIGHTS])[0]
    head_male = rng.random() < 0.88
    head_age = rng.randint(45, 88) if size == 1 else rng.randint(35 if size >= 5 else 26, 78)
    head = _Person(Relationship.HEAD, head_male, head_age, people.surname())
    family = [head]
    slots = size - 1
    spouse: _Person | None = None
    # Women head a household mostly when widowed or divorced.
    if slots and rng.random() < (0.93 if head_male else 0.3):
        spouse_age = max(20, head_age + (-rng.randint(-1, 5) if head_male else rng.randint(-1, 5)))
        spouse = _Person(Relationship.SPOUSE, not head_male, spouse_age, people.surname())
        family.append(spouse)
        slots -= 1
    # Children carry their father's surname; a widow's late husband gets a surname of his own.
    husband = head if head_male else spouse
    child_surname = husband.surname if husband is not None else people.surname()
    if slots and head_age <= 55 and rng.random() < 0.22:
        parent_age = head_age + rng.randint(20, 35)
        if parent_age <= 92:
            is_father = rng.random() < 0.35  # more widowed mothers than fathers live with a son or daughter
            relationship = Relationship.FATHER if is_father else Relationship.MOTHER
            surname = head.surname if is_father else people.surname()  # the head has the father's surname
            family.append(_Person(relationship, is_father, parent_age, surname))
            slots -= 1
    if slots >= 3 and head_age >= 52 and rng.random() < 0.65:
        son_age = rng.randint(max(22, head_age - 35), head_age - 20)
        family.append(_Person(Relationship.SON, True, son_age, child_surname))
        wife_age = max(20, son_age - rng.randint(-2, 5))
        family.append(_Person(Relationship.DAUGHTER_IN_LAW, False, wife_age, people.surname()))
        slots -= 2
        while slots:
            # Grandchildren are 40–60 years younger than the head and at least 18 younger than their father.
            age = rng.randint(max(0, head_age - 60), min(head_age - 40, son_age - 18))
            male = rng.random() < 0.52
            relationship = Relationship.GRANDSON if male else Relationship.GRANDDAUGHTER
            family.append(_Person(relationship, male, age, child_surname))
            slots -= 1
    while slots:
        age = rng.randint(max(0, head_age - 35), head_age - 20)
        male = rng.random() < 0.52
        family.append(_Person(Relationship.SON if male else Relationship.DAUGHTER, male, age, child_surname))
        slots -= 1
    return family


def _health(rng: random.Random, age: int) -> str:
    chronic = 0.02 if age < 40 else 0.10 if age < 60 else 0.22  # about 8 % overall
    roll = rng.random()
    if roll < 0.04:
        return HealthStatus.DISABLED
    if roll < 0.07:
        return HealthStatus.SERIOUS_ILLNESS
    if roll < 0.07 + chronic:
        return HealthStatus.CHRONIC_DISEASE
    return HealthStatus.HEALTHY


def _schooling(rng: random.Random, age: int, health: str) -> str:
    roll = rng.random()
    if age <= 2:
        return SchoolingStatus.NOT_SCHOOL_AGE
    if age <= 5:
        return SchoolingStatus.PRESCHOOL
    if health == HealthStatus.DISABLED and age <= 17 and roll < 0.4:
        return SchoolingStatus.SPECIAL_SCHOOL if roll < 0.25 else SchoolingStatus.HOME_TEACHING
    if age <= 11:
        return SchoolingStatus.PRIMARY
    if age <= 15:  # compulsory schooling (setting school.compulsory_age, 6–15): nobody has left it yet
        return SchoolingStatus.DROPOUT if roll < 0.02 else SchoolingStatus.JUNIOR
    if age <= 17:
        if roll < 0.03:
            return SchoolingStatus.DROPOUT
        if roll < 0.58:
            return SchoolingStatus.SENIOR
        if roll < 0.83:
            return SchoolingStatus.SECONDARY_VOCATIONAL
        return SchoolingStatus.LEFT_SCHOOL  # 两后生: left after junior high
    if age <= 22:
        if roll < 0.20:
            return SchoolingStatus.HIGHER_VOCATIONAL
        if roll < 0.35:
            return SchoolingStatus.UNDERGRADUATE_PLUS
    return SchoolingStatus.LEFT_SCHOOL


def _labour(rng: random.Random, age: int, health: str, schooling: str) -> str:
    roll = rng.random()
    if age < 16 or age >= 65 or schooling in _STUDYING:
        return LabourCapacity.NONE_AGE
    if health == HealthStatus.SERIOUS_ILLNESS:
        return LabourCapacity.LOST if roll < 0.5 else LabourCapacity.WEAK_OR_PARTIAL
    if health == HealthStatus.DISABLED:
        if roll < 0.35:
            return LabourCapacity.LOST
        return LabourCapacity.WEAK_OR_PARTIAL if roll < 0.8 else LabourCapacity.ORDINARY
    if health == HealthStatus.CHRONIC_DISEASE or age >= 60:
        return LabourCapacity.WEAK_OR_PARTIAL if roll < 0.5 else LabourCapacity.ORDINARY
    return LabourCapacity.SKILLED if roll < 0.15 else LabourCapacity.ORDINARY


def _member(people: _People, person: _Person, ethnicity: str, taken: set[str]) -> MemberSeed:
    rng = people.rng
    name = people.name(person.surname, male=person.male)
    while name in taken:  # two members of one household never share a name
        name = people.name(person.surname, male=person.male)
    taken.add(name)
    birth = people.birth(person.age)
    age = age_on(birth, people.today)
    health = _health(rng, age)
    schooling = _schooling(rng, age, health)
    status, changed_on = MemberStatus.PRESENT, None
    # About 2 % of members have left the household: the elderly have died, adults have moved out.
    if person.relationship != Relationship.HEAD and age >= 18 and rng.random() < 0.045:
        status = MemberStatus.DECEASED if age >= 55 else MemberStatus.MOVED_OUT
        changed_on = people.today - datetime.timedelta(days=rng.randint(30, 700))
    if person.relationship in (Relationship.SPOUSE, Relationship.DAUGHTER_IN_LAW) and rng.random() < 0.08:
        ethnicity = "汉族" if ethnicity == "回族" else "回族"  # a few mixed marriages
    return MemberSeed(
        name=name,
        id_number=people.id_number(birth, male=person.male),
        gender=Gender.MALE if person.male else Gender.FEMALE,
        birth_date=birth,
        ethnicity=ethnicity,
        relationship=person.relationship,
        member_status=status,
        status_changed_on=changed_on,
        health_status=health,
        labour_capacity=_labour(rng, age, health, schooling),
        schooling_status=schooling,
    )


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(_CENT)


def _incomes(rng: random.Random, members: Sequence[MemberSeed], today: datetime.date) -> tuple[IncomeSeed, ...]:
    """Last year's and the year before's income. Per-capita net income is mostly 8,000–20,000 yuan; about 5 % of
    households fall under the 6,000 monitoring line and about 3 % between it and the 6,600 exit line (SPEC §3.7),
    more often when nobody can work. About 3 % have no record for last year yet: work for the home queue."""
    counted = [m for m in members if m.counts_in_household]
    elderly = sum(1 for m in counted if age_on(m.birth_date, today) >= 60)
    workers = sum(1 for m in counted if m.labour_capacity not in (LabourCapacity.NONE_AGE, LabourCapacity.LOST))
    roll = rng.random()
    low_share = 0.04 if workers else 0.15
    if roll < low_share:
        per_capita = rng.uniform(3200, 5950)
    elif roll < low_share + 0.03:
        per_capita = rng.uniform(6000, 6590)
    else:
        per_capita = 0.0
        while per_capita < 7000 or per_capita > 40000:
            per_capita = rng.lognormvariate(math.log(12500), 0.3)
    total = per_capita * len(counted)
    transfer = min(total * 0.6, elderly * rng.uniform(1400, 2600) + rng.uniform(200, 1200))
    property_ = rng.uniform(0, min(1200.0, total * 0.06))  # mostly land transferred out (土地流转)
    business_net = (total - transfer - property_) * rng.uniform(0.1, 0.55) if rng.random() < 0.8 else 0.0
    business_expense = business_net * rng.uniform(0.4, 1.2)
    last = IncomeSeed(
        year=today.year - 1,
        wage_income=_money(total) - _money(transfer) - _money(property_) - _money(business_net),
        business_income=_money(business_net) + _money(business_expense),
        business_expense=_money(business_expense),
        property_income=_money(property_),
        transfer_income=_money(transfer),
    )

    def earlier(value: Decimal) -> Decimal:
        return (value * Decimal(str(round(rng.uniform(0.88, 1.06), 4)))).quantize(_CENT)

    before = IncomeSeed(
        year=today.year - 2,
        wage_income=earlier(last.wage_income),
        business_income=earlier(last.business_income),
        business_expense=earlier(last.business_expense),
        property_income=earlier(last.property_income),
        transfer_income=earlier(last.transfer_income),
    )
    if rng.random() < 0.03:
        return (before,)
    return (before, last)


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.12:
        return ""
    return f"{rng.choice(('13', '15', '18'))}{rng.randint(0, 9)}{rng.randrange(10**8):08d}"


def _households(
    rng: random.Random,
    people: _People,
    townships: Sequence[AreaSeed],
    villages: Sequence[AreaSeed],
    count: int,
    today: datetime.date,
) -> tuple[HouseholdSeed, ...]:
    township_names = {t.code: t.name for t in townships}
    # Every village gets a household before any gets a second (so the demo village user sees data even for a
    # small --households); the rest follow uneven village sizes.
    weights = [rng.uniform(0.5, 1.5) for _ in villages]
    slots = [i % len(villages) for i in range(min(count, len(villages)))]
    slots += rng.choices(range(len(villages)), weights=weights, k=count - len(slots))
    per_village: dict[int, int] = defaultdict(int)
    for index in slots:
        per_village[index] += 1
    plans: list[HouseholdSeed] = []
    for index, village in enumerate(villages):
        township = _township_of(village.code)
        elsewhere = [v.code for v in villages if _township_of(v.code) != township]
        for sequence in range(1, per_village[index] + 1):
            ethnicity = _weighted(rng, names.ETHNICITIES)
            taken: set[str] = set()
            members = tuple(_member(people, person, ethnicity, taken) for person in _family(people))
            hukou = rng.choice(elsewhere) if rng.random() < 0.02 else village.code
            plans.append(
                HouseholdSeed(
                    household_no=f"{village.code}{sequence:04d}",
                    village_code=village.code,
                    hukou_village_code=hukou,
                    address=f"{COUNTY[1]}{township_names[township]}{village.name}{rng.randint(1, 8)}组",
                    phone=_phone(rng),
                    members=members,
                    incomes=_incomes(rng, members, today),
                )
            )
    return tuple(plans)


def _pairing(rng: random.Random, townships: Sequence[AreaSeed], plans: Sequence[HouseholdSeed]) -> tuple[str, ...]:
    """Households for the demo assistance cadre: 4 from each of two townships, so the pairing visibly crosses
    township borders (SPEC §1.6)."""
    by_township: dict[str, list[str]] = defaultdict(list)
    for plan in plans:
        by_township[_township_of(plan.village_code)].append(plan.household_no)
    # Not the first township: its cadre `township` would see them anyway and the demo would show nothing special.
    eligible = [t.code for t in townships[1:] if len(by_township[t.code]) >= PAIRED_PER_TOWNSHIP]
    if len(eligible) < 2:
        everything = [p.household_no for p in plans]
        return tuple(sorted(rng.sample(everything, min(2 * PAIRED_PER_TOWNSHIP, len(everything)))))
    chosen: list[str] = []
    for township in rng.sample(eligible, 2):
        chosen += rng.sample(by_township[township], PAIRED_PER_TOWNSHIP)
    return tuple(sorted(chosen))


def _accounts(people: _People, townships: Sequence[AreaSeed], villages: Sequence[AreaSeed]) -> tuple[AccountSeed, ...]:
    """One login per role of SPEC §1.2, bound to the level the role allows, plus one cadre per township."""
    county = COUNTY[1]

    def full_name() -> str:
        male = people.rng.random() < 0.7
        return people.name(people.surname(), male=male)

    first_township = townships[0]
    first_village = next(v for v in villages if _township_of(v.code) == first_township.code)
    accounts = [
        AccountSeed("village", full_name(), Role.VILLAGE_WORKER, first_village.code, f"{first_village.name}村民委员会"),
        AccountSeed("cadre", full_name(), Role.ASSISTANCE_CADRE, COUNTY_CODE, f"{county}农业农村局"),
        AccountSeed(
            "township", full_name(), Role.TOWNSHIP_CADRE, first_township.code, f"{first_township.name}人民政府"
        ),
        AccountSeed("county", full_name(), Role.COUNTY_REVIEWER, COUNTY_CODE, f"{county}乡村振兴局"),
        AccountSeed(
            "screener",
            full_name(),
            Role.DEPARTMENT_SCREENER,
            COUNTY_CODE,
            f"{county}卫生健康局",
            department=Department.HEALTH,
        ),
        AccountSeed("finance", full_name(), Role.COUNTY_FINANCE, COUNTY_CODE, f"{county}财政局"),
        AccountSeed("projunit", full_name(), Role.PROJECT_UNIT, COUNTY_CODE, f"{county}水务局"),
        AccountSeed("report", full_name(), Role.REPORTING_OFFICER, COUNTY_CODE, f"{county}乡村振兴局"),
        AccountSeed("supervisor", full_name(), Role.SUPERVISOR, CITY[0], f"{CITY[1]}乡村振兴局"),
        AccountSeed("sysadmin", full_name(), Role.SYSTEM_ADMIN, PROVINCE[0], f"{PROVINCE[1]}乡村振兴局", is_staff=True),
    ]
    for username, township in zip(TOWNSHIP_USERNAMES, townships, strict=True):
        unit = f"{township.name}人民政府"
        accounts.append(AccountSeed(username, full_name(), Role.TOWNSHIP_CADRE, township.code, unit))
    accounts.append(AccountSeed(ADMIN_USERNAME, full_name(), None, None, "系统运维", is_staff=True))
    return tuple(accounts)


# ---------------------------------------------------------------------------------------------------------------
# Registry details: flags (SPEC §2.4), household fields (§2.1), member details (§2.2)
# ---------------------------------------------------------------------------------------------------------------

# 建档立卡 began in 2014; Tongxin's last poor households exited in 2020, the end of 脱贫攻坚.
_REGISTERED_YEARS: Final = ((2014, 75), (2015, 15), (2016, 10))
_EXIT_YEARS: Final = ((2016, 8), (2017, 14), (2018, 22), (2019, 30), (2020, 26))
LAST_EXIT_YEAR: Final = 2020
# Per-capita income under the 2021 exit line (SPEC §3.7) makes a household look fragile. This shapes the demo only:
# the policy reads its line from MonitoringThreshold.
_FRAGILE_INCOME: Final = 6600
_WORKING_AGE: Final = range(16, 60)
_CAN_WORK: Final = frozenset({LabourCapacity.SKILLED, LabourCapacity.ORDINARY, LabourCapacity.WEAK_OR_PARTIAL})
_DISABILITY_CODES: Final = {  # the digit after the ID number on a second-generation disability certificate
    DisabilityCategory.VISUAL: 1,
    DisabilityCategory.HEARING: 2,
    DisabilityCategory.SPEECH: 3,
    DisabilityCategory.PHYSICAL: 4,
    DisabilityCategory.INTELLECTUAL: 5,
    DisabilityCategory.MENTAL: 6,
    DisabilityCategory.MULTIPLE: 7,
}


def _registry(rng: random.Random, household: HouseholdSeed, *, site: str, today: datetime.date) -> HouseholdSeed:
    """Flags, registry fields and member details of one household, consistent with its family and income."""
    present = household.present_members
    ages = [age_on(m.birth_date, today) for m in present]
    can_work = any(a in _WORKING_AGE and m.labour_capacity in _CAN_WORK for m, a in zip(present, ages, strict=True))
    ill = any(m.health_status in (HealthStatus.SERIOUS_ILLNESS, HealthStatus.DISABLED) for m in present)
    per_capita = household.incomes[-1].net_income / len(present)
    flags: list[FlagSeed] = []
    details: dict[str, object] = {}

    def flag(kind: str, first: datetime.date, last: datetime.date, note: str = "") -> None:
        flags.append(FlagSeed(kind, min(_day_between(rng, first, last), today), note))

    # About 35 % exited poverty: Tongxin was a national poverty county until 2020.
    exit_year: int | None = None
    if rng.random() < 0.35:
        since = _weighted(rng, _REGISTERED_YEARS)
        exit_year = _weighted(rng, [(y, w) for y, w in _EXIT_YEARS if y > since])
        details.update(registered_poor_since=since, exit_year=exit_year)
        day = datetime.date(exit_year, 12, 31)
        flag(HouseholdFlagKind.EXITED_POOR, day, day)
    exited = exit_year is not None
    # 特困 is for old or disabled people who live alone or as an old couple; 低保 mostly for low incomes and
    # households without labour. A household gets one of the two at most.
    elderly_alone = len(present) <= 2 and min(ages) >= 60
    lost_alone = len(present) == 1 and present[0].labour_capacity == LabourCapacity.LOST
    if (elderly_alone or lost_alone) and rng.random() < 0.1:
        mode = DestituteMode.DISPERSED if rng.random() < 0.85 else DestituteMode.CENTRALIZED
        details["destitute_mode"] = mode
        flag(HouseholdFlagKind.DESTITUTE_SUPPORT, datetime.date(2016, 1, 1), today - datetime.timedelta(days=60))
    else:
        allowance = 0.035 + (0.3 if per_capita < _FRAGILE_INCOME else 0)
        allowance += (0 if can_work else 0.1) + (0.05 if ill else 0)
        if rng.random() < allowance:
            reviewed = today - datetime.timedelta(days=60)  # 低保 is reviewed yearly; the latest grant stands
            flag(HouseholdFlagKind.SUBSISTENCE_ALLOWANCE, datetime.date(2018, 1, 1), reviewed)
    disabled = [m for m in present if m.health_status == HealthStatus.DISABLED]
    if disabled:
        first = max(datetime.date(2014, 1, 1), min(m.birth_date for m in disabled))
        note = f"残疾人 {len(disabled)} 名" if len(disabled) > 1 else ""
        flag(HouseholdFlagKind.DISABLED_HOUSEHOLD, first, today - datetime.timedelta(days=1), note)
    # 易地扶贫搬迁: in the 13th plan (2016–2020) for poor households, who moved in before they exited; in the 12th
    # (生态移民, 2011–2015) for others.
    if rng.random() < (0.2 if exited else 0.05):
        details.update(resettlement_site=site, hukou_moved=True)
        if exit_year is not None:
            details["relocation_batch"] = RelocationBatch.FYP13
            moved = (datetime.date(2016, 3, 1), datetime.date(exit_year, 12, 31))
        else:
            details["relocation_batch"] = RelocationBatch.FYP12
            moved = (datetime.date(2011, 3, 1), datetime.date(2015, 12, 31))
        flag(HouseholdFlagKind.RELOCATED, *moved, note=site)
    if household.is_self_migrant:
        details.update(
            migrant_type=MigrantType.SELF_MIGRANT,
            has_residence_permit=rng.random() < 0.4,
            land_rights_confirmed=rng.random() < 0.85,
        )
        flag(HouseholdFlagKind.SELF_MIGRANT, datetime.date(2008, 1, 1), datetime.date(2020, 12, 31))
    kinds = frozenset(f.kind for f in flags)
    details.update(_dwelling(rng, relocated="relocation_batch" in details))
    paid_by_state = bool(kinds & {HouseholdFlagKind.SUBSISTENCE_ALLOWANCE, HouseholdFlagKind.DESTITUTE_SUPPORT})
    if rng.random() < (0.95 if exited or paid_by_state else 0.7):  # subsidies are paid into these accounts
        bank, prefix = _weighted(rng, [((name, prefix), weight) for name, prefix, weight in names.BANKS])
        details.update(bank_name=bank, bank_account=_card_number(rng, prefix), account_holder_name=household.head_name)
    members = [_member_details(rng, m, today=today, kinds=kinds) for m in household.members]
    main = _main_labourer(members, today)
    if main is not None:
        members[main] = replace(members[main], is_main_labourer=True)
    return replace(
        household,
        details=HouseholdDetails(**details),  # type: ignore[arg-type]
        flags=tuple(flags),
        members=tuple(members),
    )


def _dwelling(rng: random.Random, *, relocated: bool) -> dict[str, object]:
    """House, water, toilet and land. Resettlement sites were built safe, piped and with flush toilets."""
    housing, remedy = HousingSafety.SAFE, ""
    if not relocated:
        housing = _weighted(rng, ((HousingSafety.SAFE, 988), (HousingSafety.UNSAFE_C, 8), (HousingSafety.UNSAFE_D, 4)))
    if housing == HousingSafety.UNSAFE_C:
        remedy = HousingRemedy.REINFORCE
    elif housing == HousingSafety.UNSAFE_D:
        remedy = HousingRemedy.REBUILD_ON_SITE if rng.random() < 0.6 else HousingRemedy.TEMPORARY_HOUSING
    if relocated:
        water = WaterSupplyType.CENTRALIZED
        toilet = ToiletType.INDOOR_FLUSH_SMALL_PLANT if rng.random() < 0.6 else ToiletType.SEWER
    else:  # the dry south of the county still has rain cisterns (水窖)
        water = _weighted(
            rng, ((WaterSupplyType.CENTRALIZED, 86), (WaterSupplyType.CISTERN, 10), (WaterSupplyType.DISPERSED, 4))
        )
        toilet = _weighted(
            rng,
            (
                (ToiletType.THREE_COMPARTMENT, 45),
                (ToiletType.NONE_OR_DRY, 28),
                (ToiletType.INDOOR_FLUSH_SMALL_PLANT, 10),
                (ToiletType.BIOGAS, 10),
                (ToiletType.SEWER, 7),
            ),
        )
    contracted = _money(rng.uniform(4, 45)) if rng.random() < 0.92 else None
    forest = _money(rng.uniform(1, 15)) if rng.random() < 0.3 else None  # 退耕还林
    return {
        "housing_safety": housing,
        "housing_remedy": remedy,
        "water_supply_type": water,
        "toilet_type": toilet,
        "contracted_land_mu": contracted,
        "forest_land_mu": forest,
        "cooperative_member": rng.random() < 0.25,
    }


def _card_number(rng: random.Random, prefix: str) -> str:
    """A 19-digit card number with a valid Luhn check digit, so the demo passes a format check."""
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(18 - len(prefix)))
    total = 0
    for index, digit in enumerate(int(d) for d in reversed(body)):
        doubled = digit * 2 if index % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return body + str((10 - total % 10) % 10)


def _member_details(
    rng: random.Random, member: MemberSeed, *, today: datetime.date, kinds: frozenset[str]
) -> MemberSeed:
    """Health details, work and insurance of one member, consistent with the fields drawn with the family."""
    if member.member_status != MemberStatus.PRESENT:
        return member  # nobody updates a departed member's work or insurance
    age = age_on(member.birth_date, today)
    details: dict[str, object] = {}
    if member.health_status == HealthStatus.DISABLED:
        details.update(_disability(rng, member))
    elif member.health_status == HealthStatus.SERIOUS_ILLNESS:
        details.update(illness_confirmed_by_institution=True, in_37_disease_scheme=rng.random() < 0.55)
    elif member.health_status == HealthStatus.CHRONIC_DISEASE:
        details["chronic_conditions"] = _chronic_conditions(rng)
    if age >= 80 and "self_care" not in details and rng.random() < 0.2:
        details["self_care"] = SelfCare.PARTLY_DISABLED
    details.update(_work(rng, member, age, today))
    # Basic medical insurance: nearly everybody; a few gaps are what the 三保障 check exists to find.
    enrolled = rng.random() >= 0.005
    subsidy = PremiumSubsidy.NONE
    if HouseholdFlagKind.DESTITUTE_SUPPORT in kinds:
        subsidy = PremiumSubsidy.FULL
    elif HouseholdFlagKind.SUBSISTENCE_ALLOWANCE in kinds:
        subsidy = PremiumSubsidy.FIXED_AMOUNT
    elif HouseholdFlagKind.EXITED_POOR in kinds:
        subsidy = PremiumSubsidy.TRANSITIONAL  # the transition period tapers the subsidy for exited households
    supported = bool(kinds & {HouseholdFlagKind.SUBSISTENCE_ALLOWANCE, HouseholdFlagKind.DESTITUTE_SUPPORT})
    details.update(
        medical_insurance_enrolled=enrolled,
        critical_illness_insurance=enrolled,
        medical_premium_subsidy=subsidy if enrolled else "",
        medical_assistance_eligible=supported
        or (HouseholdFlagKind.EXITED_POOR in kinds and member.health_status == HealthStatus.SERIOUS_ILLNESS),
    )
    # 城乡居民养老保险: from 16 for people out of school; at 60 the pension is paid out.
    if age >= 16 and member.schooling_status not in _STUDYING:
        if age < 60 and rng.random() < 0.9:
            severe = details.get("disability_grade") in (1, 2)
            by_state = supported or severe  # the government pays the lowest grade for them (代缴)
            grade = 200 if by_state else _weighted(rng, ((200, 70), (300, 15), (500, 10), (1000, 5)))
            details.update(pension_enrolled=True, pension_grade=grade, pension_paid_by_government=by_state)
        elif age >= 60 and rng.random() < 0.96:
            details["pension_enrolled"] = True
    if member.schooling_status == SchoolingStatus.LEFT_SCHOOL and 16 <= age <= 17:
        details["is_post_school_youth"] = True  # 两后生: left after junior high school
    return replace(member, **details)  # type: ignore[arg-type]


def _disability(rng: random.Random, member: MemberSeed) -> dict[str, object]:
    """Category, grade 1–4 and certificate. The grade fits the labour capacity drawn before: about 40 % of the
    disabled are grade 1–2 (severe, SPEC §2.3)."""
    category = _weighted(
        rng,
        (
            (DisabilityCategory.PHYSICAL, 40),
            (DisabilityCategory.VISUAL, 12),
            (DisabilityCategory.HEARING, 12),
            (DisabilityCategory.INTELLECTUAL, 12),
            (DisabilityCategory.MENTAL, 12),
            (DisabilityCategory.MULTIPLE, 8),
            (DisabilityCategory.SPEECH, 4),
        ),
    )
    grades = {
        LabourCapacity.LOST: ((1, 40), (2, 40), (3, 15), (4, 5)),
        LabourCapacity.WEAK_OR_PARTIAL: ((1, 5), (2, 25), (3, 40), (4, 30)),
        LabourCapacity.NONE_AGE: ((1, 15), (2, 25), (3, 30), (4, 30)),
    }.get(LabourCapacity(member.labour_capacity), ((3, 40), (4, 60)))
    grade = _weighted(rng, grades)
    self_care = SelfCare.INDEPENDENT
    if grade == 1:
        self_care = SelfCare.DISABLED if rng.random() < 0.6 else SelfCare.PARTLY_DISABLED
    elif grade == 2 and rng.random() < 0.6:
        self_care = SelfCare.PARTLY_DISABLED
    return {
        "disability_category": category,
        "disability_grade": grade,
        "disability_certificate_no": f"{member.id_number}{_DISABILITY_CODES[category]}{grade}",
        "self_care": self_care,
    }


def _chronic_conditions(rng: random.Random) -> tuple[str, ...]:
    pairs = (
        (ChronicCondition.HYPERTENSION, 45),
        (ChronicCondition.DIABETES, 20),
        (ChronicCondition.OTHER, 25),
        (ChronicCondition.SEVERE_MENTAL_DISORDER, 5),
        (ChronicCondition.TUBERCULOSIS, 5),
    )
    chosen = {_weighted(rng, pairs)}
    if rng.random() < 0.25:
        chosen.add(_weighted(rng, pairs))
    return tuple(c.value for c in ChronicCondition if c in chosen)  # in the enumeration's order


_ES: Final = EmploymentStatus
_EP: Final = EmploymentPlace


def _work(rng: random.Random, member: MemberSeed, age: int, today: datetime.date) -> dict[str, object]:
    """Employment of a present member: 务工 in the province or the county for 6–10 months is the commonest."""
    if age < 16:
        return {}
    if member.schooling_status in _STUDYING:
        return {"employment_status": _ES.STUDENT}
    capacity = member.labour_capacity
    if capacity == LabourCapacity.LOST:
        return {"employment_status": _ES.NOT_WORKING}
    if capacity == LabourCapacity.NONE_AGE:  # 65 and over
        return {"employment_status": _ES.RETIRED_ELDERLY}
    statuses: Sequence[tuple[EmploymentStatus, int]]
    if age >= 60:
        statuses = ((_ES.FARMING, 55), (_ES.RETIRED_ELDERLY, 25), (_ES.PUBLIC_WELFARE_POST, 12), (_ES.EMPLOYED, 8))
    elif capacity == LabourCapacity.WEAK_OR_PARTIAL:
        statuses = (
            (_ES.FARMING, 45),
            (_ES.PUBLIC_WELFARE_POST, 20),
            (_ES.NOT_WORKING, 18),
            (_ES.FLEXIBLE, 10),
            (_ES.EMPLOYED, 7),
        )
    else:
        statuses = (
            (_ES.EMPLOYED, 62 if member.gender == Gender.MALE else 40),
            (_ES.FARMING, 22),
            (_ES.FLEXIBLE, 7),
            (_ES.SELF_EMPLOYED, 6),
            (_ES.NOT_WORKING, 7),
            (_ES.PUBLIC_WELFARE_POST, 3),
        )
    status = _weighted(rng, statuses)
    work: dict[str, object] = {"employment_status": status}
    months = 0
    if status == _ES.EMPLOYED:
        places: Sequence[tuple[EmploymentPlace, int]]
        if age < 60 and capacity != LabourCapacity.WEAK_OR_PARTIAL:
            places = (
                (_EP.CROSS_COUNTY_IN_PROVINCE, 40),  # Yinchuan, Wuzhong
                (_EP.IN_COUNTY, 25),
                (_EP.CROSS_PROVINCE, 20),
                (_EP.IN_TOWNSHIP, 15),
            )
        else:
            places = ((_EP.IN_TOWNSHIP, 60), (_EP.IN_COUNTY, 40))
        months = _weighted(rng, ((3, 3), (4, 4), (5, 6), (6, 14), (7, 16), (8, 20), (9, 16), (10, 14), (11, 7)))
        contract = rng.random() < 0.35
        work.update(
            employment_place=_weighted(rng, places),
            labour_contract=contract,
            social_insurance_paid=contract and rng.random() < 0.7,
        )
    elif status == _ES.FLEXIBLE:
        work["employment_place"] = _EP.IN_TOWNSHIP if rng.random() < 0.5 else _EP.IN_COUNTY
        months = rng.randint(3, 8)
    elif status == _ES.PUBLIC_WELFARE_POST:  # 公益岗位: cleaners, forest and road wardens, all year
        work["employment_place"] = _EP.IN_TOWNSHIP
        months = 12
    elif status == _ES.NOT_WORKING:
        work["employment_difficulty"] = capacity == LabourCapacity.WEAK_OR_PARTIAL or rng.random() < 0.3
    if months:
        work["employment_months_this_year"] = min(months, today.month)  # no more months than the year has had
    return work


def _main_labourer(members: Sequence[MemberSeed], today: datetime.date) -> int | None:
    """Index of the household's main labourer: the most capable working-age adult, a wage earner and the head
    before others. None when nobody of working age can work."""
    rank = {LabourCapacity.SKILLED: 2, LabourCapacity.ORDINARY: 1, LabourCapacity.WEAK_OR_PARTIAL: 0}
    candidates = [
        (rank[LabourCapacity(m.labour_capacity)], m.employment_status == EmploymentStatus.EMPLOYED, index == 0, -index)
        for index, m in enumerate(members)
        if m.member_status == MemberStatus.PRESENT
        and age_on(m.birth_date, today) in _WORKING_AGE
        and m.labour_capacity in _CAN_WORK
        and m.schooling_status not in _STUDYING
    ]
    return -max(candidates)[3] if candidates else None


# ---------------------------------------------------------------------------------------------------------------
# Visits and their guarantee checks (SPEC §4.13, §2.5)
# ---------------------------------------------------------------------------------------------------------------


def _visitors(accounts: Sequence[AccountSeed], townships: Sequence[AreaSeed]) -> Callable[[str], str]:
    """Who visits a village: the demo village worker in their own village, else the cadre of the township."""
    village_worker = next(a for a in accounts if a.username == "village")
    cadres = {t.code: username for t, username in zip(townships, TOWNSHIP_USERNAMES, strict=True)}

    def visitor(village_code: str) -> str:
        if village_code == village_worker.area_code:
            return village_worker.username
        return cadres[_township_of(village_code)]

    return visitor


def _visit_days(rng: random.Random, household: HouseholdSeed, today: datetime.date) -> list[int]:
    """How many days ago each visit was, oldest first. Exited households are due every quarter (SPEC §4.13): about
    80 % were visited one to three times in the last six months, mostly within the quarter, the rest long ago or
    never; others now and then. A household whose registry shows a guarantee gap was visited recently: the visit
    is how the gap came to light."""
    kinds = household.flag_kinds
    details = household.details
    gap = details.housing_safety != HousingSafety.SAFE or any(
        not m.medical_insurance_enrolled
        or (6 <= age_on(m.birth_date, today) <= 15 and m.schooling_status == SchoolingStatus.DROPOUT)
        for m in household.present_members
    )
    roll = rng.random()
    supported = kinds & {HouseholdFlagKind.SUBSISTENCE_ALLOWANCE, HouseholdFlagKind.DESTITUTE_SUPPORT}
    if HouseholdFlagKind.EXITED_POOR in kinds or gap:
        if roll < 0.8 or gap:
            days = [rng.randint(1, 100)]
            for _ in range(_weighted(rng, ((0, 30), (1, 45), (2, 25)))):
                earlier = days[-1] + rng.randint(50, 80)
                if earlier <= 182:
                    days.append(earlier)
        elif roll < 0.9:
            days = rng.sample(range(200, 600), rng.randint(1, 2))
        else:
            days = []
    elif rng.random() < (0.45 if supported else 0.2):
        days = rng.sample(range(1, 540), rng.randint(1, 2))
    else:
        days = []
    return sorted(days, reverse=True)


def _risk_note(rng: random.Random, household: HouseholdSeed) -> str:
    """A risk note that fits the household: "the head had a stroke" only where the head is seriously ill."""
    present = household.present_members
    situations = ["any"]  # from the least to the most specific
    if not any(m.labour_capacity in _CAN_WORK for m in present):
        situations.append("no_labour")
    if any(m.schooling_status == SchoolingStatus.UNDERGRADUATE_PLUS for m in present):
        situations.append("tuition")
    if any(m.health_status == HealthStatus.SERIOUS_ILLNESS for m in present):
        situations.append("illness")
    if household.members[0].health_status == HealthStatus.SERIOUS_ILLNESS:  # the head
        situations.append("head_illness")
    # The most specific situation is likelier: it is why the visitor wrote a note at all.
    key = situations[-1] if rng.random() < 0.7 else rng.choice(situations)
    return rng.choice(names.RISK_NOTES[key])


def _member_changes(household: HouseholdSeed, after: datetime.date, until: datetime.date) -> str:
    """Members who left after ``after`` and by ``until``: the visitor records it (SPEC §4.13)."""
    changes = []
    for member in household.members:
        changed = member.status_changed_on
        if changed is not None and after < changed <= until:
            what = "去世" if member.member_status == MemberStatus.DECEASED else "迁出"
            changes.append(f"{member.name}于{changed.year}年{changed.month}月{changed.day}日{what}")
    return "；".join(changes)


def _with_visits(rng: random.Random, household: HouseholdSeed, *, visitor: str, today: datetime.date) -> HouseholdSeed:
    days = _visit_days(rng, household, today)
    if not days:
        return household
    kinds = household.flag_kinds
    present = household.present_members
    elderly = any(age_on(m.birth_date, today) >= 65 for m in present)
    water = household.details.water_supply_type
    # Problems seen at the tap (SPEC §2.5 water items), by the kind of supply.
    fails = {
        WaterSupplyType.CENTRALIZED: {"reliability": 0.005, "quality": 0.003},
        WaterSupplyType.DISPERSED: {"reliability": 0.08, "quality": 0.05, "access": 0.03},
        WaterSupplyType.CISTERN: {"quantity": 0.1, "reliability": 0.12, "access": 0.03},
    }.get(WaterSupplyType(water), {})
    # About 1 % of visits find a risk; households that look fragile on paper more often.
    fragile = household.incomes[-1].net_income / len(present) < _FRAGILE_INCOME or any(
        m.health_status == HealthStatus.SERIOUS_ILLNESS for m in present
    )
    risky = days[-1] <= 120 and rng.random() < (0.07 if fragile else 0.015)
    visits = []
    previous = today - datetime.timedelta(days=days[0] + 365)  # a first visit hears of the past year
    for index, ago in enumerate(days):
        visited_on = today - datetime.timedelta(days=ago)
        kind = _weighted(
            rng,
            (
                (VisitKind.ROUTINE, 75),
                (VisitKind.CENTRALIZED_SWEEP, 10),
                (VisitKind.LOOKBACK, 6 if HouseholdFlagKind.EXITED_POOR in kinds else 0),
                (VisitKind.VERIFICATION, 3),
                (VisitKind.SPOT_CHECK, 3),
                (VisitKind.LEFT_BEHIND_CARE, 3 if elderly else 0),
            ),
        )
        failed = sorted(item for item, share in fails.items() if rng.random() < share)
        risk = risky and index == len(days) - 1  # the latest visit found it, so nobody has followed it up yet
        if risk:
            next_visit_on: datetime.date | None = visited_on + datetime.timedelta(days=30)
        elif rng.random() < 0.3:
            next_visit_on = visited_on + datetime.timedelta(days=rng.randint(30, 90))
        else:
            next_visit_on = None
        visits.append(
            VisitSeed(
                visited_on=visited_on,
                kind=kind,
                recorded_by=visitor,
                notes=rng.choice(names.VISIT_NOTES),
                companions=rng.choice(names.COMPANIONS) if rng.random() < 0.4 else "",
                income_change=rng.choice(names.INCOME_CHANGES) if rng.random() < 0.3 else "",
                member_change=_member_changes(household, previous, visited_on),
                needs=rng.choice(names.NEEDS) if rng.random() < 0.15 else "",
                risk_found=risk,
                risk_note=_risk_note(rng, household) if risk else "",
                next_visit_on=next_visit_on,
                water_quantity_ok="quantity" not in failed,
                water_quality_ok="quality" not in failed,
                water_access_ok="access" not in failed,
                water_reliability_ok="reliability" not in failed,
                water_note="；".join(names.WATER_NOTES[item] for item in failed),
            )
        )
        previous = visited_on
    details = household.details
    if risky:  # the household waits for monitoring identification (SPEC §4.5) from the day of that visit
        details = replace(details, risk_flagged_on=visits[-1].visited_on, risk_note=visits[-1].risk_note)
    return replace(household, details=details, visits=tuple(visits))
