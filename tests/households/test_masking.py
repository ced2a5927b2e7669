"""Masking that cannot be undone (SPEC §1.3 scoping rule 4, §2.6). A masked ID number (6403**********8772) hides
the birth date and the sequence; shown beside the full birth date it left about ten candidates, and a search by a
candidate confirmed the right one. A role that sees masked numbers sees the birth year only and cannot look anyone
up by a full number; every showing of full numbers is one log row, which the auditors browse."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from households.choices import DisclosureChannel
from households.models import IdentityDisclosure
from ledgers.models import LedgerExport
from tests.factories import CountyFactory, HouseholdFactory, TownshipFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    return CountyFactory()


@pytest.fixture
def household(county):
    return HouseholdFactory(managing_area=VillageFactory(parent=TownshipFactory(parent=county)))


@pytest.fixture
def masked(county):
    return UserFactory(roles=[Role.REPORTING_OFFICER], area=county)


@pytest.fixture
def cadre(household):
    return UserFactory(roles=[Role.TOWNSHIP_CADRE], area=household.managing_area.parent)


def _candidates(number: str) -> list[str]:
    """What an attacker rebuilds from a masked number and a full birth date: the ten check-digit variants."""
    return [number[:17] + digit for digit in "0123456789X"]


def test_a_masked_role_cannot_rebuild_an_id_number_through_the_api(api_client, household, masked):
    head = household.head
    api_client.force_authenticate(masked)
    detail = api_client.get(reverse("api:household-detail", args=[household.pk])).json()
    (member,) = detail["members"]
    assert member["id_number"].count("*") == 10
    assert member["birth_date"] is None
    assert member["birth_year"] == head.birth_date.year
    for candidate in _candidates(head.id_number):
        for url in ("/api/v1/members/", "/api/v1/households/"):
            response = api_client.get(url, {"id_number": candidate})
            assert response.status_code == 400, (url, candidate)
            assert "不能按完整身份证号查询" in response.json()["id_number"][0]
    listed = api_client.get("/api/v1/members/").json()["results"]
    assert [row["birth_year"] for row in listed] == [head.birth_date.year]
    assert "birth_date" not in listed[0]
    assert not IdentityDisclosure.objects.exists()


def test_a_masked_role_cannot_rebuild_an_id_number_through_the_pages(client, household, masked):
    head = household.head
    client.force_login(masked)
    page = client.get(reverse("households:household-detail", args=[household.pk])).content.decode()
    assert f"{head.birth_date.year}年" in page
    assert head.birth_date.isoformat() not in page
    assert head.id_number not in page
    found = client.get(reverse("households:household-list"), {"q": head.id_number}).content.decode()
    assert "不能按身份证号查找农户" in found
    assert household.household_no not in found


def test_a_role_that_sees_full_numbers_finds_by_them_and_each_showing_is_logged(api_client, client, household, cadre):
    head = household.head
    api_client.force_authenticate(cadre)
    found = api_client.get("/api/v1/members/", {"id_number": head.id_number.lower()}).json()["results"]
    assert [row["id"] for row in found] == [head.pk]
    detail = api_client.get(reverse("api:household-detail", args=[household.pk])).json()
    assert detail["members"][0]["birth_date"] == head.birth_date.isoformat()

    client.force_login(cadre)
    assert (
        household.household_no
        in client.get(reverse("households:household-list"), {"q": head.id_number}).content.decode()
    )
    client.get(reverse("households:household-detail", args=[household.pk]))
    client.get(reverse("households:household-edit", args=[household.pk]))  # the form shows the full phone
    assert list(IdentityDisclosure.objects.order_by("pk").values_list("user", "household", "channel")) == [
        (cadre.pk, household.pk, DisclosureChannel.API),
        (cadre.pk, household.pk, DisclosureChannel.PAGE),
        (cadre.pk, household.pk, DisclosureChannel.EDIT),
    ]


def test_the_county_reviewer_browses_the_log_of_the_county_only(client, county, household, cadre):
    elsewhere = HouseholdFactory()
    outsider = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=elsewhere.managing_area.parent)
    IdentityDisclosure.objects.create(user=cadre, household=household, channel=DisclosureChannel.PAGE)
    IdentityDisclosure.objects.create(user=cadre, household=household, channel=DisclosureChannel.API)
    IdentityDisclosure.objects.create(user=outsider, household=elsewhere, channel=DisclosureChannel.PAGE)
    LedgerExport.objects.create(owner=cadre, ledger="L-01", title="监测对象台账", area=county, full_ids=True)
    reviewer = UserFactory(roles=[Role.COUNTY_REVIEWER], area=county)
    client.force_login(reviewer)
    url = reverse("ledgers:disclosure-log")

    page = client.get(url).content.decode()
    assert page.count(household.head_name) == 2
    assert elsewhere.head_name not in page
    assert "监测对象台账" in page
    narrowed = client.get(url, {"channel": "api", "who": cadre.username}).content.decode()
    assert narrowed.count(household.head_name) == 1
    today = timezone.localdate()
    assert (
        client.get(url, {"start": (today + datetime.timedelta(days=1)).isoformat()}).context["page"].paginator.count
        == 0
    )
    assert "开始日期" in client.get(url, {"start": "2026-13-40"}).content.decode()

    for role in (Role.TOWNSHIP_CADRE, Role.REPORTING_OFFICER, Role.VILLAGE_WORKER):
        client.force_login(UserFactory(roles=[role], area=household.managing_area))
        assert client.get(url).status_code == 403
