"""Reconciliation with the national system (账账相符, SPEC §13.1, §7.5): a national-system extract in its household
and member layout is compared with the registry; a faithful extract matches, and each kind of difference — a
household or member on one side only, a field that differs — is reported by name, row and both values.

The page only stores the extract; the worker compares it (README, "Heavy parsing runs in the worker"). The tests post
as the user does, then run the one task the page sent, as the worker would, and open the record's page."""

import io

import openpyxl
import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from geo.codes import AreaLevel
from geo.models import AdminArea
from households.models import Household, HouseholdMember
from ledgers.models import Reconciliation, ReconciliationStatus
from ledgers.tasks import reconcile_task
from tests.factories import UserFactory, valid_id_number
from tests.worlds.excel import export

pytestmark = pytest.mark.django_db


def _named(content: bytes, name: str = "全国系统导出.xlsx") -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """Post the extract on the page, run the task it sent as the worker would, and open where the page led."""

    def run(content: bytes, area_code: str):
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(reverse("ledgers:reconcile"), {"file": _named(content), "area": area_code})
        for _callback in callbacks:
            reconcile_task(Reconciliation.objects.latest("pk").pk)
        return client.get(response["Location"]) if response.status_code == 302 else response

    return run


def test_a_faithful_extract_matches(login, client, post):
    user = login("township01")
    _export, roster = export(client, "L-00")
    page = post(roster, user.area.code).content.decode()
    record = Reconciliation.objects.get(owner=user)
    assert record.status == ReconciliationStatus.DONE
    assert 'data-testid="matched"' in page
    assert not record.file  # the extract is dropped once read: only the report is kept
    households = Household.objects.filter(managing_area__code__startswith=user.area.code[:9], closed_on__isnull=True)
    members = HouseholdMember.objects.filter(household__in=households)
    assert record.summary == {
        "file_households": households.count(), "file_members": members.count(),
        "registry_households": households.count(), "registry_members": members.count(),
        "only_in_file": 0, "only_in_registry": 0, "differing": 0, "errors": 0,
    }  # fmt: skip


def test_each_kind_of_difference_is_reported(login, client, post):
    user = login("township01")
    _export, roster = export(client, "L-00")
    workbook = openpyxl.load_workbook(io.BytesIO(roster))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) + 1 for name in header}
    # row 2: a name spelled differently; row 3: another labour capacity; the last row: dropped from the file
    registry_name = sheet.cell(2, col["姓名"]).value
    sheet.cell(2, col["姓名"]).value = registry_name + "某"
    labour = sheet.cell(3, col["劳动能力"]).value
    sheet.cell(3, col["劳动能力"]).value = "丧失劳动力" if labour != "丧失劳动力" else "普通劳动力"
    dropped_id = sheet.cell(sheet.max_row, col["身份证号"]).value
    dropped_household = sheet.cell(sheet.max_row, col["户编号"]).value
    single = sum(1 for r in range(2, sheet.max_row + 1) if sheet.cell(r, col["户编号"]).value == dropped_household)
    sheet.delete_rows(sheet.max_row)
    # a new household the registry does not have
    new_row = [sheet.cell(2, c).value for c in range(1, len(header) + 1)]
    new_row[col["户编号"] - 1] = "6403241009999999"
    new_row[col["身份证号"] - 1] = newcomer = valid_id_number()
    new_row[col["与户主关系"] - 1] = "户主"
    sheet.append(new_row)
    out = io.BytesIO()
    workbook.save(out)

    post(out.getvalue(), user.area.code)
    record = Reconciliation.objects.get(owner=user)
    listed = [(d["kind"], d["key"], d["field"], d["in_file"], d["in_registry"]) for d in record.listed]
    assert ("户", "6403241009999999", "", "有", "无") in listed
    assert ("成员", newcomer, "", "有", "无") in listed
    assert ("成员", dropped_id, "", "无", "有") in listed
    if single == 1:
        assert ("户", dropped_household, "", "无", "有") in listed
    assert any(d[2] == "姓名" and d[3] == registry_name + "某" and d[4] == registry_name for d in listed)
    assert any(d[2] == "劳动能力" for d in listed)
    assert record.summary["differing"] == 2
    assert record.summary["errors"] == 0

    report = client.get(reverse("ledgers:reconcile-report", args=[record.pk]))
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(report.streaming_content)))
    assert workbook.sheet_names == ["汇总", "仅文件中有", "仅系统中有", "字段不一致", "文件中有误的行"]
    assert len(workbook.get_sheet_by_name("字段不一致").to_python()) == 1 + 2


