"""The yearly income import (收入导入): one row per household and year, identified by 户编号 as in the household
import, with the income components of ``IncomeRecord``. The same reader, spill and job lifecycle as the household
import (``households.imports.services``); this module is the layout, the blank or pre-filled template, the plan
(what a commit creates, corrects or leaves alone) and its write, which goes household by household through
``income_batch_save`` → ``income_record_save``, the one writer of income.

The amounts' rules (not negative, to the fen, policy transfers within transfers, the year) are
``income_amounts_clean``'s, which the preview runs on every row and the writer runs again; nothing here repeats them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from accounts.models import User
from core import xlsx
from core.errors import DomainError
from core.stored import stored
from geo.models import AdminArea
from households.imports.columns import Column, Kind, Layout
from households.imports.plan import chunks, existing_households
from households.imports.reading import Row, RowError, RowsRefused, Sheet, row_error
from households.models import Household, IncomeRecord
from households.services.access import require_open
from households.services.income import (
    COMPONENTS,
    LABELS,
    IncomeBatchRefused,
    IncomeEntry,
    income_amounts_clean,
    income_batch_save,
    income_unchanged,
)

# fmt: off
INCOME_COLUMNS: Final[tuple[Column, ...]] = (
    Column("household_no", "户编号", household=True, kind=Kind.TEXT, required=True, max_length=32,
           example="640324100201001", note="与农户档案中的户编号相同；按户编号找到农户。",
           aliases=("户码", "家庭编号")),
    Column("head_name", "户主姓名", household=True, kind=Kind.TEXT, max_length=50, example="张三",
           note="选填，用于核对：填写时须与该户登记的户主姓名一致。", aliases=("户主",)),
    Column("head_id_number", "户主身份证号", household=True, kind=Kind.ID_NUMBER, default=None,
           note="选填，用于核对：填写时须与该户登记的户主身份证号一致。请将此列设为“文本”格式。",
           aliases=("户主身份证号码", "户主公民身份号码")),
    Column("year", "年度", household=False, kind=Kind.YEAR, required=True, example=2025,
           note="收入所属年度，如 2025；同一户同一年度只能有一行。", aliases=("收入年度",)),
    *(
        Column(name, LABELS[name], household=False, kind=Kind.MONEY, default=None, example="0",
               note="留空按 0 元；整行收入都留空时跳过该行。",
               aliases=(LABELS[name].removeprefix("其中："),) if LABELS[name].startswith("其中：") else ())
        for name in COMPONENTS
    ),
)
# fmt: on
INCOME: Final = Layout(
    columns=INCOME_COLUMNS,
    sheet_headers=("户编号", "年度"),
    too_many_rows=gettext_noop("文件超过 %(rows)s 行收入数据，请按乡镇分成几个文件导入"),
)
EMPTY: Final = gettext_noop("文件中没有收入数据：请从第 2 行起每行填写一户一个年度的收入")

BY_KEY: Final = INCOME.by_key


def _error(row: int, key: str | None, message: str) -> RowError:
    return row_error(row, BY_KEY.get(key or ""), message, layout=INCOME)


@dataclass
class IncomePlan:
    """What a commit writes: per year, the entries that change a household's income; nothing is written until
    ``income_plan_apply``."""

    errors: list[RowError] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    entries: dict[int, list[IncomeEntry]] = field(default_factory=lambda: defaultdict(list))
    rows: dict[tuple[int, int], int] = field(default_factory=dict)  # (household pk, year) → row number

    def summary(self) -> dict[str, int]:
        keys = ("incomes_created", "incomes_corrected", "incomes_unchanged", "incomes_skipped")
        return {key: self.counts[key] for key in keys}


def income_plan_build(sheet: Sheet, *, actor: User, area: AdminArea, lock: bool = False) -> IncomePlan:
    """Check the rows of a bucket against the registry and work out what to create, correct or leave alone. A
    household must be one the importing user may update inside the job's area; any other number, registered
    elsewhere or nowhere, gets the same answer, so the import tells nothing about households outside the area."""
    plan = IncomePlan(errors=list(sheet.errors))
    bad_rows = {error.row for error in plan.errors}
    numbers = sorted({row["household_no"] for row in sheet.rows if row.ok("household_no")})
    households = existing_households(numbers, actor=actor, area=area, lock=lock, with_head=True)
    records = _records([h for h in households.values() if isinstance(h, Household)])
    first_seen: dict[tuple[str, int], int] = {}
    for row in sheet.rows:
        errors = _row_errors(row, households, first_seen)
        plan.errors.extend(errors)
        if errors or row.number in bad_rows:
            continue  # not planned: a file with errors is never committed, and the counts would mislead
        household: Household = households[row["household_no"]]
        year: int = row["year"]
        amounts = {name: row[name] for name in COMPONENTS if row[name] is not None}
        if not amounts:
            plan.counts["incomes_skipped"] += 1  # a pre-filled row nobody filled in: nothing to record
            continue
        try:
            clean = income_amounts_clean(year=year, month=None, amounts=amounts)
        except DomainError as exc:
            plan.errors.append(_error(row.number, exc.field if exc.field in BY_KEY else "year", exc.stored))
            continue
        record = records.get((household.pk, year))
        if income_unchanged(record, clean):
            plan.counts["incomes_unchanged"] += 1
            continue
        plan.counts["incomes_created" if record is None else "incomes_corrected"] += 1
        plan.entries[year].append(IncomeEntry(household=household, amounts=clean))
        plan.rows[(household.pk, year)] = row.number
    plan.errors.sort()
    return plan


def _records(households: Sequence[Household]) -> dict[tuple[int, int], IncomeRecord]:
    """The yearly records of these households, by household and year."""
    found: dict[tuple[int, int], IncomeRecord] = {}
    for batch in chunks([h.pk for h in households]):
        for record in IncomeRecord.objects.filter(household_id__in=batch, month__isnull=True):
            found[(record.household_id, record.year)] = record
    return found


def _row_errors(row: Row, households: dict[str, Any], first_seen: dict[tuple[str, int], int]) -> list[RowError]:
    if not row.ok("household_no"):
        return []
    number = row["household_no"]
    household = households.get(number)
    if not isinstance(household, Household):
        message = stored(gettext_noop("户编号“%(number)s”不在您的管辖范围内，或尚未登记"), number=number)
        return [_error(row.number, "household_no", message)]
    errors = []
    try:
        require_open(household)
    except DomainError as exc:
        errors.append(_error(row.number, "household_no", exc.stored))
    name = row["head_name"]
    if row.ok("head_name") and name and name != household.head_name:
        message = stored(
            gettext_noop("与户编号“%(number)s”登记的户主“%(name)s”不一致，请核对户编号"),
            number=number,
            name=household.head_name,
        )
        errors.append(_error(row.number, "head_name", message))
    id_number = row["head_id_number"]
    if row.ok("head_id_number") and id_number and (household.head is None or household.head.id_number != id_number):
        message = stored(gettext_noop("与户编号“%(number)s”登记的户主身份证号不一致，请核对户编号"), number=number)
        errors.append(_error(row.number, "head_id_number", message))
    if row.ok("year"):
        key = (number, row["year"])
        if key in first_seen:
            message = stored(gettext_noop("与第 %(row)s 行重复：同一户同一年度只能填写一行"), row=first_seen[key])
            errors.append(_error(row.number, "year", message))
        else:
            first_seen[key] = row.number
    return errors


def income_plan_apply(plan: IncomePlan, *, actor: User) -> None:
    """Write a plan without errors, inside the commit's transaction: each year's entries through
    ``income_batch_save``, household by household through the one writer. A refusal there (a household changed
    since the preview) becomes the row's error, and the commit rolls everything back."""
    assert not plan.errors
    for year, entries in sorted(plan.entries.items()):
        try:
            income_batch_save(actor=actor, year=year, entries=entries)
        except IncomeBatchRefused as exc:
            number = plan.rows.get((exc.household_pk, year), 0)
            raise RowsRefused(
                [_error(number, exc.field if exc.field in BY_KEY else "household_no", exc.stored)]
            ) from exc
        except DomainError as exc:
            raise RowsRefused([_error(0, None, exc.stored)]) from exc


