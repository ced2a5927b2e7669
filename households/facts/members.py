"""Member facts (SPEC §2.1, §2.5, §3.3, §4.2): counts of a household's present members meeting a condition. Each
condition has its Python face (one member) and its query face (a ``Q`` over ``HouseholdMember``) side by side; the
household counts are the same conditions, counted."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import Count, Q

from households import rules
from households.choices import (
    IN_SCHOOL,
    EmploymentStatus,
    HealthStatus,
    LabourCapacity,
    MemberStatus,
    Relationship,
    SchoolingStatus,
    SelfCare,
)
from households.facts.context import FactContext

# ------------------------------------------------------------------------------------------------------- ages


def age_between(birth_date: datetime.date, ctx: FactContext, low: int, high: int) -> bool:
    """Python face: aged ``low`` … ``high`` (both included) on the context's day (SPEC §2.5)."""
    return low <= rules.age_on(birth_date, ctx.on) <= high


def age_between_q(ctx: FactContext, low: int, high: int) -> Q:
    """Query face of ``age_between`` over ``birth_date``: a birthday on 29 February falls on 1 March in a common
    year, as ``rules.age_on`` counts it."""
    return Q(birth_date__gt=ctx.years_ago(high + 1), birth_date__lte=ctx.years_ago(low))


def age_at_least(birth_date: datetime.date, ctx: FactContext, years: int) -> bool:
    return rules.age_on(birth_date, ctx.on) >= years


def age_at_least_q(ctx: FactContext, years: int) -> Q:
    return Q(birth_date__lte=ctx.years_ago(years))


# ------------------------------------------------------------------------------------------------- the counts

CAN_WORK: Final = frozenset({LabourCapacity.SKILLED, LabourCapacity.ORDINARY, LabourCapacity.WEAK_OR_PARTIAL})
WEAK_OR_LOST: Final = frozenset({LabourCapacity.WEAK_OR_PARTIAL, LabourCapacity.LOST})
EMPLOYED: Final = frozenset(
    {
        EmploymentStatus.EMPLOYED,
        EmploymentStatus.SELF_EMPLOYED,
        EmploymentStatus.FLEXIBLE,
        EmploymentStatus.PUBLIC_WELFARE_POST,
    }
)
WORKING: Final = EMPLOYED | {EmploymentStatus.FARMING}  # anyone earning from work, farming included (DQ-04)
COLLEGE: Final = frozenset({SchoolingStatus.HIGHER_VOCATIONAL, SchoolingStatus.UNDERGRADUATE_PLUS})


@dataclass(frozen=True)
class MemberFact:
    """A count of the household's **present** members that meet a condition: ``test`` is the Python face for one
    member, ``query`` the query face over ``HouseholdMember`` (None: every present member)."""

    name: str
    test: Callable[[Any, FactContext], bool]
    query: Callable[[FactContext], Q] | None


def _school_age_out(m: Any, c: FactContext) -> bool:
    """SPEC §2.5, FC-GAP-MISSED-ITEM-01: of compulsory-school age (``school.compulsory_age``, 6–15) and neither in
    school nor lawfully exempt or home-taught (IN_SCHOOL counts both)."""
    return age_between(m.birth_date, c, *c.compulsory_age) and m.schooling_status not in IN_SCHOOL


def _vulnerable(m: Any, c: FactContext) -> bool:
    """FC-WEAK-INCOME-02: old (``person.elderly_age``), weak or without labour, ill or disabled (老弱病残)."""
    return (
        age_at_least(m.birth_date, c, c.elderly_age)
        or m.labour_capacity in WEAK_OR_LOST
        or m.health_status != HealthStatus.HEALTHY
        or m.disability_category != ""
    )


