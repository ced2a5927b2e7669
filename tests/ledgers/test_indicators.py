"""Indicators and their targets as data (SPEC §13.2, §13.3): the comparator at each boundary, the seeded tables,
the most specific area's target, entering a value and the indicator table as page, API and admin."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from core.errors import DomainError
from geo.codes import AreaLevel
from ledgers.indicators import services
from ledgers.indicators.registry import COMPUTATIONS
from ledgers.indicators.rules import meets_target, target_number
from ledgers.indicators.selectors import resolve_target
from ledgers.models import KpiIndicator, KpiTarget, KpiValue
from tests.factories import CountyFactory, TownshipFactory, UserFactory

D = Decimal


# ------------------------------------------------------------------------------------------ the comparator rule


@pytest.mark.parametrize(
    ("comparator", "actual", "target", "met"),
    [
        ("gte", D("100"), "100", True),  # 九年义务教育巩固率 100 (004 L155–L187)
        ("gte", D("99.99"), "100", False),
        ("gt", D("95"), "95", False),  # 农村集中供水率 >95
        ("gt", D("95.01"), "95", True),
        ("gte", D("1.5"), "1.5", True),  # 监测标准 ≥1.5 × national line
        ("gte", D("1.49"), "1.5", False),
        ("lte", D("30"), "30", True),
        ("lte", D("30.01"), "30", False),
        ("lt", D("30"), "30", False),
        ("lt", D("29.99"), "30", True),
        ("eq", D("5.1"), "5.1", True),
        ("eq", D("5.2"), "5.1", False),
        ("dynamic_zero", D("0"), "动态清零", True),  # 返贫人口 动态清零
        ("dynamic_zero", D("1"), "动态清零", False),
        ("full_coverage", D("100"), "全部乡镇区域", True),  # 5G 网络覆盖 全部乡镇区域
        ("full_coverage", D("99.99"), "全部乡镇区域", False),
        ("gte", D("10000"), "10,000", True),
        ("gte", D("9999"), "10,000", False),
    ],
)
def test_the_comparator_at_its_boundary(comparator, actual, target, met):
    assert meets_target(comparator, actual, target) is met


def test_nothing_is_judged_without_a_value_or_against_words():
    assert meets_target("gte", None, "100") is None
    assert meets_target("dynamic_zero", None, "动态清零") is None
    assert meets_target("gte", D("100"), "全部乡镇区域") is None
    assert target_number("95%") == D("95")
    assert target_number("动态清零") is None


def test_the_most_specific_area_wins_then_the_year_in_force():
    county, province = "640324000000", "640000000000"
    targets = {None: {2025: "100"}, province: {2025: "98"}, county: {2024: "96", 2026: "97"}}
    assert resolve_target(targets, [county, province], 2026) == (2026, "97")
    assert resolve_target(targets, [county, province], 2025) == (2026, "97")  # the next target year
    assert resolve_target(targets, [county, province], 2027) == (2026, "97")  # carried forward
    assert resolve_target(targets, ["640325000000", province], 2025) == (2025, "98")
    assert resolve_target(targets, [], 2025) == (2025, "100")
    assert resolve_target({}, [county], 2025) is None


# ---------------------------------------------------------------------------------------------- the seeded data


@pytest.mark.django_db
def test_the_seeded_tables_of_section_13_3():
    indicators = {i.code: i for i in KpiIndicator.objects.all()}
    assert len([c for c in indicators if c.startswith("YH-")]) == 29
    assert len([c for c in indicators if c.startswith("NX-H")]) == 6
    computed = {i.computation for i in indicators.values() if i.source == "computed"}
    assert computed == set(COMPUTATIONS)  # the dashboard's five
    targets = {(t.indicator.code, t.year): t for t in KpiTarget.objects.select_related("indicator")}
    assert all(t.area_id is None for t in targets.values())
    returned = indicators["YH-01"]
    assert (returned.comparator, returned.attribute, targets["YH-01", 2025].value) == (
        "dynamic_zero",
        "binding",
        "动态清零",
    )
    assert (indicators["YH-08"].comparator, targets["YH-08", 2025].value) == ("gt", "95")
    assert (indicators["YH-04"].comparator, targets["YH-04", 2025].value) == ("gte", "1.5")
    assert (indicators["YH-23"].comparator, targets["YH-23", 2025].value) == ("full_coverage", "全部乡镇区域")
    assert (indicators["YH-03"].baseline, indicators["YH-03"].baseline_year) == (D("5815"), 2020)
    assert indicators["YH-09"].attribute == "indicative"
    assert (indicators["NX-H5"].level, targets["NX-H5", 2025].value) == ("province", "37")
    assert indicators["DB-01"].computation == "medical_insurance_enrolment"
    # Ningxia's rural roads (2022 and 2025) and the other 2025 targets, entered at province level.
    roads = [c for c in indicators if c.startswith("NX-R")]
    assert len(roads) == 12
    assert (targets["NX-R07", 2022].value, targets["NX-R10", 2025].value) == ("5", "80")
    assert (indicators["NX-L01"].comparator, targets["NX-L01", 2025].value) == ("gte", "85")
    assert {indicators[c].level for c in (*roads, "NX-L01", "NX-G01", "NX-E01")} == {"province"}


# ------------------------------------------------------------------------------------------ page, form and API


@pytest.fixture
def county(db):
    return CountyFactory()


@pytest.fixture
def reviewer(county):
    return UserFactory(area=county, roles=[Role.COUNTY_REVIEWER])


def _rows(client, **query):
    response = client.get(reverse("ledgers:indicators"), query)
    assert response.status_code == 200
    return response, {row.code: row for _category, rows in response.context["groups"] for row in rows}


def _enter(client, code, value, period=None):
    indicator = KpiIndicator.objects.get(code=code)
    period = period or str(timezone.localdate().year)
    return client.post(
        reverse("ledgers:indicator-enter"), {"indicator": indicator.pk, "period": period, "value": value}
    )


def test_the_table_lists_every_indicator_with_its_target_and_no_value_yet(client, reviewer):
    client.force_login(reviewer)
    response, rows = _rows(client)
    page = response.content.decode()
    assert len(rows) == 54  # the county's 30, the province's 6 health, 12 roads and 6 other targets
    assert rows["YH-02"].target == "≥100"
    assert rows["YH-02"].actual is None
    assert rows["YH-02"].source_text == "未填报"
    assert rows["YH-08"].target == ">95"
    assert rows["YH-08"].source_text == "系统计算"
    assert rows["YH-23"].target == "全部乡镇区域"
    assert rows["YH-02"].target_year == 2025
    assert "未填报" in page
    assert 'data-testid="indicator-form"' in page


def test_an_entered_value_is_shown_with_its_date_and_judged(client, reviewer):
    client.force_login(reviewer)
    assert _enter(client, "YH-02", "99.99").status_code == 302
    _response, rows = _rows(client)
    assert (rows["YH-02"].actual, rows["YH-02"].met) == (D("99.99"), False)
    assert _enter(client, "YH-02", "100").status_code == 302  # a correction is a newer entry
    response, rows = _rows(client)
    assert (rows["YH-02"].actual, rows["YH-02"].met) == (D("100"), True)
    assert rows["YH-02"].source_text == f"填报于 {timezone.localdate():%Y-%m-%d}"
    assert KpiValue.objects.filter(indicator__code="YH-02").count() == 2
    assert f"填报于 {timezone.localdate():%Y-%m-%d}" in response.content.decode()


def test_a_township_sees_its_countys_value_and_cannot_enter_one(client, reviewer, county):
    client.force_login(reviewer)
    _enter(client, "YH-03", "10000")
    cadre = UserFactory(area=TownshipFactory(parent=county), roles=[Role.TOWNSHIP_CADRE])
    client.force_login(cadre)
    response, rows = _rows(client)
    assert (rows["YH-03"].actual, rows["YH-03"].met) == (D("10000"), True)
    assert 'data-testid="indicator-form"' not in response.content.decode()
    assert _enter(client, "YH-03", "1").status_code == 403
    assert KpiValue.objects.count() == 1


def test_another_county_sees_neither_the_value_nor_the_target_of_this_one(client, reviewer, county):
    year = timezone.localdate().year
    KpiTarget.objects.create(indicator=KpiIndicator.objects.get(code="YH-08"), year=year, area=county, value="90")
    client.force_login(reviewer)
    _enter(client, "YH-03", "12345")
    _response, rows = _rows(client)
    assert rows["YH-08"].target == ">90"  # the county's own target wins over the default
    other = UserFactory(area=CountyFactory(parent=county.parent), roles=[Role.REPORTING_OFFICER])
    client.force_login(other)
    response, rows = _rows(client)
    assert rows["YH-08"].target == ">95"
    assert rows["YH-03"].actual is None
    assert "12345" not in response.content.decode()


def test_a_provinces_target_applies_to_its_counties(client, reviewer, county):
    province = county.parent.parent
    assert province.level == AreaLevel.PROVINCE
    KpiTarget.objects.create(indicator=KpiIndicator.objects.get(code="YH-02"), year=2025, area=province, value="99")
    client.force_login(reviewer)
    _response, rows = _rows(client)
    assert rows["YH-02"].target == "≥99"


def test_another_year_shows_its_entries_and_no_computed_value(client, reviewer):
    client.force_login(reviewer)
    last_year = timezone.localdate().year - 1
    _enter(client, "YH-07", "100", period=str(last_year))
    _response, rows = _rows(client, year=last_year)
    assert rows["YH-07"].actual == D("100")
    assert rows["YH-07"].period == str(last_year)
    assert rows["YH-08"].actual is None  # the counts are today's
    _response, rows = _rows(client)
    assert rows["YH-07"].actual is None


def test_entering_refuses_naming_every_failing_condition(reviewer):
    province_indicator = KpiIndicator.objects.get(code="NX-H3")
    with pytest.raises(DomainError) as refused:
        services.kpi_value_enter(actor=reviewer, indicator=province_indicator, period="26", value=D("60"))
    assert "由省级填报" in refused.value.message
    assert "统计期应写作 2026" in refused.value.message
    computed = KpiIndicator.objects.get(code="YH-08")
    with pytest.raises(DomainError, match="由系统根据台账计算"):
        services.kpi_value_enter(actor=reviewer, indicator=computed, period="2026", value=D("96"))
    future = str(timezone.localdate().year + 1)
    with pytest.raises(DomainError, match="不合理"):
        services.kpi_value_enter(
            actor=reviewer, indicator=KpiIndicator.objects.get(code="YH-02"), period=future, value=D("1")
        )
    assert not KpiValue.objects.exists()


def test_the_form_refusal_is_shown_and_nothing_is_saved(client, reviewer):
    client.force_login(reviewer)
    response = _enter(client, "YH-02", "abc")
    assert response.status_code == 302
    page = client.get(reverse("ledgers:indicators")).content.decode()
    assert "实际值" in page
    assert not KpiValue.objects.exists()


def test_a_province_reporting_officer_enters_the_province_indicators(client, county):
    province = county.parent.parent
    officer = UserFactory(area=province, roles=[Role.REPORTING_OFFICER])
    client.force_login(officer)
    _enter(client, "NX-H1", "0")
    _response, rows = _rows(client)
    assert (rows["NX-H1"].actual, rows["NX-H1"].met, rows["NX-H1"].target) == (D("0"), True, "动态清零")
    assert "YH-02" not in rows  # a county's entered indicator has no one value for a province
    assert "YH-08" in rows  # computed over the whole territory
    county_officer = UserFactory(area=county, roles=[Role.REPORTING_OFFICER])
    client.force_login(county_officer)
    _response, rows = _rows(client)
    assert rows["NX-H1"].actual == D("0")  # the province's value, shown in its counties


def test_who_sees_the_table(client, county):
    client.force_login(UserFactory(area=county, roles=[Role.DEPARTMENT_SCREENER]))
    assert client.get(reverse("ledgers:indicators")).status_code == 403
    client.force_login(UserFactory(area=county, roles=[Role.COUNTY_FINANCE]))
    assert client.get(reverse("ledgers:indicators")).status_code == 200


def test_the_api_gives_the_pages_rows(client, reviewer):
    client.force_login(reviewer)
    _enter(client, "YH-02", "99.5")
    _response, rows = _rows(client)
    api = APIClient()
    api.force_authenticate(reviewer)
    body = api.get("/api/v1/indicators/").json()
    assert body["area"] == reviewer.area.code
    assert body["year"] == timezone.localdate().year
    found = {row["code"]: row for row in body["indicators"]}
    assert list(found) == list(rows)
    assert found["YH-02"]["actual"] == "99.5000"
    assert found["YH-02"]["met"] is False
    assert found["YH-02"]["target"] == "≥100"
    assert found["YH-02"]["source"] == "entered"
    assert found["YH-01"]["target"] == "动态清零"
    assert found["YH-01"]["source"] == "computed"
    api.force_authenticate(UserFactory(area=reviewer.area, roles=[Role.DEPARTMENT_SCREENER]))
    assert api.get("/api/v1/indicators/").status_code == 403
    assert APIClient().get("/api/v1/indicators/").status_code == 401


# ------------------------------------------------------------------------------------------------------ the admin


def test_administrators_set_targets_in_the_admin_within_their_territory(client, county):
    province = county.parent.parent
    admin = UserFactory(area=province, roles=[Role.SYSTEM_ADMIN], is_staff=True)
    foreign = CountyFactory()
    indicator = KpiIndicator.objects.get(code="YH-08")
    KpiTarget.objects.create(indicator=indicator, year=2026, area=foreign, value="80")
    client.force_login(admin)
    listing = client.get(reverse("admin:ledgers_kpitarget_changelist"))
    assert listing.status_code == 200
    assert foreign.name not in listing.content.decode()
    added = client.post(
        reverse("admin:ledgers_kpitarget_add"),
        {"indicator": indicator.pk, "year": 2026, "area": county.code, "value": "93"},
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    assert KpiTarget.objects.get(area=county, year=2026).value == "93"
    refused = client.post(
        reverse("admin:ledgers_kpitarget_add"),
        {"indicator": indicator.pk, "year": 2027, "area": foreign.code, "value": "1"},
    )
    assert refused.status_code == 200
    assert not KpiTarget.objects.filter(year=2027).exists()
    assert client.get(reverse("admin:ledgers_kpiindicator_change", args=[indicator.pk])).status_code == 200
    officer = UserFactory(area=county, roles=[Role.REPORTING_OFFICER], is_staff=True)
    client.force_login(officer)
    assert client.get(reverse("admin:ledgers_kpitarget_changelist")).status_code == 403


def test_the_admin_refuses_a_computed_indicator_without_its_computation(client, county):
    admin = UserFactory(area=county.parent.parent, roles=[Role.SYSTEM_ADMIN], is_staff=True)
    client.force_login(admin)
    data = {
        "code": "X-1", "name": "测试", "category": "测试", "unit": "%", "comparator": "gte", "level": "county",
        "period": "year", "attribute": "binding", "source": "computed", "computation": "", "order": 0,
        "is_active": "on", "targets-TOTAL_FORMS": 0, "targets-INITIAL_FORMS": 0,
    }  # fmt: skip
    response = client.post(reverse("admin:ledgers_kpiindicator_add"), data)
    assert response.status_code == 200
    assert "须选择计算方法" in response.content.decode()
    data["computation"] = "centralized_water"
    assert client.post(reverse("admin:ledgers_kpiindicator_add"), data).status_code == 302
    assert KpiIndicator.objects.get(code="X-1").computation == "centralized_water"


def test_a_value_is_kept_with_who_and_when(reviewer):
    value = services.kpi_value_enter(
        actor=reviewer, indicator=KpiIndicator.objects.get(code="YH-13"), period="2025", value=D("80.5"), note="统计局"
    )
    assert (value.entered_by, value.area_id, value.note) == (reviewer, reviewer.area.code, "统计局")
    assert timezone.now() - value.entered_at < datetime.timedelta(minutes=5)


def test_a_superuser_without_an_area_sees_the_computed_indicators_with_the_default_targets(client, db):
    client.force_login(User.objects.create_superuser("root", password="pw-Secret-123"))
    _response, rows = _rows(client)
    assert rows["YH-08"].target == ">95"
    assert rows["YH-01"].target == "动态清零"
    assert "YH-02" not in rows  # entered for an area: a user without one has none