# ---------------------------------------------------------------------------------------------------- the template

TEMPLATE_SHEET: Final = "年度收入"
# How each column is written: numbers the user types as text (never 6.40324E+17), amounts in yuan.
_CELLS: Final = {
    Kind.TEXT: xlsx.Kind.TEXT,
    Kind.ID_NUMBER: xlsx.Kind.ID,
    Kind.YEAR: xlsx.Kind.TEXT,
    Kind.MONEY: xlsx.Kind.MONEY,
}
_TEXT_KEYS: Final = ("household_no", "head_id_number")
GENERAL_RULES: Final = (
    "1. 每户每个年度一行：填写户编号、年度和各项收入（元）。户主姓名、户主身份证号选填，填写时用于核对户编号。",
    "2. 第 1 行为列标题，请勿修改；可删除选填列，也可增加其他列（导入时忽略）。",
    "3. 收入项目留空按 0 元；整行收入都留空的行跳过，不会录入。",
    "4. 政策性转移收入是转移性收入的一部分，不能大于转移性收入；金额不能为负数，最多保留两位小数。",
    "5. 只能导入您管辖范围内、未注销的农户。",
    "6. 再次导入同一文件不会重复录入：按户编号和年度匹配，金额有变化的才更正，原数据保留在变更记录中。",
    "7. 文件中任何一行有错误时，整个文件都不会保存；请按错误清单修改后重新上传。",
)


def income_template_workbook(*, rows: Iterable[Sequence[object]] = ()) -> tuple[bytes, int]:
    """The template as .xlsx bytes and its count of filled rows: the header, ``rows`` already filled in (a village's
    households for the year, pre-filled by the caller, already scoped), and the instructions."""
    workbook = Workbook(write_only=True)
    columns = [
        xlsx.Column(column.header, max(12, len(column.header) * 2 + 4), xlsx.Kind.ID if column.key in _TEXT_KEYS
                    else _CELLS[column.kind])
        for column in INCOME_COLUMNS
    ]  # fmt: skip
    data = xlsx.Sheet(workbook, TEMPLATE_SHEET, columns)
    for index, column in enumerate(INCOME_COLUMNS, start=1):
        if column.key in _TEXT_KEYS:  # what the user types there stays text (never 6.40324E+17)
            data.sheet.column_dimensions[get_column_letter(index)].number_format = "@"
    for row in rows:
        data.append(row)
    notes = xlsx.Sheet(workbook, "填写说明", [xlsx.Column("收入导入模板填写说明", 100)])
    for line in GENERAL_RULES:
        notes.append([line])
    notes.append([""])
    for column in INCOME_COLUMNS:
        required = "必填" if column.required else "选填"
        notes.append([f"{column.header}（{required}）：{column.allowed}。{column.note}"])
    return xlsx.workbook_bytes(workbook), data.rows
