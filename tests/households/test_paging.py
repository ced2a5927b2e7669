"""A household list's pages are read area by area on PostgreSQL (households.paging): the same households in the
same order as the plain slice, every page, both directions, with co-managed and closed households, on the page
and in the API."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from households.facts import facts_refresh_households
from households.models import Household, HouseholdFacts
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


def test_each_area_is_read_by_its_own_test_not_the_territory_again(client, township):
    """Inside an area's read, "managed here" already implies the territory's test; repeated there, PostgreSQL
    multiplies the two tests of one column, expects a tenth of the area's households and reads all of them to sort
    them (a township of 12,000 households: 11 ms instead of 0.3 ms). The area list is written once, outside."""
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=township))

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("households:household-list"))

    assert response.status_code == 200
    paging = [query["sql"] for query in captured.captured_queries if "SELECT DISTINCT number" in query["sql"]]
    assert len(paging) == 1
    assert paging[0].count(" IN (") == 1


def test_a_condition_the_area_does_not_imply_is_kept(township):
    """Only what an area's own test makes true is left out of its read: a test of the other area column, or a list
    that misses some of the areas, still narrows the page (the plain slice is the reference)."""
    from households.paging import page_by_area

    areas = [*township.children.values_list("pk", flat=True), township.pk]
    co_managing = VillageFactory(parent=township.parent)
    Household.objects.filter(household_no__endswith="0001").update(co_managing_area=co_managing)
    scoped = Household.objects.filter(Q(managing_area_id__in=areas) | Q(co_managing_area_id__in=areas))
    facts_refresh_households(Household.objects.values_list("pk", flat=True))
    stale = Household.objects.filter(managing_area_id__in=areas).order_by("household_no").first()
    HouseholdFacts.objects.filter(household=stale).update(managing_area=co_managing)  # a copy not yet refreshed
    narrowed = {
        "territory": scoped,
        "co-managed elsewhere": scoped.filter(co_managing_area_id__in=[co_managing.pk]),
        "some villages": scoped.filter(Q(managing_area_id__in=areas[:1]) | Q(co_managing_area_id__in=areas[:1])),
        "the facts' copy of the area": scoped.filter(facts__managing_area_id__in=areas),
    }
    for label, queryset in narrowed.items():
        ordered = queryset.order_by("household_no", "pk")
        expected = [household.household_no for household in ordered[:25]]

        page = page_by_area(ordered, areas, 0, 25)

        assert page is not None, label
        assert [household.household_no for household in page] == expected, label
        assert expected, label


# serialized_rollback: the flush after a transactional test would take the data migrations' roles and parameters.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_planner_setting_of_the_area_reads_ends_with_their_statement(client, township):
    """The area reads are planned without hash joins; sent with the statement, outside a transaction the setting
    ends with it, and the request's next queries are planned as usual."""
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=township))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("households:household-list"), {"risk": "overdue"})

    assert response.status_code == 200
    assert any(query["sql"].startswith("SET LOCAL enable_hashjoin = off; SELECT") for query in captured)
    # the capped count likewise, area by area and by key: it counts what the list holds
    assert any(query["sql"].startswith("SET LOCAL enable_hashjoin = off; SELECT COUNT(*)") for query in captured)
    assert (
        response.context["paginator"].count
        == Household.objects.filter(
            Q(managing_area__parent=township) | Q(co_managing_area__parent=township), closed_on__isnull=True
        )
        .filter(facts__visit_due_on__lt=timezone.localdate())
        .count()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_backend_pid(), current_setting('enable_hashjoin'), current_setting('enable_mergejoin')"
        )
        assert cursor.fetchone() == (*backend, "on", "on")  # the same session, planning as usual

    # a list Django knows empty without asking (a cadre without a place sees nothing) is counted and paged as such
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=None))
    for params in ({}, {"risk": "overdue"}):
        empty = client.get(reverse("households:household-list"), params)
        assert empty.status_code == 200
        assert (empty.context["paginator"].count, list(empty.context["object_list"])) == (0, [])
    assert client.get("/api/v1/households/").json()["count"] == 0


def test_the_count_by_area_counts_what_the_list_holds(township):
    """The capped count read area by area (``count_by_area``) is the plain count, up to the cap: households managed
    here, co-managed from elsewhere, one both managed and co-managed here counted once, narrowed by a fact or not;
    and their members."""
    from households.models import HouseholdMember
    from households.paging import count_by_area
    from tests.factories import MemberFactory

    villages = list(township.children.order_by("code"))
    areas = [*[village.pk for village in villages], township.pk]
    HouseholdFactory(managing_area=villages[0], co_managing_area=villages[2], household_no="1-both-here")
    for household in Household.objects.filter(managing_area__in=villages)[:5]:
        MemberFactory(household=household)
    facts_refresh_households(Household.objects.values_list("pk", flat=True))
    scoped = Household.objects.filter(Q(managing_area_id__in=areas) | Q(co_managing_area_id__in=areas))
    lists = {
        "open": scoped.filter(closed_on__isnull=True),
        "closed too": scoped,
        "with a member": scoped.filter(facts__size__gt=0),
        "none": scoped.filter(household_no="none"),
        "known empty": scoped.filter(pk__in=[]),
    }
    for label, queryset in lists.items():
        plain = queryset.count()
        assert plain > 0 or label in {"none", "known empty"}, label
        assert count_by_area(queryset, areas, 1000) == plain, label
        assert count_by_area(queryset, areas, 10) == min(plain, 11), label  # stops at the cap and one more
    members = HouseholdMember.objects.filter(
        Q(household__managing_area_id__in=areas) | Q(household__co_managing_area_id__in=areas)
    )
    assert count_by_area(members, areas, 1000, household="household") == members.count() > 0


def test_the_pairings_are_counted_area_by_area(client, township):
    """The pairing list counts a township's pairings through its areas' households (a province has 350,000)."""
    from households.models import AssistancePairing

    cadre = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=township)
    on = timezone.localdate()
    for household in Household.objects.filter(managing_area__parent=township)[:7]:
        AssistancePairing.objects.create(
            household=household, cadre=cadre, unit="县农业农村局", valid_from=on, created_by=cadre
        )
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=township))

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("households:pairing-list"))

    assert response.status_code == 200
    assert response.context["paginator"].count == 7
    assert any("SELECT COUNT(*) FROM (SELECT 1 FROM (SELECT ARRAY(" in query["sql"] for query in captured)
