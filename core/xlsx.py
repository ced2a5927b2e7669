"""The one Excel writer (台账 and every other sheet the system writes): columns that carry their header, width and
kind together, and a sheet that writes them the same way everywhere — widths, a bold frozen header, a number format
per kind (yuan with two decimals, dates, percentages, counts), ID and household numbers as text (never 6.40324E+17),
running totals of the columns whose kind adds up, and, for a sheet people print, a page setup (``PageSetup``) with
long text wrapped in rows tall enough to show it. openpyxl in write-only mode, so rows stream and memory stays flat
(STYLE §5.6). The province's ledger layout (title block, one sheet per township) is ``ledgers.writer`` on top."""

from __future__ import annotations

import io
import math
import re
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
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

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
    MONEY = "money"  # an amount in yuan, two decimals, totalled
    # Yuan per person a year — a household's per-capita income, a monitoring or exit line: two decimals like money,
    # never totalled (the sum of a column of incomes per head, or of the same line on every row, means nothing).
    PER_CAPITA = "per_capita"
    INT = "int"  # a count (people, measures, beneficiaries), totalled
    DAYS = "days"  # a number of days (overdue): whole, never totalled
    DATE = "date"
    PCT = "pct"  # a share in percent, two decimals, never totalled

    @property
    def totalled(self) -> bool:
        """Whether a totals row adds the column up: amounts and counts do; per-capita figures, lines, shares, days,
        dates, codes and text do not."""
        return self in (Kind.MONEY, Kind.INT)


FORMATS = {
    Kind.MONEY: "#,##0.00",
    Kind.PER_CAPITA: "#,##0.00",
    Kind.DATE: "yyyy-mm-dd",
    Kind.PCT: "0.00",
    Kind.ID: "@",
    Kind.INT: "0",
    Kind.DAYS: "0",
}


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    kind: Kind = Kind.TEXT

    @property
    def totalled(self) -> bool:
        return self.kind.totalled


class Paper(Enum):
    """The paper sizes a sheet prints on, as the ``paperSize`` codes of SpreadsheetML."""

    A4 = 9
    A3 = 8


# A column-width unit is the width of a digit of the workbook's font (Calibri 11: 7 px, 5.25 pt). With the narrow
# margins below (a quarter inch each side), a landscape A4 page prints 806 pt of columns at 100 %: 153 units.
POINTS_PER_UNIT = 5.25
PRINTED_POINTS = {(Paper.A4, False): 559.0, (Paper.A4, True): 806.0, (Paper.A3, True): 1155.0}
# Scaled to fit the page's width, 11 pt text prints at 11 pt × scale. Below 55 % it is under 6 pt, smaller than the
# smallest print of the province's forms (小六, 6.5 pt): such a sheet goes on A3, where it prints at 6.5–8.5 pt.
MIN_SCALE = 0.55


@dataclass(frozen=True)
class PageSetup:
    """How a sheet prints, like the province's paper forms: on ``paper``, landscape or not, scaled to the page's
    width with the rows flowing on over as many pages as they need, the column headers repeated at the top of every
    page, narrow margins, centred, the grid printed, and a footer with "第 n 页 共 m 页". A sheet that prints also
    wraps long text and sets the height of every row that wraps (LibreOffice does not size the rows of a file that
    openpyxl wrote, so a row left at its default height clips its second line)."""

    paper: Paper = Paper.A4
    landscape: bool = True

    @classmethod
    def fitting(cls, columns: Sequence[Column]) -> PageSetup:
        """A4 upright for a narrow sheet, A4 across while its text prints at 6 pt or more, else A3 across."""
        width = sum(c.width for c in columns) * POINTS_PER_UNIT
        if width <= PRINTED_POINTS[(Paper.A4, False)]:
            return cls(Paper.A4, landscape=False)
        if width * MIN_SCALE <= PRINTED_POINTS[(Paper.A4, True)]:
            return cls(Paper.A4, landscape=True)
        return cls(Paper.A3, landscape=True)

    def scale(self, columns: Sequence[Column]) -> float:
        """The share of its size a sheet of ``columns`` prints at (at most 100 %)."""
        width = sum(c.width for c in columns) * POINTS_PER_UNIT
        return min(1.0, PRINTED_POINTS[(self.paper, self.landscape)] / width)


