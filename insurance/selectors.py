"""Reads of the insurance programme (SPEC §11.2): who is eligible for the subsidised premium, the parameters of a
place, a claim's payout computation, lists narrowed by their filters — always from ``visible_to(user)``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from accounts.models import User
from geo.codes import AreaLevel, ancestor_code
from geo.models import AdminArea
from geo.parameters import parameter
from households.choices import MemberStatus
from households.models import HouseholdMember
from insurance import facts, rules
from insurance.choices import HEALTH_PRODUCTS, ClaimKind, ClaimStatus, LimitYear, Product
from insurance.models import InsuranceClaim, InsurancePolicy, InsurerMonthlyReport
from monitoring.facts import exited_or_monitored, exited_or_monitored_q


def setting(key: str, area_code: str, on: datetime.date) -> Any:
    """An ``insurance.*`` setting of the county of ``area_code`` on ``on`` (SPEC §15.2)."""
    return parameter(key, area_code=ancestor_code(area_code, AreaLevel.COUNTY), on=on)


# ---------------------------------------------------------------------------------------------------- eligibility


def subsidised_q(*, on: datetime.date) -> Q:
    """Query face over ``HouseholdMember``: the household is a 脱贫户 or in monitoring (any category) on ``on`` — the
    insured of 乡村振兴健康保 whose premium county finance subsidises (SPEC §11.2, 001 L192). The household fact
    ``monitoring.facts.exited_or_monitored`` decides."""
    return exited_or_monitored_q(on=on, path="household__")


def is_subsidised(member: HouseholdMember, *, on: datetime.date) -> bool:
    """The Python face of ``subsidised_q`` for one member."""
    return exited_or_monitored(member.household, on=on)


def eligibility_day(starts_on: datetime.date, *, enrolled_on: datetime.date) -> datetime.date:
    """The day enrolment asks who is a 脱贫户 or monitoring subject: the policy's first day, or the enrolment day
    when the policy has already begun — a household taken into monitoring on 11 January and enrolled in June is
    insured and subsidised for the year (SPEC §11.2: all 脱贫户 and monitoring subjects)."""
    return max(starts_on, enrolled_on)


def eligible_members(area: AdminArea, *, on: datetime.date) -> QuerySet[HouseholdMember]:
    """The people bulk enrolment insures in a village or township: present members of the households managed there
    that are still in the registry, of 脱贫户 and monitoring subjects."""
    areas = AdminArea.objects.filter(code__startswith=area.prefix).values("pk")
    return (
        HouseholdMember.objects.filter(
            household__managing_area__in=areas, household__closed_on__isnull=True, member_status=MemberStatus.PRESENT
        )
        .filter(subsidised_q(on=on))
        .order_by("pk")
    )


@dataclass(frozen=True)
class Price:
    premium_individual: Decimal
    premium_county: Decimal
    sum_insured: Decimal


def health_prices(area_code: str, *, on: datetime.date, subsidised: bool) -> dict[str, Price]:
    """Premium split and cover of the three covers of 乡村振兴健康保 (SPEC §11.2): accident 40 (cover 50,000),
    critical-illness supplement 30 with accident medical (cover 50,000, 3,000)."""
    premiums = setting("insurance.premiums", area_code, on)
    covers = setting("insurance.sums_insured", area_code, on)
    split = setting("insurance.premium_split", area_code, on)
    shares = rules.premium_shares(
        [(product, Decimal(str(premiums[product]))) for product in HEALTH_PRODUCTS],
        individual=Decimal(str(split["individual"])),
        subsidised=subsidised,
    )
    return {product: Price(individual, county, Decimal(str(covers[product]))) for product, individual, county in shares}


# ---------------------------------------------------------------------------------------------------- payouts

LIMIT_KEYS = {
    ClaimKind.CRITICAL_ILLNESS: "insurance.ci_limit",
    ClaimKind.ACCIDENT_MEDICAL: "insurance.accident_medical_limit",
    ClaimKind.ACCIDENT_DEATH_DISABILITY: "insurance.accident_limit",
}


def used_before(
    policy: InsurancePolicy, *, kind: str, incident_on: datetime.date, mode: str, exclude: int | None = None
) -> Decimal:
    """What the person's other claims of the kind, not refused, already took of the year's limit: of the policy
    year (``insurance.limit_year`` = policy_year) or of the calendar year of the incident (calendar_year)."""
    claims = InsuranceClaim.objects.filter(policy__member_id=policy.member_id, kind=kind).exclude(
        status=ClaimStatus.REFUSED
    )
    if kind == ClaimKind.INDUSTRY_LOSS:
        claims = claims.filter(policy=policy)  # an industry policy's cover is its own sum insured
    elif mode == LimitYear.CALENDAR_YEAR:
        claims = claims.filter(incident_on__year=incident_on.year)
    else:
        claims = claims.filter(policy__year=policy.year)
    if exclude is not None:
        claims = claims.exclude(pk=exclude)
    # Summed in Python over Decimal: SQLite's numeric sum is inexact and limits are checked to the fen.
    return sum(claims.values_list("payout", flat=True), Decimal(0))


def payout_for(
    policy: InsurancePolicy,
    *,
    kind: str,
    incident_on: datetime.date,
    filed_on: datetime.date,
    residual_cost: Decimal = Decimal(0),
    medical_cost: Decimal = Decimal(0),
    assessed_amount: Decimal = Decimal(0),
    exclude: int | None = None,
    used: Decimal | None = None,
    tier_mode: str = "",
) -> rules.Payout:
    """A claim's computation line by line with the settings in force on the filing day (SPEC §11.2, §15.2)."""
    area = policy.member.household.managing_area.code
    mode = ""
    if kind == ClaimKind.CRITICAL_ILLNESS:
        mode = tier_mode or str(setting("insurance.ci_tier_mode", area, filed_on))
        tiers = rules.tiers_from(setting("insurance.ci_tiers", area, filed_on))
        lines = rules.critical_illness_lines(residual_cost, tiers=tiers, mode=mode)
    elif kind == ClaimKind.ACCIDENT_MEDICAL:
        rate = Decimal(str(setting("insurance.accident_medical_rate_pct", area, filed_on)))
        lines = rules.accident_medical_lines(medical_cost, rate_pct=rate)
    else:
        lines = rules.assessed_lines(assessed_amount)
    if kind == ClaimKind.INDUSTRY_LOSS:
        limit = policy.sum_insured
    else:
        limit = Decimal(str(setting(LIMIT_KEYS[ClaimKind(kind)], area, filed_on)))
    if used is None:
        year_mode = str(setting("insurance.limit_year", area, filed_on))
        used = used_before(policy, kind=kind, incident_on=incident_on, mode=year_mode, exclude=exclude)
    return rules.within_limit(lines, limit=limit, used_before=used, mode=mode)


