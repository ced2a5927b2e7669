"""Annual income collection (收入采集): a village's households in one grid, saved in one POST per page, all or
nothing, unchanged rows not written; and the income Excel import (收入导入): template → upload → preview → commit,
idempotent, scoped, every row error named by row and column, nothing saved while any remains."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from households.choices import ClosedReason, ImportJobStatus, ImportKind
from households.models import Household, HouseholdMember, ImportJob, IncomeRecord
from households.services.income import COMPONENTS
from households.tasks import household_import_task
from households.views_income import per_page
from tests.factories import HouseholdFactory, IncomeFactory, MemberFactory, TownshipFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
GRID = "households:income-grid"


@pytest.fixture(autouse=True)
def _early_2026(today):
    """Collection time: the income of 2025 is collected in the spring of 2026."""
    today.set(datetime.date(2026, 3, 2))


@pytest.fixture
def village():
    return VillageFactory(parent=TownshipFactory(), name="南关村")


@pytest.fixture
def worker(village):
    return UserFactory(roles=[Role.VILLAGE_WORKER], area=village)


@pytest.fixture
def households(village):
    """Four households of the village, of two people each (the head and a spouse), by 户编号."""
    found = []
    for n in range(4):
        household = HouseholdFactory(household_no=f"NG{n:03d}", managing_area=village, head_name=f"户主{n}")
        MemberFactory(household=household)
        found.append(household)
    return found


def grid_url(village, **params):
    query = "&".join(f"{key}={value}" for key, value in {"village": village.code, "year": YEAR, **params}.items())
    return f"{reverse(GRID)}?{query}"


def grid_post(rows, *, shown=None):
    """The page's POST: every household shown, its amounts as typed, and the amounts the page showed (hidden)."""
    shown = shown or {}
    data = {"households": [household.pk for household in rows]}
    for household, amounts in rows.items():
        for name in COMPONENTS:
            data[f"h{household.pk}-{name}"] = amounts.get(name, "")
            data[f"initial-h{household.pk}-{name}"] = shown.get(household, {}).get(name, "")
    return data


def yearly(household):
    return IncomeRecord.objects.filter(household=household, year=YEAR, month__isnull=True).first()


def close(household, on):
    Household.objects.filter(pk=household.pk).update(closed_on=on, closed_reason=ClosedReason.MOVED_OUT)


def history_count():
    return IncomeRecord.history.count()  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------------------------ grid


def test_the_grid_lists_the_villages_open_households_pre_filled(client, worker, village, households):
    IncomeFactory(household=households[1], year=YEAR, wage_income=Decimal("18000.50"))
    close(households[3], datetime.date(2026, 1, 5))
    HouseholdFactory(managing_area=VillageFactory(parent=village.parent))  # the next village's
    client.force_login(worker)

    response = client.get(grid_url(village))

    assert response.status_code == 200
    page = response.content.decode()
    assert [row.household for row in response.context["rows"]] == households[:3]
    assert 'value="18000.50"' in page  # what is recorded
    assert "9000.25" in page  # 18000.50 net for 2 people, by rules.per_capita_income
    assert "户主0" in page
    assert "户主3" not in page


def test_a_village_worker_opens_their_own_village_and_last_year_by_default(client, worker, village, households):
    client.force_login(worker)
    response = client.get(reverse(GRID))
    assert response.status_code == 200
    assert response.context["village"] == village
    assert response.context["year"] == YEAR
    assert len(response.context["rows"]) == len(households)