MEMBER_FACTS: Final[tuple[MemberFact, ...]] = (
    # SPEC §2.1 household_size: present members who count in the household (the one definition of "人口").
    MemberFact("size", lambda m, c: _counts_in_household(m), lambda c: Q(counts_in_household=True)),
    MemberFact("present", lambda m, c: True, None),
    # SPEC §13.3 九年义务教育巩固率: members of compulsory-school age, and of them those out of school.
    MemberFact(
        "school_age",
        lambda m, c: age_between(m.birth_date, c, *c.compulsory_age),
        lambda c: age_between_q(c, *c.compulsory_age),
    ),
    MemberFact(
        "school_age_out",
        _school_age_out,
        lambda c: age_between_q(c, *c.compulsory_age) & ~Q(schooling_status__in=sorted(IN_SCHOOL)),
    ),
    # SPEC §2.5: basic medical insurance, FC-GAP-MISSED-ITEM-02.
    MemberFact(
        "uninsured", lambda m, c: not m.medical_insurance_enrolled, lambda c: Q(medical_insurance_enrolled=False)
    ),
    MemberFact(
        "seriously_ill",
        lambda m, c: m.health_status == HealthStatus.SERIOUS_ILLNESS,
        lambda c: Q(health_status=HealthStatus.SERIOUS_ILLNESS),
    ),
    MemberFact(
        "chronically_ill",
        lambda m, c: m.health_status == HealthStatus.CHRONIC_DISEASE,
        lambda c: Q(health_status=HealthStatus.CHRONIC_DISEASE),
    ),
    # SPEC §4.2 UE-1: a serious illness confirmed by a medical institution.
    MemberFact(
        "confirmed_ill",
        lambda m, c: m.health_status == HealthStatus.SERIOUS_ILLNESS and m.illness_confirmed_by_institution,
        lambda c: Q(health_status=HealthStatus.SERIOUS_ILLNESS, illness_confirmed_by_institution=True),
    ),
    MemberFact(
        "severely_disabled", lambda m, c: m.disability_grade in (1, 2), lambda c: Q(disability_grade__in=[1, 2])
    ),
    MemberFact(
        "lost_self_care", lambda m, c: m.self_care == SelfCare.DISABLED, lambda c: Q(self_care=SelfCare.DISABLED)
    ),
    MemberFact(
        "can_work", lambda m, c: m.labour_capacity in CAN_WORK, lambda c: Q(labour_capacity__in=sorted(CAN_WORK))
    ),
    MemberFact(
        "stably_employed",
        lambda m, c: m.employment_status in EMPLOYED and m.employment_months_this_year >= c.stable_months,
        lambda c: Q(employment_status__in=sorted(EMPLOYED), employment_months_this_year__gte=c.stable_months),
    ),
    MemberFact(
        "working", lambda m, c: m.employment_status in WORKING, lambda c: Q(employment_status__in=sorted(WORKING))
    ),
    MemberFact(
        "college_students",
        lambda m, c: m.schooling_status in COLLEGE,
        lambda c: Q(schooling_status__in=sorted(COLLEGE)),
    ),
    # SPEC §4.2 UE-4/MA-4: a main labourer with a disability whose labour is weak, partial or lost.
    MemberFact(
        "disabled_main_labourers",
        lambda m, c: m.is_main_labourer and m.disability_category != "" and m.labour_capacity in WEAK_OR_LOST,
        lambda c: Q(is_main_labourer=True, labour_capacity__in=sorted(WEAK_OR_LOST)) & ~Q(disability_category=""),
    ),
    MemberFact("heads", lambda m, c: m.relationship == Relationship.HEAD, lambda c: Q(relationship=Relationship.HEAD)),
    MemberFact(
        "vulnerable",
        _vulnerable,
        lambda c: (
            age_at_least_q(c, c.elderly_age)
            | Q(labour_capacity__in=sorted(WEAK_OR_LOST))
            | ~Q(health_status=HealthStatus.HEALTHY)
            | ~Q(disability_category="")
        ),
    ),
)
MEMBER_FACT: Final[dict[str, MemberFact]] = {f.name: f for f in MEMBER_FACTS}


def present_members_q() -> Q:
    return Q(member_status=MemberStatus.PRESENT)


