"""The synthetic territory of the benchmarks, written with PostgreSQL's COPY (row inserts take minutes at a
province's million households).

Up to 60,000 households make one county; more make a province of as many counties as they fill (1,000,000: 17
counties), as a real province is laid out: sweeps, exports and dashboards then work on counties of a real size. Each
county has 10 townships of 12 villages, with about 5 % below the line, a third exited poor, some ill,
disabled or out of school, two years of income, bills, visits, guarantee checks and a few percent of monitored
households with measures, so that every rule of the catalogue has something to find and every fact has inputs.
Every exited-poor and monitored household is paired with an assistance cadre of its township, six to a cadre (a
county of 60,000: 3,600 cadres and 21,000 pairings; seed 004 L89 counts 3,326 cadres pairing every poor household).
After building: the sequences are advanced past the explicit ids (the next row the ORM creates must not collide)
and the tables are analysed (without statistics the planner scans whole indexes per household).
"""

from __future__ import annotations

import datetime
import io
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from geo.codes import AreaLevel
from geo.models import AdminArea
from households.choices import (
    Gender,
    HealthStatus,
    HouseholdFlagKind,
    LabourCapacity,
    Relationship,
    RigidExpenseKind,
    SchoolingStatus,
    SelfCare,
)
from households.idnumbers import build
from households.models import (
    AssistancePairing,
    GuaranteeCheck,
    Household,
    HouseholdFlag,
    HouseholdMember,
    IncomeRecord,
    RigidExpense,
    Visit,
)
from monitoring.models import AssistanceMeasure, EntryApplication, MonitoringSubject

TOWNSHIPS = 10
VILLAGES_PER_TOWNSHIP = 12
COUNTY_SIZE = 60_000  # households of one county; a larger size is a province of several
CITY_CODE = "649900000000"  # the benchmark's own prefecture: every benchmark area's code starts with 6499
BENCH_PREFIX = "6499"
PAIRED_PER_CADRE = 6  # households an assistance cadre is paired with
PAIRED_SHARE = 0.36  # the exited-poor and monitored households, all paired
CHUNK = 50_000  # households per COPY round: bounded memory whatever the size


def _text(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Copier:
    """COPY rows of one model: every concrete column, defaults filled from the model as Django would write them."""

    def __init__(self, model: type[Model], *, explicit_pk: bool = False) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if explicit_pk or not f.primary_key]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.now = datetime.datetime.now(datetime.UTC)
        self.buffer = io.StringIO()
        self.rows = 0

    def add(self, row: dict[str, Any]) -> None:
        values = []
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = self.now
            else:
                value = row.get(f.attname, self.defaults[f.attname])
            values.append(_text(value))
        self.buffer.write("\t".join(values))
        self.buffer.write("\n")
        self.rows += 1

    def flush(self) -> int:
        if not self.rows:
            return 0
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        table = connection.ops.quote_name(self.model._meta.db_table)
        self.buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", self.buffer)
        written, self.rows, self.buffer = self.rows, 0, io.StringIO()
        return written


