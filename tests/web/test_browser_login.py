"""The first journeys in a real browser: a township cadre logs in, sees their own township and only its households,
finds one, opens it and logs out; a wrong password is refused on the login page."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from tests.browser import (
    SCREENSHOTS,
    PageProblems,
    assert_bootstrap_applied,
    assert_no_page_problems,
    click_nav,
    log_in,
    log_out,
)
from tests.factories import CountyFactory, HouseholdFactory, TownshipFactory, UserFactory, VillageFactory

# serialized_rollback: the role groups come from a data migration, and a transactional test flushes them;
# restoring the migrated rows keeps roles (and so the menu) working in every browser test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LOGIN_PATH = re.compile(r"/accounts/login/")


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_township_cadre_sees_only_their_township(page: Page, page_problems: PageProblems, request):
    # given: two townships of one county, two households in the first, a distinctive one in the second
    county = CountyFactory()
    own, sibling = TownshipFactory(parent=county, name="青山镇"), TownshipFactory(parent=county, name="白水镇")
    own_village, sibling_village = VillageFactory(parent=own), VillageFactory(parent=sibling)
    first = HouseholdFactory(managing_area=own_village, head_name="张建国")
    HouseholdFactory(managing_area=own_village, head_name="李秀英")
    HouseholdFactory(managing_area=sibling_village, head_name="王外乡")
    cadre = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=own)

    # when: an anonymous visit to the home page is sent to the login page
    page.goto("/")
    expect(page).to_have_url(LOGIN_PATH)
    log_in(page, cadre.username)

    # then: the cadre's own home page
    expect(page.get_by_test_id("home-title")).to_contain_text("青山镇")
    expect(page.get_by_test_id("stat-households")).to_have_text("2")
    expect(page.get_by_test_id("work-queue").or_(page.get_by_test_id("work-queue-empty"))).to_be_visible()
    assert_bootstrap_applied(page)
    suffix = "" if request.node.callspec.id == "desktop" else "-phone"
    page.screenshot(path=str(SCREENSHOTS / f"browser-home{suffix}.png"), full_page=True)

    # the registry lists the two own households, never the sibling township's
    click_nav(page, "农户档案")
    rows = page.locator("#household-rows tbody")
    expect(rows.get_by_role("row")).to_have_count(2)
    expect(rows).to_contain_text("张建国")
    expect(rows).to_contain_text("李秀英")
    expect(page.locator("main")).not_to_contain_text("王外乡")

    # search narrows to one household, and its detail page opens
    page.get_by_role("searchbox").fill("张建国")
    page.get_by_role("button", name="查询").click()
    expect(rows.get_by_role("row")).to_have_count(1)
    expect(rows).not_to_contain_text("李秀英")
    # the row's link: the household number on a laptop, the head's name on a phone (the number is under it)
    rows.get_by_role("link", name=first.household_no if request.node.callspec.id == "desktop" else "张建国").click()
    expect(page).to_have_url(re.compile(rf"/households/{first.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("张建国")

    # logging out lands on the login page
    log_out(page)
    expect(page).to_have_url(LOGIN_PATH)
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    assert_no_page_problems(page_problems)


def test_wrong_password_is_refused_on_the_login_page(page: Page, page_problems: PageProblems):
    # given
    cadre = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=TownshipFactory())

    # when
    page.goto("/accounts/login/")
    log_in(page, cadre.username, "not-the-password")

    # then: Django's own message, in Chinese, and still the login form
    expect(page).to_have_url(LOGIN_PATH)
    expect(page.locator(".alert-danger")).to_contain_text("请输入一个正确的")
    expect(page.get_by_label("用户名")).to_have_value(cadre.username)
    expect(page.locator("nav.navbar")).to_have_count(0)
    assert_no_page_problems(page_problems)