FOOTER_POINTS = 9  # the printed size of the footer
# Row heights in points for text in the workbook's 11 pt font: one line, and the padding of a row that wraps.
LINE_POINTS = 14.5
ROW_PADDING = 3.0


def room_of(width: float) -> float:
    """The width units of text a column ``width`` wide holds on one line: Excel draws it 7 × width px less 5 px of
    padding, and an 11 pt CJK character (two units here) 15 px wide; one unit less for a comma or closing bracket
    that is moved down a line rather than begin the next one."""
    return max(1.0, 0.93 * width - 1.0)


def text_units(text: str) -> float:
    """How wide ``text`` prints in column-width units: a CJK character (three bytes in UTF-8) two, any other 1.1
    (LibreOffice without Calibri draws Latin letters and digits a little wider). Measured on the UTF-8 length, so a
    row of 100,000 costs no loop over characters."""
    wide = (len(text.encode()) - len(text)) // 2
    return 2 * wide + 1.1 * (len(text) - wide)


def lines_of(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` units wide (its line breaks kept)."""
    room = room_of(width)
    return sum(max(1, math.ceil(text_units(part) / room)) for part in text.split("\n"))


def row_height(lines: int, *, size: float = 11) -> float:
    return round(lines * LINE_POINTS * size / 11 + ROW_PADDING, 1)


def _footer_text(text: str) -> str:
    return text.replace("&", "&&")  # "&" starts a code in a header or footer (&P, &N)


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


# Characters Excel refuses in a sheet's name; a name has at most 31 characters.
_NOT_IN_SHEET_NAMES = re.compile(r"[\\/*?:\[\]]")


def sheet_name(title: str) -> str:
    """A title as a sheet's name: the characters Excel refuses become "-", cut to 31 characters ("Sweep: 2026"
    in English is "Sweep- 2026")."""
    return _NOT_IN_SHEET_NAMES.sub("-", str(title)).strip("'")[:31] or "Sheet"


class Sheet:
    """One sheet being written: ``above`` are lines merged across the width over the header (a ledger's title, in
    bold, and its meta line), then the bold header row, frozen below; ``append`` writes a row in the columns'
    formats and keeps the totals; ``append_totals`` closes it with a 合计 row. With ``page`` the sheet prints as
    ``PageSetup`` says, ``footer`` (left and right) around the page numbers."""

    def __init__(
        self,
        workbook: Workbook,
        name: str,
        columns: Sequence[Column],
        *,
        above: Sequence[str] = (),
        page: PageSetup | None = None,
        footer: tuple[str, str] = ("", ""),
    ) -> None:
        self.columns = list(columns)
        self.sheet = workbook.create_sheet(sheet_name(name))
        for index, column in enumerate(self.columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.totals: list[Any] = [Decimal(0) if c.kind == Kind.MONEY else 0 for c in self.columns]
        self.rows = 0
        # One style per formatted column, built once: a styled cell per value copies it (setting number_format on
        # every cell would look the format up again each time); plain text goes in as a bare value.
        self._styles = [styled(self.sheet, None, c)._style if c.kind in FORMATS else None for c in self.columns]
        self._ids = [c.kind == Kind.ID for c in self.columns]
        self._totalled = [index for index, c in enumerate(self.columns) if c.totalled]
        # Printing: the text columns whose long values wrap, and the style of such a value (built once, like the
        # styles above). Only the cells that wrap are styled: a cell handed to openpyxl costs three bare values.
        self._wraps = (
            [(index, room_of(c.width), c.width) for index, c in enumerate(self.columns) if c.kind == Kind.TEXT]
            if page is not None
            else []
        )
        wrap = styled(self.sheet, None)
        wrap.alignment = Alignment(wrap_text=True)
        self._wrap: StyleArray = wrap._style
        # The height of the row being written, one object for every row that wraps (a new one per row costs
        # three times as much, and 100,000 rows must not keep 100,000 of them).
        self._height = RowDimension(self.sheet)
        last = get_column_letter(max(1, len(self.columns)))
        header_row = len(above) + 1
        self._row = header_row + 1  # the row the next ``append`` writes
        # Before any row: a write-only sheet writes its views (the frozen panes) and properties with the first row.
        self.sheet.freeze_panes = f"A{header_row + 1}"
        if page is not None:
            self._page_setup(page, header_row, footer)
        for row, text in enumerate(above, start=1):
            self.sheet.merged_cells.add(f"A{row}:{last}{row}")
            cell = make_inert(WriteOnlyCell(self.sheet, value=text))
            if row == 1:
                cell.font = Font(bold=True, size=14)
                cell.alignment = Alignment(horizontal="center", vertical="center")
                if page is not None:
                    self.sheet.row_dimensions[row].height = row_height(1, size=14) + 4
            self.sheet.append([cell])
        heads = []
        for column in self.columns:
            cell = make_inert(WriteOnlyCell(self.sheet, value=column.header))
            cell.font = Font(bold=True)
            if above or page is not None:
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            heads.append(cell)
        if page is not None:  # the tallest wrapped header sets the row's height, or it overlaps the first row
            lines = max((lines_of(c.header, c.width) for c in self.columns), default=1)
            self.sheet.row_dimensions[header_row].height = row_height(lines)
        self.sheet.append(heads)

    def _page_setup(self, page: PageSetup, header_row: int, footer: tuple[str, str]) -> None:
        sheet = self.sheet
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.page_setup.paperSize = page.paper.value
        sheet.page_setup.orientation = "landscape" if page.landscape else "portrait"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
        sheet.print_title_rows = f"{header_row}:{header_row}"
        sheet.print_options.horizontalCentered = True
        sheet.print_options.gridLines = True
        sheet.page_margins = PageMargins(left=0.25, right=0.25, top=0.4, bottom=0.55, header=0.2, footer=0.2)
        # The footer shrinks with the sheet (LibreOffice ignores Excel's scaleWithDoc="0"): written that much larger,
        # it prints at about 9 pt in both.
        size = min(24, round(FOOTER_POINTS / page.scale(self.columns)))
        left, right = footer
        for part, text in (
            (sheet.oddFooter.left, _footer_text(left)),
            (sheet.oddFooter.center, "第 &P 页 共 &N 页"),
            (sheet.oddFooter.right, _footer_text(right)),
        ):
            if text:
                part.text = text
                part.size = size

    def append(self, values: Sequence[Any]) -> None:
        sheet = self.sheet
        lines = 1
        styles = self._styles
        for index, room, width in self._wraps:
            value = values[index]
            # Most text fits: twice its length (every character CJK) within the room needs no measuring.
            if isinstance(value, str) and (len(value) * 2 > room or "\n" in value):
                wrapped = lines_of(value, width)
                if wrapped > 1:
                    if styles is self._styles:
                        styles = list(styles)
                    styles[index] = self._wrap
                    lines = max(lines, wrapped)
        cells: list[Any] = []
        for value, style, is_id in zip(values, styles, self._ids, strict=True):
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
        if lines > 1:
            # openpyxl writes the row as it is appended, with the dimension of its number then: set just for it.
            self._height.ht = row_height(lines)
            sheet.row_dimensions[self._row] = self._height
            sheet.append(cells)
            del sheet.row_dimensions[self._row]
        else:
            sheet.append(cells)
        self._row += 1
        for index in self._totalled:
            if values[index] is not None:
                self.totals[index] += values[index]
        self.rows += 1

    def append_totals(self, values: Sequence[Any] | None = None, *, label: str = "合计") -> None:
        """A bold totals row: ``values`` as given when the caller has exact sums of its own (the funds' selectors,
        its first cell the label), else ``label`` and the running totals of the totalled columns."""
        if values is None:
            values = [
                label,
                *(t if c.totalled else None for t, c in zip(self.totals[1:], self.columns[1:], strict=True)),
            ]
        cells = [styled(self.sheet, values[0], bold=True)]
        cells += [styled(self.sheet, v, c, bold=True) for v, c in zip(values[1:], self.columns[1:], strict=True)]
        self.sheet.append(cells)
        self._row += 1


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
