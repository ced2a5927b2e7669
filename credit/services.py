"""Recording microcredit (脱贫人口小额信贷, SPEC §11.1): signing a contract (new, top-up, renewal, extension),
repayments, conversion to an ordinary farmer loan, write-off and the dishonest-debtor list. Each command is one
transaction that locks the rows it draws on; a refusal names every condition that fails at once
(``LoanRefused``), each with its field. "Overdue" is not a command: it is the derived fact ``facts.is_overdue``."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.errors import DomainError, refusal_text, required_text
from core.workflow import Workflow, require
from credit import facts, permissions, rules
from credit.choices import OPEN_STATUSES, LoanKind, LoanPurpose, LoanStatus
from credit.models import LoanEvent, LoanRepayment, MicroLoan
from geo.parameters import parameters
from geo.seeding import TRANSITION_START
from households.choices import MemberStatus
from households.models import Household, HouseholdMember
from monitoring.choices import OPEN_SUBJECT_STATUSES, MeasureFunding, MeasureStatus, MeasureTiming, MeasureType
from monitoring.facts import exited_or_monitored
from monitoring.models import AssistanceMeasure, MonitoringSubject
from monitoring.permissions import can_record_measures
from monitoring.services.measures import MEASURE_TRANSITIONS, measure_add, measure_start, measure_update_status

CENT = Decimal("0.01")
S = LoanStatus

# Every legal move of a loan's status; ``overdue`` is derived, never stored, and the closing states stay closed.
LOAN = Workflow(
    model=MicroLoan,
    states=LoanStatus,
    transitions={
        S.ACTIVE: frozenset({S.REPAID, S.EXTENDED, S.CONVERTED, S.WRITTEN_OFF}),
        S.OVERDUE: frozenset(),
        S.REPAID: frozenset(),
        S.EXTENDED: frozenset(),
        S.CONVERTED: frozenset(),
        S.WRITTEN_OFF: frozenset(),
    },
    noun=gettext_lazy("贷款"),
    event_model=LoanEvent,
    event_case="loan",
    state_field="status",
    lock_related=("household__managing_area", "borrower", "measure"),
)

SETTINGS = [
    "loan.max_amount", "loan.max_term_years", "loan.borrower_age", "loan.household_max_total",
    "loan.subsidised_cap", "loan.subsidy_schedule", "loan.valid_from", "loan.valid_to",
]  # fmt: skip


class LoanRefused(DomainError):
    """A loan refused for one or more conditions: the message names them all; ``errors`` gives them by field (the
    form and the API show each under its field)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(refusal_text([reason for _field, reason in errors]), field=errors[0][0])
        self.errors: dict[str, list[str]] = {}
        for name, reason in errors:
            self.errors.setdefault(name, []).append(reason)


@dataclass(frozen=True)
class LoanSettings:
    """The ``loan.*`` settings of a county on a day (SPEC §15.2)."""

    max_amount: Decimal
    max_term_years: int
    min_age: int
    max_age: int
    household_max_total: Decimal
    subsidised_cap: Decimal
    subsidy_schedule: list[list[Any]]
    valid_from: datetime.date
    valid_to: datetime.date

    @classmethod
    def of(cls, area_code: str, on: datetime.date) -> LoanSettings:
        # The settings begin with the transition period: an earlier day reads its first values (and is refused by
        # NR-LOAN-12 anyway).
        values = parameters(SETTINGS, area_code=area_code, on=max(on, TRANSITION_START))
        low, high = values["loan.borrower_age"]
        return cls(
            max_amount=Decimal(str(values["loan.max_amount"])),
            max_term_years=int(values["loan.max_term_years"]),
            min_age=int(low),
            max_age=int(high),
            household_max_total=Decimal(str(values["loan.household_max_total"])),
            subsidised_cap=Decimal(str(values["loan.subsidised_cap"])),
            subsidy_schedule=list(values["loan.subsidy_schedule"]),
            valid_from=datetime.date.fromisoformat(str(values["loan.valid_from"])),
            valid_to=datetime.date.fromisoformat(str(values["loan.valid_to"])),
        )


def loan_settings(loan: MicroLoan) -> LoanSettings:
    return LoanSettings.of(loan.household.managing_area.code, loan.signed_on)


def subsidy_by_year(loan: MicroLoan) -> list[tuple[int, Decimal]]:
    """NR-LOAN-06 for each year of the contract, from the settings of its signing day."""
    settings = loan_settings(loan)
    return rules.subsidy_by_year(loan.signed_on, loan.maturity, schedule=settings.subsidy_schedule)


