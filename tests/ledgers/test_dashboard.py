"""The dashboard of a level (SPEC §13.2) on the demo county: every number is the database's, counted here
straight from the models; the page draws the same numbers it tabulates, and the Excel holds them again."""

import datetime
import json
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from funds.models import FundBatch
from funds.selectors import LINKAGE_SOURCES
from geo.codes import PREFIX_LENGTH
from geo.models import AdminArea
from households.choices import IN_SCHOOL
from households.models import Household, HouseholdMember
from ledgers.counts import counted_for
from ledgers.dashboard import dashboard_for, dashboard_key
from ledgers.indicators import services
from ledgers.models import KpiIndicator, KpiTarget
from monitoring.choices import OPEN_SUBJECT_STATUSES, SubjectCategory
from monitoring.models import AssistanceMeasure, MonitoringSubject
from sweeps.choices import OPEN_PROBLEM_STATUSES
from sweeps.models import Problem
from tests.worlds.excel import calamine_sheets

pytestmark = pytest.mark.django_db


def _panels(user: User) -> dict:
    return {p.key: p for p in dashboard_for(user, today=timezone.localdate()).panels}


def _open_subjects(area: AdminArea):
    return MonitoringSubject.objects.filter(
        status__in=sorted(OPEN_SUBJECT_STATUSES),
        household__managing_area__code__startswith=area.code[: PREFIX_LENGTH[area.level]],
    )


def test_the_county_dashboard_counts_what_the_database_holds(login):
    user = login("report")
    county = user.area
    panels = _panels(user)
    assert list(panels) == ["subjects", "places", "risks", "months", "measures", "problems", "funds", "kpis"]
    subjects = _open_subjects(county)

    by_category = {row[0]: row[1:] for row in panels["subjects"].rows}
    for value, label in SubjectCategory.choices:
        chosen = subjects.filter(category=value)
        people = HouseholdMember.objects.filter(
            household__in=chosen.values("household"), member_status="present", counts_in_household=True
        ).count()
        assert by_category[str(label)] == [chosen.count(), people]
    assert by_category["合计"][0] == subjects.count() > 0

    townships = AdminArea.objects.filter(parent=county).order_by("code")
    assert [row[0] for row in panels["places"].rows] == [t.name for t in townships]
    for township, row in zip(townships, panels["places"].rows, strict=True):
        assert row[-1] == _open_subjects(township).count()
        assert sum(row[1:-1]) == row[-1]

    risks = Counter(r for risks in subjects.values_list("risk_types", flat=True) for r in set(risks))
    assert sum(row[1] for row in panels["risks"].rows) == sum(risks.values())

    months = panels["months"].rows
    assert len(months) == 12
    assert months[-1][0] == f"{timezone.localdate():%Y-%m}"
    start = datetime.date.fromisoformat(months[0][0] + "-01")
    everyone = MonitoringSubject.objects.filter(household__managing_area__code__startswith=county.code[:6])
    assert sum(r[1] for r in months) == everyone.filter(entered_on__gte=start).count()
    assert sum(r[2] for r in months) == everyone.filter(eliminated_on__gte=start).count()

    measures = AssistanceMeasure.objects.filter(subject__household__managing_area__code__startswith=county.code[:6])
    assert sum(row[-1] for row in panels["measures"].rows) == measures.count()
    assert sum(row[2] for row in panels["measures"].rows) == measures.filter(status="delivered").count()

    today = timezone.localdate()
    for township, row in zip(townships, panels["problems"].rows, strict=True):
        problems = Problem.objects.filter(area_code__startswith=township.code[:9])
        opened = problems.filter(status__in=sorted(OPEN_PROBLEM_STATUSES))
        assert row == [township.name, opened.count(), opened.filter(deadline__lt=today).count(),
                       problems.filter(status="closed", closed_at__year=today.year).count()]  # fmt: skip

    (funds,) = panels["funds"].rows
    linkage = FundBatch.objects.filter(county=county, year=today.year, source__in=sorted(LINKAGE_SOURCES))
    issued = sum(linkage.values_list("amount", flat=True), Decimal(0))
    assert funds[0] == county.name
    assert funds[1] == issued > 0


