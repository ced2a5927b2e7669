"""Employment facts (SPEC §11.3): who belongs to the three groups, who works, who works stably, which household has
no one working (零就业家庭) and who lacks the services of NR-EMP-04. Each fact has its Python face (one person or one
household, over prefetched rows) and its query face (a ``Q`` over ``HouseholdMember`` or, with ``path``, over any
model that leads to a household) side by side; tests hold the two to the same answer.

A person's employment record of the year decides; a person without one that year is read from the employment fields
of the household register (``HouseholdMember.employment_status`` and months), which the import fills, so that the
register's people are not all "unemployed" before anyone has recorded them here.

Other programmes read these names: ``zero_employment_households_q`` and ``is_zero_employment_household`` (public-
welfare posts prefer such households); keep them stable."""

from __future__ import annotations

import datetime
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import reduce
from typing import Any, Final

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan

from employment import rules
from employment.choices import EMPLOYED_STATUSES, ServiceKind, TargetGroup
from employment.models import EmploymentRecord, EmploymentService
from geo.parameters import parameters
from households.choices import HouseholdFlagKind, MemberStatus, MigrantType
from households.facts import exited_on, exited_on_q, flag_in_force, flag_in_force_q
from households.facts.members import CAN_WORK
from households.facts.members import EMPLOYED as REGISTER_EMPLOYED
from households.models import HouseholdFlag, HouseholdMember
from monitoring.facts import in_monitoring, in_monitoring_q

# The flags that put a household's people in the low-income and relocated groups (SPEC §11.3; 003 L660). 脱贫人口 are
# the people of a 脱贫户, and low-income people are also those of every household in monitoring: both are the household
# fact ``monitoring.facts.exited_or_monitored``, read here through its two halves.
GROUP_FLAGS: Final[dict[str, frozenset[str]]] = {
    TargetGroup.LOW_INCOME: frozenset(
        {
            HouseholdFlagKind.RETURNED_TO_POVERTY,
            HouseholdFlagKind.SUBSISTENCE_ALLOWANCE,
            HouseholdFlagKind.DESTITUTE_SUPPORT,
            HouseholdFlagKind.NEAR_SUBSISTENCE,
        }
    ),
    TargetGroup.RELOCATED: frozenset(
        {
            HouseholdFlagKind.RELOCATED,
            HouseholdFlagKind.POLICY_MIGRANT,
            HouseholdFlagKind.LABOUR_MIGRANT,
            HouseholdFlagKind.SELF_MIGRANT,
        }
    ),
}
# NR-EMP-07: migrant households (移民) by flag or by the register's migrant type.
MIGRANT_FLAGS: Final = frozenset(
    {HouseholdFlagKind.POLICY_MIGRANT, HouseholdFlagKind.LABOUR_MIGRANT, HouseholdFlagKind.SELF_MIGRANT}
)


@dataclass(frozen=True)
class EmploymentSettings:
    """The settings the facts read (SPEC §15.2), for one area on one day."""

    on: datetime.date
    working_age: tuple[int, int]  # employment.working_age
    stable_months: int  # employment.stable_months
    required: Mapping[str, int]  # employment.services_required

    @property
    def year(self) -> int:
        return self.on.year

    @classmethod
    def of(cls, area_code: str, *, on: datetime.date) -> EmploymentSettings:
        keys = ["employment.working_age", "employment.services_required", "employment.stable_months"]
        values = parameters(keys, area_code=area_code, on=on)  # one query
        low, high = values["employment.working_age"]
        return cls(
            on=on,
            working_age=(int(low), int(high)),
            stable_months=int(values["employment.stable_months"]),
            required={str(k): int(v) for k, v in dict(values["employment.services_required"]).items()},
        )

    def years_ago(self, years: int) -> datetime.date:
        """The same day ``years`` years before; 29 February becomes 28 February in a common year."""
        try:
            return self.on.replace(year=self.on.year - years)
        except ValueError:
            return self.on.replace(year=self.on.year - years, day=28)


# ------------------------------------------------------------------------------------------ the three groups