def household_eligible(household: Household, on: datetime.date) -> bool:
    """NR-LOAN-01 for a household on a day: a 脱贫户, or a 边缘易致贫户 in monitoring, that day."""
    return exited_or_monitored(household, on=on, categories=rules.BORROWING_CATEGORIES)


def _money(value: Decimal, field: str, label: str, errors: list[tuple[str, str]]) -> None:
    if value != value.quantize(CENT):
        errors.append((field, _("%(label)s最多保留两位小数（分）") % {"label": label}))


@dataclass(frozen=True)
class LoanInput:
    """A contract as the bank signed it. ``guaranteed`` and ``company_use`` are the declarations NR-LOAN-05 and
    NR-LOAN-07 refuse; ``measure`` links an existing assistance measure instead of creating one."""

    borrower: HouseholdMember
    bank: str
    contract_no: str
    amount: Decimal
    signed_on: datetime.date
    maturity: datetime.date
    rate: Decimal
    lpr: Decimal
    purpose: str
    kind: str = LoanKind.NEW
    purpose_note: str = ""
    previous: MicroLoan | None = None
    guaranteed: bool = False
    company_use: bool = False
    measure: AssistanceMeasure | None = None


def _campaign_signed_on(loan: MicroLoan | None) -> datetime.date | None:
    """The signing day of the first contract of a renewal or extension chain (NR-LOAN-10)."""
    first = loan
    while first is not None and first.previous_id is not None:
        first = first.previous
    return first.signed_on if first is not None else None


