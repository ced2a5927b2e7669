"""Reconciliation with the national system in a real browser, on a 390 px phone and a 1366 px laptop: the upload
answers at once, the record's page shows it queued while htmx polls, and reloads into the report by itself when the
worker is done; ID numbers stay masked for the reporting officer; the report is reopened from the list. No page
scrolls sideways.

The task is not run by the page: the task sent is recorded and the test runs it itself, as the worker would.
With ``BROWSER_SCREENSHOTS=1`` the pages are saved as PNGs in the temporary folder, to look at."""

import io
import os

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from accounts.roles import Role
from ledgers import reconcile
from ledgers.models import Reconciliation, ReconciliationStatus
from ledgers.tasks import reconcile_task
from tests.browser import SCREENSHOTS, PageProblems, assert_no_page_problems, log_in
from tests.factories import (
    CountyFactory,
    HouseholdFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
    valid_id_number,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADER = ["户编号", "村代码", "姓名", "身份证号", "与户主关系", "劳动能力", "在校生状况"]


class RecordedTask:
    def __init__(self) -> None:
        self.record_ids: list[int] = []

    name = "recorded"

    def apply_async(self, args: tuple[int], **options: object) -> None:
        """What core.dispatch sends: recorded, for the test to run as the worker would."""
        self.record_ids.append(args[0])


def _extract(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _fits(page: Page, width: int, shot: str) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url} scrolls sideways by {wide}px at {width}px"
    if os.environ.get("BROWSER_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / f"reconcile-{shot}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1366])
def test_a_reporting_officer_reconciles_sees_it_queued_and_the_page_turns_into_the_report(
    page: Page, page_problems: PageProblems, monkeypatch, settings, tmp_path, width
):
    settings.MEDIA_ROOT = tmp_path
    task = RecordedTask()
    monkeypatch.setattr(reconcile, "reconcile_task", task)
    county = CountyFactory(name="同心县")
    township = TownshipFactory(parent=county, name="豫海镇")
    village = VillageFactory(parent=township, name="南关村")
    kept, dropped = (HouseholdFactory(managing_area=village) for _ in range(2))
    head = kept.head
    UserFactory(username="baobiao", roles=[Role.REPORTING_OFFICER], area=county)
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 768})
    page.goto("/")
    log_in(page, "baobiao")

    page.goto("/ledgers/reconcile/")
    page.get_by_label("核对范围").select_option(township.code)
    page.get_by_label("全国系统导出文件（.xlsx）").set_input_files(
        {
            "name": "全国防返贫监测信息系统农户和家庭成员导出.xlsx",
            "mimeType": "application/octet-stream",
            "buffer": _extract(
                [
                    [kept.household_no, village.code, head.name + "某", head.id_number, "户主", "普通劳动力", "已离校"],
                    ["6403241009999999", village.code, "马某某", valid_id_number(), "户主", "普通劳动力", "已离校"],
                ]
            ),
        }
    )
    page.get_by_role("button", name="开始核对").click()

    expect(page.get_by_test_id("reconcile-status")).to_have_text("排队中")
    expect(page.get_by_test_id("reconcile-progress")).to_contain_text("正在排队等候后台核对")
    record = Reconciliation.objects.get()
    assert task.record_ids == [record.pk]
    _fits(page, width, "queued")

    reconcile_task(record.pk)  # the worker compares; the page notices on its next poll and reloads
    expect(page.get_by_test_id("reconcile-status")).to_have_text("已完成")
    summary = page.get_by_test_id("reconcile-summary")
    expect(summary).to_contain_text("仅系统中有")
    differences = page.get_by_test_id("differences")
    expect(differences).to_contain_text(head.name + "某")
    expect(differences).to_contain_text(dropped.household_no)
    expect(differences).not_to_contain_text(head.id_number)  # masked for the reporting officer, as before
    assert Reconciliation.objects.get().status == ReconciliationStatus.DONE
    _fits(page, width, "done")

    # reopened later from "我的核对记录"
    page.goto("/ledgers/reconcile/")
    _fits(page, width, "list")
    page.get_by_role("link", name="全国防返贫监测信息系统农户和家庭成员导出.xlsx").click()
    expect(page.get_by_test_id("reconcile-report")).to_be_visible()
    expect(page.get_by_test_id("differences")).to_contain_text(head.name + "某")
    assert_no_page_problems(page_problems)
