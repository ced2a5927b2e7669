"""A household list's pages are read area by area on PostgreSQL (households.paging): the same households in the
same order as the plain slice, every page, both directions, with co-managed and closed households, on the page
and in the API."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from households.models import Household
from tests.factories import HouseholdFactory, TownshipFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.services]


@pytest.fixture
def township():
    """A township whose villages' household numbers interleave with another township's, a household co-managed
    from elsewhere, closed households, and households of the other township that must never show."""
    township = TownshipFactory()
    other = TownshipFactory(parent=township.parent)
    villages = [VillageFactory(parent=township) for _ in range(3)]
    elsewhere = VillageFactory(parent=other)
    for n in range(40):
        village = villages[n % 3]
        # the numbers of the third village sort first, those of the first last; the other township's in between
        HouseholdFactory(managing_area=village, household_no=f"{9 - n % 3}{village.code}{n:04d}")
        HouseholdFactory(managing_area=elsewhere, household_no=f"8{elsewhere.code}{n:04d}")
    HouseholdFactory(managing_area=elsewhere, co_managing_area=villages[1], household_no="0-co-managed")
    for n in range(3):
        HouseholdFactory(
            managing_area=villages[0],
            household_no=f"7-closed-{n}",
            closed_on=datetime.date(2026, 1, 1),
            closed_reason="moved_out",
        )
    return township


def listed(client, url):
    numbers = []
    page = 1
    while True:
        response = client.get(url, {"page": page}) if "?" not in url else client.get(f"{url}&page={page}")
        assert response.status_code == 200
        numbers += [household.household_no for household in response.context["page_obj"].object_list]
        if not response.context["page_obj"].has_next():
            return numbers
        page += 1


@pytest.mark.parametrize("sort", ["", "-household_no"])
def test_every_page_holds_what_the_plain_slice_holds(client, township, sort):
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=township))
    url = reverse("households:household-list") + (f"?sort={sort}" if sort else "")

    numbers = listed(client, url)

    seen = Household.objects.filter(Q(managing_area__parent=township) | Q(co_managing_area__parent=township))
    expected = sorted(seen.filter(closed_on__isnull=True).values_list("household_no", flat=True), reverse=bool(sort))
    assert len(expected) == 41
    assert numbers == expected


def test_closed_households_are_listed_when_asked(client, township):
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=township))

    numbers = listed(client, reverse("households:household-list") + "?closed=1")

    assert len(numbers) == 44
    assert [n for n in numbers if n.startswith("7-closed")] == ["7-closed-0", "7-closed-1", "7-closed-2"]
    assert numbers == sorted(numbers)


def test_the_first_page_is_read_area_by_area(client, township):
    client.force_login(UserFactory(roles=[Role.COUNTY_REVIEWER], area=township.parent))

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("households:household-list"))

    assert response.status_code == 200
    assert any("ARRAY(" in query["sql"] for query in captured.captured_queries)
    assert len(response.context["page_obj"].object_list) == 25


def test_the_api_pages_the_same_way(api_client, township):
    api_client.force_authenticate(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=township))
    numbers, url = [], "/api/v1/households/?page_size=10"
    while url:
        body = api_client.get(url).json()
        numbers += [row["household_no"] for row in body["results"]]
        url = body["next"]

    assert len(numbers) == 44  # the API lists closed households unless ``closed`` says otherwise
    assert numbers == sorted(numbers)
    assert "0-co-managed" in numbers