def test_several_households_are_saved_in_one_post_and_untouched_rows_are_not_written(
    client, worker, village, households
):
    recorded = IncomeFactory(household=households[2], year=YEAR, wage_income=Decimal("30000"))
    shown = {households[2]: {"wage_income": "30000.00", **{n: "0.00" for n in COMPONENTS if n != "wage_income"}}}
    before = history_count()
    client.force_login(worker)

    response = client.post(
        grid_url(village),
        grid_post(
            {
                households[0]: {"wage_income": "24000", "transfer_income": "3600", "policy_transfer_income": "3000"},
                households[1]: {"business_income": "12000", "business_expense": "4000.5"},
                households[2]: shown[households[2]],  # shown and left as it was
                households[3]: {},  # nothing recorded, nothing typed
            },
            shown=shown,
        ),
    )

    assert response.status_code == 302
    first, second = yearly(households[0]), yearly(households[1])
    assert (first.wage_income, first.transfer_income, first.policy_transfer_income) == (24000, 3600, 3000)
    assert (second.business_income, second.business_expense, second.wage_income) == (
        Decimal("12000"),
        Decimal("4000.50"),
        0,
    )
    assert first.recorded_by == worker
    assert yearly(households[3]) is None
    assert history_count() == before + 2  # the unchanged household adds no history
    assert yearly(households[2]).recorded_at == recorded.recorded_at
    page = client.get(response["Location"]).content.decode()
    assert "新录入 2 户，更正 0 户" in page
    assert "13800.00" in page  # (24000 + 3600) ÷ 2 people
    assert "3999.75" in page  # (12000 − 4000.50) ÷ 2


def test_a_refusal_in_the_third_row_saves_nothing_and_names_the_household_and_field(
    client, worker, village, households
):
    client.force_login(worker)

    response = client.post(
        grid_url(village),
        grid_post(
            {
                households[0]: {"wage_income": "20000"},
                households[1]: {"wage_income": "21000"},
                households[2]: {"transfer_income": "1000", "policy_transfer_income": "2000"},
                households[3]: {"wage_income": "22000"},
            }
        ),
    )

    assert response.status_code == 200
    refusal = response.context["refusal"]
    assert "户主2（户编号 NG002）" in refusal
    assert "政策性转移收入不能大于转移性收入" in refusal
    assert "未保存任何一户" in refusal
    assert 'data-testid="income-grid-refusal"' in response.content.decode()
    assert [row.refused for row in response.context["rows"]] == [False, False, True, False]
    assert not IncomeRecord.objects.exists()
    assert 'value="21000"' in response.content.decode()  # what was typed is still there to correct


def test_a_bad_number_is_refused_naming_the_household_and_the_field(client, worker, village, households):
    client.force_login(worker)
    response = client.post(
        grid_url(village),
        grid_post({households[0]: {"wage_income": "20000"}, households[1]: {"property_income": "一千"}}),
    )
    assert response.status_code == 200
    assert "户主1（户编号 NG001）“财产性收入”" in response.context["refusal"]
    assert not IncomeRecord.objects.exists()


def test_a_negative_amount_is_refused_by_the_writer(client, worker, village, households):
    client.force_login(worker)
    response = client.post(grid_url(village), grid_post({households[0]: {"medical_self_pay": "-5"}}))
    assert "户主0（户编号 NG000）" in response.context["refusal"]
    assert "医疗自付支出不能为负数" in response.context["refusal"]
    assert not IncomeRecord.objects.exists()


def test_a_row_someone_saved_since_the_page_opened_is_not_overwritten(client, worker, village, households):
    client.force_login(worker)
    IncomeFactory(household=households[0], year=YEAR, wage_income=Decimal("9000"))  # saved after the page opened
    response = client.post(grid_url(village), grid_post({households[0]: {"wage_income": "20000"}}))
    assert "已被他人修改" in response.context["refusal"]
    assert yearly(households[0]).wage_income == Decimal("9000")


@pytest.mark.parametrize(
    ("_case", "role", "area_of"),
    [
        ("village worker of the next village", Role.VILLAGE_WORKER, lambda v: VillageFactory(parent=v.parent)),
        ("cadre of another township", Role.TOWNSHIP_CADRE, lambda v: TownshipFactory(parent=v.parent.parent)),
    ],
)
def test_a_village_outside_the_users_area_is_404(_case, role, area_of, client, village, households):
    client.force_login(UserFactory(roles=[role], area=area_of(village)))
    assert client.get(grid_url(village)).status_code == 404
    assert client.post(grid_url(village), grid_post({households[0]: {"wage_income": "1"}})).status_code == 404
    assert not IncomeRecord.objects.exists()


