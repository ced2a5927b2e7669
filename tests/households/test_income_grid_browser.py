"""The income collection grid (收入采集表) in a real browser: a village worker fills two households on a 390 px phone
and saves the page at once, and the grid of a full page fits the phone and a 1366 px laptop without scrolling
sideways (screenshots in the temporary folder)."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from households.models import IncomeRecord
from tests.browser import SCREENSHOTS, PageProblems, assert_no_page_problems, log_in
from tests.factories import HouseholdFactory, MemberFactory, TownshipFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _spring(today):
    today.set(datetime.date(2026, 3, 2))


def _village(households: int):
    village = VillageFactory(parent=TownshipFactory(), name="南关村")
    UserFactory(username="nanguan", roles=[Role.VILLAGE_WORKER], area=village)
    found = []
    for n in range(households):
        household = HouseholdFactory(household_no=f"64032410020100{n:02d}", managing_area=village)
        MemberFactory(household=household)
        found.append(household)
    return village, found


def _fits(page: Page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url} scrolls sideways by {wide}px"


def test_a_village_worker_collects_two_households_on_a_phone(phone_page: Page, page_problems: PageProblems):
    page = phone_page
    households = _village(3)[1]

    page.goto("/households/")
    log_in(page, "nanguan")
    page.get_by_role("link", name="收入采集表").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2025 年度")
    rows = page.get_by_test_id("income-grid-row")
    expect(rows).to_have_count(3)
    rows.nth(0).get_by_label("工资性收入").fill("24000")
    rows.nth(0).get_by_label("转移性收入").fill("3600")
    rows.nth(2).get_by_label("生产经营性收入").fill("9000")
    rows.nth(2).get_by_label("生产经营性支出").fill("1000")
    _fits(page)
    page.screenshot(path=str(SCREENSHOTS / "income-grid-filled-390.png"), full_page=True)
    page.get_by_role("button", name="保存本页").click()

    expect(page.get_by_text("新录入 2 户，更正 0 户，0 户无变化")).to_be_visible()
    expect(rows.nth(0).get_by_test_id("per-capita")).to_contain_text("13800.00")  # (24000 + 3600) ÷ 2
    expect(rows.nth(1).get_by_test_id("per-capita")).to_contain_text("未录入")
    expect(rows.nth(2).get_by_test_id("per-capita")).to_contain_text("4000.00")
    assert IncomeRecord.objects.get(household=households[2], year=2025).business_expense == Decimal("1000")
    assert not IncomeRecord.objects.filter(household=households[1]).exists()
    _fits(page)
    assert_no_page_problems(page_problems)


@pytest.mark.parametrize("width", [390, 1366])
def test_a_full_page_of_the_grid_fits_the_screen(desktop_page: Page, width):
    page = desktop_page
    village, _households = _village(50)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"/households/income/?village={village.code}&year=2025")
    log_in(page, "nanguan")
    expect(page.get_by_test_id("income-grid-row")).to_have_count(50)
    header = expect(page.get_by_test_id("income-grid-header"))
    if width >= 992:  # Bootstrap's lg: one header row over a line per household
        header.to_be_visible()
    else:  # a card per household, a label over each input
        header.to_be_hidden()
    page.get_by_test_id("income-grid-row").nth(0).get_by_label("其中：政策性转移收入").fill("1234567.89")
    _fits(page)
    page.screenshot(path=str(SCREENSHOTS / f"income-grid-{width}.png"), full_page=False)
