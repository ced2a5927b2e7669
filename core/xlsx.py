"""The one Excel writer (台账 and every other sheet the system writes): columns that carry their header, width and
kind together, and a sheet that writes them the same way everywhere — widths, a bold frozen header, a number format
per kind (yuan with two decimals, dates, percentages, counts), ID and household numbers as text (never 6.40324E+17),
running totals of the totalled columns. openpyxl in write-only mode, so rows stream and memory stays flat
(STYLE §5.6). The province's ledger layout (title block, one sheet per township) is ``ledgers.writer`` on top."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any
from urllib.parse import quote

from django.dispatch import Signal
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Sent for every Excel file a page hands out at once (a ledger export records itself as it runs): the ledgers app
# keeps it on the same audit list as the ledger exports — who, what, which place and filters, how many rows, the file
# and its checksum (README, "every export is an audit row").
excel_handed_out = Signal()


# Formula injection (OWASP "CSV injection"): a spreadsheet runs a text cell as a formula when it starts with "=", or
# once someone edits a cell that starts with "+", "-", "@", a tab or a carriage return. A household's address or a
# project's name is typed by people, so every text cell the system writes that starts so is made inert: stored as
# text with the quote prefix, the workbook form of OWASP's leading apostrophe — the cell shows the text as typed and
# stays text when edited, and =HYPERLINK(...) in an address is never a link that sends the row's ID number away.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def make_inert(cell: Any) -> Any:
    """``cell`` (of any openpyxl worksheet) as text with the quote prefix when its value is formula-like."""
    if formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


class Kind(Enum):
    TEXT = "text"
    ID = "id"  # an ID, household or area number: always text (masked by the caller unless the role may see it)
    MONEY = "money"  # yuan with two decimals, totalled
    INT = "int"  # a count, totalled
    DATE = "date"
    PCT = "pct"  # a share in percent, two decimals


FORMATS = {
    Kind.MONEY: "#,##0.00",
    Kind.DATE: "yyyy-mm-dd",
    Kind.PCT: "0.00",
    Kind.ID: "@",
    Kind.INT: "0",
}


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    kind: Kind = Kind.TEXT

    @property
    def totalled(self) -> bool:
        return self.kind in (Kind.MONEY, Kind.INT)


def styled(sheet: Any, value: Any, column: Column | None = None, *, bold: bool = False) -> Any:
    """One cell with its column's format (and bold, for headers and totals)."""
    if column is not None and column.kind == Kind.ID and value is not None:
        value = str(value)
    cell = make_inert(WriteOnlyCell(sheet, value=value))
    if column is not None and column.kind in FORMATS:
        cell.number_format = FORMATS[column.kind]
    if bold:
        cell.font = Font(bold=True)
    return cell


class Sheet:
    """One sheet being written: ``above`` are lines merged across the width over the header (a ledger's title, in
    bold, and its meta line), then the bold header row, frozen below; ``append`` writes a row in the columns'
    formats and keeps the totals; ``append_totals`` closes it with a 合计 row."""

    def __init__(self, workbook: Workbook, name: str, columns: Sequence[Column], *, above: Sequence[str] = ()) -> None:
        self.columns = list(columns)
        self.sheet = workbook.create_sheet(name[:31])
        for index, column in enumerate(self.columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.totals: list[Any] = [Decimal(0) if c.kind == Kind.MONEY else 0 for c in self.columns]
        self.rows = 0
        # One style per formatted column, built once: a styled cell per value copies it (setting number_format on
        # every cell would look the format up again each time); plain text goes in as a bare value.
        self._styles = [styled(self.sheet, None, c)._style if c.kind in FORMATS else None for c in self.columns]
        self._ids = [c.kind == Kind.ID for c in self.columns]
        self._totalled = [index for index, c in enumerate(self.columns) if c.totalled]
        last = get_column_letter(max(1, len(self.columns)))
        # Before any row: a write-only sheet writes its views (the frozen panes) with the first row.
        self.sheet.freeze_panes = f"A{len(above) + 2}"
        for row, text in enumerate(above, start=1):
            self.sheet.merged_cells.add(f"A{row}:{last}{row}")
            cell = make_inert(WriteOnlyCell(self.sheet, value=text))
            if row == 1:
                cell.font = Font(bold=True, size=14)
                cell.alignment = Alignment(horizontal="center")
            self.sheet.append([cell])
        heads = []
        for column in self.columns:
            cell = make_inert(WriteOnlyCell(self.sheet, value=column.header))
            cell.font = Font(bold=True)
            if above:
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            heads.append(cell)
        self.sheet.append(heads)

    def append(self, values: Sequence[Any]) -> None:
        sheet = self.sheet
        cells: list[Any] = []
        for value, style, is_id in zip(values, self._styles, self._ids, strict=True):
            if is_id and value is not None:
                value = str(value)
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                # Its own copy of the column's style: the quote prefix must not reach the column's other cells.
                own = StyleArray(style) if style is not None else None
                cells.append(make_inert(Cell(sheet, row=1, column=1, value=value, style_array=own)))
            elif value is None or style is None:
                cells.append(value)
            else:
                cells.append(Cell(sheet, row=1, column=1, value=value, style_array=style))
        sheet.append(cells)
        for index in self._totalled:
            if values[index] is not None:
                self.totals[index] += values[index]
        self.rows += 1

    def append_totals(self, values: Sequence[Any] | None = None) -> None:
        """A bold totals row: ``values`` as given when the caller has exact sums of its own (the funds' selectors,
        its first cell the label), else 合计 and the running totals of the totalled columns."""
        if values is None:
            values = [
                "合计",
                *(t if c.totalled else None for t, c in zip(self.totals[1:], self.columns[1:], strict=True)),
            ]
        cells = [styled(self.sheet, values[0], bold=True)]
        cells += [styled(self.sheet, v, c, bold=True) for v, c in zip(values[1:], self.columns[1:], strict=True)]
        self.sheet.append(cells)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def excel_download(
    request: HttpRequest,
    content: bytes,
    *,
    filename: str,
    kind: str,
    title: str,
    area: Any,
    rows: int,
    filters: dict[str, str] | None = None,
    streaming: bool = True,
) -> HttpResponseBase:
    """Hand ``content`` to the user as ``filename``, on the audit list first (``excel_handed_out``): ``kind`` is a
    short code of what it is (``FUNDS``, ``PROBLEMS`` …), ``area`` the place it covers. ``streaming=False`` answers
    with the bytes in the response body instead of a file stream."""
    excel_handed_out.send(
        sender=excel_download,
        user=request.user,
        kind=kind,
        title=title,
        area=area,
        rows=rows,
        filters=filters or {},
        content=content,
        filename=filename,
    )
    if streaming:
        return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
