"""The level above sees the steps past their limit below it on its home queue, red, and each count opens the list of
what it counted (SPEC §4.14); the county reviewer's home opens the townships' procedures past the target."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from monitoring.models import EntryApplication
from sweeps.models import Problem
from tests.factories import CountyFactory, HouseholdFactory, TownshipFactory, UserFactory, VillageFactory
from tests.worlds.monitoring import TODAY
from tests.worlds.overdue import OverdueCounty

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world():
    return OverdueCounty()


def _queue(client, user) -> dict[str, object]:
    client.force_login(user)
    page = client.get(reverse("home"))
    assert page.status_code == 200
    return {item.title: item for item in page.context["queue"]}


def test_the_township_sees_its_villages_steps_past_their_limit(client, world):
    queue = _queue(client, world.county.township_cadre)

    entries = queue["下级超过办理时限的纳入监测申请"]
    eliminations = queue["下级超过办理时限的风险消除"]
    assert (entries.count, entries.urgent, entries.url) == (3, True, "/monitoring/?all=1&overdue=village")
    assert (eliminations.count, eliminations.url) == (1, "/monitoring/elimination/?all=1&overdue=village")
    for item in (entries, eliminations):  # each count opens the list of exactly what it counted
        assert client.get(item.url).context["paginator"].count == item.count
    assert "text-bg-danger" in client.get(reverse("home")).content.decode()


def test_the_county_sees_the_township_steps_and_the_procedures_past_the_target(client, world):
    EntryApplication.objects.filter(pk=world.county_step.pk).update(reported_on=datetime.date(2026, 10, 23))

    queue = _queue(client, world.county.county_reviewer)

    assert queue["下级超过办理时限的纳入监测申请"].count == 1  # the township step
    assert "下级超过办理时限的风险消除" not in queue
    procedures = queue["全程超过办理时限的纳入监测申请"]
    assert (procedures.count, procedures.url) == (1, reverse("monitoring:entry-overdue"))
    assert len(client.get(procedures.url).context["object_list"]) == 1


def test_the_supervisors_above_see_the_county_steps_and_a_sibling_township_nothing(client, world):
    for supervisor in (world.city_supervisor, world.province_supervisor):
        item = _queue(client, supervisor)["下级超过办理时限的纳入监测申请"]
        assert (item.count, item.url) == (1, "/monitoring/?all=1&overdue=county")
        assert [a.pk for a in client.get(item.url).context["object_list"]] == [world.county_step.pk]
    for user in (world.sibling_cadre, world.other_city_supervisor, world.county.village_worker):
        assert not [title for title in _queue(client, user) if "超过办理时限" in title]


def test_the_steps_waiting_for_me_count_those_past_their_limit_as_their_queues_list_them(client, world):
    worker = world.county.village_worker
    queue = _queue(client, worker)

    entries, eliminations = queue["待我办理的纳入监测申请"], queue["待我办理的风险消除"]
    assert (entries.count, entries.hint) == (4, "其中 3 件已超过办理时限。")  # the fourth waits within its limit
    assert (eliminations.count, eliminations.hint) == (1, "其中 1 件已超过办理时限。")
    for item, overdue in ((entries, 3), (eliminations, 1)):  # the queue pages list the same cases, and as many late
        assert client.get(item.url).context["paginator"].count == item.count
        assert client.get(item.url + "?overdue=1").context["paginator"].count == overdue
    township = _queue(client, world.county.township_cadre)["待我办理的纳入监测申请"]
    assert (township.count, township.hint) == (5, "其中 4 件已超过办理时限。")  # its villages' steps and its review


def test_a_worker_without_an_area_sees_an_empty_queue_not_an_error(client, world):
    nowhere = UserFactory(roles=[Role.VILLAGE_WORKER], area=None)  # deny by default: sees nothing, counts nothing
    assert not [title for title in _queue(client, nowhere) if "办理" in title]


def test_a_province_supervisors_queue_reads_its_counties_settings_at_once(client, world):
    """The counts past the limits read each county's limits: a province of many counties asks for them in one query,
    so the home page makes as many queries for four counties as for one."""
    client.force_login(world.province_supervisor)
    client.get(reverse("home"))  # the first view counts the territory (no counts yet)
    with CaptureQueriesContext(connection) as one_county:
        client.get(reverse("home"))
    city = world.county.county.parent
    for _ in range(3):
        CountyFactory(parent=city)
    with CaptureQueriesContext(connection) as four_counties:
        assert client.get(reverse("home")).status_code == 200
    assert len(four_counties) == len(one_county) <= 15


def test_a_city_supervisor_counts_the_overdue_problems_it_co_manages_as_its_list_shows_them(client, world):
    """A supervisor's overdue problems are the city's counts plus the few it co-manages (a self-migrant household
    managed in another city, hukou here): the number is the list its link opens."""
    elsewhere = VillageFactory(parent=TownshipFactory(parent=CountyFactory(parent=world.other_city_supervisor.area)))
    household = HouseholdFactory(managing_area=elsewhere, co_managing_area=world.county.village)
    Problem.objects.create(
        rule_id="FC-GAP-MISSED-MGMT-01", rule_version=1, category="gap_filling", title="漏管",
        subject_kind="household", subject_key=f"household:{household.pk}", household=household, area=elsewhere,
        township=elsewhere.parent, area_code=elsewhere.code, co_area_code=world.county.village.code,
        detected_on=TODAY - datetime.timedelta(days=40), last_seen_on=TODAY,
        deadline=TODAY - datetime.timedelta(days=10),
    )  # fmt: skip

    item = _queue(client, world.city_supervisor)["逾期未销号的排查问题"]

    assert item.count == 1
    assert item.counted_at is not None  # the territory's counts, and when they were counted
    assert client.get(item.url).context["paginator"].count == 1


@pytest.mark.parametrize(("longer_limit_in", "overdue"), [("this county", False), ("the other county", True)])
def test_above_the_counties_each_county_is_held_to_its_own_limit(client, world, longer_limit_in, overdue):
    """A city of two counties whose limits differ: its supervisor's count of late county steps, the list it opens and
    the case's own badge read the limit of the county the case lies in, not the other's (6 working days waited; 5
    allowed by default, 10 where a county set its own)."""
    from geo.models import PolicyParameter
    from monitoring.selectors.queues import waiting

    city = world.county.county.parent
    other = CountyFactory(parent=city)
    county = world.county.county if longer_limit_in == "this county" else other
    PolicyParameter.objects.create(
        key="entry.county_approval_days", area_code=county.code, valid_from=datetime.date(2026, 1, 1), value=10
    )

    item = _queue(client, world.city_supervisor).get("下级超过办理时限的纳入监测申请")
    listed = [a.pk for a in client.get("/monitoring/?all=1&overdue=county").context["object_list"]]

    assert (item is not None and item.count == 1) is overdue
    assert listed == ([world.county_step.pk] if overdue else [])
    assert waiting(EntryApplication.objects.get(pk=world.county_step.pk), today=TODAY).overdue is overdue
