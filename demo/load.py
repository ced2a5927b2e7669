"""Writing a demo plan (``demo.plan``) into the database, in one transaction, as the county would have built it up
day by day. The registry (areas, households, members, flags, users) is entered on a roll-out day before anything else
happened; everything dated after it happens on its own day under the demo clock (``demo.clock``): the plan's visits
and their guarantee checks, members who died or moved out, flags granted later, each year's income at the January
income collection, and the monitoring, project and sweep stories through the real services, merged in one
chronological timeline with the daily job that closes public notices. So every stored date and time — events,
``created_at`` and ``auto_now`` stamps, history rows — is what production would hold had the county worked on those
days, and nothing is dated after the real present. Nothing here draws random numbers: what is written is decided by
the plan, except the guarantee items that ``visit_record`` derives from the registry, which are derived here the same
way (SPEC §2.5)."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.grants import household_grant_to_cadre
from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from core.errors import DomainError
from demo import names
from demo.clock import DAY, Story, Timeline, Workdays, at, clock, steps_story
from demo.monitoring import MonitoringResult, Span, first_day, monitoring_plan, monitoring_result, monitoring_stories
from demo.plan import (
    AREA6,
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
from demo.plan.seeds import MemberSeed
from demo.programmes import programmes_stories
from demo.projects import ProjectsResult, mark_former_poor_villages, projects_result, projects_stories
from demo.projects import first_day as projects_first_day
from demo.sweeps import SweepResult, sweep_result, sweep_stories
from geo.codes import level_of, parent_code
from geo.models import AdminArea
from geo.services import area_create
from households import rules
from households.choices import GuaranteeSource, HouseholdFlagKind, HousingSafety, MemberStatus, RiskType
from households.facts import FactContext, context_for, derived_guarantee, facts_refresh_area
from households.models import GuaranteeCheck, Household, HouseholdFlag, HouseholdMember, IncomeRecord, Visit
from households.selectors import threshold_for
from households.services import risks_open_from_visit
from monitoring.services import elimination_notices_complete_due, notices_complete_due

_COMPULSORY_AGE: Final = "school.compulsory_age"
# The plan's details that are no Household field: the risk a visit finds (a RiskFlag opened by that visit).
_PLAN_ONLY: Final = frozenset({"risk_flagged_on", "risk_note"})
# The note of a failed derived item, as a visitor would write it.
_EDUCATION_NOTE: Final = "有义务教育阶段适龄儿童失学辍学，已联系学校劝返"
_MEDICAL_NOTE: Final = "有成员未参加基本医疗保险，已督促参保"
# The demo's history: cases begin within the last eighteen months (and once the registry holds an income to decide
# on); the year's income is collected in January (003 L218 "上年度收入").
_HISTORY: Final = datetime.timedelta(days=540)
_INCOME_COLLECTED: Final = (1, 20)

Step = tuple[datetime.datetime, Callable[[], object]]


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
    refused: list[str]  # demo steps a service refused (none, for a good plan): shown with ``-v 2``
    rollout: datetime.datetime  # the day the registry was entered
    seconds: dict[str, float]  # per phase, for ``-v 2``


@dataclass(frozen=True)
class Login:
    username: str
    role_label: str
    area_name: str


def demo_is_loaded() -> bool:
    return AdminArea.objects.filter(code=COUNTY_CODE).exists()


def demo_span(today: datetime.date, days: Workdays) -> Span:
    """When the county's history happens: each registry income year is known from its January collection (the
    year before last's and last year's; never after a couple of working days ago), and cases begin within the last
    eighteen months once the older of the two is known."""
    latest = days.before(today, 2)
    collected = {
        year: min(days.on_or_after(datetime.date(year + 1, *_INCOME_COLLECTED)), latest)
        for year in (today.year - 2, today.year - 1)
    }
    start = max(today - _HISTORY, days.after(collected[today.year - 2], 5))
    return Span(today=today, history_start=days.on_or_after(start), income_days=collected)


@transaction.atomic
def demo_load(plan: DemoPlan) -> LoadResult:
    """Plan the county's history, enter the registry on its roll-out day, then replay everything after it day by
    day through the services. All or nothing."""
    if demo_is_loaded():
        raise DemoAlreadyLoaded(f"演示县{COUNTY[1]}（{COUNTY_CODE}）已存在", field="county")
    now = timezone.now()  # the real present: no demo step is dated after it
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    days = Workdays()
    span = demo_span(plan.today, days)
    line = threshold_for(area_code=COUNTY_CODE, year=plan.today.year).amount
    cases = monitoring_plan(plan, line=line, span=span, days=days)
    visits = [v.visited_on for h in plan.households for v in h.visits]
    first = min(
        first_day(cases), projects_first_day(plan.today), span.history_start, *span.income_days.values(), *visits
    )
    rollout = at(days.before(first, 5), 9, 0)
    seconds["plan"] = time.perf_counter() - started
    started = time.perf_counter()
    with clock(rollout):
        areas = _load_areas(plan)
        households, later = _load_households(plan, areas, rollout=rollout.date(), span=span)
        kept_admin = _load_accounts(plan, households)
        mark_former_poor_villages()
    seconds["registry"] = time.perf_counter() - started
    started = time.perf_counter()
    timeline = Timeline(latest=now)
    timeline.add(steps_story(later + _visit_steps(plan, households)), name="registry")
    # The job runs every night; before the first case began it had nothing to move.
    timeline.add(_notice_job(span.history_start, plan.today, latest=now), name="daily notice job")
    for name, story in (
        *monitoring_stories(cases, plan),
        *projects_stories(today=plan.today, days=days),
        *sweep_stories(today=plan.today, days=days),
        *programmes_stories(today=plan.today, history_start=span.history_start, days=days),
    ):
        timeline.add(story, name=name)
    timeline.run()
    seconds["timeline"] = time.perf_counter() - started
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
        visits=Visit.objects.filter(household__managing_area__code__startswith=AREA6).count(),
        risk_flagged=sum(1 for h in plan.households if h.details.risk_flagged_on is not None),
        kept_existing_admin=kept_admin,
        monitoring=monitoring_result(AREA6),
        projects=projects_result(plan.today),
        sweep=sweep_result(),
        refused=timeline.refused,
        rollout=rollout,
        seconds=seconds,
    )


def _notice_job(first: datetime.date, today: datetime.date, *, latest: datetime.datetime) -> Story:
    """The daily job at 00:10 (``entry_notices_complete_task``, scheduled by a monitoring migration): cases whose
    entry, village or township notice ran out move on, with the system as actor."""
    day = first + DAY
    while day <= today and at(day, 0, 10) <= latest:
        yield at(day, 0, 10)
        notices_complete_due(today=day)
        elimination_notices_complete_due(today=day)
        day += DAY


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


def _member_row(household: Household, member: MemberSeed, *, rollout: datetime.date) -> HouseholdMember:
    """A member as the registry knew them on the roll-out day: one who died or moved out later was still there."""
    fields = {f.name: getattr(member, f.name) for f in dataclasses.fields(member)}
    fields["chronic_conditions"] = list(member.chronic_conditions)  # a JSON list, as the form saves it
    changed = member.status_changed_on
    if changed is not None and changed > rollout:
        fields.update(member_status=MemberStatus.PRESENT, status_changed_on=None)
    present = fields["member_status"] == MemberStatus.PRESENT
    return HouseholdMember(household=household, counts_in_household=present, **fields)


def _load_households(
    plan: DemoPlan, areas: dict[str, AdminArea], *, rollout: datetime.date, span: Span
) -> tuple[dict[str, Household], list[Step]]:
    """The registry as it stood on the roll-out day, and the steps that bring it to today: flags granted later,
    members who left later, each year's income at its collection."""
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
            # Every field of HouseholdDetails but the plan's risk is a Household field; the risk is a RiskFlag
            # opened by the visit that finds it.
            **{k: v for k, v in dataclasses.asdict(seed.details).items() if k not in _PLAN_ONLY},
        )
        for seed in plan.households
    ]
    Household.objects.bulk_create(households, batch_size=1000)
    members: list[HouseholdMember] = []
    heads: list[HouseholdMember] = []
    leaving: dict[datetime.date, list[tuple[HouseholdMember, MemberSeed]]] = defaultdict(list)
    for household, seed in zip(households, plan.households, strict=True):
        for index, member in enumerate(seed.members):
            row = _member_row(household, member, rollout=rollout)
            members.append(row)
            if index == 0:
                heads.append(row)
            if row.member_status != member.member_status:
                assert member.status_changed_on is not None  # only a member who left differs
                leaving[member.status_changed_on].append((row, member))
    bulk_create_with_history(members, HouseholdMember, batch_size=1000, default_change_reason=CHANGE_REASON)
    for household, head in zip(households, heads, strict=True):
        household.head = head
    Household.objects.bulk_update(households, ["head"], batch_size=500)
    # The household's first history row is written after the head is set, so it shows the complete record.
    Household.history.bulk_history_create(households, batch_size=1000, default_change_reason=CHANGE_REASON)
    later: list[Step] = []
    incomes: dict[int, list[IncomeRecord]] = defaultdict(list)
    for household, seed in zip(households, plan.households, strict=True):
        for income in seed.incomes:
            incomes[income.year].append(
                IncomeRecord(
                    household=household,
                    year=income.year,
                    wage_income=income.wage_income,
                    business_income=income.business_income,
                    business_expense=income.business_expense,
                    property_income=income.property_income,
                    transfer_income=income.transfer_income,
                )
            )
    for year, rows in incomes.items():
        collected = span.income_days.get(year, rollout)
        if collected <= rollout:
            bulk_create_with_history(rows, IncomeRecord, batch_size=1000, default_change_reason=CHANGE_REASON)
        else:
            later.append((at(collected, 9, 30), functools.partial(_collect_incomes, rows, year)))
    flags: dict[datetime.date, list[HouseholdFlag]] = defaultdict(list)
    for household, seed in zip(households, plan.households, strict=True):
        for flag in seed.flags:
            granted = HouseholdFlag(household=household, kind=flag.kind, valid_from=flag.valid_from, note=flag.note)
            flags[max(flag.valid_from, rollout)].append(granted)
    for day, granted_that_day in sorted(flags.items()):
        grant = functools.partial(
            bulk_create_with_history, granted_that_day, HouseholdFlag, default_change_reason=CHANGE_REASON
        )
        if day <= rollout:
            grant()
        else:
            later.append((at(day, 8, 30), grant))
    for day, changes in sorted(leaving.items()):
        later.append((at(day, 9, 0), functools.partial(_members_leave, changes)))
    return {h.household_no: h for h in households}, later


