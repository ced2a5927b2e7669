"""Writing a demo plan (``demo.plan``) into the database: one transaction, bulk inserts, history rows for the models
that keep history. Nothing here draws random numbers: what is written is decided by the plan, except the guarantee
items that ``visit_record`` derives from the registry, which are derived here the same way (SPEC §2.5)."""

from __future__ import annotations

import dataclasses
import datetime
import time
from collections import Counter
from dataclasses import dataclass
from typing import Final

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from accounts.grants import household_grant_to_cadre
from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from core.errors import DomainError
from demo.monitoring import MonitoringResult, demo_monitoring_load
from demo.plan import (
    CHANGE_REASON,
    CITY,
    COUNTY,
    COUNTY_CODE,
    DEMO_PASSWORD,
    DEMO_USERNAMES,
    PROVINCE,
    DemoPlan,
    HouseholdSeed,
    VisitSeed,
)
from demo.projects import ProjectsResult, demo_projects_load
from demo.sweeps import SweepResult, demo_sweep_load
from geo.codes import level_of, parent_code
from geo.models import AdminArea
from geo.services import area_create
from households import rules
from households.choices import GuaranteeSource, HouseholdFlagKind, HousingSafety
from households.facts import FactContext, context_for, derived_guarantee, facts_refresh_area
from households.models import GuaranteeCheck, Household, HouseholdFlag, HouseholdMember, IncomeRecord, Visit
from households.selectors import threshold_for

_COMPULSORY_AGE: Final = "school.compulsory_age"
# The note of a failed derived item, as a visitor would write it.
_EDUCATION_NOTE: Final = "有义务教育阶段适龄儿童失学辍学，已联系学校劝返"
_MEDICAL_NOTE: Final = "有成员未参加基本医疗保险，已督促参保"


class DemoAlreadyLoaded(DomainError):
    """The demo county exists already; loading twice would duplicate users and clash on codes."""


@dataclass(frozen=True)
class LoadResult:
    townships: int
    villages: int
    households: int
    members: int
    incomes: int
    flags: dict[str, int]  # HouseholdFlagKind value → rows, in the enumeration's order
    visits: int
    risk_flagged: int
    kept_existing_admin: bool
    monitoring: MonitoringResult
    projects: ProjectsResult
    sweep: SweepResult
    seconds: dict[str, float]  # per phase, for ``-v 2``


@dataclass(frozen=True)
class Login:
    username: str
    role_label: str
    area_name: str


def demo_is_loaded() -> bool:
    return AdminArea.objects.filter(code=COUNTY_CODE).exists()


@transaction.atomic
def demo_load(plan: DemoPlan) -> LoadResult:
    """Write the plan: areas, households with members, incomes and flags, users and pairings, then visits with
    their guarantee checks (they need the users). All or nothing."""
    if demo_is_loaded():
        raise DemoAlreadyLoaded(f"演示县{COUNTY[1]}（{COUNTY_CODE}）已存在", field="county")
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    areas = _load_areas(plan)
    seconds["areas"] = time.perf_counter() - started
    started = time.perf_counter()
    households = _load_households(plan, areas)
    seconds["households"] = time.perf_counter() - started
    started = time.perf_counter()
    kept_admin = _load_accounts(plan, households)
    seconds["users"] = time.perf_counter() - started
    started = time.perf_counter()
    visits = _load_visits(plan, households)
    seconds["visits"] = time.perf_counter() - started
    started = time.perf_counter()
    line = threshold_for(area_code=COUNTY_CODE, year=plan.today.year).amount
    monitoring = demo_monitoring_load(plan, line=line)
    seconds["monitoring"] = time.perf_counter() - started
    started = time.perf_counter()
    projects = demo_projects_load(today=plan.today)
    seconds["projects"] = time.perf_counter() - started
    started = time.perf_counter()
    sweep = demo_sweep_load()
    seconds["sweep"] = time.perf_counter() - started
    started = time.perf_counter()
    for township in AdminArea.objects.filter(parent__code=COUNTY_CODE):  # every household's facts, as of today
        facts_refresh_area(township, on=plan.today)
    seconds["facts"] = time.perf_counter() - started
    flags = Counter(f.kind for h in plan.households for f in h.flags)
    return LoadResult(
        townships=len(plan.townships),
        villages=len(plan.villages),
        households=len(plan.households),
        members=plan.member_count,
        incomes=sum(len(h.incomes) for h in plan.households),
        flags={kind: flags[kind] for kind in HouseholdFlagKind.values if flags[kind]},
        visits=visits + monitoring.visits,
        risk_flagged=sum(1 for h in plan.households if h.details.risk_flagged_on is not None),
        kept_existing_admin=kept_admin,
        monitoring=monitoring,
        projects=projects,
        sweep=sweep,
        seconds=seconds,
    )