def _check(
    household: Household, data: LoanInput, settings: LoanSettings, *, others: list[MicroLoan]
) -> list[tuple[str, str]]:
    """Every condition of NR-LOAN-01…12 a contract must meet, as (field, reason) for each that fails."""
    errors: list[tuple[str, str]] = []
    today = timezone.localdate()
    kind = data.kind
    if kind not in LoanKind.values:
        errors.append(("kind", _("请选择贷款类型")))
    if not data.bank.strip():
        errors.append(("bank", _("请填写贷款银行")))
    if not data.contract_no.strip():
        errors.append(("contract_no", _("请填写合同编号")))
    elif MicroLoan.objects.filter(bank=data.bank.strip(), contract_no=data.contract_no.strip()).exists():
        errors.append(("contract_no", _("该银行的合同编号“%(no)s”已登记") % {"no": data.contract_no.strip()}))
    # NR-LOAN-01
    if not household_eligible(household, data.signed_on):
        errors.append(("household", _("该户在签约日既不是脱贫户，也不是边缘易致贫监测户，不能申请脱贫人口小额信贷")))
    if household.closed_on is not None:
        errors.append(("household", _("该户已注销")))
    # The borrower is a present member of the household (户借、户用、户还).
    if data.borrower.household_id != household.pk or data.borrower.member_status != MemberStatus.PRESENT:
        errors.append(("borrower", _("借款人须为该户在册家庭成员")))
    # NR-LOAN-08: age on the signing day; an extension keeps the contract's terms (NR-LOAN-10) and is not a new
    # borrowing, so the borrower's age is not checked again.
    elif kind != LoanKind.EXTENSION and not rules.age_ok(
        data.borrower.birth_date, data.signed_on, min_age=settings.min_age, max_age=settings.max_age
    ):
        errors.append(
            (
                "borrower",
                _("借款人签约时年龄须在 %(low)s 至 %(high)s 周岁之间")
                % {"low": settings.min_age, "high": settings.max_age},
            )
        )
    blacklisted = MicroLoan.objects.filter(household=household, blacklisted=True).count()
    if not rules.credit_record_ok(dishonest_listed=household.dishonest_listed, blacklisted_loans=blacklisted):
        errors.append(("borrower", _("该户有恶意逃废债等不良信用记录，不能申请")))
    # NR-LOAN-02
    _money(data.amount, "amount", _("贷款金额"), errors)
    if not rules.amount_ok(data.amount, max_amount=settings.max_amount):
        errors.append(("amount", _("贷款金额须大于 0 且不超过 %(max)s 元") % {"max": f"{settings.max_amount:,.2f}"}))
    # NR-LOAN-03
    if data.signed_on > today:
        errors.append(("signed_on", _("签约日期不能晚于今天")))
    if not rules.term_ok(data.signed_on, data.maturity, max_years=settings.max_term_years):
        errors.append(
            ("maturity", _("到期日期须晚于签约日期，期限不超过 %(years)s 年") % {"years": settings.max_term_years})
        )
    # NR-LOAN-04
    _money(data.rate, "rate", _("年利率"), errors)
    if data.lpr <= 0:
        errors.append(("lpr", _("请填写签约时适用的LPR")))
    elif not rules.rate_ok(data.rate, lpr=data.lpr):
        tenor = rules.lpr_tenor(data.signed_on, data.maturity)
        which = _("1年期LPR") if tenor == "1y" else _("5年期以上LPR")
        errors.append(("rate", _("年利率不得高于%(which)s（%(lpr)s%%）") % {"which": which, "lpr": data.lpr}))
    # NR-LOAN-05
    if not rules.no_guarantee(data.guaranteed):
        errors.append(("guaranteed", _("脱贫人口小额信贷免担保免抵押")))
    # NR-LOAN-07
    if not rules.purpose_ok(data.purpose, allowed=LoanPurpose.values, company_use=data.company_use):
        if data.company_use:
            errors.append(("purpose", _("贷款须由农户自己用于生产经营，不得“户贷企用”")))
        else:
            errors.append(("purpose", _("贷款只能用于发展生产和开展经营")))
    # NR-LOAN-09 / NR-LOAN-10: the kind fits the household's loans.
    previous = data.previous
    if kind in (LoanKind.RENEWAL, LoanKind.EXTENSION):
        if previous is None or previous.household_id != household.pk:
            errors.append(("previous", _("请选择该户的原贷款合同")))
        elif not rules.kind_fits(kind, has_active=bool(others), previous_status=previous.status):
            message = _("续贷须在原贷款结清后办理") if kind == LoanKind.RENEWAL else _("只有未结清的贷款才能展期")
            errors.append(("previous", message))
    elif kind in LoanKind.values and not rules.kind_fits(kind, has_active=bool(others), previous_status=None):
        if kind == LoanKind.NEW:
            errors.append(("kind", _("该户已有未结清的小额信贷，再贷款请按“追加贷款”办理")))
        else:
            errors.append(("kind", _("该户没有未结清的小额信贷，不能追加")))
    total_others = sum((loan.amount for loan in others), Decimal(0))
    if not rules.household_total_ok(total_others, data.amount, max_total=settings.household_max_total):
        errors.append(
            (
                "amount",
                _("该户未结清贷款已有 %(others)s 元，加上本笔超过户均上限 %(max)s 元")
                % {"others": f"{total_others:,.2f}", "max": f"{settings.household_max_total:,.2f}"},
            )
        )
    # NR-LOAN-12 with NR-LOAN-10
    campaign = _campaign_signed_on(previous) if kind in (LoanKind.RENEWAL, LoanKind.EXTENSION) else None
    if not rules.within_validity(
        data.signed_on,
        valid_from=settings.valid_from,
        valid_to=settings.valid_to,
        kind=kind,
        campaign_signed_on=campaign,
    ):
        errors.append(
            (
                "signed_on",
                _("政策有效期为 %(start)s 至 %(end)s；期满后只能为期内签订的合同办理续贷或展期")
                % {"start": settings.valid_from, "end": settings.valid_to},
            )
        )
    return errors


def _measure_for(actor: User, household: Household, loan: MicroLoan, chosen: AssistanceMeasure | None) -> None:
    """Record the loan as its household's assistance measure (金融帮扶·小额信贷, SPEC §5.1) when the household is an
    open monitoring subject and the actor may record measures: the one chosen, or a new one."""
    subject = MonitoringSubject.objects.filter(household=household, status__in=sorted(OPEN_SUBJECT_STATUSES)).first()
    if chosen is not None:
        if not can_record_measures(actor):
            raise LoanRefused([("measure", _("您无权关联帮扶措施"))])
        ok = (
            subject is not None
            and chosen.subject_id == subject.pk
            and chosen.measure_type == MeasureType.FINANCE
            and chosen.subtype == "microcredit"
            and not MicroLoan.objects.filter(measure=chosen).exists()
        )
        if not ok:
            raise LoanRefused([("measure", _("所选措施不是该户未关联贷款的“小额信贷”帮扶措施"))])
        loan.measure = chosen
        return
    if subject is None or not can_record_measures(actor):
        return
    loan.measure = measure_add(
        actor=actor,
        subject=subject,
        measure_type=MeasureType.FINANCE,
        subtype="microcredit",
        timing=MeasureTiming.REMEDIAL,
        funding_source=MeasureFunding.SECTOR_POLICY,
        responsible_department="rural_revitalization",
        description=_("小额信贷 %(bank)s 合同 %(no)s，%(amount)s 元")
        % {"bank": loan.bank, "no": loan.contract_no, "amount": f"{loan.amount:,.2f}"},
        started_on=loan.signed_on,
        amount_yuan=loan.amount,
    )


