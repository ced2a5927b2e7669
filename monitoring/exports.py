"""Monitoring's printable exports: the public notice sheet as Excel (SPEC §4.6 EN-3, §4.8 "printable sheet"). Row data
comes from ``notices.notice_batch``; ID numbers arrive masked and are written as text."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from core.xlsx import make_inert
from monitoring.selectors.notices import NoticeSheet

HEADERS = ("序号", "户主姓名", "身份证号", "家庭人口", "类别", "理由")
WIDTHS = (6, 12, 22, 10, 16, 48)


def notice_sheet_xlsx(sheet: NoticeSheet) -> bytes:
    """One worksheet: a merged title, the period and place, the table, and where to object."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "公示"
    last = len(HEADERS)
    ws.append([sheet.title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([f"公示期：{sheet.starts_on:%Y年%m月%d日} 至 {sheet.ends_on:%Y年%m月%d日}    公示地点：{sheet.places}"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    ws.append(list(HEADERS))
    thin = Side(style="thin")
    for index, row in enumerate(sheet.rows, start=1):
        ws.append([index, row.head_name, row.id_number_masked, row.size, row.category, row.reason])
    for line in ws.iter_rows(min_row=1, max_row=ws.max_row):
        for cell in line:
            make_inert(cell)  # a reason or a name typed as a formula stays text (core.xlsx)
    for line in ws.iter_rows(min_row=3, max_row=ws.max_row):
        for cell in line:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.number_format = "@" if cell.column == 3 else cell.number_format
    for cell in ws[3]:
        cell.font = Font(bold=True)
    ws.append([])
    ws.append([sheet.where_to_object])
    make_inert(ws.cell(row=ws.max_row, column=1))
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=last)
    for column, width in zip("ABCDEF", WIDTHS, strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
