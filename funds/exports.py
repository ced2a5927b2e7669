"""The fund ledger (资金台账) and the disclosure lists as Excel, written by ``core.xlsx``. Money cells are Decimal
to the fen, written as numbers with two decimals; the totals row is the exact sum the selectors computed, never a
spreadsheet formula."""

from decimal import Decimal

from openpyxl import Workbook

from core.xlsx import Column, Kind, Sheet, workbook_bytes
from funds.selectors import Compliance, DisclosureSheet, Ledger

C, K = Column, Kind
CHECKS = (C("规则", 14), C("检查项", 26), C("实际", 12), C("要求", 30), C("结论", 8))
BATCHES = (
    C("年度", 8), C("层级", 8), C("资金来源", 20), C("类别", 24), C("文号", 28), C("下达日期", 12, K.DATE),
    C("金额", 16, K.MONEY), C("已分配", 16, K.MONEY), C("未分配", 16, K.MONEY), C("已支付", 16, K.MONEY),
)  # fmt: skip
ALLOCATIONS = (
    C("文号", 28), C("项目编号", 22, K.ID), C("项目名称", 30), C("用途", 20), C("分配日期", 12, K.DATE),
    C("分配金额", 16, K.MONEY), C("已支付", 16, K.MONEY), C("未支付", 16, K.MONEY),
)  # fmt: skip
PAYMENTS = (
    C("项目编号", 22, K.ID), C("项目名称", 30), C("支付日期", 12, K.DATE), C("金额", 16, K.MONEY), C("收款单位", 24),
    C("凭证号", 16, K.ID),
)  # fmt: skip


def ledger_xlsx(ledger: Ledger, compliance: Compliance) -> bytes:
    workbook = Workbook(write_only=True)
    checks = Sheet(workbook, "合规检查", CHECKS)
    for check in compliance.checks:
        checks.append([check.rule, check.label, f"{check.pct}%" if check.pct is not None else "—", check.limit,
                       "符合" if check.ok else "不符合"])  # fmt: skip
    batches = Sheet(workbook, "资金下达", BATCHES)
    allocations = Sheet(workbook, "资金分配", ALLOCATIONS)
    payments = Sheet(workbook, "资金支付", PAYMENTS)
    for row in ledger.batches:
        batch = row.batch
        batches.append([batch.year, batch.get_level_display(), batch.get_source_display(),
                        batch.get_category_display(), batch.document_no, batch.issued_on, batch.amount,
                        row.allocated, row.unallocated, row.paid])  # fmt: skip
        for line in row.allocations:
            allocation = line.allocation
            project = allocation.project
            allocations.append([batch.document_no, project.code, project.name, allocation.get_use_display(),
                                allocation.allocated_on, allocation.amount, line.paid, line.unpaid])  # fmt: skip
            for payment in line.payments:
                payments.append([project.code, project.name, payment.paid_on, payment.amount, payment.payee,
                                 payment.voucher_no])  # fmt: skip
    batches.append_totals(["合计", "", "", "", "", "", ledger.issued, ledger.allocated,
                           ledger.issued - ledger.allocated, ledger.paid])  # fmt: skip
    allocations.append_totals(["合计", "", "", "", "", ledger.allocated, ledger.paid, ledger.allocated - ledger.paid])
    payments.append_totals(["合计", "", "", ledger.paid, "", ""])
    return workbook_bytes(workbook)


def disclosure_xlsx(sheet: DisclosureSheet) -> bytes:
    """The notice's table: a column whose total is money is written as money."""
    workbook = Workbook(write_only=True)
    columns = [
        C(name, 18, K.MONEY if isinstance(total, Decimal) else K.TEXT)
        for name, total in zip(sheet.columns, sheet.totals, strict=True)
    ]
    listing = Sheet(workbook, "公示", columns)
    for row in sheet.rows:
        listing.append(list(row))
    listing.append_totals(list(sheet.totals))
    return workbook_bytes(workbook)