@transaction.atomic
def loan_sign(*, actor: User, household: Household, data: LoanInput) -> MicroLoan:
    """Sign a loan (SPEC §11.1): NR-LOAN-01…12 checked together, every failing condition named at once. An
    extension closes the contract it continues (``extended``) and takes over its measure; a household in monitoring
    gets the loan as its assistance measure, which is under way from the signing (planned → in progress)."""
    # Lock the household: two clerks signing for one household at once would each see the other's loan missing
    # from the NR-LOAN-09 total.
    household = Household.objects.select_for_update(of=("self",)).select_related("managing_area").get(pk=household.pk)
    require(permissions.can_manage(actor, household))
    settings = LoanSettings.of(household.managing_area.code, data.signed_on)
    previous = data.previous
    if previous is not None:
        previous = LOAN.lock(previous)
        data = dataclasses.replace(data, previous=previous)
    others = list(MicroLoan.objects.filter(household=household, status__in=sorted(OPEN_STATUSES)))
    if data.kind == LoanKind.EXTENSION and previous is not None:
        others = [loan for loan in others if loan.pk != previous.pk]  # the extension replaces it
    errors = _check(household, data, settings, others=others)
    if errors:
        raise LoanRefused(errors)
    if data.kind == LoanKind.EXTENSION and previous is not None:
        # NR-LOAN-10: the terms are kept: the extension is subsidised as far as the contract it continues was.
        subsidised = min(data.amount, previous.subsidised_amount)
    else:
        others_subsidised = sum((loan.subsidised_amount for loan in others), Decimal(0))
        subsidised = rules.subsidised_part(others_subsidised, data.amount, cap=settings.subsidised_cap)
    loan = MicroLoan(
        household=household,
        borrower=data.borrower,
        bank=data.bank.strip(),
        contract_no=data.contract_no.strip(),
        kind=data.kind,
        previous=previous,
        amount=data.amount,
        subsidised_amount=subsidised,
        signed_on=data.signed_on,
        maturity=data.maturity,
        rate=data.rate,
        lpr=data.lpr,
        purpose=data.purpose,
        purpose_note=data.purpose_note.strip(),
        created_by=actor,
    )
    if data.kind == LoanKind.EXTENSION and previous is not None:
        measure = previous.measure
        LOAN.move(previous, to=S.EXTENDED, actor=actor, comment=_("展期，续签合同 %(no)s") % {"no": loan.contract_no})
        previous.closed_on = data.signed_on
        previous.measure = None
        previous.save(update_fields=["status", "closed_on", "measure", "updated_at"])
        loan.measure = measure
    else:
        _measure_for(actor, household, loan, data.measure)
    loan.save()
    LOAN.opened(loan, actor=actor, comment=_("签订%(kind)s合同") % {"kind": LoanKind(loan.kind).label})
    # The money reaches the household when the contract is signed (no separate disbursement, SPEC §11.1).
    loan.measure = measure_start(actor=actor, measure_id=loan.measure_id)
    return loan


def _close_measure(actor: User, loan: MicroLoan, status: str, note: str, on: datetime.date) -> None:
    """Move the loan's measure to ``status`` with the loan's outcome, when the actor may and the measure can."""
    measure = loan.measure
    if measure is None or not can_record_measures(actor):
        return
    if status not in MEASURE_TRANSITIONS[MeasureStatus(measure.status)]:
        return
    measure_update_status(
        actor=actor, measure=measure, status=status, outcome_note=note, ended_on=max(on, measure.started_on)
    )