def _collect_incomes(rows: list[IncomeRecord], year: int) -> None:
    """The January collection enters last year's income, except where a case already recorded it during the year
    (a risk elimination records the year's recovered income, NR-INC-04)."""
    recorded = set(IncomeRecord.objects.filter(year=year, month__isnull=True).values_list("household_id", flat=True))
    fresh = [row for row in rows if row.household_id not in recorded]
    bulk_create_with_history(fresh, IncomeRecord, batch_size=1000, default_change_reason=CHANGE_REASON)


def _members_leave(changes: list[tuple[HouseholdMember, MemberSeed]]) -> None:
    """A member died or moved out: the registry records it on the day."""
    rows = []
    for row, member in changes:
        row.member_status = member.member_status
        row.status_changed_on = member.status_changed_on
        row.counts_in_household = member.counts_in_household
        rows.append(row)
    bulk_update_with_history(
        rows,
        HouseholdMember,
        ["member_status", "status_changed_on", "counts_in_household"],
        default_change_reason=CHANGE_REASON,
    )


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


def _visit_steps(plan: DemoPlan, households: dict[str, Household]) -> list[Step]:
    """The plan's visits, each day's recorded that afternoon with one guarantee check each, checked by the
    visitor. Education, medical insurance and housing come from the registry through the same rules as
    ``visit_record`` (SPEC §2.5); water is what the visitor saw. A visit that finds a risk flags the household, as
    ``visit_record`` does."""
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    contexts = _Contexts()
    by_day: dict[datetime.date, list[tuple[HouseholdSeed, VisitSeed]]] = defaultdict(list)
    for seed in plan.households:
        for planned in seed.visits:
            by_day[planned.visited_on].append((seed, planned))

    def record(day: datetime.date) -> None:
        visits: list[Visit] = []
        checks: list[GuaranteeCheck] = []
        for seed, planned in by_day[day]:
            household = households[seed.household_no]
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
            checks.append(_check(seed, planned, visit, contexts(day)))
        Visit.objects.bulk_create(visits)
        for visit, check in zip(visits, checks, strict=True):
            check.visit = visit  # the visit has its primary key only now
        GuaranteeCheck.objects.bulk_create(checks)
        for visit in visits:
            if visit.risk_found:  # the typed risk the visit found (SPEC §4.3), as ``visit_record`` opens it
                risk_type = names.RISK_TYPE_OF_NOTE.get(visit.risk_note, RiskType.OTHER)
                risks_open_from_visit(visit=visit, risk_types=[risk_type], evidence=visit.risk_note)

    return [(at(day, 15, 0), functools.partial(record, day)) for day in sorted(by_day)]


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