def member_fact_q(name: str, ctx: FactContext) -> Q:
    """The query face of one member fact, present members included: what member rules filter by."""
    fact = MEMBER_FACT[name]
    return present_members_q() & (fact.query(ctx) if fact.query is not None else Q())


def _present(member: Any) -> bool:
    """Python face of ``present_members_q``."""
    return bool(member.member_status == MemberStatus.PRESENT)


def _counts_in_household(member: Any) -> bool:
    return bool(member.counts_in_household)


def household_size(members: Iterable[Any]) -> int:
    """Python face of the member fact ``size`` alone, which reads no setting (SPEC §2.1 household_size): what a
    household page, an income summary or a public notice counts as the household's people."""
    return sum(1 for m in members if _present(m) and _counts_in_household(m))


def member_counts(members: Iterable[Any], ctx: FactContext) -> dict[str, int]:
    """Python face of every member count, over one household's members."""
    present = [m for m in members if _present(m)]
    return {fact.name: sum(1 for m in present if fact.test(m, ctx)) for fact in MEMBER_FACTS}


def member_count_aggregates(ctx: FactContext) -> dict[str, Count]:
    """Query face of every member count, for ``values("household_id").annotate(...)`` over present members."""
    return {
        fact.name: Count("pk", filter=fact.query(ctx)) if fact.query is not None else Count("pk")
        for fact in MEMBER_FACTS
    }


# ------------------------------------------------------------------------------------ back in school (控辍保学)

# A child the registry once recorded as having left school (SPEC §2.3 ``SchoolingStatus``: 失学辍学, 已离校), and the
# statuses that count as back in school: in school or taught at home (``IN_SCHOOL``), not merely exempt for health
# reasons, which is no return (控辍保学, 004 L232; 001 L376).
LEFT_SCHOOL: Final = frozenset({SchoolingStatus.DROPOUT, SchoolingStatus.LEFT_SCHOOL})
BACK_IN_SCHOOL: Final = IN_SCHOOL - {SchoolingStatus.EXEMPT_PHYSICAL}


def returned_to_school_at(status: str, history: Iterable[tuple[datetime.datetime, str]]) -> datetime.datetime | None:
    """Python face. 劝返复学 (004 L232; 001 L376): a member back in school now (``status``) whose history (time and
    ``schooling_status`` of each recorded version) holds a status out of school: the time of the first version in
    school after the last one out. None for a member out of school now or never recorded out of it."""
    if status not in BACK_IN_SCHOOL:
        return None
    versions = sorted(history)
    last_out = max((at for at, was in versions if was in LEFT_SCHOOL), default=None)
    if last_out is None:
        return None
    return min((at for at, was in versions if at > last_out and was in BACK_IN_SCHOOL), default=None)


def ever_left_school_q() -> Q:
    """Query face over ``HouseholdMember``: a version of the member in its history says it left school."""
    from django.db.models import Exists, OuterRef

    from households.models import HouseholdMember

    versions = HouseholdMember.history.model.objects
    return Q(Exists(versions.filter(id=OuterRef("pk"), schooling_status__in=sorted(LEFT_SCHOOL))))


def returned_to_school_at_expression() -> Any:
    """Query face of ``returned_to_school_at``, an expression to annotate ``HouseholdMember`` rows with."""
    from django.db.models import Case, DateTimeField, OuterRef, Subquery, When

    from households.models import HouseholdMember

    versions = HouseholdMember.history.model.objects
    last_out = (
        versions.filter(id=OuterRef("id"), schooling_status__in=sorted(LEFT_SCHOOL))
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    first_back = (
        versions.filter(
            id=OuterRef("pk"), schooling_status__in=sorted(BACK_IN_SCHOOL), history_date__gt=Subquery(last_out)
        )
        .order_by("history_date")
        .values("history_date")[:1]
    )
    return Case(
        When(schooling_status__in=sorted(BACK_IN_SCHOOL), then=Subquery(first_back)),
        default=None,
        output_field=DateTimeField(),
    )