@transaction.atomic
def loan_repay(
    *, actor: User, loan: MicroLoan, paid_on: datetime.date, principal: Decimal, interest: Decimal = Decimal(0)
) -> LoanRepayment:
    """还款: principal and interest paid on a day; the repayment that clears the balance closes the loan (``repaid``)
    and delivers its assistance measure with the loan's outcome."""
    loan = LOAN.lock(loan)
    require(permissions.can_manage(actor, loan.household))
    LOAN.in_state(loan, *OPEN_STATUSES)
    errors: list[tuple[str, str]] = []
    _money(principal, "principal", _("归还本金"), errors)
    _money(interest, "interest", _("支付利息"), errors)
    left = facts.balance(loan)
    if principal < 0 or interest < 0:
        errors.append(("principal", _("金额不能为负数")))
    elif principal + interest <= 0:
        errors.append(("principal", _("请填写归还的本金或利息")))
    if principal > left:
        errors.append(("principal", _("归还本金超过贷款余额 %(left)s 元") % {"left": f"{left:,.2f}"}))
    if paid_on < loan.signed_on:
        errors.append(("paid_on", _("还款日期不能早于签约日期")))
    if paid_on > timezone.localdate():
        errors.append(("paid_on", _("还款日期不能晚于今天")))
    if errors:
        raise LoanRefused(errors)
    repayment = LoanRepayment.objects.create(
        loan=loan, paid_on=paid_on, principal=principal, interest=interest, created_by=actor
    )
    if principal == left:
        late = (paid_on - loan.maturity).days
        note = (
            _("贷款 %(amount)s 元已于 %(on)s 结清") % {"amount": f"{loan.amount:,.2f}", "on": paid_on}
            if late <= 0
            else _("贷款 %(amount)s 元已于 %(on)s 结清（逾期 %(days)s 天）")
            % {"amount": f"{loan.amount:,.2f}", "on": paid_on, "days": late}
        )
        LOAN.move(loan, to=S.REPAID, actor=actor, comment=note)
        loan.closed_on = paid_on
        loan.save(update_fields=["status", "closed_on", "updated_at"])
        _close_measure(actor, loan, MeasureStatus.DELIVERED, note, paid_on)
    return repayment


@transaction.atomic
def loan_convert(*, actor: User, loan: MicroLoan, reason: str, on: datetime.date | None = None) -> MicroLoan:
    """NR-LOAN-11: a household that no longer qualifies has its loan converted to an ordinary farmer loan (no
    subsidy from then on); its assistance measure stops."""
    loan = LOAN.lock(loan)
    require(permissions.can_manage(actor, loan.household))
    reason = required_text(reason, "reason", _("转换原因"))
    day = on or timezone.localdate()
    household = loan.household
    if not rules.convertible(
        still_eligible=household_eligible(household, day),
        borrower_present=loan.borrower.member_status == MemberStatus.PRESENT,
        household_open=household.closed_on is None,
    ):
        raise DomainError(_("该户仍符合脱贫人口小额信贷条件，不需转为普通农户贷款"), field="reason")
    LOAN.move(loan, to=S.CONVERTED, actor=actor, comment=reason)
    loan.closed_on = day
    loan.save(update_fields=["status", "closed_on", "updated_at"])
    _close_measure(actor, loan, MeasureStatus.STOPPED, _("已转为普通农户贷款：%(reason)s") % {"reason": reason}, day)
    return loan


@transaction.atomic
def loan_write_off(*, actor: User, loan: MicroLoan, reason: str) -> MicroLoan:
    """核销: a loan the bank writes off after its risk-compensation procedure; the reason is recorded."""
    loan = LOAN.lock(loan)
    require(permissions.can_manage(actor, loan.household))
    reason = required_text(reason, "reason", _("核销原因"))
    LOAN.move(loan, to=S.WRITTEN_OFF, actor=actor, comment=reason)
    loan.closed_on = timezone.localdate()
    loan.save(update_fields=["status", "closed_on", "updated_at"])
    _close_measure(actor, loan, MeasureStatus.STOPPED, _("贷款已核销：%(reason)s") % {"reason": reason}, loan.closed_on)
    return loan


@transaction.atomic
def loan_blacklist(*, actor: User, loan: MicroLoan, reason: str, on: datetime.date | None = None) -> MicroLoan:
    """NR-LOAN-11: malicious default puts the borrower on the list of dishonest debtors; only a loan in default
    (past its maturity with a balance) is listed, and the household borrows no more (NR-LOAN-08)."""
    loan = LOAN.lock(loan)
    require(permissions.can_manage(actor, loan.household))
    reason = required_text(reason, "reason", _("失信原因"))
    day = on or timezone.localdate()
    if loan.blacklisted:
        raise DomainError(_("该笔贷款已列入失信名单"), field="reason")
    if not (loan.maturity < day and facts.balance(loan) > 0 and loan.status != S.REPAID):
        raise DomainError(_("只有到期未还的贷款才能列入失信名单"), field="reason")
    loan.blacklisted = True
    loan.blacklisted_on = day
    loan.blacklist_reason = reason[:200]
    loan.save(update_fields=["blacklisted", "blacklisted_on", "blacklist_reason", "updated_at"])
    LOAN.note(loan, actor=actor, comment=_("列入失信债务人名单：%(reason)s") % {"reason": reason})
    return loan
