"""The English translation (locale/en): after choosing English, the fixed labels of the pages are English.

Names of households, villages and users are data and stay Chinese, so only the navigation bar and a few fixed
headings and labels are checked."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import HouseholdFactory, TownshipFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
NAVBAR = re.compile(r'<nav class="navbar.*?</nav>', re.DOTALL)
# Data inside the navigation bar: the user's name and area, and the switcher's "中文" (a language is always
# offered under its own name).
NAV_DATA = (
    re.compile(r'<span[^>]*data-testid="user-area"[^>]*>.*?</span>', re.DOTALL),
    re.compile(r'<option value="zh-hans"[^>]*>[^<]*</option>'),
)


@pytest.fixture
def household():
    return HouseholdFactory(managing_area=VillageFactory(parent=TownshipFactory()))


@pytest.fixture
def english_client(client, household):
    user = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=household.managing_area.parent)
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    return response.content.decode()


def _navbar(html: str) -> str:
    match = NAVBAR.search(html)
    assert match, "no navigation bar on the page"
    nav = match.group(0)
    for data in NAV_DATA:
        nav = data.sub("", nav)
    return nav


def _assert_english_navbar(html: str) -> None:
    nav = _navbar(html)
    assert CHINESE.findall(nav) == [], nav
    for label in ("Poverty-Return Monitoring", "Dashboard", "Household registry", "Import households", "Log out"):
        assert label in nav


def test_home_page_is_english(english_client):
    html = _page(english_client, reverse("home"))
    _assert_english_navbar(html)
    assert '<html lang="en">' in html
    assert re.search(r'data-testid="home-title">[^<]*Dashboard</h1>', html)
    assert "Township cadre" in html  # the role badge
    for label in ("Villages", "Present members", "My tasks"):
        assert label in html


def test_household_list_is_english(english_client, household):
    html = _page(english_client, reverse("households:household-list"))
    _assert_english_navbar(html)
    assert '<h1 class="h4 mb-0">Household registry</h1>' in html
    for label in ("New household", "Household number", "Household head", "All villages", "Visit overdue", "Search"):
        assert label in html
    assert "1 household" in html  # the plural form for one
    assert household.household_no in html


def test_household_detail_is_english(english_client, household):
    html = _page(english_client, household.get_absolute_url())
    _assert_english_navbar(html)
    for heading in ("Household members", "Household income", "Visits", "Change history"):
        assert f">{heading}</h2>" in html
    for label in ("Managing area", "Relationship to head", "Record visit", "Income and monitoring line"):
        assert label in html
    # Choice labels of the model render in English: the head's relationship, gender and housing safety.
    assert "<td>Household head</td>" in html
    assert "<td>Male</td>" in html
    assert '<dd class="col-8 col-md-9">Safe</dd>' in html
    assert household.head_name in html  # data stays as entered


def test_chinese_stays_the_default(client, household):
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=household.managing_area.parent))
    html = client.get(household.get_absolute_url()).content.decode()
    assert "<td>户主</td>" in html
    assert "农户档案" in _navbar(html)


def test_ledger_names_are_english_but_the_file_keeps_the_provinces_form_title(english_client, household):
    from ledgers.catalogue import LEDGERS

    html = _page(english_client, reverse("ledgers:index"))
    assert "Monitoring subjects ledger" in html
    assert "监测对象台账" not in html
    assert LEDGERS["L-01"].form_title == "监测对象台账"