def test_rows_outside_the_area_and_bad_files_are_named(login, client, post):
    user = login("township01")
    _export, roster = export(client, "L-00")
    workbook = openpyxl.load_workbook(io.BytesIO(roster))
    sheet = workbook.active
    sheet.cell(2, 2).value = "640324102201"  # a village of another township
    out = io.BytesIO()
    workbook.save(out)
    post(out.getvalue(), user.area.code)
    record = Reconciliation.objects.get(owner=user)
    assert (record.errors[0]["row"], record.errors[0]["column"]) == (2, "村代码")
    assert record.errors[0]["message"].startswith("640324102201 不在本次核对的")
    page = client.get(record.get_absolute_url()).content.decode()
    assert "第 2 行“村代码”：640324102201 不在本次核对的" in page

    response = client.post(
        reverse("ledgers:reconcile"), {"file": _named(b"not a workbook"), "area": user.area.code}, follow=True
    )
    assert "文件内容不是 .xlsx 工作簿" in response.content.decode()  # refused in the request, nothing stored
    assert Reconciliation.objects.count() == 1

    headless = openpyxl.Workbook()
    headless.active.append(["甲", "乙"])
    out = io.BytesIO()
    headless.save(out)
    page = post(out.getvalue(), user.area.code).content.decode()  # a workbook, but not the template: the worker
    rejected = Reconciliation.objects.latest("pk")
    assert rejected.status == ReconciliationStatus.REJECTED
    assert 'data-testid="reconcile-message"' in page
    assert rejected.message in page
    assert not rejected.report
    # Refused by the worker, read later in either language: kept with its source text (core.stored).
    assert rejected.message.startswith("文件缺少这些列：户编号、")
    assert rejected.message_params["columns"].startswith("户编号、")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(rejected.get_absolute_url()).content.decode()
    assert rejected.message not in page
    assert "The file lacks these columns: 户编号、" in page
    response = client.post(
        reverse("ledgers:reconcile"), {"file": _named(b"not a workbook"), "area": user.area.code}, follow=True
    )
    assert "The file is not an .xlsx workbook" in response.content.decode()  # a refusal in the request, in English


def test_the_report_is_its_owners_and_masks_ids_for_roles_without_them(login, client, post):
    township = login("township01")
    _export, roster = export(client, "L-00")
    workbook = openpyxl.load_workbook(io.BytesIO(roster))
    workbook.active.delete_rows(2)
    out = io.BytesIO()
    workbook.save(out)
    login("report")  # the county reporting officer may reconcile, without full ID numbers
    post(out.getvalue(), township.area.code)
    record = Reconciliation.objects.get()
    assert record.full_ids is False
    member = next(d for d in record.listed if d["kind"] == "成员")
    assert "*" * 10 in member["key"]
    client.force_login(UserFactory(area=township.area.parent, roles=["reporting_officer"]))
    assert client.get(record.get_absolute_url()).status_code == 404
    assert client.get(reverse("ledgers:reconcile-report", args=[record.pk])).status_code == 404


def test_the_page_answers_at_once_without_reading_the_file_and_polls_until_the_worker_is_done(
    login, client, monkeypatch, django_capture_on_commit_callbacks
):
    # given: nothing in the request may open the workbook
    user = login("township01")
    _export, roster = export(client, "L-00")

    def never(*args, **kwargs):
        raise AssertionError("the extract was parsed in the request")

    # when
    with django_capture_on_commit_callbacks() as callbacks, monkeypatch.context() as patched:
        patched.setattr(openpyxl, "load_workbook", never)
        patched.setattr("ledgers.reconcile.read_workbook", never)
        response = client.post(reverse("ledgers:reconcile"), {"file": _named(roster), "area": user.area.code})

    # then: the record is stored, queued, and its page polls
    record = Reconciliation.objects.get(owner=user)
    assert response.status_code == 302
    assert response["Location"] == record.get_absolute_url()
    assert (record.status, record.area, record.original_name) == (
        ReconciliationStatus.QUEUED,
        user.area,
        "全国系统导出.xlsx",
    )
    assert record.file
    assert len(callbacks) == 1
    assert "正在排队等候后台核对" in client.get(record.get_absolute_url()).content.decode()
    poll = client.get(record.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in poll.content.decode()
    assert "HX-Refresh" not in poll
    listing = client.get(reverse("ledgers:reconcile")).content.decode()
    assert "排队中" in listing

    reconcile_task(record.pk)
    assert client.get(record.get_absolute_url(), HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    assert 'data-testid="matched"' in client.get(record.get_absolute_url()).content.decode()
    assert reconcile_task(record.pk) == ReconciliationStatus.DONE  # delivered again: nothing more happens


def test_a_user_moved_to_another_township_before_the_worker_runs_gets_nothing_of_the_old_one(
    login, client, django_capture_on_commit_callbacks
):
    # given: an extract uploaded for the township, and its cadre moved to another township before the worker runs
    user = login("township01")
    _export, roster = export(client, "L-00")
    with django_capture_on_commit_callbacks():
        client.post(reverse("ledgers:reconcile"), {"file": _named(roster), "area": user.area.code})
    record = Reconciliation.objects.get(owner=user)
    old = user.area
    user.area = AdminArea.objects.filter(level=AreaLevel.TOWNSHIP).exclude(pk=old.pk).first()
    user.save()

    # when
    reconcile_task(record.pk)

    # then: no report, no counts, no differences of the old township, and the record is no longer theirs to open
    record.refresh_from_db()
    assert record.status == ReconciliationStatus.FAILED
    assert f"核对人已不负责{old.name}" in record.message
    assert (record.summary, record.listed, record.errors, bool(record.report), bool(record.file)) == (
        {},
        [],
        [],
        False,
        False,
    )
    client.force_login(user)
    assert client.get(record.get_absolute_url()).status_code == 404
    assert client.get(reverse("ledgers:reconcile-report", args=[record.pk])).status_code == 404
    assert old.name not in client.get(reverse("ledgers:reconcile")).content.decode()
