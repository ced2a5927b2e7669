"""Issue "Desk and field", batches, in a real browser: a village worker takes a village's cases through one democratic
review on a 390 px phone, and the batch pages fit a phone and a laptop (screenshots in the temporary folder)."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from households.choices import VisitKind
from households.models import Visit
from monitoring.choices import EntryState
from monitoring.models import DemocraticReview, EntryApplication
from monitoring.services import entry_verify
from tests.browser import SCREENSHOTS, PageProblems, assert_no_page_problems, click_nav, log_in
from tests.worlds.monitoring import TODAY, County, report_entry, walk_to_county

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


def _verified(county: County, n: int) -> list[EntryApplication]:
    applications = []
    for _ in range(n):
        household = county.household(per_capita=Decimal("5350"))
        application = report_entry(county, household)
        Visit.objects.create(
            household=household, visited_on=TODAY, kind=VisitKind.VERIFICATION, recorded_by=county.village_worker
        )
        entry_verify(application=application, actor=county.village_worker)
        applications.append(application)
    return applications


def _fits(page: Page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url} scrolls sideways by {wide}px"


def test_a_village_reviews_its_cases_in_one_batch_on_a_phone(phone_page: Page, page_problems: PageProblems):
    page = phone_page
    county = County()
    county.village_worker.username = "cunganbu"
    county.village_worker.save()
    applications = _verified(county, 5)
    third = applications[2].household

    # from the queue to the village's group
    page.goto("/monitoring/")
    log_in(page, "cunganbu")
    click_nav(page, "纳入监测")
    page.get_by_test_id("batch-link").click()
    page.get_by_test_id("batch-groups").get_by_role("link", name="民主评议").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("民主评议")
    cases = page.get_by_test_id("batch-case")
    expect(cases).to_have_count(5)

    # select all at this step, fill each case's votes (not the third's yet) and the meeting once
    page.get_by_label("全选本环节农户").check()
    expect(page.get_by_text("已选 5 户")).to_be_visible()
    for index in range(5):
        if index != 2:
            cases.nth(index).get_by_label("赞成票").fill("14")
            cases.nth(index).get_by_label("反对票").fill("1")
    page.get_by_label("评议日期").fill(TODAY.isoformat())
    page.get_by_label("参会人数").fill("15")
    page.get_by_label("到会村民代表数").fill("12")
    page.get_by_label("参会人员及身份（每行一人）").fill("马某 村民代表\n李某 村干部")
    _fits(page)
    page.screenshot(path=str(SCREENSHOTS / "batch-review-filled-390.png"), full_page=True)
    page.get_by_role("button", name="办理选中的农户：民主评议").click()

    # the third case is named and nothing was saved; the page keeps what was typed
    refusal = page.get_by_test_id("batch-refusal")
    expect(refusal).to_contain_text(f"第 3 户 {third.head_name}（户编号 {third.household_no}）：赞成票")
    assert not DemocraticReview.objects.exists()
    expect(cases.nth(0).get_by_label("赞成票")).to_have_value("14")
    expect(page.get_by_label("全选本环节农户")).to_be_checked()
    _fits(page)
    page.screenshot(path=str(SCREENSHOTS / "batch-review-refused-390.png"), full_page=True)

    # the third case's votes, and the batch goes through
    cases.nth(2).get_by_label("赞成票").fill("13")
    cases.nth(2).get_by_label("反对票").fill("2")
    page.get_by_label("评议日期").fill(TODAY.isoformat())
    page.get_by_role("button", name="办理选中的农户：民主评议").click()
    expect(page.get_by_role("alert").first).to_contain_text("已批量办理“民主评议”：5 户")
    expect(page.get_by_test_id("batch-groups")).to_contain_text("张贴公示")  # the village's next batch

    states = set(EntryApplication.objects.filter(pk__in=[a.pk for a in applications]).values_list("state", flat=True))
    assert states == {EntryState.DEMOCRATICALLY_REVIEWED}
    votes = dict(DemocraticReview.objects.values_list("application_id", "votes_for"))
    assert votes == {a.pk: 13 if a == applications[2] else 14 for a in applications}
    assert_no_page_problems(page_problems)


@pytest.mark.parametrize("width", [390, 1366])
def test_the_batch_pages_fit_the_phone_and_the_laptop(page: Page, page_problems: PageProblems, width):
    county = County()
    county.county_reviewer.username = "xianju"
    county.county_reviewer.save()
    county.village_worker.username = "cunganbu"
    county.village_worker.save()
    for _ in range(4):
        walk_to_county(county, county.household(per_capita=Decimal("5350")))
    _verified(county, 4)
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})

    page.goto("/monitoring/batch/")
    log_in(page, "cunganbu")
    _fits(page)
    page.screenshot(path=str(SCREENSHOTS / f"batch-index-{width}.png"), full_page=True)
    page.get_by_test_id("batch-groups").get_by_role("link", name="民主评议").click()
    page.get_by_label("全选本环节农户").check()
    _fits(page)
    page.screenshot(path=str(SCREENSHOTS / f"batch-review-{width}.png"), full_page=True)

    page.context.clear_cookies()
    page.goto("/monitoring/batch/")
    log_in(page, "xianju")
    page.get_by_test_id("batch-groups").get_by_role("link", name="县级批准").click()
    cases = page.get_by_test_id("batch-case")
    expect(cases).to_have_count(4)
    page.get_by_label("全选本环节农户").check()
    cases.nth(1).get_by_label("办理结果").select_option(label="退回乡镇")
    cases.nth(1).get_by_label("理由").fill("收入核算有误，请乡镇复核")
    _fits(page)
    page.screenshot(path=str(SCREENSHOTS / f"batch-approve-{width}.png"), full_page=True)
    assert_no_page_problems(page_problems)
