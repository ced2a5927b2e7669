"""Pages fit their screen: the county reviewer, whose menu is the longest, and a reporting officer (masked IDs) see
their pages without sideways scrolling on a 390 px phone and on a 1366 px laptop, and can reach 退出 on both."""

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from tests.browser import log_in, open_menu
from tests.factories import CountyFactory, HouseholdFactory, MemberFactory, TownshipFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("role", [Role.COUNTY_REVIEWER, Role.REPORTING_OFFICER])
def test_pages_fit_the_phone_and_the_laptop(page: Page, width, role):
    county = CountyFactory(name="同心县")
    household = HouseholdFactory(managing_area=VillageFactory(parent=TownshipFactory(parent=county), name="草湾村"))
    for _ in range(4):
        MemberFactory(household=household)
    UserFactory(username="reader", roles=[role], area=county)
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 768})
    page.goto("/")
    log_in(page, "reader")
    urls = ["/", "/households/", f"/households/{household.pk}/", "/accounts/password/"]
    if role == Role.COUNTY_REVIEWER:
        urls.append("/ledgers/disclosures/")
    for url in urls:
        page.goto(url)
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"{url} scrolls sideways by {wide}px at {width}px"
    open_menu(page)
    expect(page.locator("#mainnav").get_by_role("button", name="退出")).to_be_in_viewport()


@pytest.mark.parametrize("width", [390, 1366])
def test_account_pages_fit_the_phone_and_the_laptop(page: Page, width):
    """The county account administrator's pages and the two-factor page, as they are used: on a laptop, and on a
    phone in a township office."""
    county = CountyFactory(name="同心县")
    township = TownshipFactory(parent=county, name="丁塘镇")
    cadre = UserFactory(username="dingtang", roles=[Role.TOWNSHIP_CADRE], area=township, last_name="马建国")
    UserFactory(username="admin1", roles=[Role.COUNTY_ADMIN], area=county)
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 768})
    page.goto("/")
    log_in(page, "admin1")
    for url in ("/accounts/users/", "/accounts/users/new/", f"/accounts/users/{cadre.pk}/", "/accounts/2fa/"):
        page.goto(url)
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"{url} scrolls sideways by {wide}px at {width}px"