def _next_id(model: type[Model]) -> int:
    return (model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def _schooling(age: int, rng: random.Random) -> str:
    """What a person of ``age`` is doing at school: children of compulsory age are in school, 1 % drop out."""
    if age < 6:
        return SchoolingStatus.NOT_SCHOOL_AGE if age < 3 else SchoolingStatus.PRESCHOOL
    if age <= 15:
        if rng.random() < 0.01:
            return SchoolingStatus.DROPOUT
        return SchoolingStatus.PRIMARY if age <= 12 else SchoolingStatus.JUNIOR
    return SchoolingStatus.LEFT_SCHOOL


def province() -> AdminArea:
    return AdminArea.objects.get_or_create(code="640000000000", defaults={"name": "宁夏", "level": "province"})[0]


def _areas(number: int) -> tuple[AdminArea, list[AdminArea]]:
    """County ``number`` of the benchmark's prefecture, its townships and villages."""
    city = AdminArea.objects.get_or_create(
        code=CITY_CODE, defaults={"name": "基准市", "level": "city", "parent": province()}
    )[0]
    prefix = f"{BENCH_PREFIX}{number:02d}"
    county = AdminArea.objects.create(
        code=f"{prefix}000000", name=f"基准{number}县", level=AreaLevel.COUNTY, parent=city
    )
    villages = []
    for t in range(1, TOWNSHIPS + 1):
        township = AdminArea.objects.create(
            code=f"{prefix}{t:03d}000", name=f"{number}县第{t}镇", level=AreaLevel.TOWNSHIP, parent=county
        )
        for v in range(VILLAGES_PER_TOWNSHIP):
            villages.append(
                AdminArea.objects.create(
                    code=f"{prefix}{t:03d}{200 + v:03d}", name=f"{number}县第{t}镇{v}村", level=AreaLevel.VILLAGE,
                    parent=township,
                )
            )  # fmt: skip
    return county, villages


@dataclass(frozen=True)
class Territory:
    """What a benchmark works on: one county, or a province's counties (the first is the one measured alone)."""

    counties: list[AdminArea]

    @property
    def county(self) -> AdminArea:
        return self.counties[0]

    @property
    def townships(self) -> list[AdminArea]:
        return list(AdminArea.objects.filter(parent__in=self.counties).order_by("code"))

    def townships_of(self, county: AdminArea) -> list[AdminArea]:
        return list(AdminArea.objects.filter(parent=county).order_by("code"))


def kept_places() -> tuple[AdminArea, AdminArea]:
    """The last county of a territory ``BENCH_KEEP=1`` left in place and its last township: the end of every index
    (bench/explain.py, bench/explain_pages.py)."""
    areas = AdminArea.objects.filter(code__startswith=BENCH_PREFIX)
    county = areas.filter(level="county").order_by("code").last()
    township = areas.filter(parent=county).order_by("code").last() if county is not None else None
    if county is None or township is None:
        raise SystemExit("no benchmark territory here: run BENCH_KEEP=1 make bench first")
    return county, township


def build_territory(households: int, *, recorder_id: int, seed: int = 7) -> Territory:
    """``households`` households in counties of at most ``COUNTY_SIZE``, then the sequences advanced past the
    explicit ids and the tables analysed."""
    counties = []
    left, number = households, 1
    while left > 0:
        size = min(left, COUNTY_SIZE)
        counties.append(_build_county(size, number=number, recorder_id=recorder_id, seed=seed + number))
        left -= size
        number += 1
    advance_sequences()
    analyze()
    return Territory(counties)


def _ranges(total: int, start: int) -> Iterator[range]:
    for first in range(0, total, CHUNK):
        yield range(start + first, start + min(first + CHUNK, total))


def _build_county(households: int, *, number: int, recorder_id: int, seed: int) -> AdminArea:
    """Write one county; ``recorder_id`` is the user who recorded the visits, checks and applications."""
    rng = random.Random(seed)
    county, villages = _areas(number)
    area6 = county.code[:6]  # the ID numbers of its people start with it
    today = timezone.localdate()
    last_year = today.year - 1
    first_household = _next_id(Household)
    next_application = _next_id(EntryApplication)
    next_subject = _next_id(MonitoringSubject)
    sequence = 0
    cadres = _cadres(county, villages, households)
    paired = [0] * TOWNSHIPS
    for ids in _ranges(households, first_household):
        house = Copier(Household, explicit_pk=True)
        members = Copier(HouseholdMember)
        incomes = Copier(IncomeRecord)
        flags = Copier(HouseholdFlag)
        bills = Copier(RigidExpense)
        visits = Copier(Visit)
        checks = Copier(GuaranteeCheck)
        applications = Copier(EntryApplication, explicit_pk=True)
        subjects = Copier(MonitoringSubject, explicit_pk=True)
        measures = Copier(AssistanceMeasure)
        pairings = Copier(AssistancePairing)
        for pk in ids:
            village = villages[pk % len(villages)]
            size = rng.choice((1, 2, 3, 4, 4, 5, 6))
            house.add(
                {"id": pk, "household_no": f"{village.code}{pk:07d}", "managing_area_id": village.pk,
                 "residence_area_id": village.pk, "head_name": f"户主{pk}", "phone": "13912345678",
                 "housing_safety": "safe", "water_supply_type": "centralized"}
            )  # fmt: skip
            for m in range(size):
                sequence += 1
                # (birth date, sequence number) is unique for up to 25 million people: no ID number repeats.
                birth = datetime.date(1945, 1, 1) + datetime.timedelta(days=(sequence * 7919) % 25000)
                age = today.year - birth.year
                male = m % 2 == 0
                members.add(
                    {"household_id": pk, "name": f"成员{sequence}",
                     "id_number": build(area6, birth, 2 * (sequence // 25000) + (1 if male else 0), male=male),
                     "gender": Gender.MALE if male else Gender.FEMALE, "birth_date": birth,
                     "relationship": Relationship.HEAD if m == 0 else (Relationship.SON if male else Relationship.DAUGHTER),
                     "member_status": "present", "counts_in_household": True,
                     "schooling_status": _schooling(age, rng),
                     "health_status": HealthStatus.SERIOUS_ILLNESS if rng.random() < 0.02 else HealthStatus.HEALTHY,
                     "disability_category": "physical" if rng.random() < 0.01 else "",
                     "disability_grade": 2 if rng.random() < 0.003 else None,
                     "self_care": SelfCare.DISABLED if age > 75 and rng.random() < 0.05 else SelfCare.INDEPENDENT,
                     "labour_capacity": LabourCapacity.ORDINARY if 16 <= age < 60 else LabourCapacity.NONE_AGE,
                     "medical_insurance_enrolled": rng.random() > 0.01}
                )  # fmt: skip
            per_capita = rng.uniform(3000, 5999) if rng.random() < 0.05 else rng.uniform(7000, 30000)
            before = per_capita * (rng.uniform(1.3, 2.0) if rng.random() < 0.03 else rng.uniform(0.8, 1.1))
            for year, amount in ((last_year, per_capita), (last_year - 1, before)):
                business = Decimal(round(amount * size * 0.3, 2)) if pk % 4 == 0 else Decimal(0)
                incomes.add(
                    {"household_id": pk, "year": year, "month": None,
                     "wage_income": Decimal(round(amount * size, 2)) - business, "business_income": business,
                     "policy_transfer_income": Decimal(round(amount * size * 0.1, 2)) if pk % 7 == 0 else Decimal(0),
                     "transfer_income": Decimal(round(amount * size * 0.1, 2)) if pk % 7 == 0 else Decimal(0)}
                )  # fmt: skip
            exited = rng.random() < 0.33
            if exited:
                flags.add(
                    {
                        "household_id": pk,
                        "kind": HouseholdFlagKind.EXITED_POOR,
                        "valid_from": datetime.date(2019, 12, 31),
                    }
                )
            if rng.random() < 0.03:
                flags.add(
                    {
                        "household_id": pk,
                        "kind": HouseholdFlagKind.SUBSISTENCE_ALLOWANCE,
                        "valid_from": datetime.date(2022, 3, 1),
                    }
                )
            if rng.random() < 0.02:
                bills.add(
                    {"household_id": pk, "incurred_on": today - datetime.timedelta(days=rng.randint(40, 300)),
                     "kind": RigidExpenseKind.MEDICAL_OUT_OF_POCKET, "gross_amount": Decimal(rng.randint(5000, 80000)),
                     "reimbursed_amount": Decimal(0)}
                )  # fmt: skip
            if rng.random() < 0.4:
                visited = today - datetime.timedelta(days=rng.randint(1, 150))
                visits.add(
                    {"household_id": pk, "visited_on": visited, "kind": "routine", "recorded_by_id": recorder_id}
                )
                if rng.random() < 0.6:
                    checks.add(
                        {
                            "household_id": pk,
                            "checked_on": visited,
                            "checked_by_id": recorder_id,
                            "water_ok": rng.random() > 0.01,
                        }
                    )
            monitored = rng.random() < 0.03
            if exited or monitored:  # paired in turn with the cadres of its township (no draw: the data stays)
                township = (pk % len(villages)) // VILLAGES_PER_TOWNSHIP
                of_township = cadres[township]
                cadre = of_township[paired[township] // PAIRED_PER_CADRE % len(of_township)]
                paired[township] += 1
                pairings.add(
                    {"household_id": pk, "cadre_id": cadre, "unit": "县直单位", "valid_from": datetime.date(2021, 7, 1)}
                )
            if monitored:
                entered = today - datetime.timedelta(days=rng.randint(20, 400))
                applications.add(
                    {"id": next_application, "household_id": pk, "channel": "cadre_screening",
                     "state": "registered", "proposed_category": "marginal_at_risk", "category": "marginal_at_risk",
                     "risk_types": ["illness"], "triggers": ["MA-1"], "reason": "因病", "reported_by_id": recorder_id,
                     "reported_on": entered - datetime.timedelta(days=20), "decided_on": entered}
                )  # fmt: skip
                subjects.add(
                    {"id": next_subject, "household_id": pk, "application_id": next_application,
                     "category": "marginal_at_risk", "risk_types": ["illness"], "triggers": ["MA-1"],
                     "entered_on": entered, "status": "monitored"}
                )  # fmt: skip
                if rng.random() < 0.8:
                    measures.add(
                        {"subject_id": next_subject, "measure_type": "health", "subtype": "medical_assistance",
                         "timing": "remedial", "funding_source": "sector_policy",
                         "responsible_department": "medical_security", "description": "医疗救助",
                         "started_on": entered + datetime.timedelta(days=5), "status": "in_progress",
                         "recorded_by_id": recorder_id}
                    )  # fmt: skip
                next_application += 1
                next_subject += 1
        copiers = (house, members, incomes, flags, bills, visits, checks, applications, subjects, measures, pairings)
        for copier in copiers:
            copier.flush()
    with connection.cursor() as cursor:  # heads, as the registry keeps them
        cursor.execute(
            "UPDATE households_household h SET head_id = m.id FROM households_householdmember m "
            "WHERE m.household_id = h.id AND m.relationship = %s AND h.head_id IS NULL AND h.id >= %s",
            [Relationship.HEAD, first_household],
        )
    return county


def _cadres(county: AdminArea, villages: list[AdminArea], households: int) -> list[list[int]]:
    """The assistance cadres of each township of ``county`` (``bench-cadre-…``, of the township, in the cadres'
    group), enough to pair its exited-poor and monitored households six to a cadre: their ids, by township."""
    townships = [villages[t * VILLAGES_PER_TOWNSHIP].parent_id for t in range(TOWNSHIPS)]
    per_township = max(1, round(households / TOWNSHIPS * PAIRED_SHARE / PAIRED_PER_CADRE))
    group = Group.objects.get(name=Role.ASSISTANCE_CADRE.value)
    users, members = Copier(User, explicit_pk=True), Copier(User.groups.through)
    found: list[list[int]] = []
    pk = _next_id(User)
    for township in townships:
        found.append([])
        for _n in range(per_township):
            users.add(
                {"id": pk, "username": f"bench-cadre-{county.code[:6]}-{pk}", "password": "!", "last_name": "帮扶",
                 "first_name": str(pk), "area_id": township, "unit_name": "县直单位", "is_active": True}
            )  # fmt: skip
            members.add({"user_id": pk, "group_id": group.pk})
            found[-1].append(pk)
            pk += 1
    users.flush()
    members.flush()
    return found


def _tables() -> Iterable[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND (is_identity = 'YES' OR column_default LIKE 'nextval%%')"
        )
        yield from cursor.fetchall()


def advance_sequences() -> None:
    """After explicit-id COPY, every identity (or serial) sequence past its table's largest id."""
    with connection.cursor() as cursor:
        for table, column in _tables():
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)",
                [table, column],
            )


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def clear() -> None:
    """Empty what a benchmark wrote, so the next size starts from nothing: the registry and everything that hangs
    off it (CASCADE), the bench users and the county's areas; the migrations' seeds stay."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'households_historical%%'"
        )
        history = [row[0] for row in cursor.fetchall()]
        tables = [
            "households_household",
            "households_householdmember",
            "households_householdfacts",  # no database constraint to cascade through (a read model)
            "households_factsrefresh",
            "households_importjob",
            "ledgers_ledgerexport",
            "sweeps_sweeprun",
            "sweeps_problem",  # named: its runs and places no longer carry a constraint to cascade through
            "ledgers_areacounts",
            "notifications_notification",  # a sweep's notices to the bench's users
            "offline_offlinedownload",  # the offline benchmark's downloads, by the bench's users
            *history,
        ]
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        bench_users = "SELECT id FROM accounts_user WHERE username LIKE 'bench-%%'"
        # Their account records (opened by add_user) go with them.
        cursor.execute(
            f"DELETE FROM accounts_accountevent WHERE user_id IN ({bench_users}) OR actor_id IN ({bench_users})"
        )
        cursor.execute(f"DELETE FROM accounts_user_groups WHERE user_id IN ({bench_users})")
        cursor.execute("DELETE FROM accounts_user WHERE username LIKE 'bench-%%'")
        for level in ("village", "township", "county", "city"):
            cursor.execute("DELETE FROM geo_adminarea WHERE code LIKE %s AND level = %s", [f"{BENCH_PREFIX}%", level])
        # The deleted rows stay in their tables until a vacuum: a province's 60,000 cadres and their memberships,
        # read again by the next size's pairings (its facts refresh and sweep) past every dead row. Autovacuum is
        # off on the benchmark's server, and would not run in time anyway (outside a transaction: autocommit).
        cursor.execute(
            "VACUUM ANALYZE accounts_user, accounts_user_groups, accounts_accountevent, geo_adminarea, "
            "guardian_userobjectpermission"
        )
