"""Income and rigid-expenditure writes (SPEC §3.1, §3.3). Money is Decimal to the fen; nothing is a float."""

import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
# The components' names as the province's forms print them (the import's column headers): Chinese whatever the reader's
# language. A message names a component in the reader's language (``label_of``).
LABELS = {field: str(getattr(IncomeRecord._meta.get_field(field), "verbose_name", field)) for field in COMPONENTS}


def label_of(field: str) -> str:
    return str(getattr(IncomeRecord._meta.get_field(field), "verbose_name", field))


# What an amount column holds (12 digits, 2 of them decimals): larger is a typing error, refused in words.
LIMIT = Decimal(10) ** (IncomeRecord._meta.get_field("wage_income").max_digits - 2)
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
    clean = income_amounts_clean(year=year, month=month, amounts=amounts)
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


def income_amounts_clean(*, year: int, month: int | None, amounts: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """The checks of one income entry (SPEC §3.1): the period, known components, amounts to the fen and not
    negative, policy transfers within transfers. ``income_record_save`` runs them before it writes; an import's
    preview runs them alone, to report every row's problems without writing. Raises DomainError naming the field."""
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise DomainError(
            _("年度须在 %(FIRST_YEAR)s 至 %(year)s 之间") % {"FIRST_YEAR": FIRST_YEAR, "year": today.year}, field="year"
        )
    if month is not None and not 1 <= month <= 12:
        raise DomainError(_("月份须为 1 至 12"), field="month")
    if month is not None and (year, month) > (today.year, today.month):
        raise DomainError(_("不能录入未来月份的收入"), field="month")
    unknown = set(amounts) - set(COMPONENTS)
    if unknown:
        raise DomainError(
            _("未知的收入项目：%(join)s") % {"join": "、".join(sorted(unknown))}, field=sorted(unknown)[0]
        )
    clean: dict[str, Decimal] = {}
    for field, value in amounts.items():
        amount = Decimal(value)
        if amount < 0:
            raise DomainError(_("%(item)s不能为负数") % {"item": label_of(field)}, field=field)
        if amount != amount.quantize(Decimal("0.01")):
            raise DomainError(_("%(item)s最多保留两位小数（到分）") % {"item": label_of(field)}, field=field)
        if amount >= LIMIT:
            raise DomainError(
                _("%(item)s过大：须小于 %(LIMIT)s 元，请核对是否多填了位数")
                % {"item": label_of(field), "LIMIT": format(LIMIT, ",")},
                field=field,
            )
        clean[field] = amount
    if clean.get("policy_transfer_income", Decimal(0)) > clean.get("transfer_income", Decimal(0)):
        raise DomainError(_("政策性转移收入不能大于转移性收入"), field="policy_transfer_income")
    return clean


def income_unchanged(record: IncomeRecord | None, amounts: Mapping[str, Decimal]) -> bool:
    """Whether saving ``amounts`` (a missing component is 0) would leave ``record`` as it is: such an entry is not
    written again, so a re-collected year or a re-imported file adds no history."""
    if record is None:
        return False
    return all(getattr(record, field) == Decimal(amounts.get(field, 0)) for field in COMPONENTS)


# ------------------------------------------------------------------------------------- annual collection (收入采集)


@dataclasses.dataclass(frozen=True)
class IncomeEntry:
    """One household's income of the collected year, as a row of the grid or of an import file gives it."""

    household: Household
    amounts: Mapping[str, Decimal]  # a missing component is 0
    # The figures the page showed when the row was edited (None: no check, an import file speaks for itself). If
    # the record no longer holds them, someone saved the household since, and the row would overwrite that unseen.
    shown: Mapping[str, Decimal] | None = None


@dataclasses.dataclass
class IncomeBatchResult:
    created: int = 0
    corrected: int = 0
    unchanged: int = 0


class IncomeBatchRefused(DomainError):
    """One household of a batch was refused; the message names it and the field, and nothing was saved."""

    def __init__(self, message: str, *, household_pk: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.household_pk = household_pk


def income_batch_refusal(household: Household, message: str, field: str | None = None) -> str:
    """The refusal of a batch as the user reads it: the household by its head and number, the field, the reason."""
    label = label_of(field) if field is not None and field in COMPONENTS else _("年度") if field == "year" else ""
    where = _("“%(label)s”") % {"label": label} if label and label not in message else ""
    return _("%(head)s（户编号 %(number)s）%(where)s：%(reason)s。未保存任何一户，请更正后重新提交") % {
        "head": household.head_name,
        "number": household.household_no,
        "where": where,
        "reason": message.rstrip("。"),
    }


def income_batch_save(*, actor: User, year: int, entries: Sequence[IncomeEntry]) -> IncomeBatchResult:
    """Annual income collection (SPEC §3.1): the yearly income of many households, each through
    ``income_record_save`` in order, all in one transaction that stops at the first refusal (``IncomeBatchRefused``
    naming the household and the field) and saves nothing. An entry that would not change its record is not
    written again, so collecting a village twice adds no history."""
    try:
        return _income_batch_save(actor=actor, year=year, entries=entries)
    except IntegrityError as exc:
        # Someone recorded one of these households' year between our lock and our insert; all was rolled back.
        raise DomainError(_("保存时与他人同时进行的修改冲突，未保存任何一户；请重新提交")) from exc


@transaction.atomic
def _income_batch_save(*, actor: User, year: int, entries: Sequence[IncomeEntry]) -> IncomeBatchResult:
    if len({entry.household.pk for entry in entries}) != len(entries):
        raise DomainError(_("同一户在本次提交中出现了两次"), field="household")
    # Locked in primary-key order before any write, so that two batches over the same households queue up.
    existing = {
        record.household_id: record
        for record in IncomeRecord.objects.select_for_update()
        .filter(household__in=[entry.household.pk for entry in entries], year=year, month__isnull=True)
        .order_by("pk")
    }
    result = IncomeBatchResult()
    for entry in entries:
        record = existing.get(entry.household.pk)
        try:
            if entry.shown is not None and not _holds(record, entry.shown):
                raise DomainError(_("该户本年度收入在您打开本页后已被他人修改，请刷新页面后重新填写"))
            if income_unchanged(record, entry.amounts):
                result.unchanged += 1
                continue
            _record, created = income_record_save(
                actor=actor,
                household=entry.household,
                year=year,
                month=None,
                amounts=dict(entry.amounts),
                note=record.note if record is not None else "",
            )
        except PermissionDenied as exc:  # inside the user's area, but not a household they may edit
            message = income_batch_refusal(entry.household, _("您无权录入该户的收入"))
            raise IncomeBatchRefused(message, household_pk=entry.household.pk) from exc
        except DomainError as exc:
            message = income_batch_refusal(entry.household, exc.message, exc.field)
            raise IncomeBatchRefused(message, household_pk=entry.household.pk, field=exc.field) from exc
        if created:
            result.created += 1
        else:
            result.corrected += 1
    return result


def _holds(record: IncomeRecord | None, shown: Mapping[str, Decimal]) -> bool:
    """Whether the record still holds what the page showed (no record: the page showed no figures)."""
    if record is None:
        return not any(shown.values())
    return income_unchanged(record, shown)


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
        raise DomainError(_("请选择支出类别"), field="kind")
    if incurred_on > timezone.localdate():
        raise DomainError(_("发生日期不能晚于今天"), field="incurred_on")
    if gross_amount <= 0:
        raise DomainError(_("总金额须大于 0"), field="gross_amount")
    if reimbursed_amount < 0 or reimbursed_amount > gross_amount:
        raise DomainError(_("报销金额须在 0 与总金额之间"), field="reimbursed_amount")
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
