"""The dashboard in a real browser, on a phone and a desktop: Chart.js is served by the app (no CDN), every chart
panel is drawn, the numbers are in the table beside it, and the Excel downloads."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from households.models import HouseholdMember
from monitoring.models import EntryApplication, MonitoringSubject
from tests.browser import PageProblems, assert_no_page_problems, click_nav, log_in
from tests.factories import CountyFactory, HouseholdFactory, TownshipFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _subject(household, category: str, risk: str, entered: datetime.date) -> None:
    application = EntryApplication.objects.create(
        household=household, channel="cadre_screening", proposed_category=category, category=category,
        risk_types=[risk], reported_by=UserFactory(area=None), reported_on=entered, state="registered",
    )  # fmt: skip
    MonitoringSubject.objects.create(
        household=household, application=application, category=category, risk_types=[risk], entered_on=entered
    )


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_the_county_reviewer_sees_the_charts_and_the_same_numbers_as_tables(page: Page, page_problems: PageProblems):
    county = CountyFactory(name="同心县")
    townships = [TownshipFactory(parent=county, name=name) for name in ("豫海镇", "河西镇")]
    UserFactory(username="shenhe", roles=[Role.COUNTY_REVIEWER], area=county)
    today = timezone.localdate()
    for n in range(5):
        household = HouseholdFactory(managing_area=VillageFactory(parent=townships[n % 2]))
        _subject(household, ("marginal_at_risk", "unstable_exited")[n % 2], "illness", today.replace(day=1))
    assert HouseholdMember.objects.count() == 5  # one head each

    page.goto("/")
    log_in(page, "shenhe")
    click_nav(page, "数据看板")
    expect(page.get_by_role("heading", name="同心县数据看板")).to_be_visible()
    places = page.get_by_test_id("panel-places")
    expect(places.locator("canvas")).to_have_attribute("data-drawn", "true")
    expect(places.get_by_role("row", name="豫海镇")).to_contain_text("3")
    expect(places.get_by_role("row", name="河西镇")).to_contain_text("2")
    for key in ("subjects", "risks", "months", "measures", "problems"):
        expect(page.get_by_test_id(f"panel-{key}").locator("canvas")).to_have_attribute("data-drawn", "true")
    expect(page.get_by_test_id("panel-kpis")).to_contain_text("基本医疗保险参保率")
    with page.expect_download() as info:
        page.get_by_test_id("dashboard-xlsx").click()
    assert info.value.suggested_filename.startswith("同心县数据看板")
    assert_no_page_problems(page_problems)
