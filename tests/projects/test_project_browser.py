"""The project library in a real browser, on a phone: a village worker proposes a project (a banned type is refused
on its field first), adds its performance target; the county reviewer sees the funds page with its checks."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from projects.models import Project
from tests.browser import PageProblems, assert_no_page_problems, click_nav, log_in, log_out
from tests.factories import UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_village_worker_proposes_a_project_from_a_phone(page: Page, page_problems: PageProblems):
    village = VillageFactory(
        code="640324100201", name="南关村", parent__code="640324100000", parent__name="豫海镇",
        parent__parent__code="640324000000", parent__parent__name="同心县",
        parent__parent__parent__code="640300000000", parent__parent__parent__parent__code="640000000000",
    )  # fmt: skip
    UserFactory(username="nanguan", roles=[Role.VILLAGE_WORKER], area=village)
    UserFactory(username="county", roles=[Role.COUNTY_REVIEWER], area=village.parent.parent)
    year = timezone.localdate().year + 1

    page.goto("/")
    log_in(page, "nanguan")
    click_nav(page, "项目库")
    page.get_by_test_id("propose").click()
    page.get_by_label("项目名称").fill("南关村村部亮化工程")
    page.get_by_label("项目年度").fill(str(year))
    page.get_by_label("项目类别").select_option(label="乡村建设行动 / 美化、绿化、亮化工程（禁止入库）")
    page.get_by_label("建设地点（乡镇或村）").select_option(label="豫海镇 南关村")
    page.get_by_label("实施单位").fill("豫海镇人民政府")
    page.get_by_label("建设内容及规模").fill("安装路灯 40 盏")
    page.get_by_label("计划开工").fill(f"{year}-04-01")
    page.get_by_label("计划完工").fill(f"{year}-08-31")
    page.locator("#id_funding-0-source").select_option("central_linkage")
    page.locator("#id_funding-0-amount").fill("300000")
    page.get_by_role("button", name="提交申报").click()
    expect(page.locator('[data-field="category"]')).to_contain_text("禁止入库")
    assert not Project.objects.exists()

    page.get_by_label("项目名称").fill("南关村肉牛养殖圈棚")
    page.get_by_label("项目类别").select_option(label="产业发展 / 种植养殖加工")
    page.get_by_role("button", name="提交申报").click()
    expect(page.get_by_test_id("project-status")).to_have_text("村社申请，待论证")
    expect(page.get_by_test_id("investment")).to_have_text("300000.00")
    step = page.get_by_test_id("step-target")
    step.get_by_label("绩效指标").fill("新建圈棚")
    step.get_by_label("目标值").fill("12")
    step.get_by_label("单位").fill("座")
    step.get_by_role("button", name="添加").click()
    expect(page.get_by_test_id("targets")).to_contain_text("新建圈棚：12座")
    log_out(page)

    log_in(page, "county")
    click_nav(page, "衔接资金")
    expect(page.get_by_test_id("compliance")).to_contain_text("产业发展资金占比")  # the rule by its name, not its code
    assert_no_page_problems(page_problems)
