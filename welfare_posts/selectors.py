"""Reads of the public-welfare posts: the post list, who waits for a post with priority, a hire's months and money,
the attendance grid of a village (SPEC §11.4). Every list starts from ``visible_to``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from accounts.models import User
from employment.facts import EmploymentSettings, is_zero_employment_household, target_groups
from geo.codes import AreaLevel
from geo.models import AdminArea
from households.choices import HouseholdFlagKind, MemberStatus
from households.facts.flags import flag_in_force
from households.facts.members import CAN_WORK
from households.models import Household, HouseholdMember
from welfare_posts import rules
from welfare_posts.choices import PriorityBasis
from welfare_posts.models import PostAttendance, PostHire, PostPayment, WelfarePost

ZERO = Decimal(0)


def settings_of(area_code: str, on: datetime.date) -> EmploymentSettings:
    """The employment settings (working age …) of the post's village on a day: the same people, the same ages."""
    return EmploymentSettings.of(area_code, on=on)


# ------------------------------------------------------------------------------------------------- posts


def post_narrow(
    posts: QuerySet[WelfarePost], *, post_type: str = "", village: str = "", vacant: bool = False
) -> QuerySet[WelfarePost]:
    """The posts (already scoped) with their current holders counted (``holders``), filtered by type, village and
    vacant positions."""
    posts = posts.select_related("village__parent").annotate(
        holders=Count("hires", filter=Q(hires__ended_on__isnull=True))
    )
    if post_type:
        posts = posts.filter(post_type=post_type)
    if village:
        posts = posts.filter(village__code=village)
    if vacant:
        posts = posts.filter(active=True, positions__gt=F("holders"))
    return posts.order_by("-active", "village__code", "name", "pk")


def holders_count(post: WelfarePost) -> int:
    return post.hires.filter(ended_on__isnull=True).count()


def villages_of(user: User) -> QuerySet[AdminArea]:
    """The open villages of the user's territory: where posts are set up and attendance entered."""
    return AdminArea.objects.visible_to(user).active().filter(level=AreaLevel.VILLAGE).order_by("code")


# -------------------------------------------------------------------------------------------- priority


@dataclass(frozen=True)
class Candidate:
    member: HouseholdMember
    basis: PriorityBasis

    @property
    def is_priority(self) -> bool:
        return self.basis != PriorityBasis.NONE


def zero_employment_household(household: Household, settings: EmploymentSettings) -> bool:
    """零就业家庭 (SPEC §11.4, 003 L366): the registry's flag in force, or nobody able to work is in work — the
    employment app's fact (``employment.facts.is_zero_employment_household``). Reads the household's prefetched
    ``flags`` and ``members`` with their ``employment_records``."""
    flagged = any(
        f.kind == HouseholdFlagKind.ZERO_EMPLOYMENT and flag_in_force(f, settings.on) for f in household.flags.all()
    )
    return flagged or is_zero_employment_household(household, settings)


def _basis(member: HouseholdMember, settings: EmploymentSettings) -> PriorityBasis:
    household = member.household
    groups = target_groups(household.flags.all(), household.monitoring_subjects.all(), settings.on)
    return rules.priority_basis(
        zero_employment_household=zero_employment_household(household, settings),
        disabled=bool(member.disability_category),
        in_three_groups=bool(groups),
        employment_difficulty=member.employment_difficulty,
    )


def _members(queryset: QuerySet[HouseholdMember]) -> QuerySet[HouseholdMember]:
    return queryset.select_related("household__managing_area").prefetch_related(
        "household__flags", "household__monitoring_subjects", "household__members__employment_records"
    )


def member_basis(member: HouseholdMember, *, on: datetime.date) -> PriorityBasis:
    """The priority a person has on ``on``, as the hiring form shows it and the hire records it."""
    row = _members(HouseholdMember.objects.filter(pk=member.pk)).get()
    return _basis(row, settings_of(row.household.managing_area.code, on))


def candidates(village: AdminArea, *, on: datetime.date) -> list[Candidate]:
    """The people of ``village`` who could be hired on ``on``: present members of its open households, of working
    age, able to work, holding no post; priority people first."""
    settings = settings_of(village.code, on)
    holding = PostHire.objects.filter(member=OuterRef("pk"), ended_on__isnull=True)
    rows = _members(
        HouseholdMember.objects.filter(
            household__managing_area=village,
            household__closed_on__isnull=True,
            member_status=MemberStatus.PRESENT,
            labour_capacity__in=sorted(CAN_WORK),
        ).exclude(Exists(holding))
    ).order_by("household__household_no", "pk")
    found = [
        Candidate(m, _basis(m, settings))
        for m in rows
        if rules.working_age(m.birth_date, on=on, age_range=settings.working_age)
    ]
    order = list(PriorityBasis)
    return sorted(found, key=lambda c: order.index(c.basis))


def priority_waiting(village: AdminArea, *, on: datetime.date, besides: HouseholdMember | None = None) -> int:
    """How many priority people of the village wait without a post (the person being hired aside)."""
    others = [c for c in candidates(village, on=on) if besides is None or c.member.pk != besides.pk]
    return sum(1 for c in others if c.is_priority)


# ----------------------------------------------------------------------------------------------- a hire


@dataclass(frozen=True)
class HireRecord:
    """What a hire achieved: months attended, days worked, subsidy paid, the latest assessment."""

    months: int
    days: int
    paid: Decimal
    last_assessment: str


def hire_record(hire: PostHire) -> HireRecord:
    """From the hire's (prefetched) attendance and payments; the sum in Decimal, never SQL SUM."""
    attendance = sorted(hire.attendance.all(), key=lambda a: a.month)
    return HireRecord(
        months=sum(1 for a in attendance if a.days_worked),
        days=sum(a.days_worked for a in attendance),
        paid=sum((p.amount for p in hire.payments.all()), ZERO),
        last_assessment=attendance[-1].get_assessment_display() if attendance else "",
    )


def hires_of_post(post: WelfarePost) -> QuerySet[PostHire]:
    return (
        post.hires.select_related("member__household", "measure")
        .prefetch_related("attendance", "payments")
        .order_by("ended_on", "hired_on", "pk")
    )


# ------------------------------------------------------------------------------------------ attendance grid


@dataclass
class GridRow:
    hire: PostHire
    attendance: PostAttendance | None
    paid: PostPayment | None


def attendance_grid(*, user: User, village: AdminArea, month: datetime.date) -> list[GridRow]:
    """Every hire of the village in post during ``month``, with that month's attendance and payment if any."""
    last_day = last_day_of(month)
    hires = (
        PostHire.objects.visible_to(user)
        .filter(post__village=village, hired_on__lte=last_day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=month))
        .select_related("post", "member")
        .order_by("post__name", "hired_on", "pk")
    )
    attendance = {a.hire_id: a for a in PostAttendance.objects.filter(hire__in=hires, month=month)}
    payments = {p.hire_id: p for p in PostPayment.objects.filter(hire__in=hires, month=month)}
    return [GridRow(h, attendance.get(h.pk), payments.get(h.pk)) for h in hires]


def last_day_of(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
