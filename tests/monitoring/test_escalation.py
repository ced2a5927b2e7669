"""Steps past their time limit are told to the level above once a day, as a count (SPEC §4.14), and the queues'
overdue filter, the job and the case badge read the one waiting definition."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from monitoring.choices import EntryState
from monitoring.models import EntryApplication
from monitoring.selectors.queues import WaitingContext, overdue_steps, waiting, with_waiting_since
from monitoring.tasks import overdue_steps_escalate_task
from notifications.models import Notification
from tests.factories import CountyFactory, TownshipFactory, UserFactory, VillageFactory
from tests.worlds.monitoring import (
    TODAY,
    County,
    report_entry,
)
from tests.worlds.overdue import SINCE_16, SINCE_19, OverdueCounty, waiting_since

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


def _overdue_inbox(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, topic="overdue").order_by("pk"))


@pytest.fixture
def cases():
    return OverdueCounty()


def test_each_person_of_the_level_above_is_told_once_a_day_with_the_counts(cases, today):
    county = cases.county

    # when: the job runs twice on one day
    first = overdue_steps_escalate_task()
    second = overdue_steps_escalate_task()

    # then: one notification per person of the level above, counting the steps below them
    assert (first, second) == (4, 0)
    (township,) = _overdue_inbox(county.township_cadre)
    assert township.title == "3 件纳入监测申请、1 件风险消除在本乡镇的村级环节超过办理时限"
    assert township.body == f"{county.village.name}：3 件纳入监测申请、1 件风险消除"
    assert township.url == "/monitoring/?all=1&overdue=village"
    assert township.area_code == county.township.code
    (reviewer,) = _overdue_inbox(county.county_reviewer)
    assert reviewer.title == "1 件纳入监测申请在本县的乡镇环节超过办理时限"
    assert reviewer.body == f"{county.township.name}：1 件纳入监测申请"
    for supervisor in (cases.city_supervisor, cases.province_supervisor):
        (told,) = _overdue_inbox(supervisor)
        assert told.title == "1 件纳入监测申请在所辖县的县级环节超过办理时限"
        assert told.url == "/monitoring/?all=1&overdue=county"
    # nobody else: not the steps' own level, not a sibling township, not another city
    for user in (county.village_worker, cases.sibling_cadre, cases.other_city_supervisor):
        assert _overdue_inbox(user) == []

    # and the next day again, once
    today.set(TODAY + DAY)
    assert overdue_steps_escalate_task() == 4
    assert overdue_steps_escalate_task() == 0
    assert [n.title for n in _overdue_inbox(county.township_cadre)] == [township.title] * 2


def test_the_job_reads_every_countys_limits_in_one_query(cases):
    """Every county's limits are read at once: a province of many counties costs the job as many queries as one."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from monitoring.services.escalation import overdue_steps_escalate

    def queries() -> int:
        with transaction.atomic(), CaptureQueriesContext(connection) as run:
            assert overdue_steps_escalate(today=TODAY) == 4
            transaction.set_rollback(True)  # the next run tells the same people again
        return len(run)

    queries()  # the working-day calendar's overrides are read once, then cached (geo.workdays)
    one_county = queries()
    for _ in range(3):
        CountyFactory(parent=cases.county.county.parent)

    assert queries() == one_county


def test_steps_within_their_limit_tell_nobody():
    county = County()
    application = report_entry(county, county.household(per_capita=Decimal("5000")))
    waiting_since(application, SINCE_19)  # 2 working days of 3
    UserFactory(roles=[Role.SUPERVISOR], area=county.county.parent)

    assert overdue_steps_escalate_task() == 0
    assert not Notification.objects.filter(topic="overdue").exists()


def test_a_step_that_moves_on_is_no_longer_counted(cases, today):
    # given: the township took its overdue step today: the county's reviewers now wait on it, within their limit
    from monitoring.services import entry_township_review

    entry_township_review(application=cases.township_step, actor=cases.county.township_cadre, comment="同意")

    overdue_steps_escalate_task()

    assert _overdue_inbox(cases.county.county_reviewer) == []


def test_the_notification_opens_the_list_of_what_it_counted(cases, client):
    county = cases.county
    overdue_steps_escalate_task()
    (told,) = _overdue_inbox(county.township_cadre)
    client.force_login(county.township_cadre)

    listed = client.get(told.url).context["object_list"]
    eliminations = client.get("/monitoring/elimination/?all=1&overdue=village").context["object_list"]

    assert {a.pk for a in listed} == {a.pk for a in cases.village_entries}
    assert [c.pk for c in eliminations] == [cases.elimination.pk]
    # "1" keeps every level's steps past their limit in the territory, the cadre's own and the county's too
    assert {a.pk for a in client.get("/monitoring/?all=1&overdue=1").context["object_list"]} == {
        *(a.pk for a in cases.village_entries),
        cases.township_step.pk,
        cases.county_step.pk,
    }
    # and with "my queue" the steps the cadre takes (a township cadre may take the village steps too)
    assert {a.pk for a in client.get("/monitoring/?overdue=1").context["object_list"]} == {
        *(a.pk for a in cases.village_entries),
        cases.township_step.pk,
    }


