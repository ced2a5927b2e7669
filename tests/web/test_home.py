"""The home page of every demo role on the demo county: at most 15 queries whatever the county's size, numbers that
are the territory's counts (the page says when they were counted), and counts that agree with the registry."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from households.models import Household, HouseholdMember
from households.selectors import overdue_visits
from ledgers.counts import area_counts_refresh, totals_for
from monitoring.selectors.queues import elimination_candidates, subjects_without_measures

pytestmark = pytest.mark.django_db
LOGINS = ["village", "cadre", "township", "county", "screener", "finance", "projunit", "report", "supervisor", "admin"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One load of the demo county for the module, rolled back after it; the tests only read."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        call_command("load_demo", households=200, seed=7, stdout=io.StringIO())
        area_counts_refresh()
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("username", LOGINS)
def test_the_home_page_makes_at_most_fifteen_queries(demo, client, username, django_assert_max_num_queries):
    client.force_login(User.objects.get(username=username))
    client.get(reverse("home"))  # the working-day calendar's override table is read once, then cached (geo.workdays)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_the_numbers_are_the_counts_and_say_when(demo, client):
    user = User.objects.get(username="township")
    client.force_login(user)
    page = client.get(reverse("home"))
    counted_at = totals_for(user).counted_at
    assert counted_at is not None
    assert f"截至 {timezone.localtime(counted_at):%Y-%m-%d %H:%M}" in page.content.decode()
    households = Household.objects.visible_to(user).active()
    assert page.context["stats"]["households"] == households.count()
    people = HouseholdMember.objects.filter(household__in=households, member_status="present").count()
    assert page.context["stats"]["people"] == people


@pytest.mark.parametrize("username", ["township", "county"])
def test_the_counts_agree_with_the_registry(demo, username):
    user = User.objects.get(username=username)
    today = timezone.localdate()
    found = totals_for(user)
    assert found.visits_overdue == overdue_visits(user=user, on=today).count()
    assert found.without_measures == subjects_without_measures(user=user, today=today).count()
    assert found.elimination_candidates == elimination_candidates(user=user, today=today).count()


def _listed(page) -> int | None:
    """How many rows the page lists: the total of a summary (overdue visits by cadre, whose pages are of cadres),
    its paginator's count, the rows of an unpaged list; a single object's page (one checklist to fill) lists that
    one."""
    if page.context.get("total") is not None:
        return page.context["total"]
    paginator = page.context.get("paginator")
    if paginator is not None:
        return paginator.count
    if page.context.get("object_list") is not None:
        return len(page.context["object_list"])
    return 1 if page.context.get("object") is not None else None


@pytest.mark.parametrize("username", LOGINS)
def test_every_counter_opens_the_list_it_counts(demo, client, username):
    """A number on the home page is a door: its link opens the list of exactly what it counted."""
    client.force_login(User.objects.get(username=username))
    items = client.get(reverse("home")).context["queue"]
    wrong = []
    for item in items:
        page = client.get(item.url)
        assert page.status_code == 200, item.url
        shown = _listed(page)
        if shown != item.count:
            wrong.append(f"{item.title}: {item.count} on the home page, {shown} at {item.url}")
    assert wrong == []


def test_a_county_late_with_its_yearly_sweep_is_named_within_the_fifteen_queries(
    demo, client, django_assert_max_num_queries
):
    """The banner "no centralized sweep in the last 12 months" names the county, read with its latest run in one
    query: the page stays within 15 queries in that state too."""
    from sweeps.models import SweepRun

    SweepRun.objects.update(run_on=timezone.localdate().replace(year=timezone.localdate().year - 2, day=1))
    user = User.objects.get(username="township")
    client.force_login(user)
    client.get(reverse("home"))
    with django_assert_max_num_queries(15):
        response = client.get(reverse("home"))
    banner = response.content.decode().split('data-testid="centralized-missing"')[1].split("</div>")[0]
    assert user.area.parent.name in banner
    assert "尚未完成集中全面排查" in banner


def test_a_supervisor_reads_the_overdue_problems_from_the_counts_not_the_problems(demo, client):
    """A city or province supervisor only watches rectification: their overdue number is their territory's count
    (with the time it was counted) plus the few problems it co-manages, never a recount of every problem of a
    province on every view."""
    supervisor = User.objects.get(username="supervisor")
    client.force_login(supervisor)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as page:
        items = {item.title: item for item in client.get(reverse("home")).context["queue"]}
    [co_managed] = [q["sql"] for q in page.captured_queries if "sweeps_problem" in q["sql"]]
    assert 'NOT ("sweeps_problem"."area_code"' in co_managed  # only those another territory manages
    overdue = items["逾期未销号的排查问题"]
    assert overdue.count == totals_for(supervisor).problems_overdue > 0  # the demo co-manages none
    assert overdue.counted_at is not None