def test_a_household_of_another_village_cannot_be_slipped_into_the_post(client, worker, village, households):
    stranger = HouseholdFactory(managing_area=VillageFactory(parent=village.parent))
    client.force_login(worker)
    response = client.post(grid_url(village), grid_post({households[0]: {"wage_income": "1"}, stranger: {}}))
    assert response.status_code == 404
    assert not IncomeRecord.objects.exists()


def test_a_township_cadre_collects_any_village_of_the_township(client, village, households):
    cadre = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=village.parent)
    VillageFactory(parent=village.parent)
    client.force_login(cadre)
    picker = client.get(reverse(GRID))
    assert picker.status_code == 200
    assert village.code in picker.content.decode()
    response = client.post(grid_url(village), grid_post({households[0]: {"wage_income": "8000"}}))
    assert response.status_code == 302
    assert yearly(households[0]).wage_income == 8000


def test_a_role_that_cannot_edit_households_gets_403(client, village):
    client.force_login(UserFactory(roles=[Role.REPORTING_OFFICER], area=village))
    assert client.get(grid_url(village)).status_code == 403


def test_the_grid_has_a_card_per_household_on_phones_and_a_header_row_on_wide_screens(
    client, worker, village, households
):
    client.force_login(worker)
    page = client.get(grid_url(village)).content.decode()
    # wide screens: one header row of wrapping column titles, shown from lg up
    assert 'class="px-3 py-2 d-none d-lg-block' in page
    assert 'data-testid="income-grid-header"' in page
    # phones: each input has its own label, hidden from lg up; the inputs sit two to a line
    assert page.count('class="form-label small text-muted mb-0 d-lg-none"') == len(COMPONENTS) * len(households)
    assert 'class="col-6 col-sm-3 col-lg-1"' in page
    assert "table-responsive" not in page
    assert 'inputmode="decimal"' in page


def test_a_page_holds_at_most_50_households_within_djangos_field_limit(client, worker, village, settings):
    for n in range(55):
        HouseholdFactory(household_no=f"P{n:03d}", managing_area=village)
    client.force_login(worker)
    response = client.get(grid_url(village))
    rows = response.context["rows"]
    assert len(rows) == 50
    assert response.context["page_obj"].paginator.num_pages == 2
    # the page's POST stays within DATA_UPLOAD_MAX_NUMBER_FIELDS, or Django would refuse it whole
    fields = len(grid_post({row.household: {} for row in rows})["households"]) + 2 * len(COMPONENTS) * len(rows) + 1
    assert fields <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
    assert per_page() == 22
    assert len(client.get(grid_url(village)).context["rows"]) == 22


def test_the_household_list_links_the_grid_and_the_import_for_editors_only(client, worker, village):
    client.force_login(worker)
    page = client.get(reverse("households:household-list")).content.decode()
    assert reverse(GRID) in page
    assert reverse("households:income-import-upload") in page
    client.force_login(UserFactory(roles=[Role.REPORTING_OFFICER], area=village))
    page = client.get(reverse("households:household-list")).content.decode()
    assert reverse(GRID) not in page


# ---------------------------------------------------------------------------------------------------------- import


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Upload through the page, then run the validation the upload scheduled, as the worker would."""

    def run(content, *, name="收入.xlsx"):
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(
                reverse("households:income-import-upload"), {"file": SimpleUploadedFile(name, content)}
            )
        assert response.status_code == 302, response.content.decode()
        assert len(callbacks) == 1
        job = ImportJob.objects.latest("pk")
        household_import_task(job.pk)
        job.refresh_from_db()
        return job

    return run


@pytest.fixture
def commit(client, django_capture_on_commit_callbacks):
    def run(job):
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(reverse("households:household-import-commit", args=[job.pk]))
        assert response.status_code == 302
        assert len(callbacks) == 1
        household_import_task(job.pk)
        job.refresh_from_db()
        return job

    return run


def template(client) -> openpyxl.Workbook:
    response = client.get(reverse("households:income-import-template"))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def filled(rows) -> bytes:
    """The blank template as the user fills it in Excel: rows under its header."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["户编号", "户主姓名", "户主身份证号", "年度", *HEADERS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