def _load_areas(plan: DemoPlan) -> dict[str, AdminArea]:
    """Province and city may exist already (another county's data); the county and below are new. The code fixes
    each area's level and parent, as in ``area_create``; townships and villages go in by level in two bulk inserts
    (about 130 single ``area_create`` calls cost more than all the households of a small demo)."""
    areas: dict[str, AdminArea] = {}
    for code, name in (PROVINCE, CITY):
        existing = AdminArea.objects.filter(code=code).first()
        areas[code] = existing or area_create(code=code, name=name)
    areas[COUNTY_CODE] = area_create(code=COUNTY_CODE, name=COUNTY[1])
    for level_seeds in (plan.townships, plan.villages):
        rows = []
        for seed in level_seeds:
            code = seed.code
            upper = parent_code(code)
            assert upper is not None
            rows.append(AdminArea(code=code, name=seed.name, level=level_of(code), parent=areas[upper]))
        for area in bulk_create_with_history(rows, AdminArea, default_change_reason=CHANGE_REASON):
            areas[area.code] = area
    return areas


def _load_households(plan: DemoPlan, areas: dict[str, AdminArea]) -> dict[str, Household]:
    households = [
        Household(
            household_no=seed.household_no,
            managing_area=areas[seed.village_code],
            residence_area=areas[seed.village_code],
            hukou_area=areas[seed.hukou_village_code],
            # A self-migrant's hukou village co-manages the household (双重管理, SPEC §1.5).
            co_managing_area=areas[seed.hukou_village_code] if seed.is_self_migrant else None,
            head_name=seed.head_name,
            address=seed.address,
            phone=seed.phone,
            **dataclasses.asdict(seed.details),  # every field of HouseholdDetails is a Household field
        )
        for seed in plan.households
    ]
    Household.objects.bulk_create(households, batch_size=1000)
    members: list[HouseholdMember] = []
    heads: list[HouseholdMember] = []
    for household, seed in zip(households, plan.households, strict=True):
        for index, member in enumerate(seed.members):
            fields = {f.name: getattr(member, f.name) for f in dataclasses.fields(member)}
            fields["chronic_conditions"] = list(member.chronic_conditions)  # a JSON list, as the form saves it
            row = HouseholdMember(household=household, counts_in_household=member.counts_in_household, **fields)
            members.append(row)
            if index == 0:
                heads.append(row)
    bulk_create_with_history(members, HouseholdMember, batch_size=1000, default_change_reason=CHANGE_REASON)
    for household, head in zip(households, heads, strict=True):
        household.head = head
    Household.objects.bulk_update(households, ["head"], batch_size=500)
    # The household's first history row is written after the head is set, so it shows the complete record.
    Household.history.bulk_history_create(households, batch_size=1000, default_change_reason=CHANGE_REASON)
    incomes = [
        IncomeRecord(
            household=household,
            year=income.year,
            wage_income=income.wage_income,
            business_income=income.business_income,
            business_expense=income.business_expense,
            property_income=income.property_income,
            transfer_income=income.transfer_income,
        )
        for household, seed in zip(households, plan.households, strict=True)
        for income in seed.incomes
    ]
    bulk_create_with_history(incomes, IncomeRecord, batch_size=1000, default_change_reason=CHANGE_REASON)
    flags = [
        HouseholdFlag(household=household, kind=flag.kind, valid_from=flag.valid_from, note=flag.note)
        for household, seed in zip(households, plan.households, strict=True)
        for flag in seed.flags
    ]
    bulk_create_with_history(flags, HouseholdFlag, batch_size=1000, default_change_reason=CHANGE_REASON)
    return {h.household_no: h for h in households}