def target_groups(flags: Iterable[Any], subjects: Iterable[Any], on: datetime.date) -> frozenset[str]:
    """Python face: the groups of a household's people on ``on``, from its flags (kind, valid_from, valid_to) and its
    monitoring episodes: a 脱贫户 that day makes them 脱贫人口, an episode under monitoring that day low-income."""
    flags = list(flags)
    kinds = {f.kind for f in flags if flag_in_force(f, on)}
    groups = {group for group, group_kinds in GROUP_FLAGS.items() if kinds & group_kinds}
    if exited_on(flags, on):
        groups.add(TargetGroup.EXITED)
    if in_monitoring(subjects, on):
        groups.add(TargetGroup.LOW_INCOME)
    return frozenset(groups)


def target_group_q(on: datetime.date, group: str = "", *, path: str = "household__") -> Q:
    """Query face of ``target_groups``: the rows (``path`` leads to the household; "" the row is the household)
    whose household's people belong to ``group``, or to any of the three groups when ``group`` is empty."""
    groups = [group] if group else list(TargetGroup.values)
    kinds = sorted({kind for g in groups for kind in GROUP_FLAGS.get(g, ())})
    found: list[Q] = []
    if kinds:
        flagged = HouseholdFlag.objects.filter(flag_in_force_q(on), household=OuterRef(f"{path}pk"), kind__in=kinds)
        found.append(Q(Exists(flagged)))
    if TargetGroup.EXITED in groups:
        found.append(exited_on_q(on, path))
    if TargetGroup.LOW_INCOME in groups:
        found.append(in_monitoring_q(on, path=path))
    return reduce(operator.or_, found) if found else Q(pk__in=[])  # an unknown group has no one


# ----------------------------------------------------------------------------------------------- working age


def is_working_age(member: Any, settings: EmploymentSettings) -> bool:
    return rules.is_working_age(member.birth_date, settings.on, settings.working_age)


def working_age_q(settings: EmploymentSettings, path: str = "") -> Q:
    """Query face of ``is_working_age`` over ``birth_date`` (a birthday on 29 February counts as households.facts
    counts it)."""
    low, high = settings.working_age
    return Q(
        **{f"{path}birth_date__gt": settings.years_ago(high + 1), f"{path}birth_date__lte": settings.years_ago(low)}
    )


def workforce_q(settings: EmploymentSettings) -> Q:
    """Over ``HouseholdMember``: the present working-age people of the three groups, the roster of L-11."""
    return Q(member_status=MemberStatus.PRESENT) & working_age_q(settings) & target_group_q(settings.on)


# -------------------------------------------------------------------------------------------- employed people


def record_of(member: Any, year: int) -> Any | None:
    """The member's record of the year among their prefetched ``employment_records``."""
    return next((r for r in member.employment_records.all() if r.year == year), None)


def is_employed(member: Any, year: int) -> bool:
    """Python face: working in ``year`` (any place, or self-employed) by the year's record, else by the register."""
    record = record_of(member, year)
    if record is not None:
        return record.status in EMPLOYED_STATUSES
    return member.employment_status in REGISTER_EMPLOYED


def _record_q(year: int, **conditions: Any) -> Q:
    return Q(Exists(EmploymentRecord.objects.filter(member=OuterRef("pk"), year=year, **conditions)))


def employed_q(year: int) -> Q:
    """Query face of ``is_employed`` over ``HouseholdMember``."""
    no_record = ~_record_q(year)
    return _record_q(year, status__in=sorted(EMPLOYED_STATUSES)) | (
        no_record & Q(employment_status__in=sorted(REGISTER_EMPLOYED))
    )


def is_stably_employed(member: Any, settings: EmploymentSettings) -> bool:
    """Python face: stably employed in the year (``rules.is_stably_employed``: the record's flag, set from it), else
    the register's employment and months (the household fact ``stably_employed``)."""
    record = record_of(member, settings.year)
    if record is not None:
        return bool(record.stably_employed)
    return (
        member.employment_status in REGISTER_EMPLOYED and member.employment_months_this_year >= settings.stable_months
    )


def stably_employed_q(settings: EmploymentSettings) -> Q:
    """Query face of ``is_stably_employed`` over ``HouseholdMember``."""
    register = Q(
        employment_status__in=sorted(REGISTER_EMPLOYED), employment_months_this_year__gte=settings.stable_months
    )
    return _record_q(settings.year, stably_employed=True) | (~_record_q(settings.year) & register)


# ------------------------------------------------------------------------------------------- households


