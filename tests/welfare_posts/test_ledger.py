"""L-12 公益性岗位台账 (SPEC §13.1): exported through the ledgers page, it reads back in python-calamine and in
LibreOffice with the database's values — one row per hire with its post, holder, period, subsidy, attendance,
assessment, payments and exit reason; ID numbers masked unless the role may see them; only the user's area."""

import datetime
from decimal import Decimal

import pytest

from households.masking import mask_id_number
from ledgers.catalogue import LEDGERS
from tests.worlds.excel import calamine_sheets, export, libreoffice_sheets
from welfare_posts import services

pytestmark = pytest.mark.django_db
D = datetime.date
HEADER_ROWS = 3


@pytest.fixture
def hires(world):
    post = world.post(name="村道保洁员", positions=2)
    kept = services.hire_create(
        actor=world.village_worker, post=post, member=world.person(name="在岗人"), hired_on=D(2026, 3, 20)
    )
    gone = services.hire_create(
        actor=world.village_worker, post=post, member=world.disabled_person(name="退岗人"), hired_on=D(2026, 3, 1)
    )
    for month, rows in (
        (D(2026, 4, 1), [(kept, 20, "qualified"), (gone, 22, "excellent")]),
        (D(2026, 5, 1), [(kept, 18, "unqualified")]),
    ):
        services.attendance_record(actor=world.village_worker, month=month, rows=[
            services.AttendanceInput(hire=h, days_worked=d, assessment=a) for h, d, a in rows])  # fmt: skip
    for hire in (kept, gone):
        services.payment_record(actor=world.village_worker, hire=hire, month=D(2026, 4, 1),
                                amount=Decimal("800.00"), paid_on=D(2026, 5, 6))  # fmt: skip
    services.hire_end(actor=world.village_worker, hire=gone, ended_on=D(2026, 4, 30), exit_reason="found_job")
    other = world.post(village=world.foreign, name="外县岗", actor=world.foreign_worker)
    services.hire_create(actor=world.foreign_worker, post=other, member=world.person(village=world.foreign,
                         name="外县人"), hired_on=D(2026, 3, 1))  # fmt: skip
    return kept, gone


def _rows(sheet):
    assert sheet[-1][0].startswith("合计 ")
    header = sheet[HEADER_ROWS - 1]
    return [dict(zip(header, row, strict=True)) for row in sheet[HEADER_ROWS:-1]], sheet[-1], header


def test_the_township_ledger_holds_its_hires_with_full_ids(client, world, hires):
    _kept, gone = hires
    client.force_login(world.township_cadre)  # sees full ID numbers
    record, content = export(client, "L-12")
    (sheet,) = calamine_sheets(content).values()
    rows, totals, header = _rows(sheet)
    assert sheet[0][0] == f"{world.township.name}{LEDGERS['L-12'].form_title}"
    assert record.total == len(rows) == 2
    by_name = {r["姓名"]: r for r in rows}
    assert set(by_name) == {"在岗人", "退岗人"}  # not the other county's
    row = by_name["退岗人"]
    assert row["身份证号"] == gone.member.id_number
    assert (row["村"], row["区划代码"], row["岗位名称"], row["岗位类型"]) == (
        "河东村", world.village.code, "村道保洁员", "保洁"
    )  # fmt: skip
    assert (row["优先安置类别"], row["上岗日期"], row["退岗日期"], row["退岗原因"]) == (
        "残疾人", D(2026, 3, 1), D(2026, 4, 30), "实现稳定就业"
    )  # fmt: skip
    assert (row["月补贴标准（元）"], row["出勤月数"], row["出勤天数"], row["最近考核"], row["已发补贴（元）"]) == (
        800.0, 1.0, 22.0, "优秀", 800.0
    )  # fmt: skip
    row = by_name["在岗人"]
    assert (row["退岗日期"], row["出勤月数"], row["出勤天数"], row["最近考核"], row["退岗原因"]) == (
        "", 2.0, 38.0, "不合格", ""
    )  # fmt: skip
    assert totals[0] == "合计 2 人次"
    assert totals[header.index("已发补贴（元）")] == 1600.0
    assert totals[header.index("出勤天数")] == 60.0


def test_a_reporting_officer_gets_masked_ids_and_libreoffice_shows_the_same(client, world, hires, tmp_path):
    kept, _gone = hires
    client.force_login(world.reporting_officer)
    record, content = export(client, "L-12")
    assert record.full_ids is False
    (sheet,) = calamine_sheets(content).values()
    rows, _totals, header = _rows(sheet)
    assert {r["身份证号"] for r in rows} == {mask_id_number(h.member.id_number) for h in hires}
    (texts,) = libreoffice_sheets(content, tmp_path).values()
    assert texts[HEADER_ROWS - 1] == header
    shown = {t[header.index("姓名")]: t for t in texts[HEADER_ROWS:-1]}
    assert shown["在岗人"][header.index("身份证号")] == mask_id_number(kept.member.id_number)
    assert shown["在岗人"][header.index("上岗日期")] == "2026-03-20"
    assert shown["在岗人"][header.index("已发补贴（元）")] == "800.00"
    assert texts[-1][header.index("已发补贴（元）")] == "1,600.00"


def test_a_village_worker_does_not_export_and_the_category_filter_narrows(client, world, hires):
    client.force_login(world.village_worker)  # village workers do not export ledgers (SPEC §1.3)
    from django.urls import reverse

    assert client.post(reverse("ledgers:export-start"), {"ledger": "L-12"}).status_code == 403
    client.force_login(world.county_reviewer)
    world.post(name="护林岗", post_type="forest_ranger")
    _record, content = export(client, "L-12", category="forest_ranger")
    (sheet,) = calamine_sheets(content).values()
    assert sheet[-1][0] == "合计 0 人次"