def test_the_kpis_are_computed_from_the_registry(login):
    """The computed indicators are the registry's numbers; their targets are the seeded data (SPEC §13.3); the
    entered ones on the dashboard wait for a value."""
    user = login("report")
    rows = {row[0]: row for row in _panels(user)["kpis"].rows}
    present = HouseholdMember.objects.filter(
        household__managing_area__code__startswith=user.area.code[:6], member_status="present",
        household__closed_on__isnull=True,
    )  # fmt: skip
    insured = present.filter(medical_insurance_enrolled=True).count()
    assert rows["基本医疗保险参保率（%）"][4:7] == [insured, present.count(), "系统计算"]
    assert rows["基本医疗保险参保率（%）"][1] == "≥100"
    assert rows["基本医疗保险参保率（%）"][2] == (Decimal(100 * insured) / present.count()).quantize(Decimal("0.01"))
    today = timezone.localdate()
    children = present.filter(
        birth_date__gt=today.replace(year=today.year - 16), birth_date__lte=today.replace(year=today.year - 6)
    )  # compulsory school age 6–15 (SPEC §15.2)
    assert rows["九年义务教育巩固率（%）"][4:6] == [
        children.filter(schooling_status__in=IN_SCHOOL).count(),
        children.count(),
    ]
    households = Household.objects.filter(managing_area__code__startswith=user.area.code[:6], closed_on__isnull=True)
    water = rows["农村集中供水率（%）"]
    assert water[4:6] == [households.filter(water_supply_type="centralized").count(), households.count()]
    assert water[1] == ">95"
    assert water[3] == ("是" if water[2] > 95 else "否")
    returned = (
        present.filter(household__flags__kind="returned_to_poverty", household__flags__valid_to__isnull=True)
        .distinct()
        .count()
    )
    assert rows["返贫人口（人）"][1:5] == ["动态清零", Decimal(returned), "是" if returned == 0 else "否", returned]
    line = rows["监测标准为国家扶贫标准的倍数"]
    assert line[1:4] == ["≥1.5", Decimal("1.50"), "是"]  # 6000 against the national 4000 (SPEC §3.4)
    income = rows["农村居民人均可支配收入（元）"]
    assert income[1:4] == ["≥10000", Decimal("9860"), "否"]  # entered by the demo county this year, short of it
    assert income[6].startswith("填报于 ")  # with the day the county entered it


def test_a_township_compares_its_villages_and_sees_only_its_own(login):
    user = login("township01")
    panels = _panels(user)
    villages = AdminArea.objects.filter(parent=user.area).order_by("code")
    assert [row[0] for row in panels["places"].rows] == [v.name for v in villages]
    assert panels["subjects"].rows[-1][1] == _open_subjects(user.area).count()
    assert "funds" not in panels  # township cadres do not see the funds (SPEC §1.3)


def test_who_sees_which_panels(login, client):
    login("finance")
    page = client.get(reverse("ledgers:dashboard")).content.decode()
    assert 'data-testid="panel-funds"' in page
    assert 'data-testid="panel-subjects"' not in page
    login("screener")  # a department's screener sees no registry, problems or funds
    assert client.get(reverse("ledgers:dashboard")).status_code == 403
    assert client.get(reverse("ledgers:dashboard-xlsx")).status_code == 403


def test_the_page_says_when_its_counts_were_made(login, client):
    """The panels read the counts the beat job makes every 10 minutes, and the page says when they were made."""
    user = login("report")
    counted_at = counted_for(user).counted_at
    assert counted_at is not None
    page = client.get(reverse("ledgers:dashboard")).content.decode()
    stamp = f"数据统计于 {timezone.localtime(counted_at):%Y-%m-%d %H:%M}，每 10 分钟更新"
    assert f'data-testid="dashboard-counted-at">{stamp}</span>' in page


