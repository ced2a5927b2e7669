"""The people of the demo county: families, their members, incomes, households, pairings and the demo accounts
(SPEC §1.2, §2, §3)."""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, TypeVar

from accounts.roles import Department, Role
from demo import names
from demo.plan.seeds import (
    _CENT,
    _STUDYING,
    ADMIN_USERNAME,
    AREA6,
    CITY,
    COUNTY,
    COUNTY_CODE,
    PAIRED_PER_TOWNSHIP,
    PROVINCE,
    TOWNSHIP_USERNAMES,
    AccountSeed,
    AreaSeed,
    HouseholdSeed,
    IncomeSeed,
    MemberSeed,
)
from geo.codes import AreaLevel, ancestor_code
from households import idnumbers
from households.choices import (
    Gender,
    HealthStatus,
    LabourCapacity,
    MemberStatus,
    Relationship,
    SchoolingStatus,
)
from households.rules import age_on

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
        AccountSeed("useradmin", full_name(), Role.COUNTY_ADMIN, COUNTY_CODE, f"{county}乡村振兴局"),
        AccountSeed("sysadmin", full_name(), Role.SYSTEM_ADMIN, PROVINCE[0], f"{PROVINCE[1]}乡村振兴局", is_staff=True),
    ]
    for username, township in zip(TOWNSHIP_USERNAMES, townships, strict=True):
        unit = f"{township.name}人民政府"
        accounts.append(AccountSeed(username, full_name(), Role.TOWNSHIP_CADRE, township.code, unit))
    accounts.append(AccountSeed(ADMIN_USERNAME, full_name(), None, None, "系统运维", is_staff=True))
    return tuple(accounts)
