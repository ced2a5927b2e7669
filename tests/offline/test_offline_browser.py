"""Issue "Visits without signal" in a real browser on a phone: a village worker takes their households offline,
loses the signal, records two visits (one with a photo), reloads the app with no network, and synchronises when the
signal returns: both saved once, a second synchronisation saves nothing new. A member leaving on the server while
the phone is offline is shown as a conflict the user resolves; logging out wipes the phone."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from households.choices import MemberStatus
from households.models import Visit, VisitPhoto
from offline.models import OfflineReceipt
from tests.browser import PageProblems, log_in, log_out
from tests.factories import HouseholdFactory, MemberFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200 + b"\xff\xd9"


@pytest.fixture
def village():
    return VillageFactory(code="640324100201", name="南关村", parent__code="640324100000", parent__name="豫海镇")


def _take_offline(page: Page, username: str) -> None:
    page.goto("/")
    log_in(page, username)
    page.goto("/offline/")
    expect(page.get_by_test_id("offline-scope")).to_be_enabled()
    page.get_by_test_id("offline-download").click()
    expect(page.get_by_test_id("offline-notice")).to_contain_text("已下载")
    # the service worker has precached the shell and its assets before it is ready
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def _record(page: Page, head: str, notes: str, *, photo: bool = False) -> None:
    page.get_by_test_id("offline-households").get_by_role("button", name=head).click()
    page.get_by_label("走访情况").fill(notes)
    if photo:
        page.locator("#v_photos").set_input_files(
            files=[{"name": "zoufang.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
        )
    page.get_by_test_id("offline-save").click()
    expect(page.get_by_test_id("offline-notice")).to_contain_text("已保存到本机")


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _only_offline_failures(problems: PageProblems, *, expected: str = "") -> None:
    """While the phone has no network the app's calls to the server fail, as they must (and an answer the journey
    expects, such as a conflict's 409); nothing else may."""
    others = [p for p in problems.failed_requests if "ERR_INTERNET_DISCONNECTED" not in p]
    bad = [p for p in problems.bad_responses if not (expected and expected in p)]
    assert others + bad + problems.page_errors == []


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_two_visits_captured_without_signal_are_saved_once_when_it_returns(
    page: Page, page_problems: PageProblems, village, tmp_path
):
    first = HouseholdFactory(managing_area=village, head_name="马福海")
    second = HouseholdFactory(managing_area=village, head_name="李春花")
    UserFactory(username="cun", roles=[Role.VILLAGE_WORKER], area=village)
    _take_offline(page, "cun")
    expect(page.get_by_test_id("offline-summary")).to_contain_text("本机保存了 2 户")
    _no_sideways_scroll(page)

    page.context.set_offline(True)
    _record(page, "马福海", "了解家庭收入情况，宣传防返贫政策。", photo=True)
    _record(page, "李春花", "家中老人身体尚可。")
    outbox = page.get_by_test_id("offline-outbox")
    expect(outbox.locator('[data-state="waiting"]')).to_have_count(2)
    page.screenshot(path=str(tmp_path / "offline-outbox.png"), full_page=True)

    page.reload()  # no network: the service worker serves the app, IndexedDB still holds everything
    expect(page.get_by_test_id("offline-net")).to_have_text("离线")
    expect(page.get_by_test_id("offline-households").get_by_role("button")).to_have_count(2)
    expect(outbox.locator('[data-state="waiting"]')).to_have_count(2)
    _no_sideways_scroll(page)
    assert not Visit.objects.exists()

    page.context.set_offline(False)
    page.get_by_test_id("offline-sync").click()
    expect(outbox.locator('[data-state="sent"]')).to_have_count(2)
    assert sorted(Visit.objects.values_list("household__head_name", flat=True)) == ["李春花", "马福海"]
    assert VisitPhoto.objects.get().visit.household == first
    assert Visit.objects.get(household=second).notes == "家中老人身体尚可。"

    page.get_by_test_id("offline-sync").click()  # nothing waits: nothing new is saved
    expect(page.get_by_test_id("offline-notice")).to_have_text("没有待同步的走访。")
    assert Visit.objects.count() == 2
    assert OfflineReceipt.objects.count() == 2
    _only_offline_failures(page_problems)


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_member_who_left_while_the_phone_was_offline_is_shown_and_the_user_decides(
    page: Page, page_problems: PageProblems, village
):
    household = HouseholdFactory(managing_area=village, head_name="马福海")
    son = MemberFactory(household=household, name="马小军")
    UserFactory(username="cun", roles=[Role.VILLAGE_WORKER], area=village)
    _take_offline(page, "cun")

    page.context.set_offline(True)
    _record(page, "马福海", "儿子外出务工。")
    son.member_status = MemberStatus.MOVED_OUT
    son.status_changed_on = timezone.localdate()
    son.save()  # meanwhile, on the server

    page.context.set_offline(False)
    page.get_by_test_id("offline-sync").click()
    conflict = page.get_by_test_id("offline-outbox").locator('[data-state="conflict"]')
    expect(conflict).to_contain_text("马小军 已迁出/分户")
    assert not Visit.objects.exists()
    _no_sideways_scroll(page)

    conflict.get_by_role("button", name="仍然保存").click()
    expect(page.get_by_test_id("offline-outbox").locator('[data-state="sent"]')).to_have_count(1)
    assert OfflineReceipt.objects.get().overridden == [f"马小军 已迁出/分户（{timezone.localdate()}）"]
    _only_offline_failures(page_problems, expected="409 POST")


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_logging_out_wipes_the_households_and_visits_from_the_phone(page: Page, village):
    HouseholdFactory(managing_area=village, head_name="马福海")
    UserFactory(username="cun", roles=[Role.VILLAGE_WORKER], area=village)
    _take_offline(page, "cun")
    page.context.set_offline(True)
    _record(page, "马福海", "未同步的走访。")
    page.route("**/api/v1/offline/visits/", lambda route: route.abort())  # the visit stays unsent
    page.context.set_offline(False)
    count = """() => new Promise((resolve) => { const r = indexedDB.open('revitalization-offline');
        r.onsuccess = () => { const db = r.result;
          if (!db.objectStoreNames.contains('households')) { db.close(); resolve(-1); return; }
          const q = db.transaction('households').objectStore('households').count();
          q.onsuccess = () => { db.close(); resolve(q.result); }; }; })"""
    assert page.evaluate(count) == 1

    page.goto("/")
    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    log_out(page)
    expect(page.get_by_label("用户名")).to_be_visible()
    assert asked == ["这部手机上还有 1 条离线登记的走访没有同步，退出登录会把它们删除。仍要退出吗？"]
    assert page.evaluate(count) == -1  # the database is gone: opening it again finds no stores
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_another_user_on_the_same_phone_finds_nothing_and_sends_nothing_of_the_first(page: Page, village):
    HouseholdFactory(managing_area=village, head_name="马福海")
    UserFactory(username="cun", roles=[Role.VILLAGE_WORKER], area=village)
    UserFactory(username="cun2", roles=[Role.VILLAGE_WORKER], area=village)
    _take_offline(page, "cun")
    page.context.set_offline(True)
    _record(page, "马福海", "甲登记的走访。")
    page.context.clear_cookies()  # 甲's login ends without a logout (it expired)
    page.context.set_offline(False)

    page.goto("/accounts/login/?next=/offline/")
    log_in(page, "cun2")
    expect(page.get_by_test_id("offline-notice")).to_contain_text("另一位用户")
    expect(page.get_by_test_id("offline-households").get_by_role("button")).to_have_count(0)
    expect(page.get_by_test_id("offline-outbox").locator("[data-state]")).to_have_count(0)
    page.get_by_test_id("offline-sync").click()
    expect(page.get_by_test_id("offline-notice")).to_have_text("没有待同步的走访。")
    assert not Visit.objects.exists()
