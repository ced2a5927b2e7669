"""A large ledger export in a real browser: the reporting officer starts it, the page's progress bar moves while the
worker writes, and the file downloads when it is done (SPEC §13.1).

The task is not run by the page: the task sent is recorded and the test runs the task itself, as the worker would. At
the first progress report the test waits until the polling page shows it, so the bar is seen mid-way, not only at
the start and the end."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from households.models import Visit
from ledgers import services, tasks, writer
from ledgers.models import ExportStatus, LedgerExport
from tests.browser import PageProblems, assert_no_page_problems, click_nav, log_in
from tests.factories import CountyFactory, HouseholdFactory, TownshipFactory, UserFactory, VillageFactory
from tests.worlds.excel import calamine_sheets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VISITS = 240


class RecordedTask:
    def __init__(self) -> None:
        self.export_ids: list[int] = []

    name = "recorded"

    def apply_async(self, args: tuple[int], **options: object) -> None:
        """What core.dispatch sends: recorded, for the test to run as the worker would."""
        self.export_ids.append(args[0])


def test_a_reporting_officer_starts_a_large_export_watches_the_bar_and_downloads(
    page: Page, page_problems: PageProblems, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.LEDGER_SYNC_MAX_ROWS = 50  # this export is "large": a worker writes it
    monkeypatch.setattr(writer, "PROGRESS_EVERY", 60)
    run_task = tasks.ledger_export_task  # the real one, run below as the worker would
    task = RecordedTask()
    monkeypatch.setattr(tasks, "ledger_export_task", task)
    county = CountyFactory(name="同心县")
    townships = [TownshipFactory(parent=county, name=name) for name in ("豫海镇", "河西镇")]
    households = [HouseholdFactory(managing_area=VillageFactory(parent=t)) for t in townships for _ in range(3)]
    UserFactory(username="baobiao", roles=[Role.REPORTING_OFFICER], area=county)
    cadre = UserFactory(area=townships[0], roles=[Role.TOWNSHIP_CADRE])
    Visit.objects.bulk_create(
        Visit(household=households[n % 6], visited_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300),
              recorded_by=cadre, notes=f"第{n}次走访")
        for n in range(VISITS)
    )  # fmt: skip

    page.goto("/")
    log_in(page, "baobiao")
    click_nav(page, "台账导出")
    expect(page.get_by_role("heading", name="台账导出")).to_be_visible()
    page.get_by_test_id("ledger-L-04").get_by_role("button", name="导出 Excel").click()

    bar = page.get_by_test_id("export-progress")
    expect(page.get_by_role("heading", name="同心县走访台账")).to_be_visible()
    expect(bar).to_contain_text(f"已写 0 / {VISITS} 行")
    expect(bar.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "0")
    export = LedgerExport.objects.get()
    assert task.export_ids == [export.pk]
    assert export.status == ExportStatus.QUEUED

    seen: list[int] = []
    real = services.write_ledger

    def watched(*args, progress, **kwargs):
        def report(done: int) -> None:
            progress(done)
            seen.append(done)
            if len(seen) == 1:  # mid-way: the polling page shows the rows written so far
                expect(bar).to_contain_text(f"已写 {done} / {VISITS} 行")
                expect(bar.get_by_role("progressbar")).to_have_attribute("aria-valuenow", str(100 * done // VISITS))

        return real(*args, progress=report, **kwargs)

    monkeypatch.setattr(services, "write_ledger", watched)
    run_task(export.pk)
    assert seen[0] == 60
    assert seen[-1] == VISITS

    download = bar.get_by_test_id("download")
    expect(download).to_be_visible()
    expect(bar.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    with page.expect_download() as info:
        download.click()
    path = tmp_path / "downloaded.xlsx"
    info.value.save_as(path)
    assert info.value.suggested_filename.endswith(".xlsx")
    sheets = calamine_sheets(path.read_bytes())
    assert list(sheets) == ["豫海镇", "河西镇"]
    assert sum(len(rows) - 4 for rows in sheets.values()) == VISITS  # title, meta, header and totals rows aside
    assert_no_page_problems(page_problems)
