"""Pairing from a phone (SPEC §1.6): a county's cadres are thousands, so the township cadre types part of a cadre's
name, the county's cadres of that name are suggested as they type, and the pairing is made with the one chosen."""

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from households.models import AssistancePairing
from tests.browser import PageProblems, assert_no_page_problems, log_in
from tests.factories import HouseholdFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)
def test_a_township_cadre_pairs_a_household_by_typing_the_cadres_name(page: Page, page_problems: PageProblems):
    village = VillageFactory(name="南关村", parent__name="豫海镇")
    county = village.parent.parent
    household = HouseholdFactory(managing_area=village, head_name="马福海")
    UserFactory(username="yuhai", roles=[Role.TOWNSHIP_CADRE], area=village.parent)
    chosen = UserFactory(
        username="li-hua",
        roles=[Role.ASSISTANCE_CADRE],
        area=county,
        last_name="李",
        first_name="华",
        unit_name="县水务局",
    )
    for n in range(30):  # namesakes by prefix: the suggestions are the first twenty
        UserFactory(roles=[Role.ASSISTANCE_CADRE], area=county, last_name="李", first_name=f"华{n}")

    page.goto("/households/pairings/")
    log_in(page, "yuhai")
    page.get_by_label("户编号").fill(household.household_no)
    cadre = page.get_by_test_id("pairing-form").get_by_label("帮扶责任人")
    cadre.press_sequentially("李华", delay=50)
    options = page.locator("datalist#id_cadre-options option")
    expect(options).to_have_count(20)
    suggestion = page.locator('datalist#id_cadre-options option[value="li-hua"]')
    expect(suggestion).to_have_text(f"李华 · {county.name} · 县水务局")
    cadre.fill("li-hua")  # what choosing the suggestion writes
    page.get_by_label("帮扶单位").fill("县水务局")
    page.get_by_role("button", name="结对", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("已将")
    assert AssistancePairing.objects.get().cadre == chosen
    expect(page.get_by_test_id("pairing-rows")).to_contain_text("马福海")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert_no_page_problems(page_problems)
