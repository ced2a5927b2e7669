"""Writes of the insurance programme (SPEC §11.2, §12): enrolment of a village's or township's insured, a single
policy, a claim and its steps, the insurer's monthly report. Each command is one transaction; a claim's payout is
computed with the person's policies of the kind locked, so two claims filed at once cannot both use the same part of
the yearly limit."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.errors import DomainError, refusal_text, required_text
from core.workflow import Workflow, require
from geo.codes import AreaLevel
from geo.models import AdminArea
from households.models import HouseholdMember
from insurance import permissions, rules, selectors
from insurance.choices import HEALTH_PRODUCTS, ClaimKind, ClaimStatus, Product, claim_kind_of
from insurance.models import InsuranceClaim, InsuranceClaimEvent, InsurancePolicy, InsurerMonthlyReport

CENT = Decimal("0.01")
S = ClaimStatus

CLAIM: Final = Workflow(
    model=InsuranceClaim,
    states=ClaimStatus,
    transitions={
        S.FILED: frozenset({S.ACCEPTED, S.REFUSED}),
        S.ACCEPTED: frozenset({S.PAID, S.REFUSED}),
        S.PAID: frozenset(),
        S.REFUSED: frozenset(),
    },
    noun=gettext_lazy("理赔"),
    event_model=InsuranceClaimEvent,
    event_case="claim",
    state_field="status",
    lock_related=("policy__member__household__managing_area",),
)


def _money(value: Decimal, field: str, label: str, *, positive: bool = False) -> Decimal:
    # Refused, not rounded: the amount must match the insurer's papers to the fen.
    if value != value.quantize(CENT):
        raise DomainError(_("%(label)s最多保留两位小数（分）") % {"label": label}, field=field)
    if value < 0 or (positive and value == 0):
        raise DomainError(_("%(label)s须大于 0") % {"label": label}, field=field)
    return value


def _period(year: int, starts_on: datetime.date, ends_on: datetime.date) -> None:
    if year not in rules.INSURANCE_YEARS or year > timezone.localdate().year + 1:
        raise DomainError(_("保险年度 %(year)s 不合理") % {"year": year}, field="year")
    if ends_on < starts_on:
        raise DomainError(_("保险止期不能早于起期"), field="ends_on")


# ---------------------------------------------------------------------------------------------------- policies


@dataclass(frozen=True)
class Enrolment:
    created: int
    existing: int
    people: int


@transaction.atomic
def policies_enrol(
    *,
    actor: User,
    area: AdminArea,
    year: int,
    insurer: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Enrolment:
    """Bulk enrolment in 乡村振兴健康保 (SPEC §11.2, 001 L192): every present member of the 脱贫户 and monitoring
    subjects managed in a village or township gets the three covers of the year, premium 20 individual + 50 county.
    Idempotent: someone already insured for a cover that year keeps their policy (the unique constraint)."""
    require(permissions.can_manage(actor, area.code))
    if area.level not in (AreaLevel.VILLAGE, AreaLevel.TOWNSHIP):
        raise DomainError(_("请选择一个村或乡镇"), field="area")
    insurer = required_text(insurer, "insurer", _("承保机构"))
    _period(year, starts_on, ends_on)
    on = selectors.eligibility_day(starts_on, enrolled_on=timezone.localdate())
    members = list(selectors.eligible_members(area, on=on).select_related("household__managing_area"))
    rows = []
    prices: dict[str, dict[str, selectors.Price]] = {}
    for member in members:
        code = member.household.managing_area.code
        if code not in prices:
            prices[code] = selectors.health_prices(code, on=starts_on, subsidised=True)
        for product, price in prices[code].items():
            rows.append(
                InsurancePolicy(
                    member=member,
                    year=year,
                    product=product,
                    subsidised=True,
                    premium_individual=price.premium_individual,
                    premium_county=price.premium_county,
                    sum_insured=price.sum_insured,
                    insurer=insurer,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    created_by=actor,
                )
            )
    ids = [m.pk for m in members]
    before = InsurancePolicy.objects.filter(member_id__in=ids, year=year, product__in=HEALTH_PRODUCTS).count()
    InsurancePolicy.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    after = InsurancePolicy.objects.filter(member_id__in=ids, year=year, product__in=HEALTH_PRODUCTS).count()
    return Enrolment(created=after - before, existing=before, people=len(members))


@dataclass(frozen=True)
class PolicyInput:
    member: HouseholdMember
    year: int
    product: str
    insurer: str
    starts_on: datetime.date
    ends_on: datetime.date
    policy_no: str = ""
    # Specialty-industry products only: their premium and cover are the policy's own (SPEC §11.2 gives ranges).
    sum_insured: Decimal | None = None
    premium_individual: Decimal | None = None
    premium_county: Decimal | None = None


@transaction.atomic
def policy_create(*, actor: User, data: PolicyInput) -> InsurancePolicy:
    """One person's policy (SPEC §11.2): a cover of 乡村振兴健康保 — subsidised for 脱贫户 and monitoring subjects,
    paid in full by anyone else who joins voluntarily (001 L192) — or a specialty-industry product."""
    member = HouseholdMember.objects.select_related("household__managing_area").get(pk=data.member.pk)
    code = member.household.managing_area.code
    require(permissions.can_manage(actor, code))
    problems = []
    if data.product not in Product.values:
        raise DomainError(_("请选择险种"), field="product")
    insurer = required_text(data.insurer, "insurer", _("承保机构"))
    _period(data.year, data.starts_on, data.ends_on)
    if not member.is_present:
        problems.append(_("%(name)s已不在户（%(status)s）") % {"name": member.name,
                                                            "status": member.get_member_status_display()})  # fmt: skip
    if InsurancePolicy.objects.filter(member=member, year=data.year, product=data.product).exists():
        problems.append(
            _("%(name)s %(year)s 年已参保“%(product)s”")
            % {"name": member.name, "year": data.year, "product": Product(data.product).label}
        )
    if problems:
        raise DomainError(refusal_text(problems), field="product")
    if data.product in HEALTH_PRODUCTS:
        on = selectors.eligibility_day(data.starts_on, enrolled_on=timezone.localdate())
        subsidised = selectors.is_subsidised(member, on=on)
        price = selectors.health_prices(code, on=data.starts_on, subsidised=subsidised)[data.product]
        individual, county, cover = price.premium_individual, price.premium_county, price.sum_insured
    else:
        subsidised = False
        if data.sum_insured is None:
            raise DomainError(_("特色产业保险请填写保险金额"), field="sum_insured")
        if data.premium_individual is None:
            raise DomainError(_("特色产业保险请填写个人缴费"), field="premium_individual")
        cover = _money(data.sum_insured, "sum_insured", _("保险金额"), positive=True)
        individual = _money(data.premium_individual, "premium_individual", _("个人缴费"))
        county = _money(data.premium_county or Decimal(0), "premium_county", _("财政补贴"))
    return InsurancePolicy.objects.create(
        member=member, year=data.year, product=data.product, subsidised=subsidised, premium_individual=individual,
        premium_county=county, sum_insured=cover, insurer=insurer, policy_no=data.policy_no.strip(),
        starts_on=data.starts_on, ends_on=data.ends_on, created_by=actor,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class ClaimInput:
    incident_on: datetime.date
    filed_on: datetime.date
    simple: bool = True
    residual_cost: Decimal = Decimal(0)
    medical_cost: Decimal = Decimal(0)
    assessed_amount: Decimal = Decimal(0)


@transaction.atomic
def claim_file(*, actor: User, policy: InsurancePolicy, data: ClaimInput) -> InsuranceClaim:
    """报案 on a policy (SPEC §11.2): the payout is computed now — critical-illness supplement by tier
    (``insurance.ci_tier_mode``), accident medical 80 % up to 3,000, accident and industry losses as assessed up to
    the cover — within what the person's earlier claims of the year left of the limit."""
    # Every policy of the person for this product, locked: a second claim filed at once waits, then sees this one.
    locked = list(
        InsurancePolicy.objects.select_for_update(of=("self",))
        .filter(member_id=policy.member_id, product=policy.product)
        .select_related("member__household__managing_area")
    )
    policy = next(p for p in locked if p.pk == policy.pk)
    require(permissions.can_manage(actor, policy.member.household.managing_area.code))
    kind = claim_kind_of(policy.product)
    problems = []
    if data.filed_on > timezone.localdate():
        raise DomainError(_("报案日期不能晚于今天"), field="filed_on")
    if data.incident_on > data.filed_on:
        raise DomainError(_("出险（入院）日期不能晚于报案日期"), field="incident_on")
    if not policy.starts_on <= data.incident_on <= policy.ends_on:
        problems.append(
            _("出险（入院）日期 %(on)s 不在保险期间 %(start)s 至 %(end)s 内")
            % {"on": data.incident_on, "start": policy.starts_on, "end": policy.ends_on}
        )
    amounts = {
        ClaimKind.CRITICAL_ILLNESS: ("residual_cost", _("大病保险后剩余目录内住院费用"), data.residual_cost),
        ClaimKind.ACCIDENT_MEDICAL: ("medical_cost", _("意外医疗费用"), data.medical_cost),
        ClaimKind.ACCIDENT_DEATH_DISABILITY: ("assessed_amount", _("核定赔付金额"), data.assessed_amount),
        ClaimKind.INDUSTRY_LOSS: ("assessed_amount", _("核定赔付金额"), data.assessed_amount),
    }
    field, label, amount = amounts[ClaimKind(kind)]
    _money(amount, field, label, positive=True)
    if problems:
        raise DomainError(refusal_text(problems), field="incident_on")
    payout = selectors.payout_for(
        policy, kind=kind, incident_on=data.incident_on, filed_on=data.filed_on,
        residual_cost=data.residual_cost if field == "residual_cost" else Decimal(0),
        medical_cost=data.medical_cost if field == "medical_cost" else Decimal(0),
        assessed_amount=data.assessed_amount if field == "assessed_amount" else Decimal(0),
    )  # fmt: skip
    claim = InsuranceClaim.objects.create(
        policy=policy, kind=kind, incident_on=data.incident_on, filed_on=data.filed_on, simple=data.simple,
        residual_cost=data.residual_cost if field == "residual_cost" else Decimal(0),
        medical_cost=data.medical_cost if field == "medical_cost" else Decimal(0),
        assessed_amount=data.assessed_amount if field == "assessed_amount" else Decimal(0),
        tier_mode=payout.mode, limit=payout.limit, used_before=payout.used_before, payout=payout.payout,
        created_by=actor,
    )  # fmt: skip
    CLAIM.opened(claim, actor=actor, comment="")
    return claim


