"""L-10 小额信贷台账 (SPEC §13.1): exported through the pages, read back with python-calamine and LibreOffice against
the database; the borrower's ID number masked unless the role may see it; a township exports its own loans."""

import datetime
from decimal import Decimal

import pytest

from credit import services
from households.masking import mask_id_number
from tests.worlds.excel import calamine_sheets, export, libreoffice_sheets

pytestmark = pytest.mark.django_db
HEADER_ROWS = 3


def _rows(sheet):
    headers = sheet[HEADER_ROWS - 1]
    return [dict(zip(headers, row, strict=False)) for row in sheet[HEADER_ROWS:-1]]


def test_the_ledger_holds_what_the_database_holds(world, client, tmp_path):
    due = world.sign(maturity=datetime.date(2025, 3, 1), rate=Decimal("3.45"), lpr=Decimal("3.45"))
    services.loan_repay(actor=world.village_worker, loan=due, paid_on=datetime.date(2025, 1, 1),
                        principal=Decimal("1000.50"))  # fmt: skip
    world.sign(world.marginal, amount=Decimal("20000.00"))
    world.sign(world.far, actor=world.county_reviewer)
    client.force_login(world.township_cadre)  # sees full ID numbers
    record, content = export(client, "L-10")
    sheets = calamine_sheets(content)
    assert len(sheets) == 1  # the township's own
    (sheet,) = sheets.values()
    rows = {row["合同编号"]: row for row in _rows(sheet)}
    assert set(rows) == {due.contract_no, f"HT-{world.marginal.pk}-{datetime.date(2024, 3, 1)}-20000.00"}
    row = rows[due.contract_no]
    assert row["贷款余额（元）"] == pytest.approx(48999.50)
    assert row["逾期天数"] == (datetime.date(2025, 6, 16) - datetime.date(2025, 3, 1)).days
    assert row["状态"] == "逾期"
    assert row["户类别"] == "脱贫户"
    assert row["身份证号"] == world.exited.head.id_number
    assert row["贴息比例（%）"] == pytest.approx(80)
    assert sheet[-1][0] == "合计 2 笔"
    assert record.total == 2
    shown = libreoffice_sheets(content, tmp_path)
    (texts,) = shown.values()
    assert texts[HEADER_ROWS - 1] == sheet[HEADER_ROWS - 1]
    id_column = sheet[HEADER_ROWS - 1].index("身份证号")
    assert {r[id_column] for r in texts[HEADER_ROWS:-1]} == {world.exited.head.id_number, world.marginal.head.id_number}


def test_the_reporting_officer_gets_masked_ids_and_another_township_nothing_of_ours(world, client):
    world.sign()
    client.force_login(world.reporter)
    _record, content = export(client, "L-10")
    (sheet,) = calamine_sheets(content).values()
    (row,) = _rows(sheet)
    assert row["身份证号"] == mask_id_number(world.exited.head.id_number)
    client.force_login(world.other_cadre)
    _record, content = export(client, "L-10")
    assert all(world.exited.household_no not in str(cell) for s in calamine_sheets(content).values() for r in s
               for cell in r)  # fmt: skip