@pytest.mark.parametrize("state", [EntryState.REPORTED, EntryState.NOTICE_COMPLETED, EntryState.TOWNSHIP_REVIEWED])
def test_the_overdue_filter_and_the_badge_agree_day_by_day_across_national_day(state):
    """One definition: for waits begun on each day from mid-September to mid-October, the SQL filter keeps exactly
    the cases whose badge is red, on days inside and after the holiday week."""
    county = County()
    started = [datetime.date(2026, 9, 14) + n * DAY for n in range(32)]
    applications = []
    for day in started:
        application = report_entry(county, county.household(per_capita=Decimal("5000")))
        EntryApplication.objects.filter(pk=application.pk).update(state=state)
        waiting_since(application, day)
        applications.append(application.pk)

    for today in (datetime.date(2026, 10, 5), datetime.date(2026, 10, 9), datetime.date(2026, 10, 16)):
        context = WaitingContext()
        rows = with_waiting_since(EntryApplication.objects.filter(pk__in=applications)).select_related(
            "household__managing_area"
        )
        by_badge = {a.pk for a in rows if waiting(a, today=today, context=context).overdue}
        by_sql = set(
            overdue_steps(
                EntryApplication.objects.filter(pk__in=applications),
                area_code=county.county.code,
                today=today,
                context=context,
            ).values_list("pk", flat=True)
        )
        assert by_sql == by_badge
        assert 0 < len(by_badge) < len(applications)


def test_the_job_is_scheduled_daily():
    from django_celery_beat.models import PeriodicTask

    job = PeriodicTask.objects.get(task="monitoring.tasks.overdue_steps_escalate_task")
    assert job.enabled
    assert (job.crontab.hour, job.crontab.minute) == ("7", "30")


# ------------------------------------------------------------------------- procedures past the total target


def _reported(application, day: datetime.date) -> None:
    EntryApplication.objects.filter(pk=application.pk).update(reported_on=day)


def _moved(application, village) -> None:
    """The household is managed in ``village`` (reported by our village worker, then handed over)."""
    type(application.household).objects.filter(pk=application.household_id).update(managing_area=village)


@pytest.fixture
def procedures():
    """Reported Fri 23 Oct: 21 working days by TODAY, past 15; reported Mon 16 Nov: 5, within. Two townships."""
    county = County()
    sibling_village = VillageFactory(parent=TownshipFactory(parent=county.county, name="河西镇"), name="河西村")
    late = report_entry(county, county.household(per_capita=Decimal("5000")))
    _reported(late, datetime.date(2026, 10, 23))
    recent = report_entry(county, county.household(per_capita=Decimal("5000")))
    _reported(recent, SINCE_16)
    late_sibling = report_entry(county, county.household(per_capita=Decimal("5000")))
    _moved(late_sibling, sibling_village)
    _reported(late_sibling, datetime.date(2026, 10, 30))
    return county, late, recent, late_sibling


def test_the_county_lists_each_township_with_its_procedures_past_the_target(procedures, client):
    county, late, recent, late_sibling = procedures
    client.force_login(county.county_reviewer)

    page = client.get(reverse("monitoring:entry-overdue"))

    assert page.status_code == 200
    groups = {g.name: g.applications for g in page.context["townships"]}
    assert {name: [a.pk for a in listed] for name, listed in groups.items()} == {
        county.township.name: [late.pk],
        "河西镇": [late_sibling.pk],
    }
    assert [g.code for g in page.context["townships"]] == sorted(g.code for g in page.context["townships"])
    (ours,) = groups[county.township.name]
    assert (ours.procedure.days, ours.procedure.limit) == (21, 15)
    text = page.content.decode()
    assert late.household.head_name in text
    assert recent.household.head_name not in text
    assert "全程已用 21 个工作日，时限 15 个工作日" in text
    # one township
    sibling = EntryApplication.objects.get(pk=late_sibling.pk).household.managing_area.parent
    one = client.get(reverse("monitoring:entry-overdue") + f"?township={sibling.code}")
    assert [a.pk for a in one.context["object_list"]] == [late_sibling.pk]


def test_the_supervisor_above_reads_it_and_the_others_do_not(procedures, client):
    county, late, _recent, late_sibling = procedures
    client.force_login(UserFactory(roles=[Role.SUPERVISOR], area=county.county.parent))
    assert {a.pk for a in client.get(reverse("monitoring:entry-overdue")).context["object_list"]} == {
        late.pk,
        late_sibling.pk,
    }
    client.force_login(county.township_cadre)
    assert client.get(reverse("monitoring:entry-overdue")).status_code == 403
    client.force_login(county.village_worker)
    assert client.get(reverse("monitoring:entry-overdue")).status_code == 403


def test_a_foreign_county_sees_nothing_and_a_foreign_township_is_404(procedures, client):
    county, late, _recent, _late_sibling = procedures
    foreign = UserFactory(roles=[Role.COUNTY_REVIEWER], area=VillageFactory().parent.parent)
    client.force_login(foreign)

    page = client.get(reverse("monitoring:entry-overdue"))
    assert page.status_code == 200
    assert list(page.context["object_list"]) == []
    assert late.household.head_name not in page.content.decode()
    assert client.get(reverse("monitoring:entry-overdue") + f"?township={county.township.code}").status_code == 404


@pytest.mark.parametrize("size", [2, 12])
def test_the_page_makes_a_bounded_number_of_queries(client, size, django_assert_max_num_queries):
    county = County()
    townships = [county.village] + [VillageFactory(parent=TownshipFactory(parent=county.county)) for _ in range(2)]
    for n in range(size):
        application = report_entry(county, county.household(per_capita=Decimal("5000"), size=1))
        _moved(application, townships[n % 3])
        _reported(application, datetime.date(2026, 10, 23))
    client.force_login(county.county_reviewer)

    with django_assert_max_num_queries(10):
        page = client.get(reverse("monitoring:entry-overdue"))

    assert len(page.context["object_list"]) == size
    assert len(page.context["townships"]) == min(size, 3)