def _members(household: Any) -> list[Any]:
    return [m for m in household.members.all() if m.member_status == MemberStatus.PRESENT]


def _member_exists(path: str, condition: Q) -> Q:
    members = HouseholdMember.objects.filter(
        condition, household=OuterRef(f"{path}pk"), member_status=MemberStatus.PRESENT
    )
    return Q(Exists(members))


def is_zero_employment_household(household: Any, settings: EmploymentSettings) -> bool:
    """Python face: 零就业家庭 — a present working-age member able to work, and no present member working in the
    year (over prefetched ``members`` and their ``employment_records``)."""
    members = _members(household)
    able = any(m.labour_capacity in CAN_WORK and is_working_age(m, settings) for m in members)
    return able and not any(is_employed(m, settings.year) for m in members)


def zero_employment_households_q(settings: EmploymentSettings, *, path: str = "") -> Q:
    """Query face of ``is_zero_employment_household`` over ``Household`` (``path`` "") or any model leading to one
    (``path`` "household__")."""
    able = Q(labour_capacity__in=sorted(CAN_WORK)) & working_age_q(settings)
    return _member_exists(path, able) & ~_member_exists(path, employed_q(settings.year))


def has_labour_without_stable_work(household: Any, settings: EmploymentSettings) -> bool:
    """Python face of NR-EMP-06/07: a member able to work, and no member stably employed."""
    members = _members(household)
    able = any(m.labour_capacity in CAN_WORK for m in members)
    return able and not any(is_stably_employed(m, settings) for m in members)


def has_stable_worker_q(settings: EmploymentSettings, *, path: str = "") -> Q:
    """Over ``Household`` (or a model leading to one by ``path``): a present member stably employed in the year."""
    return _member_exists(path, stably_employed_q(settings))


def labour_without_stable_work_q(settings: EmploymentSettings, *, path: str = "") -> Q:
    """Query face of ``has_labour_without_stable_work``."""
    able = Q(labour_capacity__in=sorted(CAN_WORK))
    return _member_exists(path, able) & ~has_stable_worker_q(settings, path=path)


def is_migrant_household(household: Any, on: datetime.date) -> bool:
    """NR-EMP-07: a migrant household (移民), by a flag in force or by the register's migrant type."""
    flagged = any(f.kind in MIGRANT_FLAGS and flag_in_force(f, on) for f in household.flags.all())
    return flagged or household.migrant_type != MigrantType.NONE


def migrant_household_q(on: datetime.date, *, path: str = "") -> Q:
    flagged = HouseholdFlag.objects.filter(
        flag_in_force_q(on), household=OuterRef(f"{path}pk"), kind__in=sorted(MIGRANT_FLAGS)
    )
    return Q(Exists(flagged)) | ~Q(**{f"{path}migrant_type": MigrantType.NONE})


# ------------------------------------------------------------------------------ "1 guidance, 3 offers, 1 training"


def service_counts(services: Iterable[Any], year: int) -> dict[str, int]:
    """How many services of each kind a person had in ``year``."""
    counts = dict.fromkeys(ServiceKind.values, 0)
    for service in services:
        if service.served_on.year == year:
            counts[service.kind] += 1
    return counts


def lacks_services(member: Any, settings: EmploymentSettings) -> bool:
    """Python face of NR-EMP-04: the member's record of the year says they wish to work, and they had fewer than the
    required guidance, job offers or training this year (over prefetched records and services)."""
    record = record_of(member, settings.year)
    if record is None or not record.wish_to_work:
        return False
    counts = service_counts(member.employment_services.all(), settings.year)
    return bool(rules.services_lacking(counts, settings.required))


def _service_count(kind: str, year: int) -> Coalesce:
    counted = (
        EmploymentService.objects.filter(member=OuterRef("pk"), kind=kind, served_on__year=year)
        .order_by()
        .values("member")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted[:1]), Value(0), output_field=IntegerField())


def lacking_services_q(settings: EmploymentSettings) -> Q:
    """Query face of ``lacks_services`` over ``HouseholdMember``."""
    short = Q(pk__in=[])
    for kind in ServiceKind.values:
        needed = int(settings.required.get(kind, 0))
        if needed > 0:
            short |= Q(LessThan(_service_count(kind, settings.year), needed))
    return _record_q(settings.year, wish_to_work=True) & short