def test_the_page_draws_what_it_tabulates_and_the_excel_holds_the_same(login, client):
    user = login("report")
    panels = _panels(user)
    page = client.get(reverse("ledgers:dashboard")).content.decode()
    assert "vendor/chart.js/chart.umd.min.js" in page
    for key, panel in panels.items():
        assert f'data-testid="panel-{key}"' in page
        if not panel.chart:
            continue
        data = json.loads(re.search(rf'<script id="chart-{key}" type="application/json">(.*?)</script>', page).group(1))
        rows = panel.rows[:-1] if panel.total_row else panel.rows
        assert data["labels"] == [str(r[0]) for r in rows]
        for dataset in data["datasets"]:
            column = panel.headers.index(dataset["label"])
            assert dataset["data"] == [float(r[column]) for r in rows]

    response = client.get(reverse("ledgers:dashboard-xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = calamine_sheets(b"".join(response.streaming_content))
    assert list(sheets) == [p.title[:31] for p in panels.values()]
    for panel in panels.values():
        rows = sheets[panel.title[:31]]
        assert rows[0] == panel.headers
        assert [[str(c) for c in r] for r in rows[1:]] == [
            [str(float(v)) if isinstance(v, Decimal | int) and not isinstance(v, bool) else str(v or "") for v in r]
            for r in panel.rows
        ]


@pytest.mark.parametrize(("username", "most"), [("report", 16), ("township01", 8)])
def test_the_dashboard_reads_the_indicators_targets_and_values_in_one_query(
    login, client, username, most, django_assert_max_num_queries
):
    """The indicators, their targets and the entered values are one query: the panel costs what the monitoring line
    and the floor parameter cost before targets were data (a county: 15 + 1, a township: 8)."""
    login(username)
    client.get(reverse("ledgers:dashboard"))
    with django_assert_max_num_queries(most):
        assert client.get(reverse("ledgers:dashboard")).status_code == 200


def test_the_dashboard_shows_an_entered_value_with_its_date_and_a_target_set_for_the_county(login, client):
    user = login("county")
    today = timezone.localdate()
    income = KpiIndicator.objects.get(code="YH-03")
    services.kpi_value_enter(actor=user, indicator=income, period=str(today.year), value=Decimal("9999.99"))
    KpiTarget.objects.create(indicator=KpiIndicator.objects.get(code="YH-08"), year=today.year, area=user.area,
                             value="0")  # fmt: skip
    rows = {row[0]: row for row in _panels(user)["kpis"].rows}
    assert rows["农村居民人均可支配收入（元）"][1:4] == ["≥10000", Decimal("9999.99"), "否"]
    assert rows["农村居民人均可支配收入（元）"][6] == f"填报于 {today:%Y-%m-%d}"
    assert rows["农村集中供水率（%）"][1] == ">0"
    assert rows["农村集中供水率（%）"][3] == ("是" if rows["农村集中供水率（%）"][2] > 0 else "否")
    other = User.objects.get(username="township01")
    assert {row[0]: row for row in _panels(other)["kpis"].rows}["农村居民人均可支配收入（元）"][2] == Decimal("9999.99")


def test_the_panels_are_rendered_once_for_everyone_of_an_area_until_an_input_changes(
    login, client, django_assert_max_num_queries
):
    """One county's viewers share the rendered panels (the page reads the counts' time and the session's rows
    only); an entered indicator value shows at once; a recount shows on the next view; another county's viewer,
    a township's or the English page never gets them."""
    from ledgers.counts import area_counts_refresh

    user = login("county")
    first = client.get(reverse("ledgers:dashboard")).content.decode()
    with django_assert_max_num_queries(7):
        again = client.get(reverse("ledgers:dashboard")).content.decode()
    panels = '<div class="row g-3 mb-5">'
    assert again[again.index(panels) :] == first[first.index(panels) :]  # the page around them carries a new token

    services.kpi_value_enter(
        actor=user, indicator=KpiIndicator.objects.get(code="YH-03"), period=str(timezone.localdate().year),
        value=Decimal("8765.43"),
    )  # fmt: skip
    assert "8765.43" in client.get(reverse("ledgers:dashboard")).content.decode()

    area_counts_refresh()  # the beat job: the next view renders the panels from the new counts
    with CaptureQueriesContext(connection) as recounting:
        recounted = client.get(reverse("ledgers:dashboard")).content.decode()
    assert len(recounting) > 7
    assert "8765.43" in recounted

    superuser = User.objects.get(username="county")
    superuser.is_superuser = True  # sees every area: never the county's cached panels, nor they its
    assert dashboard_key(superuser, today=timezone.localdate()) != dashboard_key(user, today=timezone.localdate())
    login("township01")  # the same generation and counts: another area's panels
    township = client.get(reverse("ledgers:dashboard")).content.decode()
    assert 'data-testid="panel-funds"' not in township
    assert township.count('data-testid="panel-') < recounted.count('data-testid="panel-')
    login("county")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("ledgers:dashboard")).content.decode()
    assert "考核指标</h2>" in recounted
    assert "考核指标</h2>" not in english
