"""The posts pages in a real browser: a village worker on a phone hires a priority person, enters the month's
attendance for the village at once and pays the month; every page fits a 390 px phone and a 1366 px laptop."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser import SCREENSHOTS, PageProblems, assert_no_page_problems, log_in
from tests.welfare_posts.factories import PostWorld
from welfare_posts.models import PostAttendance, PostHire, PostPayment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _fits(page: Page, name: str) -> None:
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        page.screenshot(path=str(SCREENSHOTS / f"welfare-{name}-{width}.png"), full_page=True)
        assert overflow <= 0, f"{name} at {width}px is {overflow}px too wide"


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_village_worker_hires_attends_and_pays_from_a_phone(page: Page, page_problems: PageProblems):
    world = PostWorld()
    world.village_worker.username = "hedong"
    world.village_worker.save()
    post = world.post(name="村道保洁员（河东村主干道及三个自然村的公共区域）", positions=2)
    world.zero_employment_person(name="马零就业")
    world.person(name="杨普通")

    page.goto("/welfare-posts/")
    log_in(page, "hedong")
    page.goto("/welfare-posts/")
    _fits(page, "list")
    page.get_by_text("村道保洁员").first.click()
    _fits(page, "post")
    page.get_by_test_id("hire-create").click()
    expect(page.get_by_test_id("priority-note")).to_contain_text("本村有 1 名优先安置对象未上岗")
    _fits(page, "hire-form")
    page.get_by_label("上岗人员").select_option(label=page.locator("#id_member option", has_text="马零就业")
                                                .inner_text())  # fmt: skip
    page.get_by_label("上岗日期").fill("2026-05-04")
    page.get_by_role("button", name="聘任上岗").click()
    expect(page.get_by_test_id("holders")).to_contain_text("零就业家庭成员")
    hire = PostHire.objects.get()

    page.goto("/welfare-posts/attendance/?month=2026-05")
    _fits(page, "grid")
    page.get_by_label("出勤天数").fill("20")
    page.get_by_label("考核结果").select_option(label="合格")
    page.get_by_role("button", name="保存本月考勤").click()
    expect(page.get_by_text("2026-05的考勤已保存（1 人）")).to_be_visible()
    assert PostAttendance.objects.get().days_worked == 20

    page.goto(hire.get_absolute_url())
    page.get_by_label("补贴月份").fill("2026-05")
    page.get_by_label("发放日期").fill("2026-06-05")
    page.get_by_role("button", name="登记发放").click()
    expect(page.get_by_test_id("hire-record")).to_contain_text("已领补贴 800.00 元")
    _fits(page, "hire")
    assert PostPayment.objects.get().month == datetime.date(2026, 5, 1)
    assert post.hires.count() == 1
    assert_no_page_problems(page_problems)