def _step(claim: InsuranceClaim, *, actor: User, to: str, comment: str, on: datetime.date | None) -> InsuranceClaim:
    claim = CLAIM.lock(claim)
    require(permissions.can_manage(actor, claim.policy.member.household.managing_area.code))
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise DomainError(_("办理日期不能晚于今天"), field="on")
    if day < claim.filed_on:
        raise DomainError(_("办理日期不能早于报案日期 %(on)s") % {"on": claim.filed_on}, field="on")
    CLAIM.move(claim, to=to, actor=actor, comment=comment)
    fields = ["status"]
    if to == S.ACCEPTED:
        claim.accepted_on = day
        fields.append("accepted_on")
    else:
        claim.closed_on = day
        fields.append("closed_on")
    if to == S.REFUSED:
        claim.refusal_reason = comment
        fields.append("refusal_reason")
    claim.save(update_fields=fields)
    return claim


@transaction.atomic
def claim_accept(*, actor: User, claim: InsuranceClaim, on: datetime.date | None = None) -> InsuranceClaim:
    """受理: the insurer has the papers (SPEC §11.2 one-stop settlement)."""
    return _step(claim, actor=actor, to=S.ACCEPTED, comment="", on=on)


@transaction.atomic
def claim_pay(*, actor: User, claim: InsuranceClaim, on: datetime.date | None = None) -> InsuranceClaim:
    """赔付 of the computed payout: the claim is settled (结案)."""
    return _step(claim, actor=actor, to=S.PAID, comment="", on=on)


