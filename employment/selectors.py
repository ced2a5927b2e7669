"""Reads of employment assistance (SPEC §11.3), each starting from ``visible_to``: the roster of the area's working-age
people of the three groups with the year's record, a person's page, the workshops with their people and the subsidy
the rules give them today."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, OuterRef, Q, QuerySet, Subquery, Value, When

from accounts.models import User
from employment import facts, rules
from employment.choices import SubsidyKind
from employment.models import EmploymentRecord, EmploymentService, EmploymentSubsidy, Workshop, WorkshopHire
from geo.parameters import parameter
from households.models import HouseholdMember
from monitoring.choices import MeasureType
from monitoring.models import AssistanceMeasure

NO_RECORD = "none"


def settings_for(user: User, on: datetime.date) -> facts.EmploymentSettings:
    """The settings of the user's area (a superuser without one reads the national defaults)."""
    area = getattr(user, "area", None)
    return facts.EmploymentSettings.of(area.code if area is not None else "", on=on)


@dataclass(frozen=True)
class RosterFilter:
    status: str = ""  # a record status, or NO_RECORD
    group: str = ""  # a TargetGroup
    wish: str = ""  # "yes" / "no": wishes to work
    lacking: bool = False  # lacks the services of NR-EMP-04
    query: str = ""  # name


