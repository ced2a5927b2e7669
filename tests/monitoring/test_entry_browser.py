"""Issue "monitoring" acceptance in a real browser: a paired cadre reports a household, the village verifies,
reviews and posts the notice, the township reviews and the county approves: four users, one application."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.grants import household_grant_to_cadre
from accounts.roles import Role
from households.choices import HealthStatus
from households.models import IncomeRecord
from monitoring.choices import EntryState
from monitoring.models import EntryApplication, MonitoringSubject, PublicNotice
from tests.browser import PageProblems, assert_no_page_problems, log_in, log_out
from tests.factories import HouseholdFactory, MemberFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _as(page: Page, username: str, path: str) -> None:
    page.goto("/")
    if "/accounts/login/" not in page.url:
        log_out(page)
    page.goto(path)
    log_in(page, username)


def _step(page: Page, heading: str, button: str, fields: dict[str, str] | None = None) -> None:
    form = page.locator("form", has=page.get_by_text(heading, exact=True))
    for label, value in (fields or {}).items():
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name=button).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_a_village_application_reaches_county_approval_through_four_users(page: Page, page_problems: PageProblems):
    village = VillageFactory(
        code="640324100201",
        name="南关村",
        parent__code="640324100000",
        parent__name="豫海镇",
        parent__parent__code="640324000000",
        parent__parent__name="同心县",
        parent__parent__parent__code="640300000000",
        parent__parent__parent__parent__code="640000000000",
    )
    household = HouseholdFactory(managing_area=village, head_name="马福海")
    MemberFactory(household=household, health_status=HealthStatus.CHRONIC_DISEASE)
    for _ in range(2):
        MemberFactory(household=household)
    for year in (2025, 2026):  # 5,350 each; self-paid medical costs above half of last year's income (MA-1)
        IncomeRecord.objects.create(
            household=household, year=year, wage_income=Decimal("21400"), medical_self_pay=Decimal("15000")
        )
    cadre = UserFactory(username="bangfu", roles=[Role.ASSISTANCE_CADRE], area=village.parent.parent)
    household_grant_to_cadre(household=household, cadre=cadre)
    UserFactory(username="cunganbu", roles=[Role.VILLAGE_WORKER], area=village)
    UserFactory(username="xiangzhen", roles=[Role.TOWNSHIP_CADRE], area=village.parent)
    UserFactory(username="xianju", roles=[Role.COUNTY_REVIEWER], area=village.parent.parent)

    # 1. the paired assistance cadre reports the household
    _as(page, "bangfu", household.get_absolute_url())
    page.get_by_role("link", name="申报纳入监测").click()
    page.get_by_label("拟定类别").select_option("marginal_at_risk")
    page.get_by_role("checkbox", name="因病", exact=True).check()
    ma_1 = page.get_by_role("checkbox", name=re.compile(r"^MA-1 .*（数据提示）$"))
    expect(ma_1).to_be_checked()  # suggested from the registry (SPEC §4.2), ticked for the cadre to confirm
    page.get_by_label("界定条件佐证").fill("县医院慢性病诊断证明，医疗费用票据")
    page.get_by_label("申报理由").fill("户主突发脑梗住院，自付医疗费用高")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("entry-state")).to_have_text("已申报，待入户核实")
    application = EntryApplication.objects.get(household=household)
    expect(page.get_by_test_id("entry-actions")).to_contain_text("撤回申请")  # the reporter may only withdraw
    expect(page.get_by_test_id("entry-actions")).not_to_contain_text("完成入户核实")

    # 2. the village worker records the verification visit, then the village steps
    _as(page, "cunganbu", household.get_absolute_url())
    page.get_by_role("link", name="登记走访").click()
    page.get_by_label("走访类型").select_option("verification")
    page.get_by_role("button", name="提交走访记录").click()
    page.goto(application.get_absolute_url())
    _step(page, "入户核实", "完成入户核实")
    expect(page.get_by_test_id("entry-state")).to_have_text("已入户核实，待民主评议")
    today = datetime.date.today()  # noqa: DTZ011 - the browser's date inputs take the local calendar date
    _step(
        page,
        "民主评议",
        "记录民主评议",
        {
            "评议日期": today.isoformat(),
            "参会人数": "15",
            "到会村民代表数": "12",
            "赞成票": "14",
            "反对票": "1",
            "参会人员及身份（每行一人）": "马某 村民代表\n李某 村干部",
        },
    )
    expect(page.get_by_test_id("entry-state")).to_have_text("已民主评议，待公示")
    _step(
        page,
        "张贴公示",
        "张贴公示",
        {
            "公示地点": "村委会公示栏",
            "公示开始": today.isoformat(),
            "公示结束": (today + datetime.timedelta(days=4)).isoformat(),
        },
    )
    expect(page.get_by_test_id("notice")).to_contain_text("村委会公示栏")
    _step(page, "公示期满", "公示期满，报乡镇审核")
    expect(page.get_by_role("alert").first).to_contain_text("期满后方可报乡镇审核")  # refused: period not over
    # five days later
    PublicNotice.objects.filter(application=application).update(
        starts_on=today - datetime.timedelta(days=6), ends_on=today - datetime.timedelta(days=2)
    )
    page.reload()
    _step(page, "公示期满", "公示期满，报乡镇审核")
    expect(page.get_by_test_id("entry-state")).to_have_text("公示期满，待乡镇审核")

    # 3. the township cadre reviews from their queue
    _as(page, "xiangzhen", "/monitoring/")
    page.get_by_test_id("entry-queue").get_by_role("link").first.click()
    _step(page, "乡镇审核", "审核通过，报县级批准", {"意见": "情况属实，同意上报"})
    expect(page.get_by_test_id("entry-state")).to_have_text("乡镇已审核，待县级批准")

    # 4. the county reviewer approves and registers
    _as(page, "xianju", "/monitoring/")
    page.get_by_test_id("entry-queue").get_by_role("link").first.click()
    expect(page.get_by_test_id("eligibility")).to_contain_text("人均纯收入 5350.00 元")
    expect(page.get_by_test_id("triggers")).to_contain_text("MA-1")
    form = page.locator("form", has=page.get_by_text("县级批准", exact=True))
    form.get_by_label("批准文号").fill("同乡振发〔2026〕12号")
    form.get_by_role("button", name="批准纳入监测").click()
    expect(page.get_by_test_id("entry-state")).to_have_text("县级已批准，待纳入监测")
    _step(page, "纳入监测对象", "确认纳入监测")
    expect(page.get_by_test_id("entry-state")).to_have_text("已纳入监测")

    application.refresh_from_db()
    assert application.state == EntryState.REGISTERED
    subject = MonitoringSubject.objects.get(household=household)
    assert (subject.category, subject.triggers) == ("marginal_at_risk", ["MA-1"])
    actors = [e.actor.username for e in application.events.exclude(actor=None)]
    assert {"bangfu", "cunganbu", "xiangzhen", "xianju"} <= set(actors)
    assert_no_page_problems(page_problems)
