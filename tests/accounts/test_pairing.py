"""Pairing assistance cadres with households (帮扶责任人结对, SPEC §1.6): a pairing opens the household only while
it is in force, the township of the household decides, and nothing is deleted."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts.models import User
from accounts.roles import Role
from core.errors import DomainError
from households.models import AssistancePairing, Household, HouseholdFacts, HouseholdUserObjectPermission
from households.services.pairing import pairing_end, pairing_start, pairings_from_grants
from tests.factories import CountyFactory, HouseholdFactory, TownshipFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 5, 11)


@pytest.fixture
def world(today):
    today.set(DAY)
    county = CountyFactory()
    township = TownshipFactory(parent=county)
    village = VillageFactory(parent=township)
    household = HouseholdFactory(managing_area=village, head_name="马本户")
    return {
        "county": county,
        "township": township,
        "village": village,
        "household": household,
        "official": UserFactory(roles=[Role.TOWNSHIP_CADRE], area=township),
        "cadre": UserFactory(roles=[Role.ASSISTANCE_CADRE], area=county, last_name="李", first_name="帮扶"),
    }


def _start(world, **overrides):
    arguments = {
        "actor": world["official"],
        "cadre": world["cadre"],
        "household": world["household"],
        "unit": "县农业农村局",
        "valid_from": DAY,
    } | overrides
    return pairing_start(**arguments)


def _status(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


def test_a_pairing_opens_the_household_only_between_its_dates(world, today, client):
    # given: a pairing from the 20th to the end of the month
    pairing = _start(world, valid_from=DAY + datetime.timedelta(days=9))
    pairing_end(actor=world["official"], pairing=pairing, valid_to=datetime.date(2026, 5, 31), reason="调任")
    household, cadre = world["household"], world["cadre"]
    page = household.get_absolute_url()
    mine = reverse("households:pairing-mine")

    # before it begins: the household page is 404 and the cadre's list is empty
    assert _status(client, cadre, page) == 404
    assert "马本户" not in client.get(mine).content.decode()

    # while in force, the end day included
    for day in (datetime.date(2026, 5, 20), datetime.date(2026, 5, 31)):
        today.set(day)
        assert _status(client, cadre, page) == 200
        assert "马本户" in client.get(mine).content.decode()

    # after its end date
    today.set(datetime.date(2026, 6, 1))
    assert _status(client, cadre, page) == 404
    assert "马本户" not in client.get(mine).content.decode()
    assert not Household.objects.visible_to(cadre).exists()


def test_an_overlapping_pairing_of_the_same_cadre_and_household_is_refused(world):
    first = _start(world)
    with pytest.raises(DomainError, match="时间不能重叠") as refused:
        _start(world, valid_from=DAY + datetime.timedelta(days=30))
    assert refused.value.field == "valid_from"
    # once the first has ended, a new pairing after it is accepted
    pairing_end(actor=world["official"], pairing=first, valid_to=DAY + datetime.timedelta(days=5), reason="调整")
    second = _start(world, valid_from=DAY + datetime.timedelta(days=6))
    assert AssistancePairing.objects.filter(household=world["household"]).count() == 2
    assert second.valid_to is None


@pytest.mark.parametrize(
    ("_case", "actor_of", "refusal"),
    [
        ("cadre of another township", lambda w: UserFactory(roles=[Role.TOWNSHIP_CADRE], area=TownshipFactory()), 1),
        ("village worker of the village", lambda w: UserFactory(roles=[Role.VILLAGE_WORKER], area=w["village"]), 1),
        ("county reviewer of the county", lambda w: UserFactory(roles=[Role.COUNTY_REVIEWER], area=w["county"]), 0),
    ],
)
def test_only_the_households_township_or_county_may_pair(_case, actor_of, refusal, world):
    actor = actor_of(world)
    if refusal:
        with pytest.raises(PermissionDenied):
            _start(world, actor=actor)
        assert not AssistancePairing.objects.exists()  # nothing happened
    else:
        assert _start(world, actor=actor).created_by == actor


def test_a_township_cadre_of_another_township_cannot_pair_through_the_page(world, client):
    stranger = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=TownshipFactory(parent=world["county"]))
    client.force_login(stranger)
    response = client.post(
        reverse("households:pairing-list"),
        {
            "household_no": world["household"].household_no,
            "cadre": world["cadre"].username,
            "unit": "县农业农村局",
            "valid_from": DAY.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "未找到户编号" in response.content.decode()  # the household outside their area does not exist for them
    assert not AssistancePairing.objects.exists()
    # and another township's pairing cannot be ended: 404
    pairing = _start(world)
    url = reverse("households:pairing-end", args=[pairing.pk])
    assert client.post(url, {"valid_to": DAY.isoformat(), "reason": "调整"}).status_code == 404
    pairing.refresh_from_db()
    assert pairing.valid_to is None


def test_only_an_active_assistance_cadre_can_be_paired(world):
    official = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=world["township"])
    with pytest.raises(DomainError, match="不是帮扶责任人") as refused:
        _start(world, cadre=official)
    assert refused.value.field == "cadre"
    world["cadre"].is_active = False
    world["cadre"].save()
    with pytest.raises(DomainError, match="已停用"):
        _start(world)
    assert not AssistancePairing.objects.exists()


def test_ending_needs_a_reason_and_a_date_not_before_the_start(world, client):
    pairing = _start(world)
    with pytest.raises(DomainError, match="请填写结束原因") as refused:
        pairing_end(actor=world["official"], pairing=pairing, valid_to=DAY, reason="  ")
    assert refused.value.field == "reason"
    with pytest.raises(DomainError, match="不能早于结对日期"):
        pairing_end(actor=world["official"], pairing=pairing, valid_to=DAY - datetime.timedelta(days=1), reason="调")
    # the page's command refuses it the same way and changes nothing
    client.force_login(world["official"])
    response = client.post(
        reverse("households:pairing-end", args=[pairing.pk]), {"valid_to": DAY.isoformat(), "reason": ""}, follow=True
    )
    assert "结束原因" in response.content.decode()
    pairing.refresh_from_db()
    assert (pairing.valid_to, pairing.end_reason) == (None, "")
    # with a reason it ends, and the row and its history stay
    client.post(
        reverse("households:pairing-end", args=[pairing.pk]), {"valid_to": DAY.isoformat(), "reason": "帮扶人调离"}
    )
    pairing.refresh_from_db()
    assert (pairing.valid_to, pairing.end_reason) == (DAY, "帮扶人调离")
    assert pairing.history.count() == 2


def test_the_township_pairs_through_its_page_and_the_household_page_lists_the_pairings(world, client):
    client.force_login(world["official"])
    response = client.post(
        reverse("households:pairing-list"),
        {
            "household_no": world["household"].household_no,
            "cadre": world["cadre"].username,
            "unit": "县农业农村局",
            "valid_from": DAY.isoformat(),
        },
    )
    assert response.status_code == 302
    pairing = AssistancePairing.objects.get()
    assert (pairing.cadre, pairing.created_by, pairing.unit) == (world["cadre"], world["official"], "县农业农村局")
    old = AssistancePairing.objects.create(
        household=world["household"],
        cadre=UserFactory(roles=[Role.ASSISTANCE_CADRE], area=world["county"], last_name="王", first_name="旧"),
        unit="县水务局",
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2025, 12, 31),
        end_reason="轮换",
    )
    page = client.get(world["household"].get_absolute_url()).content.decode()
    assert "李帮扶" in page
    assert "王旧" in page
    assert "轮换" in page
    assert reverse("households:pairing-end", args=[pairing.pk]) in page  # the current one can be ended
    assert reverse("households:pairing-end", args=[old.pk]) not in page
    # the township list filters by cadre and state
    listing = client.get(reverse("households:pairing-list"), {"state": "ended"}).content.decode()
    assert "王旧" in listing
    assert "李帮扶" not in listing.split('data-testid="pairing-rows"')[-1]


def test_the_paired_cadre_fact_follows_the_pairing(world):
    pairing = _start(world)
    assert HouseholdFacts.objects.get(household=world["household"]).paired_cadre_id == world["cadre"].pk
    pairing_end(actor=world["official"], pairing=pairing, valid_to=DAY, reason="调整")
    # still in force today, the end day included
    assert HouseholdFacts.objects.get(household=world["household"]).paired_cadre_id == world["cadre"].pk


def test_an_earlier_grant_becomes_a_pairing_in_force(world):
    household, cadre = world["household"], world["cadre"]
    assign_perm("households.view_household", cadre, household)
    assign_perm("households.visit_household", cadre, household)

    made = pairings_from_grants(grant_model=HouseholdUserObjectPermission, pairing_model=AssistancePairing, on=DAY)
    again = pairings_from_grants(grant_model=HouseholdUserObjectPermission, pairing_model=AssistancePairing, on=DAY)

    assert (made, again) == (1, 0)  # one pairing per cadre and household, and safe to re-run
    pairing = AssistancePairing.objects.get()
    assert (pairing.cadre, pairing.household, pairing.valid_from, pairing.valid_to) == (cadre, household, DAY, None)
    assert list(Household.objects.visible_to(cadre)) == [household]


def test_the_township_list_is_paged_and_filters_by_cadre(world, client):
    """A township pairs thousands of households: the list shows them 30 to a page with their number, and filters by
    a cadre typed by name, which stays typed."""
    other = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=world["county"], last_name="赵", first_name="另")
    for n in range(35):
        household = HouseholdFactory(managing_area=world["village"], head_name=f"结对户{n}")
        _start(world, household=household)
    _start(world, cadre=other)
    client.force_login(world["official"])

    first = client.get(reverse("households:pairing-list"))
    second = client.get(reverse("households:pairing-list"), {"page": 2})
    mine = client.get(reverse("households:pairing-list"), {"cadre": "赵另"})
    nobody = client.get(reverse("households:pairing-list"), {"cadre": "钱无"})

    assert len(first.context["rows"]) == 30
    assert "共 36 条" in first.content.decode()
    assert len(second.context["rows"]) == 6
    assert {pairing.pk for pairing, _in_force in first.context["rows"] + second.context["rows"]} == set(
        AssistancePairing.objects.values_list("pk", flat=True)
    )
    assert [pairing.cadre for pairing, _in_force in mine.context["rows"]] == [other]
    assert 'name="cadre" value="赵另"' in mine.content.decode()
    assert nobody.context["rows"] == []


def test_a_cadre_is_typed_with_suggestions_and_named_unambiguously(world, client):
    """A county's cadres are thousands: the form takes a name or a user name, suggests the county's cadres as one
    types, and refuses a name two cadres share, naming both, or one no cadre of the county has."""
    twin = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=world["county"], last_name="李", first_name="帮扶")
    elsewhere = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=CountyFactory(), last_name="李", first_name="外县")
    client.force_login(world["official"])

    suggested = client.get(reverse("households:pairing-cadres"), {"cadre": "李"}).content.decode()
    form = {"household_no": world["household"].household_no, "unit": "县农业农村局", "valid_from": DAY.isoformat()}
    ambiguous = client.post(reverse("households:pairing-list"), {**form, "cadre": "李帮扶"})
    unknown = client.post(reverse("households:pairing-list"), {**form, "cadre": "李外县"})
    by_username = client.post(reverse("households:pairing-list"), {**form, "cadre": twin.username})

    assert f'<option value="{world["cadre"].username}">李帮扶' in suggested
    assert f'<option value="{twin.username}">李帮扶' in suggested
    assert elsewhere.username not in suggested  # another county's
    assert client.get(reverse("households:pairing-cadres"), {"cadre": ""}).content.decode().strip() == ""
    page = ambiguous.content.decode()
    assert "有 2 名帮扶责任人叫“李帮扶”" in page
    assert world["cadre"].username in page
    assert twin.username in page
    assert "没有名为“李外县”的可结对帮扶责任人" in unknown.content.decode()
    assert by_username.status_code == 302
    assert AssistancePairing.objects.get().cadre == twin
    # a deactivated cadre is offered no more
    User.objects.filter(pk=twin.pk).update(is_active=False)
    assert twin.username not in client.get(reverse("households:pairing-cadres"), {"cadre": "李"}).content.decode()
    # who may not pair is offered no cadre to pair; who may not read households, none at all
    client.force_login(UserFactory(roles=[Role.VILLAGE_WORKER], area=world["village"]))
    assert client.get(reverse("households:pairing-cadres"), {"cadre": "李"}).status_code == 403
    client.force_login(UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=world["county"], department="health"))
    assert client.get(reverse("households:pairing-cadres"), {"cadre": "李"}).status_code == 403
    assert client.get(reverse("households:pairing-cadres-paired"), {"cadre": "李"}).status_code == 403


def test_the_filter_names_the_cadres_of_the_pairings_seen_whoever_they_are_now(world, client, today):
    """The list's filter suggests and finds the cadres of the pairings the reader sees: a cadre since deactivated
    with an ended pairing is found; a cadre of the county with no pairing seen is not suggested."""
    pairing = _start(world, valid_from=DAY - datetime.timedelta(days=30))
    pairing_end(actor=world["official"], pairing=pairing, valid_to=DAY - datetime.timedelta(days=1), reason="调离")
    User.objects.filter(pk=world["cadre"].pk).update(is_active=False)
    idle = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=world["county"], last_name="李", first_name="闲")
    client.force_login(UserFactory(roles=[Role.VILLAGE_WORKER], area=world["village"]))

    suggested = client.get(reverse("households:pairing-cadres-paired"), {"cadre": "李"}).content.decode()
    ended = client.get(reverse("households:pairing-list"), {"cadre": "李帮扶", "state": "ended"})

    assert world["cadre"].username in suggested
    assert idle.username not in suggested
    assert [row.pk for row, _in_force in ended.context["rows"]] == [pairing.pk]
