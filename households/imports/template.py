"""The blank import template, generated on request (docs/import-template.md): the data sheet with the header row,
the instructions with an example row, the allowed values, and the villages the user may import into."""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from geo.models import AdminArea
from households.imports.columns import COLUMNS, Column, Kind, choice_labels

DATA_SHEET = "农户成员"
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_HEADER_FILL = PatternFill("solid", fgColor="E2EFDA")
_BOLD = Font(bold=True)
_TEXT = "@"  # Excel's "text" number format: keeps ID numbers and codes exactly as typed
_WIDTH = {Kind.ID_NUMBER: 22, Kind.AREA_CODE: 16, Kind.TEXT: 14, Kind.PHONE: 14}

GENERAL_RULES = (
    "1. 每名家庭成员一行；同一户的每一行重复填写相同的户编号、村代码、住址等户信息。",
    "2. 第 1 行为列标题，请勿修改；可删除选填列，也可增加其他列（导入时忽略）。",
    "3. 性别和出生日期由身份证号自动得出，无需填写。",
    "4. 再次导入同一文件不会重复建户：按户编号匹配农户，按身份证号匹配户内成员，有变化的才更新。",
    "5. 某列存在时以文件为准，空白单元格按默认值；某列不存在时，已登记的该项信息保持不变。",
    "6. 文件中任何一行有错误时，整个文件都不会保存；请按错误清单修改后重新上传。",
    "7. 文件须为 .xlsx 格式，不超过 20 MB、300,000 行（约 8 万户，一个县的农户可在一个文件中导入）。",
)


def template_workbook(*, villages: Iterable[AdminArea]) -> bytes:
    """The template as .xlsx bytes; ``villages`` (already scoped by the caller) fill the village code sheet."""
    workbook = Workbook()
    data = workbook.active
    assert data is not None
    data.title = DATA_SHEET
    choices = workbook.create_sheet("可选值")
    _write_data_sheet(data, choices)
    _write_instructions(workbook.create_sheet("填写说明"))
    _write_villages(workbook.create_sheet("本辖区村代码"), villages)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_data_sheet(data, choices) -> None:
    data.append([column.header for column in COLUMNS])
    data.freeze_panes = "A2"
    choice_index = 0
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = data.cell(row=1, column=index)
        cell.font = _BOLD
        cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        data.column_dimensions[letter].width = _WIDTH.get(column.kind, 12)
        if column.kind in (Kind.ID_NUMBER, Kind.AREA_CODE, Kind.PHONE) or column.key == "household_no":
            data.column_dimensions[letter].number_format = _TEXT
        if column.choices is not None or column.kind is Kind.YES_NO:
            choice_index += 1
            values = choice_labels(column.choices) if column.choices is not None else ("是", "否")
            choice_letter = get_column_letter(choice_index)
            choices.cell(row=1, column=choice_index, value=column.header).font = _BOLD
            for row, value in enumerate(values, start=2):
                choices.cell(row=row, column=choice_index, value=value)
            # A drop-down only: codes and other spellings are accepted too, so Excel must not reject them.
            validation = DataValidation(
                type="list",
                formula1=f"'可选值'!${choice_letter}$2:${choice_letter}${len(values) + 1}",
                allow_blank=True,
                showErrorMessage=False,
            )
            validation.add(f"{letter}2:{letter}100000")
            data.add_data_validation(validation)


def _write_instructions(sheet) -> None:
    sheet.append(["农户及家庭成员导入模板填写说明"])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in GENERAL_RULES:
        sheet.append([line])
    sheet.append([])
    sheet.append(["列名", "是否必填", "可填内容", "空白时", "说明"])
    header_row = sheet.max_row
    for column in COLUMNS:
        blank = "—" if column.required else _blank_meaning(column)
        sheet.append([column.header, "必填" if column.required else "选填", column.allowed, blank, column.note])
    sheet.append([])
    sheet.append(["示例（一名户主的一行；请在“农户成员”工作表中填写，本表不会导入）"])
    sheet.append([column.header for column in COLUMNS])
    example_header = sheet.max_row
    sheet.append([column.example for column in COLUMNS])
    for row in (header_row, example_header):
        for cell in sheet[row]:
            cell.font = _BOLD
            cell.fill = _HEADER_FILL
    for cell in sheet[sheet.max_row]:
        cell.number_format = _TEXT
    for letter, width in zip("ABCDE", (18, 10, 48, 10, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=header_row + 1, max_row=header_row + len(COLUMNS)):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _blank_meaning(column: Column) -> str:
    if column.choices is not None:
        return dict(zip(column.choices.values, choice_labels(column.choices), strict=True))[str(column.default)]
    if isinstance(column.default, bool):
        return "是" if column.default else "否"
    return str(column.default) if column.default else "不填"


def _write_villages(sheet, villages: Iterable[AdminArea]) -> None:
    sheet.append(["村代码", "乡镇", "行政村"])
    for cell in sheet[1]:
        cell.font = _BOLD
    for village in villages:
        sheet.append([village.code, village.parent.name if village.parent else "", village.name])
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["A"].number_format = _TEXT
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 20
