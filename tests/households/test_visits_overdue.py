"""Who is behind with their visits (SPEC §4.13): every class of ``visit.interval_days`` counts, and a township sees
each responsible cadre with their overdue households."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.grants import household_grant_to_cadre
from accounts.models import User
from accounts.roles import Role
from households.choices import HouseholdFlagKind
from households.facts import facts_refresh_area
from households.models import AssistancePairing, HouseholdFlag, Visit
from ledgers.counts import area_counts_refresh
from tests.factories import HouseholdFactory, MonitoringSubjectFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def village():
    return VillageFactory(
        code="640324100201",
        parent__code="640324100000",
        parent__parent__code="640324000000",
        parent__parent__parent__code="640300000000",
        parent__parent__parent__parent__code="640000000000",
    )


def exited(village, *, visited_days_ago):
    household = HouseholdFactory(managing_area=village)
    HouseholdFlag.objects.create(
        household=household, kind=HouseholdFlagKind.EXITED_POOR, valid_from=datetime.date(2020, 1, 1)
    )
    recorder = UserFactory(roles=[Role.VILLAGE_WORKER], area=village)
    Visit.objects.create(
        household=household, visited_on=timezone.localdate() - visited_days_ago * DAY, recorded_by=recorder
    )
    return household


def test_the_township_sees_each_cadre_with_their_overdue_households(client, village):
    ma = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=village, last_name="马", first_name="文")
    li = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=village, last_name="李", first_name="华")
    late_for_ma = [exited(village, visited_days_ago=100), exited(village, visited_days_ago=95)]
    on_time_for_ma = exited(village, visited_days_ago=10)
    late_for_li = exited(village, visited_days_ago=91)
    unpaired_late = exited(village, visited_days_ago=200)
    for household in (*late_for_ma, on_time_for_ma):
        household_grant_to_cadre(household=household, cadre=ma)
    household_grant_to_cadre(household=late_for_li, cadre=li)
    facts_refresh_area(village.parent)
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=village.parent))

    page = client.get(reverse("households:visits-overdue"))

    assert page.context["total"] == 4
    rows = [(row.name, row.overdue) for row in page.context["rows"]]
    assert rows == [("马文", 2), ("李华", 1), ("未落实结对帮扶责任人", 1)]
    listed = client.get(reverse("households:household-list"), {"risk": "overdue", "cadre": ma.pk})
    assert {h.pk for h in listed.context["object_list"]} == {h.pk for h in late_for_ma}
    unpaired = client.get(reverse("households:household-list"), {"risk": "overdue", "cadre": "none"})
    assert [h.pk for h in unpaired.context["object_list"]] == [unpaired_late.pk]


def test_only_roles_that_browse_households_open_it(client, village):
    client.force_login(UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=village.parent.parent, department="health"))
    assert client.get(reverse("households:visits-overdue")).status_code == 403


def monitored(village, *, visited_days_ago):
    """A household monitored for 200 days, last visited ``visited_days_ago``."""
    household = HouseholdFactory(managing_area=village)
    worker = UserFactory(roles=[Role.VILLAGE_WORKER], area=village)
    today = timezone.localdate()
    MonitoringSubjectFactory(household=household, application__reported_by=worker, entered_on=today - 200 * DAY)
    Visit.objects.create(household=household, visited_on=today - visited_days_ago * DAY, recorded_by=worker)
    return household


def test_the_village_queue_lists_a_monitored_household_a_day_past_its_30_days(client, village):
    late = monitored(village, visited_days_ago=31)
    monitored(village, visited_days_ago=30)  # due today: not yet late
    facts_refresh_area(village.parent)
    area_counts_refresh()
    client.force_login(UserFactory(roles=[Role.VILLAGE_WORKER], area=village))

    home = client.get(reverse("home"))

    item = next(item for item in home.context["queue"] if item.title == "逾期未走访的农户")
    assert item.count == 1
    behind = client.get(item.url)  # who is behind: nobody is paired with it yet
    assert behind.context["total"] == 1
    assert [(row.name, row.overdue) for row in behind.context["rows"]] == [("未落实结对帮扶责任人", 1)]
    listed = client.get(reverse("households:household-list"), {"risk": "overdue"})
    assert [h.pk for h in listed.context["object_list"]] == [late.pk]


def test_a_paired_cadre_s_queue_lists_their_monitored_household_a_day_past_its_30_days(client, village):
    """An assistance cadre sees only the households paired with them: their queue counts those, live, by the same
    fact (``visit_due_on``) as the village's."""
    cadre = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=village)
    late = monitored(village, visited_days_ago=31)
    on_time = monitored(village, visited_days_ago=30)
    monitored(village, visited_days_ago=40)  # late, but paired with someone else
    for household in (late, on_time):
        household_grant_to_cadre(household=household, cadre=cadre)
    facts_refresh_area(village.parent)
    client.force_login(cadre)

    home = client.get(reverse("home"))

    item = next(item for item in home.context["queue"] if item.title == "逾期未走访的农户")
    assert item.count == 1
    listed = client.get(reverse("households:household-list"), {"risk": "overdue"})
    assert [h.pk for h in listed.context["object_list"]] == [late.pk]