def claim_payout(claim: InsuranceClaim) -> rules.Payout:
    """The computation a claim was paid by, from what it keeps: its amounts, tier mode and the limit used before."""
    return payout_for(
        claim.policy, kind=claim.kind, incident_on=claim.incident_on, filed_on=claim.filed_on,
        residual_cost=claim.residual_cost, medical_cost=claim.medical_cost, assessed_amount=claim.assessed_amount,
        used=claim.used_before, tier_mode=claim.tier_mode,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------------- lists


@dataclass(frozen=True)
class PolicyFilter:
    year: int | None = None
    product: str = ""
    village: str = ""


def policy_list(*, user: User, chosen: PolicyFilter) -> QuerySet[InsurancePolicy]:
    return policy_list_narrow(InsurancePolicy.objects.visible_to(user), user=user, chosen=chosen)


def policy_list_narrow(
    rows: QuerySet[InsurancePolicy], *, user: User, chosen: PolicyFilter
) -> QuerySet[InsurancePolicy]:
    """The visible policies ``rows`` narrowed by the list's filters."""
    rows = rows.select_related("member__household__managing_area")
    if chosen.year is not None:
        rows = rows.filter(year=chosen.year)
    if chosen.product in Product.values:
        rows = rows.filter(product=chosen.product)
    if chosen.village:
        # Looked up among the user's own areas: a code from elsewhere narrows to nothing instead of opening it.
        village = AdminArea.objects.visible_to(user).filter(code=chosen.village).first()
        rows = rows.filter(member__household__managing_area=village) if village else rows.none()
    return rows.order_by("-year", "member__household__household_no", "member_id", "product")


def claim_list(
    *, user: User, status: str = "", overdue: bool = False, today: datetime.date
) -> QuerySet[InsuranceClaim]:
    return claim_list_narrow(
        InsuranceClaim.objects.visible_to(user), user=user, status=status, overdue=overdue, today=today
    )


def claim_list_narrow(
    rows: QuerySet[InsuranceClaim], *, user: User, status: str = "", overdue: bool = False, today: datetime.date
) -> QuerySet[InsuranceClaim]:
    """The visible claims ``rows`` by status; ``overdue``: the simple claims past their due date (SPEC §11.2)."""
    rows = rows.select_related("policy__member__household__managing_area").order_by("-filed_on", "-pk")
    if status in ClaimStatus.values:
        rows = rows.filter(status=status)
    if overdue:
        area = getattr(user, "area", None)
        days = facts.close_days(area.code if area is not None else "", on=today)
        rows = rows.filter(facts.overdue_q(today=today, days=days))
    return rows


def report_list(*, user: User) -> QuerySet[InsurerMonthlyReport]:
    return InsurerMonthlyReport.objects.visible_to(user).select_related("county")


def premium_totals(policies: QuerySet[InsurancePolicy]) -> dict[str, Any]:
    return policies.aggregate(individual=Sum("premium_individual"), county=Sum("premium_county"))
