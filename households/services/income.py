"""Income and rigid-expenditure writes (SPEC §3.1, §3.3). Money is Decimal to the fen; nothing is a float."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Capability
from core.errors import DomainError
from households.choices import RigidExpenseKind
from households.facts import facts_refresh_households
from households.models import Household, IncomeRecord, RigidExpense
from households.services.access import require_household, require_open

COMPONENTS = (
    "wage_income",
    "business_income",
    "business_expense",
    "property_income",
    "transfer_income",
    "policy_transfer_income",
    "medical_self_pay",
    "schooling_expense",
)
LABELS = {field: str(getattr(IncomeRecord._meta.get_field(field), "verbose_name", field)) for field in COMPONENTS}
FIRST_YEAR = 2014  # 建档立卡 began in 2014 (SPEC §0 #29); no registry income is older


@transaction.atomic
def income_record_save(
    *,
    actor: User,
    household: Household,
    year: int,
    month: int | None,
    amounts: dict[str, Decimal],
    note: str = "",
) -> tuple[IncomeRecord, bool]:
    """Create or correct the income of one year (month None) or one month; returns (record, created).
    A correction keeps the former figures in the record's history."""
    require_household(actor, household, Capability.EDIT_HOUSEHOLD)
    require_open(household)
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise DomainError(f"年度须在 {FIRST_YEAR} 至 {today.year} 之间", field="year")
    if month is not None and not 1 <= month <= 12:
        raise DomainError("月份须为 1 至 12", field="month")
    if month is not None and (year, month) > (today.year, today.month):
        raise DomainError("不能录入未来月份的收入", field="month")
    unknown = set(amounts) - set(COMPONENTS)
    if unknown:
        raise DomainError(f"未知的收入项目：{'、'.join(sorted(unknown))}", field=sorted(unknown)[0])
    clean: dict[str, Decimal] = {}
    for field, value in amounts.items():
        amount = Decimal(value)
        if amount < 0:
            raise DomainError(f"{LABELS[field]}不能为负数", field=field)
        if amount != amount.quantize(Decimal("0.01")):
            raise DomainError(f"{LABELS[field]}最多保留两位小数（到分）", field=field)
        clean[field] = amount
    if clean.get("policy_transfer_income", Decimal(0)) > clean.get("transfer_income", Decimal(0)):
        raise DomainError("政策性转移收入不能大于转移性收入", field="policy_transfer_income")
    record = IncomeRecord.objects.select_for_update().filter(household=household, year=year, month=month).first()
    created = record is None
    if record is None:
        record = IncomeRecord(household=household, year=year, month=month)
    for field in COMPONENTS:
        setattr(record, field, clean.get(field, Decimal(0)))
    record.note = note
    record.recorded_by = actor
    record._change_reason = "录入收入" if created else "更正收入"  # type: ignore[attr-defined]  # read by simple_history
    record.save()
    facts_refresh_households([household.pk])
    return record, created


@transaction.atomic
def rigid_expense_add(
    *,
    actor: User,
    household: Household,
    incurred_on: datetime.date,
    kind: str,
    gross_amount: Decimal,
    reimbursed_amount: Decimal = Decimal(0),
    note: str = "",
) -> RigidExpense:
    """Record a rigid expenditure (SPEC §3.3): medical self-pay, education, disaster, accident …"""
    require_household(actor, household, Capability.EDIT_HOUSEHOLD)
    require_open(household)
    if kind not in RigidExpenseKind.values:
        raise DomainError("请选择支出类别", field="kind")
    if incurred_on > timezone.localdate():
        raise DomainError("发生日期不能晚于今天", field="incurred_on")
    if gross_amount <= 0:
        raise DomainError("总金额须大于 0", field="gross_amount")
    if reimbursed_amount < 0 or reimbursed_amount > gross_amount:
        raise DomainError("报销金额须在 0 与总金额之间", field="reimbursed_amount")
    expense = RigidExpense.objects.create(
        household=household,
        incurred_on=incurred_on,
        kind=kind,
        gross_amount=gross_amount,
        reimbursed_amount=reimbursed_amount,
        note=note,
        recorded_by=actor,
    )
    facts_refresh_households([household.pk])
    return expense