HEADERS = [
    "工资性收入",
    "生产经营性收入",
    "生产经营性支出",
    "财产性收入",
    "转移性收入",
    "其中：政策性转移收入",
    "医疗自付支出",
    "教育支出",
]


def counts(job):
    return {key: job.summary[key] for key in ("incomes_created", "incomes_corrected", "incomes_unchanged")}


def messages_of(job):
    return [f"第 {e['row']} 行“{e['column']}”：{e['message']}" for e in job.errors]


def test_an_income_import_round_trip_through_the_pages(client, worker, village, households, upload, commit):
    client.force_login(worker)
    IncomeFactory(household=households[3], year=YEAR, wage_income=Decimal("5000"))
    # the template: the data sheet's header, as the reader expects it
    workbook = template(client)
    sheet = workbook["年度收入"]
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    assert list(header) == ["户编号", "户主姓名", "户主身份证号", "年度", *HEADERS]
    assert "填写说明" in workbook.sheetnames
    head_id = households[0].head.id_number
    sheet.append(["NG000", "户主0", head_id, YEAR, 24000, None, None, None, 3600, 3000, 800, None])
    sheet.append(["NG001", None, None, YEAR, None, 12000, 4000.5, None, None, None, None, 1200])
    sheet.append(["NG002", "户主2", None, 2024, 15000])
    sheet.append(["NG003", "户主3", None, YEAR, 6000])  # corrects 5000
    out = io.BytesIO()
    workbook.save(out)
    content = out.getvalue()

    job = upload(content)
    assert job.kind == ImportKind.INCOME
    assert job.status == ImportJobStatus.VALIDATED, job.errors
    assert counts(job) == {"incomes_created": 3, "incomes_corrected": 1, "incomes_unchanged": 0}
    preview = client.get(reverse("households:household-import-detail", args=[job.pk])).content.decode()
    assert "将新增" in preview
    assert "将更正" in preview
    assert "年度收入" in preview
    assert yearly(households[0]) is None  # a preview writes nothing
    assert yearly(households[3]).wage_income == 5000

    job = commit(job)
    assert job.status == ImportJobStatus.COMMITTED
    first = yearly(households[0])
    assert (first.wage_income, first.transfer_income, first.policy_transfer_income, first.medical_self_pay) == (
        24000,
        3600,
        3000,
        800,
    )
    assert first.recorded_by == worker
    second = yearly(households[1])
    assert (second.business_income, second.business_expense, second.schooling_expense) == (
        12000,
        Decimal("4000.50"),
        1200,
    )
    assert IncomeRecord.objects.get(household=households[2], year=2024).wage_income == 15000
    assert yearly(households[3]).wage_income == 6000
    assert yearly(households[3]).history.count() == 2  # the correction keeps the former figures
    before = history_count()

    again = upload(content)  # the same file once more
    assert again.status == ImportJobStatus.VALIDATED
    assert counts(again) == {"incomes_created": 0, "incomes_corrected": 0, "incomes_unchanged": 4}
    again = commit(again)
    assert counts(again) == {"incomes_created": 0, "incomes_corrected": 0, "incomes_unchanged": 4}
    assert history_count() == before  # nothing written the second time
    page = client.get(reverse("households:household-import-detail", args=[again.pk])).content.decode()
    assert "已导入" in page


