"""One scoping mechanism, deny by default (SPEC §1.3 scoping rules, §1.5, §1.6)."""

import datetime

import pytest

from accounts.grants import household_grant_to_cadre
from accounts.roles import Role
from core.errors import DomainError
from geo.models import AdminArea
from households.models import AssistancePairing, Household, HouseholdMember, IncomeRecord
from households.services.pairing import pairing_end, pairing_for_today
from tests.factories import (
    CountyFactory,
    HouseholdFactory,
    IncomeFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    """Two townships with two villages each, one household per village."""
    county = CountyFactory()
    townships = [TownshipFactory(parent=county) for _ in range(2)]
    villages = [VillageFactory(parent=t) for t in townships for _ in range(2)]
    households = [HouseholdFactory(managing_area=v) for v in villages]
    return county, townships, villages, households


def _visible(user):
    return set(Household.objects.visible_to(user))


def test_each_level_sees_its_subtree_only(county):
    county_area, townships, villages, households = county
    assert _visible(UserFactory(roles=[Role.COUNTY_REVIEWER], area=county_area)) == set(households)
    assert _visible(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=townships[0])) == set(households[:2])
    assert _visible(UserFactory(roles=[Role.VILLAGE_WORKER], area=villages[3])) == {households[3]}


def test_members_and_incomes_follow_their_household(county):
    _, townships, _, households = county
    IncomeFactory(household=households[0])
    IncomeFactory(household=households[3])
    cadre = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=townships[0])
    assert {m.household for m in HouseholdMember.objects.visible_to(cadre)} == set(households[:2])
    assert {i.household for i in IncomeRecord.objects.visible_to(cadre)} == {households[0]}


def test_a_sibling_townships_code_prefix_is_not_a_false_match():
    # Township 640324101 must not see codes that merely start with "64032410" like 640324100…
    county = CountyFactory()
    first = TownshipFactory(parent=county, code=county.code[:6] + "100000")
    second = TownshipFactory(parent=county, code=county.code[:6] + "101000")
    household = HouseholdFactory(managing_area=VillageFactory(parent=first))
    assert _visible(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=second)) == set()
    assert _visible(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=first)) == {household}


def test_deny_by_default(county):
    _, townships, _, _ = county
    no_area = UserFactory(roles=[Role.COUNTY_REVIEWER], area=None)
    no_role = UserFactory(roles=[], area=townships[0])
    inactive = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=townships[0], is_active=False)
    screener = UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=townships[0].parent, department="health")
    for user in (no_area, no_role, inactive, screener):
        assert _visible(user) == set(), user
    assert AdminArea.objects.visible_to(no_area).count() == 0


def test_a_self_migrant_is_seen_from_residence_and_hukou(county):
    _, townships, villages, _ = county
    migrant = HouseholdFactory(managing_area=villages[0], hukou_area=villages[2], co_managing_area=villages[2])
    assert migrant in _visible(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=townships[0]))
    assert migrant in _visible(UserFactory(roles=[Role.VILLAGE_WORKER], area=villages[2]))
    assert migrant not in _visible(UserFactory(roles=[Role.VILLAGE_WORKER], area=villages[3]))


def test_a_paired_cadre_from_elsewhere_sees_exactly_the_granted_households(county, today):
    _, townships, _, households = county
    day = today.set(datetime.date(2026, 3, 2))
    elsewhere = VillageFactory()  # another county altogether
    cadre = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=elsewhere)
    HouseholdFactory(managing_area=elsewhere)  # territory does not open for an assistance cadre ("own" only)
    assert _visible(cadre) == set()

    household_grant_to_cadre(household=households[1], cadre=cadre)
    household_grant_to_cadre(household=households[2], cadre=cadre)
    household_grant_to_cadre(household=households[2], cadre=cadre)  # idempotent
    assert _visible(cadre) == {households[1], households[2]}
    assert set(HouseholdMember.objects.visible_to(cadre).values_list("household", flat=True)) == {
        households[1].pk,
        households[2].pk,
    }
    assert pairing_for_today(cadre=cadre, household=households[1])

    # the pairing ends today: from tomorrow the household is closed to the cadre again
    township = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=townships[0])
    pairing = AssistancePairing.objects.get(household=households[1], cadre=cadre)
    pairing_end(actor=township, pairing=pairing, valid_to=day, reason="工作调整")
    today.set(day + datetime.timedelta(days=1))
    assert _visible(cadre) == {households[2]}


def test_only_assistance_cadres_can_be_paired(county):
    _, townships, _, households = county
    cadre = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=townships[0])
    with pytest.raises(DomainError, match="不是帮扶责任人"):
        household_grant_to_cadre(household=households[3], cadre=cadre)


def test_visibility_is_one_query_whatever_the_grants(county, django_assert_max_num_queries):
    _, _, _, households = county
    cadre = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=VillageFactory())
    for household in households:
        household_grant_to_cadre(household=household, cadre=cadre)
    cadre = type(cadre).objects.get(pk=cadre.pk)
    list(Household.objects.visible_to(cadre))  # warm the permission cache
    with django_assert_max_num_queries(2):  # the grant id list + the households
        assert len(list(Household.objects.visible_to(cadre))) == 4