# serialized_rollback: the flush after a transactional test would take the data migrations' roles and parameters.
@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_counts_are_read_by_key_as_served_and_agree(client, village):
    """Served outside a transaction, the page's two reads are planned to join by key (from the territory's overdue
    households to their facts and their pairings; left alone, PostgreSQL read every pairing of a province). They
    count what the pairings say: a household paired with two cadres is behind for both, an ended pairing and a
    deactivated cadre count for no one."""
    ma = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=village, last_name="马", first_name="文")
    li = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=None, last_name="李", first_name="华")
    gone = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=village, last_name="王", first_name="离")
    late_for_ma = [exited(village, visited_days_ago=100), exited(village, visited_days_ago=95)]
    shared = exited(village, visited_days_ago=120)
    ended = exited(village, visited_days_ago=150)
    for household in (*late_for_ma, shared):
        household_grant_to_cadre(household=household, cadre=ma)
    for household in (shared, ended):
        household_grant_to_cadre(household=household, cadre=li)
        household_grant_to_cadre(household=household, cadre=gone)
    today = timezone.localdate()
    AssistancePairing.objects.filter(household=ended, cadre=li).update(
        valid_from=today - 30 * DAY, valid_to=today - DAY, end_reason="帮扶责任人调整"
    )
    User.objects.filter(pk=gone.pk).update(is_active=False)
    facts_refresh_area(village.parent)
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=village.parent))

    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("households:visits-overdue"))

    by_key = [q for q in captured if q["sql"].startswith("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin")]
    assert len(by_key) == 2
    assert page.context["total"] == 4
    rows = [(row.name, row.area, row.overdue, row.oldest_due) for row in page.context["rows"]]
    assert rows == [
        ("马文", village.name, 3, today - 30 * DAY),  # the shared household: visited 120 days ago, due after 90
        ("李华", "", 1, today - 30 * DAY),
        ("未落实结对帮扶责任人", "", 1, today - 60 * DAY),  # the household of the ended pairing
    ]

    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=None))  # no place: nothing, and no error
    empty = client.get(reverse("households:visits-overdue"))
    assert (empty.context["total"], empty.context["rows"]) == (0, [])


def test_a_county_of_many_cadres_sees_them_a_page_at_a_time(client, village, monkeypatch):
    """A county's cadres are thousands: the most behind come first, a page at a time, the unpaired last."""
    from households import views

    monkeypatch.setattr(views, "OVERDUE_CADRES_PER_PAGE", 2)
    for n, days in enumerate((100, 130, 160)):
        cadre = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=village, last_name="帮", first_name=str(n))
        for _household in range(n + 1):
            household_grant_to_cadre(household=exited(village, visited_days_ago=days), cadre=cadre)
    for name in ("3", "1", "2"):  # as far behind as each other: by name, the same order on every page
        cadre = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=village, last_name="同", first_name=name)
        household_grant_to_cadre(household=exited(village, visited_days_ago=95), cadre=cadre)
    exited(village, visited_days_ago=200)
    facts_refresh_area(village.parent)
    client.force_login(UserFactory(roles=[Role.COUNTY_REVIEWER], area=village.parent.parent))

    pages = [client.get(reverse("households:visits-overdue"), {"page": n}) for n in (1, 2, 3, 4)]

    assert [[row.name for row in page.context["rows"]] for page in pages] == [
        ["帮2", "帮1"],
        ["帮0", "同1"],
        ["同2", "同3"],
        ["未落实结对帮扶责任人"],
    ]
    assert all(page.context["total"] == 10 for page in pages)
    assert "下一页" in pages[0].content.decode()