def test_the_village_template_comes_pre_filled_and_imports_back_unchanged(client, worker, village, households, upload):
    IncomeFactory(household=households[0], year=YEAR, wage_income=Decimal("20000"))
    client.force_login(worker)
    response = client.get(reverse("households:income-import-template"), {"village": village.code, "year": YEAR})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = list(openpyxl.load_workbook(io.BytesIO(content))["年度收入"].iter_rows(min_row=2, values_only=True))
    assert [row[:4] for row in rows] == [(h.household_no, h.head_name, None, YEAR) for h in households]
    assert rows[0][4] == 20000
    assert rows[1][4] is None
    job = upload(content)
    assert job.status == ImportJobStatus.VALIDATED
    assert counts(job) == {"incomes_created": 0, "incomes_corrected": 0, "incomes_unchanged": 1}
    assert job.summary["incomes_skipped"] == 3  # rows nobody filled in record nothing
    outside = client.get(reverse("households:income-import-template"), {"village": VillageFactory().code})
    assert outside.status_code == 404


def test_row_errors_are_named_by_row_and_column_and_nothing_is_saved(client, worker, village, households, upload):
    elsewhere = HouseholdFactory(household_no="FAR001", managing_area=VillageFactory())
    client.force_login(worker)
    job = upload(
        filled(
            [
                ["NG000", None, None, YEAR, 10000],  # row 2: fine on its own
                ["NG001", None, None, YEAR, "一万"],  # row 3: not a number
                ["NG002", None, None, YEAR, None, None, None, -5],  # row 4: negative
                ["NG003", None, None, YEAR, None, None, None, None, 1000, 2000],  # row 5: policy > transfer
                ["NG999", None, None, YEAR, 100],  # row 6: no such household
                [elsewhere.household_no, None, None, YEAR, 100],  # row 7: registered outside the area
                ["NG000", None, None, YEAR, 12000],  # row 8: the same household and year as row 2
                ["NG001", "王五", None, 2024, 100],  # row 9: not this household's head
            ]
        )
    )

    assert job.status == ImportJobStatus.INVALID
    assert messages_of(job) == [
        "第 3 行“工资性收入”：“一万”不是金额：请填写数字（元），如 12000 或 3500.50",
        "第 4 行“财产性收入”：财产性收入不能为负数",
        "第 5 行“其中：政策性转移收入”：政策性转移收入不能大于转移性收入",
        "第 6 行“户编号”：户编号“NG999”不在您的管辖范围内，或尚未登记",
        f"第 7 行“户编号”：户编号“{elsewhere.household_no}”不在您的管辖范围内，或尚未登记",
        "第 8 行“年度”：与第 2 行重复：同一户同一年度只能填写一行",
        "第 9 行“户主姓名”：与户编号“NG001”登记的户主“户主1”不一致，请核对户编号",
    ]
    # the same words for a household elsewhere as for none at all: the import tells nothing outside the area
    assert job.errors[3]["message"].replace("NG999", "X") == job.errors[4]["message"].replace("FAR001", "X")
    page = client.get(reverse("households:household-import-detail", args=[job.pk])).content.decode()
    assert "第 7 行" in page
    assert "不在您的管辖范围内" in page
    assert "未保存任何数据" in page
    assert 'data-testid="commit"' not in page
    assert not IncomeRecord.objects.exists()


def test_a_closed_household_and_a_wrong_head_id_number_are_row_errors(client, worker, village, households, upload):
    close(households[1], datetime.date(2026, 1, 5))
    client.force_login(worker)
    job = upload(
        filled(
            [
                ["NG000", None, households[2].head.id_number, YEAR, 100],
                ["NG001", None, None, YEAR, 100],
                ["NG002", None, None, 2010, 100],
            ]
        )
    )
    assert messages_of(job) == [
        "第 2 行“户主身份证号”：与户编号“NG000”登记的户主身份证号不一致，请核对户编号",
        "第 3 行“户编号”：该户已于 2026-01-05 注销，不能再修改",
        "第 4 行“年度”：年度须在 2014 至 2026 之间",
    ]
    assert not IncomeRecord.objects.exists()


