"""The Excel import in a real browser: upload, the htmx progress bar while the worker runs, the preview, the commit.

The background task is not run by the page: the task sent is recorded, and the test runs the task itself as the worker
would, while the page polls. So the journey shows the page waiting, then reloading into the result on its own."""

import io

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from households.imports import services
from households.models import Household, ImportJob
from households.tasks import household_import_task
from tests.browser import PageProblems, assert_no_page_problems, log_in
from tests.factories import UserFactory, VillageFactory, valid_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class RecordedTask:
    def __init__(self) -> None:
        self.job_ids: list[int] = []

    name = "recorded"

    def apply_async(self, args: tuple[int], **options: object) -> None:
        """What core.dispatch sends: recorded, for the test to run as the worker would."""
        self.job_ids.append(args[0])


def _workbook(village_code: str) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["户编号", "村代码", "姓名", "身份证号", "与户主关系", "劳动能力", "在校生状况", "联系电话"])
    for n in range(3):
        sheet.append([f"B{n}", village_code, f"户主{n}", valid_id_number(), "户主", "普通劳动力", "已离校", None])
        sheet.append([f"B{n}", village_code, f"配偶{n}", valid_id_number(male=False), "配偶", "普通劳动力", "已离校"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_village_worker_uploads_waits_for_the_bar_previews_and_commits(
    page: Page, page_problems: PageProblems, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    task = RecordedTask()
    monkeypatch.setattr(services, "household_import_task", task)
    village = VillageFactory(name="南关村")
    UserFactory(username="nanguan", roles=[Role.VILLAGE_WORKER], area=village)

    page.goto("/households/import/")
    log_in(page, "nanguan")
    expect(page.get_by_role("heading", name="从 Excel 导入农户和家庭成员")).to_be_visible()
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(
        {"name": "南关村.xlsx", "mimeType": "application/octet-stream", "buffer": _workbook(village.code)}
    )
    page.get_by_role("button", name="上传并校验").click()

    # the job page waits, polling the progress partial
    expect(page.get_by_test_id("import-status")).to_have_text("已上传")
    expect(page.get_by_test_id("import-progress")).to_be_visible()
    job = ImportJob.objects.get()
    assert task.job_ids == [job.pk]
    household_import_task(job.pk)  # the worker validates; the page notices on its next poll and reloads
    expect(page.get_by_test_id("import-status")).to_have_text("校验通过")
    expect(page.get_by_test_id("import-counts")).to_contain_text("农户")
    assert not Household.objects.exists()

    page.get_by_test_id("commit").click()
    expect(page.get_by_test_id("import-status")).to_have_text("导入中")
    household_import_task(job.pk)
    expect(page.get_by_test_id("import-status")).to_have_text("已导入")
    expect(page.get_by_text("导入完成")).to_be_visible()
    assert Household.objects.count() == 3
    assert_no_page_problems(page_problems)