@transaction.atomic
def claim_refuse(*, actor: User, claim: InsuranceClaim, reason: str, on: datetime.date | None = None) -> InsuranceClaim:
    """拒赔 with a reason: the claim is settled and its payout no longer counts against the yearly limit."""
    reason = required_text(reason, "reason", _("拒赔原因"))
    return _step(claim, actor=actor, to=S.REFUSED, comment=reason, on=on)


# ---------------------------------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class ReportInput:
    county: AdminArea
    month: datetime.date
    insurer: str
    insured_people: int
    premium_total: Decimal
    claims_count: int
    payout_total: Decimal
    submitted_on: datetime.date
    note: str = ""


@transaction.atomic
def report_record(*, actor: User, data: ReportInput) -> InsurerMonthlyReport:
    """The insurer's report of a month's underwriting and payouts, due before the 10th of the next month
    (SPEC §12, 001 L206), recorded by the county."""
    require(permissions.can_record_report(actor, data.county.code))
    if data.county.level != AreaLevel.COUNTY:
        raise DomainError(_("月报报送到县（区）"), field="county")
    insurer = required_text(data.insurer, "insurer", _("承保机构"))
    month = data.month.replace(day=1)
    today = timezone.localdate()
    if month >= today.replace(day=1):
        raise DomainError(_("只能报送已结束月份的数据"), field="month")
    if data.submitted_on > today:
        raise DomainError(_("报送日期不能晚于今天"), field="submitted_on")
    if data.submitted_on < (month + datetime.timedelta(days=32)).replace(day=1):
        raise DomainError(_("报送日期应在所报月份结束之后"), field="submitted_on")
    premium = _money(data.premium_total, "premium_total", _("保费收入"))
    payout = _money(data.payout_total, "payout_total", _("赔付金额"))
    if data.insured_people < 0 or data.claims_count < 0:
        raise DomainError(_("人数和件数不能为负数"), field="insured_people")
    if InsurerMonthlyReport.objects.filter(county=data.county, month=month, insurer=insurer).exists():
        raise DomainError(
            _("%(insurer)s %(month)s 的月报已登记") % {"insurer": insurer, "month": f"{month:%Y-%m}"}, field="month"
        )
    return InsurerMonthlyReport.objects.create(
        county=data.county, month=month, insurer=insurer, insured_people=data.insured_people,
        premium_total=premium, claims_count=data.claims_count, payout_total=payout,
        submitted_on=data.submitted_on, note=data.note.strip(), created_by=actor,
    )  # fmt: skip