def _load_accounts(plan: DemoPlan, households: dict[str, Household]) -> bool:
    """Create the demo users through ``user_create`` (role ↔ area level checks, groups); True when an existing
    ``admin`` was left untouched."""
    kept_admin = False
    for account in plan.accounts:
        if account.role is None:
            if User.objects.filter(username=account.username).exists():
                kept_admin = True  # somebody's own superuser: never reset its password
                continue
            user = User.objects.create_superuser(account.username, email="", password=DEMO_PASSWORD)
        else:
            assert account.area_code is not None
            user = user_create(
                username=account.username,
                role_codes=[account.role.value],
                area_code=account.area_code,
                password=DEMO_PASSWORD,
                department=account.department,
                full_name=account.full_name,
                check_password=False,  # the demo password is short by design
                must_change_password=False,  # a demonstration, not a roll-out: the printed logins keep working
            )
        user.last_name = account.full_name
        user.unit_name = account.unit_name
        user.is_staff = account.is_staff or user.is_superuser
        user.save(update_fields=["last_name", "unit_name", "is_staff"])
        if account.role == Role.ASSISTANCE_CADRE:
            for household_no in plan.paired_household_nos:
                household_grant_to_cadre(household=households[household_no], cadre=user)
    return kept_admin


class _Contexts:
    """The household-fact settings of the demo county per day, as ``visit_record`` reads them, one read per day."""

    def __init__(self) -> None:
        self._cache: dict[datetime.date, FactContext] = {}

    def __call__(self, on: datetime.date) -> FactContext:
        if on not in self._cache:
            self._cache[on] = context_for(COUNTY_CODE, on=on)
        return self._cache[on]


def _load_visits(plan: DemoPlan, households: dict[str, Household]) -> int:
    """Visits and one guarantee check each, checked by the visitor. Education, medical insurance and housing come
    from the registry through the same rules as ``visit_record`` (SPEC §2.5); water is what the visitor saw."""
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    contexts = _Contexts()
    visits: list[Visit] = []
    checks: list[GuaranteeCheck] = []
    for seed in plan.households:
        household = households[seed.household_no]
        for planned in seed.visits:
            visit = Visit(
                household=household,
                visited_on=planned.visited_on,
                kind=planned.kind,
                recorded_by=users[planned.recorded_by],
                companions=planned.companions,
                income_change=planned.income_change,
                member_change=planned.member_change,
                needs=planned.needs,
                notes=planned.notes,
                risk_found=planned.risk_found,
                risk_note=planned.risk_note,
                next_visit_on=planned.next_visit_on,
            )
            visits.append(visit)
            checks.append(_check(seed, planned, visit, contexts(visit.visited_on)))
    Visit.objects.bulk_create(visits, batch_size=1000)
    for visit, check in zip(visits, checks, strict=True):
        check.visit = visit  # the visit has its primary key only now
    GuaranteeCheck.objects.bulk_create(checks, batch_size=1000)
    return len(visits)


def _check(seed: HouseholdSeed, planned: VisitSeed, visit: Visit, ctx: FactContext) -> GuaranteeCheck:
    education_ok, medical_ok, housing_ok = derived_guarantee(seed.present_members, seed.details.housing_safety, ctx)
    housing = seed.details.housing_safety
    notes = [
        *([] if education_ok else [_EDUCATION_NOTE]),
        *([] if medical_ok else [_MEDICAL_NOTE]),
        *([] if housing_ok else [f"住房为{HousingSafety(housing).label}，已纳入农村危房改造"]),
        *([planned.water_note] if planned.water_note else []),
    ]
    quantity, quality = planned.water_quantity_ok, planned.water_quality_ok
    access, reliability = planned.water_access_ok, planned.water_reliability_ok
    return GuaranteeCheck(
        household=visit.household,
        checked_on=visit.visited_on,
        source=GuaranteeSource.VISIT,
        education_ok=education_ok,
        medical_ok=medical_ok,
        housing_ok=housing_ok,
        water_quantity_ok=quantity,
        water_quality_ok=quality,
        water_access_ok=access,
        water_reliability_ok=reliability,
        water_ok=rules.water_ok(quantity=quantity, quality=quality, access=access, reliability=reliability),
        note="；".join(notes),
        checked_by=visit.recorded_by,
    )


def demo_logins() -> list[Login]:
    """The demo logins that exist, in the loader's order, with role and area for the table."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related("area").prefetch_related("groups")
    }
    logins = []
    for username in DEMO_USERNAMES:
        user = users.get(username)
        if user is None:
            continue
        labels = [str(Role(g.name).label) for g in user.groups.all() if g.name in Role.values]
        if user.is_superuser:
            labels.append("超级管理员")
        logins.append(Login(username, "、".join(labels) or "—", user.area.name if user.area else "—"))
    return logins
