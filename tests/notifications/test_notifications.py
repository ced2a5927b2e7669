"""In-app notifications (SPEC §4.14): when a case reaches a queue, the users who take its next step in
the managing chain hear of it; when it ends, whoever opened it does; e-mail copies go out where configured."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.roles import Role
from monitoring.services import (
    elimination_mark,
    elimination_township_notice_complete,
    elimination_village_notice_complete,
    entry_approve,
    entry_notice_complete,
    entry_reject,
    entry_township_review,
)
from notifications.models import Notification
from notifications.selectors import unread_count
from notifications.services import notify
from notifications.tasks import notification_email_task
from tests.factories import TownshipFactory, UserFactory, VillageFactory
from tests.worlds.monitoring import (
    TODAY,
    County,
    age_notice,
    county_decides,
    monitored_subject,
    open_elimination,
    report_entry,
    set_spot_check_pct,
    through_village,
    township_steps,
    village_steps,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def county():
    return County()


def _inbox(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_each_step_tells_the_next_level_of_the_managing_chain_and_nobody_else(county):
    # given: a second village worker of the same village, and cadres of a sibling township and village
    colleague = UserFactory(roles=[Role.VILLAGE_WORKER], area=county.village)
    sibling_township = TownshipFactory(parent=county.county)
    sibling_cadre = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=sibling_township)
    sibling_village = VillageFactory(parent=county.township, code="640324100299")
    sibling_worker = UserFactory(roles=[Role.VILLAGE_WORKER], area=sibling_village)
    household = county.household(per_capita=Decimal("5000"))

    # when the village reports: the colleague hears of it, the reporter does not
    application = report_entry(county, household)
    assert len(_inbox(colleague)) == 1
    assert "待入户核实" in _inbox(colleague)[0]
    assert _inbox(county.village_worker) == []

    # when the notice ends: the township hears of it
    through_village(county, application)
    entry_notice_complete(application=application, actor=county.village_worker)
    assert any("待乡镇审核" in title for title in _inbox(county.township_cadre))
    assert _inbox(county.county_reviewer) == []
    # a township cadre may take village steps too (SPEC §1.3), but hears only of the township's own steps
    assert all("待乡镇审核" in title for title in _inbox(county.township_cadre))

    # when the township forwards it: the county hears of it
    entry_township_review(application=application, actor=county.township_cadre, comment="同意")
    assert any("待县级批准" in title for title in _inbox(county.county_reviewer))

    # then: no one outside the managing chain heard anything
    assert _inbox(sibling_cadre) == []
    assert _inbox(sibling_worker) == []
    notification = Notification.objects.filter(recipient=county.county_reviewer).first()
    assert notification.url == application.get_absolute_url()
    assert notification.area_code == county.village.code


def test_a_rejection_tells_whoever_reported(county):
    application = report_entry(county, county.household(per_capita=Decimal("5000")))
    through_village(county, application)
    entry_notice_complete(application=application, actor=county.village_worker)
    entry_township_review(application=application, actor=county.township_cadre, comment="同意")

    entry_reject(application=application, actor=county.county_reviewer, comment="家庭有经营性车辆两辆")

    rejected = Notification.objects.get(recipient=county.village_worker, title__contains="未通过")
    assert rejected.body == "家庭有经营性车辆两辆"


def test_a_refused_step_tells_nobody(county):
    application = report_entry(county, county.household(per_capita=Decimal("5000")))
    before = Notification.objects.count()

    with pytest.raises(PermissionDenied):
        entry_approve(
            application=application, actor=county.township_cadre, category="marginal_at_risk", risk_types=["illness"]
        )

    assert Notification.objects.count() == before


def test_the_bell_counts_unread_and_opening_marks_read(client, county):
    # given: two notifications for the township cadre and one for a cadre of another township
    other = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=TownshipFactory(parent=county.county))
    url = reverse("households:household-list")
    for recipient in (county.township_cadre, county.township_cadre, other):
        notify(recipients=[recipient], topic="entry", title="待乡镇审核", url=url, area_code=recipient.area.code)
    mine = Notification.objects.filter(recipient=county.township_cadre).first()
    theirs = Notification.objects.get(recipient=other)
    client.force_login(county.township_cadre)

    # when / then: the bell shows 2; the inbox lists them
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">2<' in page
    assert client.get(reverse("notifications:notification-list")).context["object_list"].count() == 2

    # opening one marks it read and goes to its page; someone else's is 404
    response = client.get(reverse("notifications:notification-open", args=[mine.pk]))
    assert response.status_code == 302
    assert response["Location"] == url
    assert unread_count(county.township_cadre) == 1
    assert client.get(reverse("notifications:notification-open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None

    # marking all read empties the bell
    client.post(reverse("notifications:notification-read-all"))
    assert unread_count(county.township_cadre) == 0
    assert unread_count(other) == 1


def test_a_user_who_moved_no_longer_reads_about_the_old_area(county):
    notify(
        recipients=[county.township_cadre], topic="entry", title="待乡镇审核", url="/", area_code=county.village.code
    )
    county.township_cadre.area = TownshipFactory(parent=county.county)
    county.township_cadre.save()

    assert unread_count(county.township_cadre) == 0


def test_an_outside_link_is_never_followed(client, county):
    notify(
        recipients=[county.village_worker],
        topic="x",
        title="t",
        url="https://evil.example/",
        area_code=county.village.code,
    )
    client.force_login(county.village_worker)
    notification = Notification.objects.get(recipient=county.village_worker)

    response = client.get(reverse("notifications:notification-open", args=[notification.pk]))

    assert response["Location"] == reverse("notifications:notification-list")


def test_e_mail_copies_go_out_after_commit_where_configured(
    settings, county, django_capture_on_commit_callbacks, monkeypatch
):
    settings.NOTIFICATION_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://fpjc.example.gov.cn"
    county.township_cadre.email = "township@example.org"
    county.township_cadre.save()
    application = report_entry(county, county.household(per_capita=Decimal("5000")))
    through_village(county, application)
    queued = []
    # The broker, whichever is configured: the task is sent once, without retries (core.dispatch.send).
    monkeypatch.setattr(notification_email_task, "apply_async", lambda args, **options: queued.append(*args))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry_notice_complete(application=application, actor=county.village_worker)
    assert len(callbacks) == 1  # after commit, never inside the step's transaction
    for ids in queued:
        notification_email_task(ids)  # what the worker runs

    assert [message.to for message in mail.outbox] == [["township@example.org"]]  # others have no address
    assert "待乡镇审核" in mail.outbox[0].subject
    assert f"https://fpjc.example.gov.cn{application.get_absolute_url()}" in mail.outbox[0].body
    assert Notification.objects.get(recipient=county.township_cadre).emailed_at is not None


def test_without_e_mail_configured_nothing_is_sent(county, django_capture_on_commit_callbacks):
    application = report_entry(county, county.household(per_capita=Decimal("5000")))
    through_village(county, application)
    county.township_cadre.email = "township@example.org"
    county.township_cadre.save()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entry_notice_complete(application=application, actor=county.village_worker)

    assert mail.outbox == []
    assert callbacks == []


def test_elimination_steps_reach_the_next_level_and_the_mark_tells_the_opener(county):
    case = open_elimination(county, monitored_subject(county))
    age_notice(village_steps(county, case))
    elimination_village_notice_complete(case=case, actor=county.village_worker)
    assert any("待乡级综合研判" in title for title in _inbox(county.township_cadre))
    age_notice(township_steps(county, case))
    set_spot_check_pct(0)
    elimination_township_notice_complete(case=case, actor=county.township_cadre)
    assert any("待县级筛查抽验" in title for title in _inbox(county.county_reviewer))
    county_decides(county, case)

    elimination_mark(case=case, actor=county.county_reviewer)

    assert any("已标注风险消除" in title for title in _inbox(county.village_worker))
