"""Ledgers people print (issue "Desk and field"): a ledger prints like the province's paper forms — fitted to the
page's width, on A4 across or, the widest, A3 across; the title block on page 1 and the column headers on every
page; the place, the ledger and "第 n 页 共 m 页" in the footer; long text wrapped in rows tall enough to show it —
and its totals row counts its rows (households, visits …) and adds up amounts and counts only. LibreOffice prints
the exported file to PDF, which is read back page by page."""

import datetime
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.xlsx import MIN_SCALE, Kind, Paper, lines_of, row_height
from geo.models import AdminArea
from households.models import Visit
from ledgers.catalogue import LEDGERS
from monitoring.choices import SubjectStatus, TriggerCondition
from monitoring.models import MonitoringSubject
from tests.factories import HouseholdFactory, MemberFactory, MonitoringSubjectFactory
from tests.office import soffice_pdf
from tests.worlds.excel import export

pytestmark = pytest.mark.django_db

A4, A3 = Paper.A4, Paper.A3
# The paper each ledger prints on, across (core.xlsx.PageSetup.fitting): A4 while its text prints at 6 pt or more
# scaled to the page's width, A3 for the widest, which print at 6.5–8.5 pt there instead of 4.5–5.8 pt on A4.
PAPER = {
    "L-00": A4, "L-01": A3, "L-01A": A3, "L-02": A3, "L-03": A4, "L-04": A4,
    "L-05": A4, "L-06": A4, "L-07": A3, "L-08": A4, "L-09": A3, "L-14": A4,
    "L-13": A4, "L-15": A4,
    "L-12": A4,
    "L-10": A4,
    "L-11": A4,
}  # fmt: skip

# What each ledger's totals row adds up: amounts of money and counts. Never a per-capita income or the monitoring
# and exit lines (L-01, L-01A, L-02), a share, a number of days overdue (L-05, L-06), a year, a date or a code.
TOTALLED = {
    "L-00": set(),  # the roster has no totals row at all (a data-exchange file)
    "L-01": {"家庭人口", "帮扶措施数"},
    "L-01A": set(),
    "L-02": set(),
    "L-03": {"金额（元）"},
    "L-04": set(),
    "L-05": set(),
    "L-06": {"金额（元）", "出现次数"},
    "L-07": {"计划投资（元）", "劳务报酬（元）", "受益脱贫户", "受益监测户", "安排资金（元）", "已支付（元）"},
    "L-08": {
        "下达金额（元）", "已分配（元）", "产业发展（元）", "非贫困村（元）", "项目管理费（元）", "已支付（元）",
        "未分配余额（元）",
    },
    "L-09": {"资产价值（元）", "本年收益（元）", "已分配（元）", "未分配（元）"},
    "L-14": set(),
    "L-13": {"家庭人口"},
    "L-15": set(),
    "L-12": {"出勤月数", "出勤天数", "已发补贴（元）"},
    "L-10": {"贷款金额（元）", "享受贴息金额（元）", "贷款余额（元）"},
    "L-11": {"享受补贴（元）", "参加培训（次）"},
}  # fmt: skip
# What the totals row counts: "合计 71 户", "合计 277 次".
UNITS = {
    "L-01": "户", "L-01A": "件", "L-02": "户", "L-03": "项", "L-04": "次", "L-05": "条", "L-06": "条", "L-07": "个",
    "L-08": "笔", "L-09": "项", "L-14": "户次",
    "L-13": "户", "L-15": "人",
    "L-12": "人次",
    "L-10": "笔",
    "L-11": "人",
}  # fmt: skip


def test_every_ledger_prints_across_its_paper_at_six_points_or_more():
    assert {code: ledger.page_setup.paper for code, ledger in LEDGERS.items()} == PAPER
    for ledger in LEDGERS.values():
        assert ledger.page_setup.landscape
        assert ledger.page_setup.scale(ledger.columns) >= MIN_SCALE, ledger.code


def test_totals_add_up_amounts_and_counts_and_count_the_rows_in_their_unit():
    assert {kind for kind in Kind if kind.totalled} == {Kind.MONEY, Kind.INT}
    assert {code: {c.header for c in ledger.columns if c.totalled} for code, ledger in LEDGERS.items()} == TOTALLED
    assert {code: ledger.unit for code, ledger in LEDGERS.items() if not ledger.plain} == UNITS
    assert {code for code, ledger in LEDGERS.items() if ledger.count_by} == {"L-01", "L-02"}  # households, by 户编号


def _monitored_households(township: AdminArea, count: int) -> int:
    """``count`` more monitored households in the villages of ``township``, with long 界定条件 and a 批准文号, one
    of them in monitoring for the second time; the township's households in L-01 after."""
    villages = list(AdminArea.objects.filter(parent=township, level="village").order_by("code"))
    triggers = [TriggerCondition.SH_1, TriggerCondition.MA_L3]
    for n in range(count):
        household = HouseholdFactory(managing_area=villages[n % len(villages)])
        MemberFactory(household=household)
        MonitoringSubjectFactory(
            household=household,
            triggers=triggers[: 1 + n % 2],
            application__per_capita_income=Decimal("5400.50") + n,
            application__threshold=Decimal("7600.00"),
            application__decision_no=f"同乡振发〔2026〕{n:03d}号",
        )
    again = MonitoringSubject.objects.filter(household__managing_area__parent=township).first()
    MonitoringSubjectFactory(
        household=again.household,
        status=SubjectStatus.RISK_ELIMINATED,
        entered_on=datetime.date(2024, 3, 1),
        eliminated_on=datetime.date(2025, 3, 1),
    )
    subjects = MonitoringSubject.objects.filter(household__managing_area__code__startswith=township.code[:9])
    return subjects.values("household").distinct().count()


