"""Department screening warnings (SPEC §6): the quarterly upload with every bad row named and nothing half saved,
matching by ID number, de-duplication, the unmatched report, verification with the disposition classes of §6.6,
the department's own view, the quarterly reminder, and the 漏统 rule of repeated warnings (§6.7)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from core.errors import DomainError, TransitionNotAllowed
from households.choices import VisitKind
from households.imports.columns import FORMULA_REFUSED
from households.models import Visit
from monitoring.choices import EntryState
from notifications.models import Notification
from sweeps.choices import MatchKind, WarningStatus
from sweeps.models import ScreeningBatch, ScreeningWarning
from sweeps.services import ScreeningRejected, screening_reminders, screening_upload, warning_close, warning_dispose
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


def _upload(world, rows, period="2026-Q3", header=HEADER):
    return screening_upload(actor=world.screener, period=period, upload=xlsx(rows, header))


def test_a_list_becomes_warnings_for_the_village_with_an_unmatched_report(world):
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
    batch = _upload(world, rows)

    # then
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


def test_a_reupload_of_the_same_quarter_adds_nothing(world):
    rows = [[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]]
    _upload(world, rows)

    again = _upload(world, rows)

    assert (again.warning_count, again.duplicate_count) == (0, 1)
    assert ScreeningWarning.objects.count() == 1


def test_bad_rows_and_wrong_columns_are_named_and_nothing_is_saved(world):
    bad_check = world.sick_member.id_number[:-1] + ("0" if world.sick_member.id_number[-1] != "0" else "1")
    rows = [
        [world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""],
        [bad_check, "", "", "确诊大病重病", None, None, "", ""],
        [world.sick_member.id_number, "", "", "住房不安全", None, None, "", ""],
        [world.sick_member.id_number, "", "", "确诊大病重病", "2026-13-40", "一千", "", ""],
    ]
    with pytest.raises(ScreeningRejected) as rejected:
        _upload(world, rows)

    assert [str(error) for error in rejected.value.errors] == [
        "第 3 行“身份证号”：身份证号校验位错误，请核对号码",
        "第 4 行“预警类型”：“住房不安全”不是本部门的预警类型",
        "第 5 行“发生日期”：日期格式应为 2026-03-15",
        "第 5 行“金额（元）”：金额应为数字",
    ]
    with pytest.raises(ScreeningRejected, match="错误") as columns:
        _upload(world, [[world.sick_member.id_number, "x"]], header=["姓名", "详情"])
    assert {error.column for error in columns.value.errors} == {"身份证号", "预警类型"}
    assert not ScreeningBatch.objects.exists()
    assert not ScreeningWarning.objects.exists()


def test_a_formula_in_a_screening_list_is_refused_naming_row_and_column(world):
    rows = [[world.sick_member.id_number, "", "", "确诊大病重病", None, None, '=HYPERLINK("http://x/?"&A2)', ""]]
    with pytest.raises(ScreeningRejected) as rejected:
        _upload(world, rows)
    assert [str(error) for error in rejected.value.errors] == [f"第 2 行“{HEADER[6]}”：{FORMULA_REFUSED}"]
    assert not ScreeningWarning.objects.exists()


def test_only_department_staff_upload_and_a_period_must_be_a_quarter(world):
    rows = [[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]]
    with pytest.raises(PermissionDenied):
        screening_upload(actor=world.village_worker, period="2026-Q3", upload=xlsx(rows))
    with pytest.raises(DomainError, match="格式不正确"):
        _upload(world, rows, period="2026-7")


def _visit(world, household):
    Visit.objects.create(
        household=household, visited_on=TODAY, kind=VisitKind.VERIFICATION, recorded_by=world.village_worker
    )


def test_verifying_after_a_visit_can_start_the_entry_procedure(world):
    _upload(world, [[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]])
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


def test_a_referral_waits_for_its_follow_up(world):
    _upload(world, [[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]])
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


def test_the_department_sees_its_own_warnings_but_not_the_household(client, world):
    _upload(world, [[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]])
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


def test_the_upload_page_shows_the_error_table(client, world):
    client.force_login(world.screener)
    bad = xlsx([["123", "", "", "确诊大病重病", None, None, "", ""]])

    page = client.post(reverse("sweeps:batch-upload"), {"period": "2026-Q3", "file": bad})

    assert page.status_code == 200
    assert "身份证号应为 18 位" in page.content.decode()
    assert page.context["errors"][0].row == 2


def test_the_template_lists_the_departments_event_types(client, world):
    client.force_login(world.screener)

    response = client.get(reverse("sweeps:screening-template"))

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert next(workbook["筛查名单"].iter_rows(values_only=True))[0] == "身份证号*"
    codes = [row[0] for row in workbook["预警类型"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["serious_illness", "disease_37", "chronic_disease"]
    example = next(workbook["筛查名单"].iter_rows(min_row=2, values_only=True))
    assert isinstance(example[0], str)  # an ID number kept as text
    assert _upload(world, [list(example)]).unmatched  # the example row reads cleanly (its person is unknown)


def test_the_quarterly_reminder_on_its_due_day(world):
    due_day = datetime.date(2026, 10, 15)  # Q3 ends 30 September; warning.upload_due_days = 15
    assert screening_reminders(today=due_day) == 1
    assert screening_reminders(today=due_day - datetime.timedelta(days=1)) == 0
    _upload(world, [[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]])
    assert screening_reminders(today=due_day) == 0  # Q3 uploaded


def test_reg_07_a_household_warned_twice_is_a_missed_registration(world):
    _upload(world, [[world.sick_member.id_number, "", "", "确诊大病重病", None, None, "", ""]] * 2)  # ×2
    once = world.family(per_capita=Decimal("9000"))
    _upload(world, [[once.members.first().id_number, "", "", "确诊大病重病", None, None, "", ""]], period="2026-Q2")
    assert_rule(world, "FC-GAP-MISSED-REG-07", trips=[world.sick], passes=[once])