def test_the_heads_id_numbers_are_checked_without_a_query_per_household(
    client, worker, households, django_capture_on_commit_callbacks
):
    client.force_login(worker)
    rows = [[h.household_no, None, h.head.id_number, YEAR, 100] for h in households]
    with django_capture_on_commit_callbacks():
        client.post(reverse("households:income-import-upload"), {"file": SimpleUploadedFile("收入.xlsx", filled(rows))})
    job = ImportJob.objects.latest("pk")

    with CaptureQueriesContext(connection) as captured:
        household_import_task(job.pk)

    job.refresh_from_db()
    assert job.status == ImportJobStatus.VALIDATED, job.errors
    member_table = f'FROM "{HouseholdMember._meta.db_table}"'
    assert not [query["sql"] for query in captured.captured_queries if member_table in query["sql"]]


def test_a_household_changed_between_preview_and_commit_saves_nothing(
    client, worker, village, households, upload, commit
):
    client.force_login(worker)
    job = upload(filled([["NG000", None, None, YEAR, 100], ["NG001", None, None, YEAR, 200]]))
    assert job.status == ImportJobStatus.VALIDATED
    close(households[1], datetime.date(2026, 2, 1))
    job = commit(job)
    assert job.status == ImportJobStatus.INVALID
    assert messages_of(job) == ["第 3 行“户编号”：该户已于 2026-02-01 注销，不能再修改"]
    assert not IncomeRecord.objects.exists()


def test_an_empty_file_and_a_wrong_header_are_refused(client, worker, households, upload):
    client.force_login(worker)
    [error] = upload(filled([])).errors
    assert error["row"] is None
    assert error["message"] == "文件中没有收入数据：请从第 2 行起每行填写一户一个年度的收入"
    workbook = openpyxl.Workbook()
    workbook.active.append(["户编号", "工资性收入"])
    workbook.active.append(["NG000", 100])
    out = io.BytesIO()
    workbook.save(out)
    assert messages_of(upload(out.getvalue())) == ["第 1 行“年度”：缺少必填列；请使用导入模板，第 1 行为列标题"]


def test_the_income_upload_page_lists_only_income_imports(client, worker, households, upload):
    client.force_login(worker)
    job = upload(filled([["NG000", None, None, YEAR, 100]]), name="南关村收入.xlsx")
    page = client.get(reverse("households:income-import-upload")).content.decode()
    assert "从 Excel 导入农户年度收入" in page
    assert "南关村收入.xlsx" in page
    assert reverse("households:household-import-detail", args=[job.pk]) in page
    assert "南关村收入.xlsx" not in client.get(reverse("households:household-import-upload")).content.decode()
    client.force_login(UserFactory(roles=[Role.REPORTING_OFFICER], area=worker.area))
    assert client.get(reverse("households:income-import-upload")).status_code == 403


def test_an_income_import_over_the_api(api_client, worker, households, django_capture_on_commit_callbacks):
    api_client.force_authenticate(worker)
    content = filled([["NG000", "户主0", None, YEAR, 20000], ["NG001", None, None, YEAR, 15000]])
    with django_capture_on_commit_callbacks() as callbacks:
        answer = api_client.post(
            "/api/v1/income-imports/", {"file": SimpleUploadedFile("收入.xlsx", content)}, format="multipart"
        )
    assert answer.status_code == 202, answer.content
    assert answer.json()["kind"] == "income"
    assert len(callbacks) == 1
    job_id = answer.json()["id"]
    household_import_task(job_id)
    preview = api_client.get(f"/api/v1/income-imports/{job_id}/").json()
    assert preview["status"] == "validated"
    assert preview["summary"]["incomes_created"] == 2
    assert api_client.get(f"/api/v1/household-imports/{job_id}/").status_code == 404  # each list has its own kind
    with django_capture_on_commit_callbacks():
        assert api_client.post(f"/api/v1/income-imports/{job_id}/commit/").status_code == 202
    household_import_task(job_id)
    assert api_client.get(f"/api/v1/income-imports/{job_id}/").json()["status"] == "committed"
    assert yearly(households[1]).wage_income == 15000