def roster(
    user: User, queryset: QuerySet[HouseholdMember], chosen: RosterFilter, *, on: datetime.date
) -> QuerySet[HouseholdMember]:
    """The working-age people of the three groups among ``queryset`` (already ``visible_to``), with the year's
    record (status, months, wish to work) and whether they lack services, narrowed by ``chosen``."""
    settings = settings_for(user, on)
    year = settings.year
    this_year = EmploymentRecord.objects.filter(member=OuterRef("pk"), year=year)
    rows = (
        queryset.filter(facts.workforce_q(settings), household__closed_on__isnull=True)
        .select_related("household__managing_area__parent")
        .annotate(
            record_status=Subquery(this_year.values("status")[:1]),
            record_months=Subquery(this_year.values("months_employed")[:1]),
            record_wish=Subquery(this_year.values("wish_to_work")[:1]),
            record_stable=Subquery(this_year.values("stably_employed")[:1]),
            lacking=Case(
                When(facts.lacking_services_q(settings), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("household__household_no", "pk")
    )
    if chosen.status == NO_RECORD:
        rows = rows.filter(record_status__isnull=True)
    elif chosen.status:
        rows = rows.filter(record_status=chosen.status)
    if chosen.group:
        rows = rows.filter(facts.target_group_q(on, chosen.group))
    if chosen.wish == "yes":
        rows = rows.filter(record_wish=True)
    elif chosen.wish == "no":
        rows = rows.exclude(record_wish=True)
    if chosen.lacking:
        rows = rows.filter(facts.lacking_services_q(settings))
    if chosen.query:
        rows = rows.filter(Q(name__startswith=chosen.query) | Q(household__head_name__startswith=chosen.query))
    return rows


@dataclass(frozen=True)
class MemberPage:
    records: list[EmploymentRecord]
    services: list[EmploymentService]
    subsidies: list[EmploymentSubsidy]
    hires: list[WorkshopHire]
    counts: dict[str, int]  # this year's services by kind
    lacking: list[str]  # the kinds still short this year (NR-EMP-04), when the person wishes to work
    current: EmploymentRecord | None
    groups: frozenset[str]


def member_page(user: User, member: HouseholdMember, *, on: datetime.date) -> MemberPage:
    """What a person's employment page shows: every year's record, the services, subsidies and workshop jobs."""
    settings = settings_for(user, on)
    records = list(EmploymentRecord.objects.visible_to(user).filter(member=member).select_related("measure"))
    served = list(EmploymentService.objects.visible_to(user).filter(member=member))
    current = next((r for r in records if r.year == settings.year), None)
    counts = facts.service_counts(served, settings.year)
    lacking = rules.services_lacking(counts, settings.required) if current and current.wish_to_work else []
    household = member.household
    return MemberPage(
        records=records,
        services=served,
        subsidies=list(EmploymentSubsidy.objects.visible_to(user).filter(member=member)),
        hires=list(WorkshopHire.objects.visible_to(user).filter(member=member).select_related("workshop")),
        counts=counts,
        lacking=lacking,
        current=current,
        groups=facts.target_groups(household.flags.all(), household.monitoring_subjects.all(), on),
    )


def employment_measures(member: HouseholdMember) -> QuerySet[AssistanceMeasure]:
    """The employment measures of the person's household a record may point to (SPEC §5.1)."""
    return AssistanceMeasure.objects.filter(
        subject__household=member.household, measure_type=MeasureType.EMPLOYMENT
    ).order_by("-started_on", "pk")


def workshops(queryset: QuerySet[Workshop], *, on: datetime.date, query: str = "") -> QuerySet[Workshop]:
    """Workshops with the people they employ today."""
    in_force = Q(hires__hired_on__lte=on) & (Q(hires__left_on__isnull=True) | Q(hires__left_on__gte=on))
    # Explicit: Meta.ordering is dropped from a query that groups (the counts).
    rows = (
        queryset.select_related("area__parent")
        .order_by("area__code", "name", "pk")
        .annotate(
            people=Count("hires__member", filter=in_force, distinct=True),
            disabled=Count("hires__member", filter=in_force & Q(hires__disabled_or_guardian=True), distinct=True),
        )
    )
    if query:
        rows = rows.filter(Q(name__contains=query) | Q(operator__contains=query))
    return rows


def hired_on_day(workshop: Workshop, on: datetime.date) -> tuple[int, int]:
    """The people the workshop employs on ``on`` and, of them, the disabled or guardians (NR-EMP-02, NR-EMP-03)."""
    hires = workshop.hires.filter(hired_on__lte=on).exclude(left_on__lt=on)
    people = hires.values("member").distinct().count()
    disabled = hires.filter(disabled_or_guardian=True).values("member").distinct().count()
    return people, disabled


def workshop_subsidy_due(workshop: Workshop, kind: str, on: datetime.date) -> Decimal | None:
    """What the rules grant the workshop on ``on`` for ``kind`` (NR-EMP-02 or NR-EMP-03); None: nothing."""
    people, disabled = hired_on_day(workshop, on)
    code = workshop.area.code
    if kind == SubsidyKind.WORKSHOP:
        return rules.workshop_subsidy_amount(people, parameter("employment.workshop_tiers", area_code=code, on=on))
    setting = parameter("employment.disabled_workshop", area_code=code, on=on)
    return rules.disabled_workshop_subsidy_amount(
        disabled, min_people=int(setting["min_people"]), amount=setting["amount"]
    )


@dataclass(frozen=True)
class WorkshopPage:
    hires: list[WorkshopHire]
    people: int
    disabled: int
    due: dict[str, Decimal | None]  # what the rules give today, by subsidy kind
    subsidies: list[EmploymentSubsidy]


def workshop_page(user: User, workshop: Workshop, *, on: datetime.date) -> WorkshopPage:
    people, disabled = hired_on_day(workshop, on)
    kinds = (SubsidyKind.WORKSHOP, SubsidyKind.DISABLED_WORKSHOP)
    return WorkshopPage(
        hires=list(workshop.hires.select_related("member__household").order_by("left_on", "hired_on", "pk")),
        people=people,
        disabled=disabled,
        due={kind: workshop_subsidy_due(workshop, kind, on) for kind in kinds},
        subsidies=list(EmploymentSubsidy.objects.visible_to(user).filter(workshop=workshop)),
    )


def find_member(user: User, id_number: str) -> HouseholdMember | None:
    """A present person the user may see, by ID number (the hire form): anyone else reads as not found."""
    return (
        HouseholdMember.objects.visible_to(user)
        .filter(id_number=id_number.strip().upper(), member_status="present")
        .select_related("household")
        .first()
    )
