"""A township cadre on a phone (390 px) runs the support programmes for a monitored household: from the household's
"帮扶项目" section they sign a microloan, hire a member to the village's public-welfare post and record the other
member's job, each linked to its assistance measure; the subject's page then shows each measure with its loan, post
or job and how it stands. No page scrolls sideways, and no request or script fails."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from credit.models import MicroLoan
from employment.models import EmploymentRecord
from monitoring.services.measures import measure_add
from tests.browser import SCREENSHOTS, PageProblems, assert_no_page_problems, log_in
from tests.factories import (
    HouseholdFactory,
    MemberFactory,
    MonitoringSubjectFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
)
from welfare_posts import services as posts
from welfare_posts.models import PostHire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SIGNED = datetime.date(2025, 6, 16)


def _fits(page: Page, name: str) -> None:
    """The page is no wider than the phone, and is photographed (``programmes-<name>.png`` in the temp folder)."""
    page.wait_for_load_state()
    page.screenshot(path=str(SCREENSHOTS / f"programmes-{name}.png"), full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{name} ({page.url}) is {wide}px wider than the phone"


def _choose(page: Page, label: str, text: str) -> None:
    """Pick the option of the select ``label`` whose text contains ``text``."""
    select = page.get_by_label(label)
    option = select.locator("option", has_text=text).first
    select.select_option(value=option.get_attribute("value"))


class Household:
    """A monitored household of 张树村 with two working-age members, its three measures (loan, post, job) and the
    village's cleaning post; the township cadre of 沙塘镇 who runs the programmes."""

    def __init__(self) -> None:
        today = timezone.localdate()
        township = TownshipFactory(name="沙塘镇")
        self.village = VillageFactory(parent=township, name="张树村")
        self.cadre = UserFactory(area=township, roles=[Role.TOWNSHIP_CADRE], username="shatang")
        self.household = HouseholdFactory(managing_area=self.village, head_name="马有福")
        self.spouse = MemberFactory(household=self.household, name="李秀兰", birth_date=datetime.date(1985, 3, 2))
        self.son = MemberFactory(household=self.household, name="马小军", relationship="son",
                                 birth_date=datetime.date(2000, 8, 9))  # fmt: skip
        self.subject = MonitoringSubjectFactory(household=self.household, entered_on=today - datetime.timedelta(90))
        started = today - datetime.timedelta(30)
        common = {"actor": self.cadre, "subject": self.subject, "timing": "remedial", "started_on": started}
        self.loan_measure = measure_add(
            **common, measure_type="finance", subtype="microcredit", funding_source="sector_policy",
            responsible_department="rural_revitalization", description="申请小额信贷发展肉牛养殖",
        )  # fmt: skip
        self.post_measure = measure_add(
            **common, measure_type="public_welfare_post", subtype="rural_post", funding_source="linkage_fund",
            responsible_department="human_resources", description="安排村内公益岗位",
        )  # fmt: skip
        self.job_measure = measure_add(
            **common, measure_type="employment", subtype="local_employment", funding_source="sector_policy",
            responsible_department="human_resources", description="推荐到县城就近务工",
        )  # fmt: skip
        self.post = posts.post_create(
            actor=self.cadre,
            data=posts.PostInput(
                village=self.village, name="村道保洁员（张树村主干道及三个自然村的公共区域）", post_type="cleaning",
                funding_source="linkage_funds", monthly_subsidy=Decimal("800.00"), positions=2,
                need="村道和公共场所保洁", created_on=today - datetime.timedelta(60),
            ),
        )  # fmt: skip


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_township_cadre_runs_the_programmes_of_a_monitored_household_from_a_phone(
    page: Page, page_problems: PageProblems, today
):
    today.set(SIGNED)  # within the microcredit policy's period: new loans are signed until 2025-12-31
    world = Household()
    on = timezone.localdate()
    household_url = world.household.get_absolute_url()

    page.goto("/accounts/login/")
    log_in(page, "shatang")
    page.goto(household_url)
    _fits(page, "household-before")
    section = page.get_by_test_id("household-programmes")
    expect(section).to_contain_text("小额信贷")
    expect(page.get_by_test_id("programme-credit")).to_contain_text("暂无记录")

    # 1. A microloan for the head of household, linked to the microcredit measure.
    page.get_by_test_id("programme-credit").get_by_role("link", name="小额信贷").click()
    _fits(page, "household-loans")
    page.get_by_role("link", name="登记贷款").click()
    _fits(page, "loan-form")
    _choose(page, "借款人", "马有福")
    page.get_by_label("贷款银行").fill("宁夏黄河农村商业银行沙塘支行")
    page.get_by_label("合同编号").fill("HT-2026-0815")
    page.get_by_label("贷款金额（元）").fill("30000")
    expect(page.get_by_label("签约日期")).to_have_value(on.isoformat())  # today, ready in the date picker
    page.get_by_label("到期日期").fill(on.replace(year=on.year + 2).isoformat())
    page.get_by_label("年利率（%）").fill("3.45")
    page.get_by_label("参照LPR（%）").fill("3.45")
    _choose(page, "关联帮扶措施", "肉牛养殖")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_text("贷款合同已登记")).to_be_visible()
    expect(page.get_by_test_id("loan-measure")).to_contain_text("申请小额信贷发展肉牛养殖")
    _fits(page, "loan")
    loan = MicroLoan.objects.get()
    assert loan.measure == world.loan_measure

    # 2. The spouse hired to the village's post, linked to the post measure.
    page.goto(household_url)
    page.get_by_test_id("programme-welfare_posts").get_by_role("link", name="本村岗位").click()
    _fits(page, "village-posts")
    page.get_by_text("村道保洁员").first.click()
    _fits(page, "post")
    page.get_by_test_id("hire-create").click()
    _fits(page, "hire-form")
    _choose(page, "上岗人员", "李秀兰")
    page.get_by_label("上岗日期").fill(on.isoformat())
    _choose(page, "关联帮扶措施", "安排村内公益岗位")
    page.get_by_role("button", name="聘任上岗").click()
    expect(page.get_by_test_id("holders")).to_contain_text("李秀兰")
    _fits(page, "post-hired")
    assert PostHire.objects.get().measure == world.post_measure

    # 3. The son's job of the year, linked to the employment measure.
    page.goto(household_url)
    page.get_by_test_id("programme-employment").get_by_role("link", name="就业帮扶").click()
    expect(page.get_by_test_id("household-filter")).to_contain_text("马有福")
    _fits(page, "roster")
    page.get_by_test_id("roster").get_by_text("马小军").click()
    _fits(page, "employment-member")
    page.get_by_role("link", name=re.compile("登记 .* 年就业信息")).click()
    _fits(page, "record-form")
    _choose(page, "就业状态", "县内乡镇外务工")
    page.get_by_label("就业地点").fill("隆德县城")
    page.get_by_label("就业单位").fill("隆德县六盘山肉牛屠宰加工有限公司")
    page.get_by_label("本年务工月数").fill("6")
    page.get_by_label("签订劳动合同").check()
    _choose(page, "关联帮扶措施", "推荐到县城就近务工")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("就业信息已保存")).to_be_visible()
    _fits(page, "employment-recorded")
    assert EmploymentRecord.objects.get().measure == world.job_measure

    # The household's section now counts each programme.
    page.goto(household_url)
    expect(page.get_by_test_id("programme-credit")).to_contain_text("1 笔贷款")
    expect(page.get_by_test_id("programme-welfare_posts")).to_contain_text("1 人在岗")
    expect(page.get_by_test_id("programme-employment")).to_contain_text("1 条就业信息")
    _fits(page, "household-after")

    # The subject's page: each measure with its loan, post or job and its progress.
    page.get_by_role("link", name=re.compile("监测对象")).first.click()
    expect(page).to_have_url(re.compile(re.escape(world.subject.get_absolute_url())))
    records = page.get_by_test_id("measure-record")
    expect(records).to_have_count(3)
    measures = page.get_by_test_id("measures")
    expect(measures).to_contain_text("HT-2026-0815")
    expect(measures).to_contain_text("正常还款，余额 30,000.00 元")
    expect(measures).to_contain_text("李秀兰")
    expect(measures).to_contain_text("上岗，在岗")
    expect(measures).to_contain_text("马小军")
    expect(measures).to_contain_text("本年务工 6 个月")
    _fits(page, "subject")
    assert_no_page_problems(page_problems)
