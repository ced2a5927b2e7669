"""Reading a department's screening list (SPEC §6.3; the layout is docs/screening-template.md). Row-level checks
only, no database: every bad cell is reported with its row and column, and the import saves nothing while any
remains."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any, Final

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.stored import shown, stored
from core.uploads import UploadRefused, budgeted_rows, open_workbook
from households import idnumbers
from households.imports.columns import FORMULA_REFUSED, cell_text, formula_in, header_key
from sweeps.screening_catalogue import EventType, event_type_by_label

MAX_ROWS: Final = 50_000
PROGRESS_EVERY: Final = 500  # rows between two progress reports (one short UPDATE each)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()


COLUMNS: Final = (
    Column("id_number", "身份证号", required=True, aliases=("公民身份号码", "证件号码", "id_number")),
    Column("name", "姓名", aliases=("name",)),
    Column("area_code", "区划代码", aliases=("area_code",)),
    Column("event_type", "预警类型", required=True, aliases=("event_type", "类型")),
    Column("event_date", "发生日期", aliases=("event_date", "日期")),
    Column("amount", "金额（元）", aliases=("金额", "amount")),
    Column("detail", "详情", aliases=("detail", "说明")),
    Column("department_ref", "部门编号", aliases=("department_ref", "编号")),
)
_BY_HEADER: Final = {header_key(name): column for column in COLUMNS for name in (column.header, *column.aliases)}


class ScreeningFileError(DomainError):
    """The file cannot be read as a screening list at all."""


@dataclass(frozen=True, order=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        values = {"row": self.row, "column": self.column, "message": shown(self.message)}
        if self.column:
            return gettext("第 %(row)s 行“%(column)s”：%(message)s") % values
        return gettext("第 %(row)s 行：%(message)s") % values


@dataclass
class ScreenedRow:
    number: int
    id_number: str
    name: str
    area_code: str
    event: EventType
    event_date: datetime.date | None
    amount: Decimal | None
    detail: str
    department_ref: str


@dataclass
class ScreeningSheet:
    rows: list[ScreenedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _date(value: Any) -> datetime.date | None:
    if value is None or cell_text(value) == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value).replace("/", "-").replace(".", "-")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(stored(gettext_noop("日期格式应为 2026-03-15"))) from exc


def _amount(value: Any) -> Decimal | None:
    text = cell_text(value).replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ValueError(stored(gettext_noop("金额应为数字"))) from exc
    if amount < 0:
        raise ValueError(stored(gettext_noop("金额不能为负数")))
    return amount


def read_screening(
    source: IO[bytes],
    *,
    department: str,
    today: datetime.date,
    seconds: float | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ScreeningSheet:
    """Parse the first sheet (read-only, values only); ``department`` decides which event types are allowed. The
    file passes the upload checks first and is read within the budgets of ``core.uploads`` (``seconds``).
    ``on_progress(rows_read, estimated_total)`` is called every ``PROGRESS_EVERY`` rows and at the end."""
    try:
        workbook = open_workbook(source)  # formulas as written: a formula in a data cell is refused (formula_in)
    except UploadRefused as exc:
        raise ScreeningFileError(exc.stored) from exc
    sheet = ScreeningSheet()
    try:
        worksheet = workbook.worksheets[0]
        # The <dimension> element (read when the workbook was opened) estimates the rows for the progress bar only:
        # some writers leave it wrong.
        estimate = max((worksheet.max_row or 1) - 1, 0)
        worksheet.reset_dimensions()
        cells = budgeted_rows(worksheet.iter_rows(values_only=True), seconds=seconds)
        positions: dict[int, Column] = {}
        for position, value in enumerate(next(cells, ())):
            column = _BY_HEADER.get(header_key(value))
            if column is not None and column not in positions.values():
                positions[position] = column
        missing = [column.header for column in COLUMNS if column.required and column not in positions.values()]
        if missing:
            sheet.errors += [
                RowError(1, header, stored(gettext_noop("缺少必填列；请使用本部门的筛查模板，第 1 行为列标题")))
                for header in missing
            ]
            return sheet
        read = 0
        for read, values in enumerate(cells, start=1):
            number = read + 1  # the header is row 1
            if on_progress is not None and read % PROGRESS_EVERY == 0:
                on_progress(read, max(estimate, read))
            if not any(cell_text(value) for value in values):
                continue
            if len(sheet.rows) + len(sheet.errors) >= MAX_ROWS:
                raise ScreeningFileError(_("文件超过 %(rows)s 行，请分批上传") % {"rows": MAX_ROWS})
            raw = {column.key: values[p] if p < len(values) else None for p, column in positions.items()}
            row = _row(number, raw, department=department, today=today, errors=sheet.errors)
            if row is not None:
                sheet.rows.append(row)
        if on_progress is not None:
            on_progress(read, read)
    except UploadRefused as exc:
        raise ScreeningFileError(exc.stored) from exc
    finally:
        workbook.close()
    return sheet


def _row(
    number: int, raw: dict[str, Any], *, department: str, today: datetime.date, errors: list[RowError]
) -> ScreenedRow | None:
    headers = {column.key: column.header for column in COLUMNS}
    found = [RowError(number, headers[key], FORMULA_REFUSED) for key, value in raw.items() if formula_in(value)]
    if found:
        errors.extend(found)
        return None
    id_number = idnumbers.normalize(cell_text(raw.get("id_number")))
    try:
        idnumbers.parse(id_number, today=today)
    except idnumbers.IdNumberError as exc:
        found.append(RowError(number, headers["id_number"], exc.message))
    event = event_type_by_label(department, cell_text(raw.get("event_type")))
    if event is None:
        found.append(
            RowError(
                number,
                headers["event_type"],
                stored(gettext_noop("“%(text)s”不是本部门的预警类型"), text=cell_text(raw.get("event_type"))),
            )
        )
    event_date = amount = None
    try:
        event_date = _date(raw.get("event_date"))
        if event_date is not None and event_date > today:
            found.append(RowError(number, headers["event_date"], stored(gettext_noop("日期不能晚于今天"))))
    except ValueError as exc:
        found.append(RowError(number, headers["event_date"], exc.args[0]))
    try:
        amount = _amount(raw.get("amount"))
    except ValueError as exc:
        found.append(RowError(number, headers["amount"], exc.args[0]))
    area_code = cell_text(raw.get("area_code"))
    if area_code and not (area_code.isdigit() and len(area_code) in (6, 9, 12)):
        found.append(RowError(number, headers["area_code"], stored(gettext_noop("区划代码应为 6、9 或 12 位数字"))))
    detail = cell_text(raw.get("detail"))
    if len(detail) > 200:
        found.append(
            RowError(
                number,
                headers["detail"],
                stored(gettext_noop("不能超过 %(limit)s 个字，实际 %(length)s 个字"), limit=200, length=len(detail)),
            )
        )
    if found or event is None:
        errors.extend(found)
        return None
    return ScreenedRow(
        number=number,
        id_number=id_number,
        name=cell_text(raw.get("name"))[:50],
        area_code=area_code,
        event=event,
        event_date=event_date,
        amount=amount,
        detail=detail,
        department_ref=cell_text(raw.get("department_ref"))[:60],
    )