def test_a_township_prints_its_monitored_households_like_the_paper_form(login, client, tmp_path):
    """The tester's case: L-01 of a township with about 70 households printed on 50 portrait pages, the title off
    page 1, wrapped headers over the first row, 界定条件 cut off, and a total of incomes and lines. Now: a few A3
    pages across, the title and the meta line first on page 1, the header row and the footer on every page, and a
    totals row with the households and their people."""
    user = login("township01")
    households = _monitored_households(user.area, 70)
    assert households >= 70
    record, content = export(client, "L-01")
    path = tmp_path / "l01.xlsx"
    path.write_bytes(content)
    ledger = LEDGERS["L-01"]
    title = f"{user.area.name}{ledger.title}"

    sheet = load_workbook(path).worksheets[0]
    assert sheet.page_setup.paperSize == Paper.A3.value
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)  # the width, rows flowing on
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$3:$3"  # the column headers on every page
    assert sheet.print_options.horizontalCentered
    assert sheet.oddFooter.left.text == title
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    headers = [c.header for c in ledger.columns]
    lines = max(lines_of(h, c.width) for h, c in zip(headers, ledger.columns, strict=True))
    assert lines == 2  # 识别时人均纯收入（元） wraps: the row is as tall as two lines
    assert sheet.row_dimensions[3].height == row_height(2)
    grounds = headers.index("界定条件")
    width = ledger.columns[grounds].width
    rows = list(sheet.iter_rows(min_row=4, max_row=sheet.max_row - 1))
    assert len(rows) == record.total > 70
    wrapped = [row for row in rows if lines_of(row[grounds].value or "", width) > 1]
    assert wrapped
    for row in wrapped:  # nothing cut off: wrapped, in a row as tall as its lines
        assert row[grounds].alignment.wrap_text
        assert sheet.row_dimensions[row[0].row].height >= row_height(lines_of(row[grounds].value, width))

    totals = [c.value for c in sheet[sheet.max_row]]
    assert totals[0] == f"合计 {households} 户"
    data = [[c.value for c in row] for row in rows]
    for name in ("家庭人口", "帮扶措施数"):
        assert totals[headers.index(name)] == sum(row[headers.index(name)] for row in data)
    for name in ("识别时人均纯收入（元）", "适用监测标准（元）", "申报日期", "区划代码"):
        assert totals[headers.index(name)] is None

    pages = soffice_pdf(path, tmp_path / "pdf")
    # 70-odd households, most with a 界定条件 of four lines or more, on A3 across: five pages where LibreOffice
    # measures columns as Excel does (it has Carlito, Calibri's twin), four where it draws them wider; not 50.
    assert 2 <= len(pages) <= 6
    first = pages[0].splitlines()
    assert first[0] == title  # the title block opens page 1
    assert first[1].startswith(f"填报单位：{user.unit_name or user.area.name}")
    for number, page in enumerate(pages, start=1):
        top, bottom = page.splitlines()[:4], page.splitlines()[-1]
        assert any("户编号" in line and "界定条件" in line for line in top), f"page {number} has no header row"
        assert bottom.startswith(f"{title} 第 {number} 页 共 {len(pages)} 页 导出时间：")
        if number > 1:
            assert "填报单位" not in page  # the title block is page 1's; the header row repeats
    assert f"合计 {households} 户" in pages[-1]


def test_the_county_visits_ledger_prints_each_township_with_its_visit_count(login, client, tmp_path):
    """L-04 of the county (printed on 300 pages by the tester): one sheet per township, each starting a page with its
    title, at least 20 visits to an A4 page, and each township's visits counted in its totals row."""
    user = login("report")
    _record, content = export(client, "L-04")
    path = tmp_path / "l04.xlsx"
    path.write_bytes(content)
    workbook = load_workbook(path, read_only=True)
    counted = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        counted[rows[0][0]] = len(rows) - 1  # each sheet's township, and its visits
        assert rows[-1][0] == f"合计 {len(rows) - 1} 次"
        assert all(value is None for value in rows[-1][1:])  # a visits ledger adds nothing up
    assert sum(counted.values()) == Visit.objects.visible_to(user).count()

    pages = soffice_pdf(path, tmp_path / "pdf")
    assert len(counted) <= len(pages) <= sum(-(-(n + 1) // 20) for n in counted.values())
    titles = [page.splitlines()[0] for page in pages]
    for township, visits in counted.items():
        title = f"{user.area.name}{township}走访台账"
        assert title in titles
        last = max(i for i, page in enumerate(pages) if page.splitlines()[-1].startswith(title))
        assert f"合计 {visits} 次" in pages[last]
    for page in pages:
        assert re.search(r"走访台账 第 \d+ 页 共 \d+ 页 导出时间：", page.splitlines()[-1])
