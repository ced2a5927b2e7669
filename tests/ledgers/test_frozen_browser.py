"""A frozen ledger's sign-off on a phone: the county reporting officer freezes last month's visits ledger of a
village; the village worker finds it on the home queue and signs; the township cadre signs next; the page shows the
chain and the download matches the SHA-256 shown."""

import datetime
import hashlib

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from households.models import Visit
from ledgers.models import FrozenLedger
from tests.browser import PageProblems, assert_no_page_problems, click_nav, log_in, log_out
from tests.factories import CountyFactory, HouseholdFactory, TownshipFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_freeze_then_sign_village_then_township(phone_page: Page, page_problems: PageProblems, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = phone_page
    county = CountyFactory(name="同心县")
    township = TownshipFactory(parent=county, name="豫海镇")
    village = VillageFactory(parent=township, name="草湾村")
    UserFactory(username="baobiao", roles=[Role.REPORTING_OFFICER], area=county)
    worker = UserFactory(username="cungan", roles=[Role.VILLAGE_WORKER], area=village)
    UserFactory(username="xiangzhen", roles=[Role.TOWNSHIP_CADRE], area=township)
    last = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    household = HouseholdFactory(managing_area=village)
    Visit.objects.create(household=household, visited_on=last, recorded_by=worker, notes="上月走访")

    page.goto("/")
    log_in(page, "baobiao")
    click_nav(page, "台账签核")
    form = page.get_by_test_id("freeze-form")
    form.get_by_label("台账").select_option("L-04")
    form.get_by_label("统计期").fill(f"{last:%Y-%m}")
    form.get_by_label("村、乡镇或县").select_option(village.code)
    form.get_by_role("button", name="冻结").click()
    expect(page.get_by_role("heading", name=f"草湾村走访台账 · {last:%Y-%m}")).to_be_visible()
    frozen = FrozenLedger.objects.get()
    expect(page.get_by_test_id("sha256")).to_have_text(frozen.export.sha256)
    log_out(page)

    log_in(page, "cungan")
    page.get_by_role("link", name="待签核的冻结台账").click()
    page.get_by_role("link", name="去签核").click()
    page.get_by_label("签核意见").fill("走访记录已核对")
    page.get_by_role("button", name="签核").click()
    expect(page.get_by_role("alert")).to_contain_text("已签核")
    expect(page.get_by_test_id("signoffs").get_by_role("listitem").first).to_contain_text("走访记录已核对")
    log_out(page)

    log_in(page, "xiangzhen")
    page.get_by_role("link", name="待签核的冻结台账").click()
    page.get_by_role("link", name="去签核").click()
    page.get_by_role("button", name="签核").click()
    expect(page.get_by_role("alert")).to_contain_text("已签核")
    with page.expect_download() as info:
        page.get_by_test_id("frozen-download").click()
    path = tmp_path / "frozen.xlsx"
    info.value.save_as(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == frozen.export.sha256
    assert frozen.signoffs.count() == 2
    assert_no_page_problems(page_problems)
