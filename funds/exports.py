"""The fund ledger (资金台账) and the disclosure lists as Excel. Money cells are Decimal to the fen, written as
numbers with two decimals; the totals row is the exact sum the selectors computed, never a spreadsheet formula."""

from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from core.xlsx import header_sheet, workbook_bytes
from funds.selectors import Compliance, DisclosureSheet, Ledger

MONEY_FORMAT = "#,##0.00"


def _money_row(sheet: Any, values: list[Any]) -> None:
    """Append a row; money cells keep their Decimal value and show two decimals."""
    cells: list[Any] = []
    for value in values:
        if isinstance(value, Decimal):
            cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # openpyxl writes Decimal as a number
            cell.number_format = MONEY_FORMAT
            cells.append(cell)
        else:
            cells.append(value)
    sheet.append(cells)


def ledger_xlsx(ledger: Ledger, compliance: Compliance) -> bytes:
    workbook = Workbook(write_only=True)
    checks = header_sheet(workbook, "合规检查", [("规则", 14), ("检查项", 26), ("实际", 12), ("要求", 30), ("结论", 8)])
    for check in compliance.checks:
        checks.append([check.rule, check.label, f"{check.pct}%" if check.pct is not None else "—", check.limit,
                       "符合" if check.ok else "不符合"])  # fmt: skip
    batches = header_sheet(
        workbook, "资金下达",
        [("年度", 8), ("层级", 8), ("资金来源", 20), ("类别", 24), ("文号", 28), ("下达日期", 12), ("金额", 16),
         ("已分配", 16), ("未分配", 16), ("已支付", 16)],
    )  # fmt: skip
    allocations = header_sheet(
        workbook, "资金分配",
        [("文号", 28), ("项目编号", 22), ("项目名称", 30), ("用途", 20), ("分配日期", 12), ("分配金额", 16),
         ("已支付", 16), ("未支付", 16)],
    )  # fmt: skip
    payments = header_sheet(
        workbook, "资金支付",
        [("项目编号", 22), ("项目名称", 30), ("支付日期", 12), ("金额", 16), ("收款单位", 24), ("凭证号", 16)],
    )  # fmt: skip
    for row in ledger.batches:
        batch = row.batch
        _money_row(batches, [batch.year, batch.get_level_display(), batch.get_source_display(),
                             batch.get_category_display(), batch.document_no, batch.issued_on, batch.amount,
                             row.allocated, row.unallocated, row.paid])  # fmt: skip
        for line in row.allocations:
            allocation = line.allocation
            project = allocation.project
            _money_row(allocations, [batch.document_no, project.code, project.name, allocation.get_use_display(),
                                     allocation.allocated_on, allocation.amount, line.paid, line.unpaid])  # fmt: skip
            for payment in line.payments:
                _money_row(payments, [project.code, project.name, payment.paid_on, payment.amount, payment.payee,
                                      payment.voucher_no])  # fmt: skip
    _money_row(batches, ["合计", "", "", "", "", "", ledger.issued, ledger.allocated, ledger.issued - ledger.allocated,
                         ledger.paid])  # fmt: skip
    _money_row(allocations, ["合计", "", "", "", "", ledger.allocated, ledger.paid, ledger.allocated - ledger.paid])
    _money_row(payments, ["合计", "", "", ledger.paid, "", ""])
    return workbook_bytes(workbook)


def disclosure_xlsx(sheet: DisclosureSheet) -> bytes:
    workbook = Workbook(write_only=True)
    columns = [(name, 18) for name in sheet.columns]
    listing = header_sheet(workbook, "公示", columns)
    for row in sheet.rows:
        _money_row(listing, list(row))
    _money_row(listing, list(sheet.totals))
    return workbook_bytes(workbook)
