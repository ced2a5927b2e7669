"""A department's screening list in a real browser, on a 390 px phone and a 1366 px laptop: the upload answers at
once, the list's page shows it queued while htmx polls, and reloads into the result by itself when the worker is
done; a list with bad rows shows its errors by row and column. No page scrolls sideways.

The task is not run by the page: the task sent is recorded and the test runs it itself, as the worker would.
With ``BROWSER_SCREENSHOTS=1`` the pages are saved as PNGs in the temporary folder, to look at."""

import io
import os

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from accounts.roles import Role
from sweeps.choices import BatchStatus
from sweeps.models import ScreeningBatch, ScreeningWarning
from sweeps.services import screening
from sweeps.tasks import screening_batch_task
from tests.browser import SCREENSHOTS, PageProblems, assert_no_page_problems, log_in
from tests.factories import CountyFactory, HouseholdFactory, TownshipFactory, UserFactory, VillageFactory
from tests.worlds.sweeps import HEADER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class RecordedTask:
    def __init__(self) -> None:
        self.batch_ids: list[int] = []

    name = "recorded"

    def apply_async(self, args: tuple[int], **options: object) -> None:
        """What core.dispatch sends: recorded, for the test to run as the worker would."""
        self.batch_ids.append(args[0])


def _list(rows: list[list[object]]) -> bytes:
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
        page.screenshot(path=str(SCREENSHOTS / f"screening-{shot}-{width}.png"), full_page=True)


def _upload(page: Page, content: bytes) -> None:
    page.goto("/sweeps/screening/")
    page.get_by_label("筛查期").fill("2026-Q3")
    page.get_by_label("筛查名单（.xlsx）").set_input_files(
        {"name": "卫健委2026年第三季度筛查名单.xlsx", "mimeType": "application/octet-stream", "buffer": content}
    )
    page.get_by_role("button", name="上传并导入").click()


@pytest.mark.parametrize("width", [390, 1366])
def test_a_screener_uploads_sees_it_queued_and_the_page_turns_into_the_result(
    page: Page, page_problems: PageProblems, monkeypatch, settings, tmp_path, width
):
    settings.MEDIA_ROOT = tmp_path
    task = RecordedTask()
    monkeypatch.setattr(screening, "screening_batch_task", task)
    county = CountyFactory(name="同心县")
    village = VillageFactory(parent=TownshipFactory(parent=county, name="豫海镇"), name="南关村")
    household = HouseholdFactory(managing_area=village)
    member = household.members.first()
    UserFactory(username="weijian", roles=[Role.DEPARTMENT_SCREENER], area=county, department="health")
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 768})
    page.goto("/")
    log_in(page, "weijian")

    # a good list: queued at once, then the result
    _upload(page, _list([[member.id_number, member.name, "", "确诊大病重病", "2026-08-03", 12000, "县医院确诊", ""]]))
    expect(page.get_by_test_id("batch-status")).to_have_text("排队中")
    expect(page.get_by_test_id("batch-progress")).to_contain_text("正在排队等候后台导入")
    batch = ScreeningBatch.objects.get()
    assert task.batch_ids == [batch.pk]
    _fits(page, width, "queued")
    screening_batch_task(batch.pk)  # the worker imports it; the page notices on its next poll and reloads
    expect(page.get_by_test_id("batch-status")).to_have_text("已导入")
    expect(page.get_by_test_id("batch-counts")).to_contain_text("生成预警")
    expect(page.get_by_test_id("batch-warnings")).to_contain_text("确诊大病重病")
    assert ScreeningWarning.objects.count() == 1
    _fits(page, width, "done")

    # a list with a bad row: rejected, every error named, nothing saved
    _upload(page, _list([["6403241975030812", "马某", "", "住房不安全", "2026-13-40", "一千", "", ""]]))
    expect(page.get_by_test_id("batch-status")).to_have_text("排队中")
    rejected = ScreeningBatch.objects.latest("pk")
    screening_batch_task(rejected.pk)
    expect(page.get_by_test_id("batch-status")).to_have_text("有错误，未导入")
    expect(page.get_by_test_id("upload-errors")).to_contain_text("不是本部门的预警类型")
    expect(page.get_by_test_id("batch-message")).to_contain_text("未导入任何数据")
    assert ScreeningBatch.objects.get(pk=rejected.pk).status == BatchStatus.REJECTED
    assert ScreeningWarning.objects.count() == 1
    _fits(page, width, "rejected")

    page.goto("/sweeps/screening/")
    expect(page.get_by_test_id("batch-list")).to_contain_text("有错误，未导入")
    _fits(page, width, "list")
    assert_no_page_problems(page_problems)
