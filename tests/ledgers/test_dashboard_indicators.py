"""The dashboard shows every indicator of the seeded tables (SPEC §13.3) against its target, red or green: the same
rows, targets and verdicts as the indicator table page, grouped as it groups them, and the same rows in the Excel."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from ledgers.indicators import services
from ledgers.models import KpiIndicator
from tests.factories import CountyFactory, UserFactory
from tests.worlds.excel import calamine_sheets

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr class="kpi-(\w+)" data-testid="indicator-([\w-]+)" data-state="(\w+)">(.*?)</tr>', re.S)
TARGET = re.compile(r'data-testid="indicator-target">(.*?)(?:<div|</td>)', re.S)  # the target, not its year
BADGE = re.compile(r'data-testid="indicator-state">(.*?)</span>', re.S)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _shown(page: str) -> dict[str, tuple[str, str, str]]:
    """Each indicator row of a page: code → (state, target as read, badge)."""
    found = {}
    for css_state, code, state, cells in ROW.findall(page):
        assert css_state == state
        target = TARGET.search(cells)
        badge = BADGE.search(cells)
        assert target, code
        assert badge, code
        found[code] = (state, _text(target.group(1)), _text(badge.group(1)))
    return found


@pytest.fixture
def reviewer(db):
    user = UserFactory(area=CountyFactory(), roles=[Role.COUNTY_REVIEWER])
    year = str(timezone.localdate().year)
    # given: one entered value short of its target (≥100) and one that meets it (≥10000)
    services.kpi_value_enter(
        actor=user, indicator=KpiIndicator.objects.get(code="YH-02"), period=year, value=Decimal("99.5")
    )
    services.kpi_value_enter(
        actor=user, indicator=KpiIndicator.objects.get(code="YH-03"), period=year, value=Decimal("10200")
    )
    return user


def test_the_dashboard_shows_every_seeded_indicator_as_the_indicator_page_judges_it(client, reviewer):
    client.force_login(reviewer)

    dashboard = client.get(reverse("ledgers:dashboard"))
    table = client.get(reverse("ledgers:indicators"))

    assert dashboard.status_code == table.status_code == 200
    shown = _shown(dashboard.content.decode())
    assert set(shown) == set(KpiIndicator.objects.filter(is_active=True).values_list("code", flat=True))
    assert len(shown) == 54  # the county's 30 and the province's 24: a county sees both
    rows = {row.code: row for _category, group in table.context["groups"] for row in group}
    assert shown == {code: (row.state, row.target or "未设定", row.state_text) for code, row in rows.items()}
    assert _shown(table.content.decode()) == shown  # one template draws both
    assert shown["YH-02"] == ("unmet", "≥100", "未达标")
    assert shown["YH-03"] == ("met", "≥10000", "达标")
    assert shown["YH-08"][1] == ">95"
    assert shown["YH-09"] == ("pending", ">8.5", "未判定")  # GDP growth: nothing entered yet
    assert shown["NX-H1"][1] == "动态清零"


def test_the_dashboard_groups_and_counts_the_indicators_as_the_indicator_page_does(client, reviewer):
    client.force_login(reviewer)

    (panel,) = [p for p in client.get(reverse("ledgers:dashboard")).context["dashboard"].panels if p.key == "kpis"]
    table = client.get(reverse("ledgers:indicators")).context

    assert [(g.category, [r.code for r in g.rows]) for g in panel.groups] == [
        (category, [r.code for r in group]) for category, group in table["groups"]
    ]
    assert [g.category for g in panel.groups][:4] == ["巩固脱贫成果", "乡村产业振兴", "乡村建设", "健康帮扶"]
    assert panel.tally == table["tally"]
    assert panel.tally.met + panel.tally.unmet + panel.tally.pending == 54
    assert panel.tally.unmet >= 1
    assert panel.tally.met >= 1


def test_the_excel_holds_every_indicator_on_its_own_sheet(client, reviewer):
    client.force_login(reviewer)

    response = client.get(reverse("ledgers:dashboard-xlsx"))

    assert response.status_code == 200
    sheet = calamine_sheets(b"".join(response.streaming_content))["考核指标"]
    assert sheet[0] == ["指标", "目标", "实际", "达标", "分子", "分母", "数据来源", "类别"]
    assert len(sheet) == 1 + 54
    by_label = {row[0]: row for row in sheet[1:]}
    assert by_label["农村脱贫人口及“三类户”巩固率（%）"][1:4] == ["≥100", 99.5, "否"]
    assert by_label["农村居民人均可支配收入（元）"][1:4] == ["≥10000", 10200.0, "是"]
    assert by_label["GDP 增长率（%）"][7] == "乡村产业振兴"


def test_a_finance_officer_sees_the_indicators_as_on_the_indicator_page(client):
    finance = UserFactory(area=CountyFactory(), roles=[Role.COUNTY_FINANCE])
    client.force_login(finance)

    page = client.get(reverse("ledgers:dashboard")).content.decode()

    assert 'data-testid="panel-funds"' in page
    assert 'data-testid="panel-subjects"' not in page
    assert len(_shown(page)) == 54


def test_a_role_without_the_dashboard_sees_no_indicators_there(client):
    client.force_login(UserFactory(area=CountyFactory(), roles=[Role.DEPARTMENT_SCREENER]))

    page = client.get(reverse("ledgers:dashboard"))
    download = client.get(reverse("ledgers:dashboard-xlsx"))

    assert (page.status_code, download.status_code) == (403, 403)
    assert _shown(page.content.decode()) == {}
