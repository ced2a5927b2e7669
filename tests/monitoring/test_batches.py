"""Batches (SPEC §4.6, §4.8): a village reviews its cases at one meeting, a county decides a township's cases at one
meeting — through the batch page, each case by its own step service, all or nothing."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from core.errors import DomainError
from households.choices import VisitKind
from households.models import Visit
from monitoring.choices import EliminationState, EntryState, SubjectCategory, SubjectStatus
from monitoring.models import DemocraticReview, EliminationCase, EntryApplication, EntryEvent, PublicNotice
from monitoring.services import BatchItem, elimination_open, entry_batch, entry_verify
from notifications.models import Notification
from tests.factories import HouseholdFactory, UserFactory, VillageFactory
from tests.worlds.monitoring import (
    TODAY,
    County,
    elimination_visit,
    monitored_subject,
    report_entry,
    to_county,
    walk_to_county,
)

pytestmark = pytest.mark.django_db
S = EntryState
E = EliminationState
DAY = datetime.timedelta(days=1)
MINUTES = b"%PDF-1.4 minutes of the villager representatives' meeting"


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def county():
    return County()


def verified(county, n):
    """``n`` applications of the county's village, home-verified and waiting for the democratic review."""
    applications = []
    for _ in range(n):
        household = county.household(per_capita=Decimal("5350"))
        application = report_entry(county, household)
        Visit.objects.create(
            household=household, visited_on=TODAY, kind=VisitKind.VERIFICATION, recorded_by=county.village_worker
        )
        entry_verify(application=application, actor=county.village_worker)
        applications.append(application)
    return applications


def verified_in(village):
    """An application of another village, waiting for its democratic review there."""
    return EntryApplication.objects.create(
        household=HouseholdFactory(managing_area=village),
        state=S.HOME_VERIFIED,
        channel="cadre_screening",
        proposed_category="marginal_at_risk",
        risk_types=["illness"],
        triggers=["MA-1"],
        reason="因病",
        reported_by=UserFactory(area=village),
        reported_on=TODAY,
    )


def sibling_village(county):
    return VillageFactory(parent=county.township, code="640324100202")


def meeting_fields(**change):
    return {
        "held_on": TODAY.isoformat(),
        "body": "representatives",
        "participants_count": 15,
        "representatives_present": 12,
        "attendees": "马某 村民代表\n李某 村干部",
        **change,
    }


def batch_url(name, step, area):
    return f"{reverse(name)}?step={step}&area={area.code}"


def post_batch(client, name, step, area, cases, shared, per_case=lambda case: {}):
    data = {"cases": [case.pk for case in cases], **shared}
    for case in cases:
        data.update({f"case-{case.pk}-{key}": value for key, value in per_case(case).items()})
    return client.post(batch_url(name, step, area), data)


def snapshot(applications):
    """What a refused batch must leave as it was: each case's state and events, the reviews, the notices and the
    notifications of the next level."""
    rows = EntryApplication.objects.filter(pk__in=[a.pk for a in applications]).order_by("pk")
    return (
        [(a.state, a.events.count()) for a in rows],
        DemocraticReview.objects.count(),
        PublicNotice.objects.count(),
        Notification.objects.count(),
    )


def stored_files(settings, folder):
    root = Path(settings.MEDIA_ROOT) / folder
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


# ------------------------------------------------------------------------------------------ the village meeting


def test_a_village_reviews_ten_cases_at_one_meeting(county, client, settings):
    # given: ten verified cases of one village; the minutes are spooled to a temporary file, as large uploads are
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 16
    applications = verified(county, 10)
    client.force_login(county.village_worker)
    events_before = EntryEvent.objects.count()

    # when: one request with the meeting once and each case's votes
    response = post_batch(
        client,
        "monitoring:entry-batch",
        "review",
        county.village,
        applications,
        {**meeting_fields(), "minutes_file": SimpleUploadedFile("纪要.pdf", MINUTES, "application/pdf")},
        lambda case: {"votes_for": 14, "votes_against": 1, "objections": ""},
    )

    # then: ten reviews, ten events, ten cases moved, each review with its own copy of the minutes
    assert response.status_code == 302
    assert response.url == reverse("monitoring:entry-batch")
    reviews = DemocraticReview.objects.filter(application__in=applications)
    assert reviews.count() == 10
    assert EntryEvent.objects.count() - events_before == 10
    assert set(
        EntryApplication.objects.filter(pk__in=[a.pk for a in applications]).values_list("state", flat=True)
    ) == {S.DEMOCRATICALLY_REVIEWED}
    assert {(r.held_on, r.participants_count, r.votes_for, r.votes_against) for r in reviews} == {(TODAY, 15, 14, 1)}
    assert len({r.minutes_file.name for r in reviews}) == 10
    assert all(r.minutes_file.read() == MINUTES for r in reviews)


def test_the_votes_are_each_cases_own(county, client):
    applications = verified(county, 3)
    client.force_login(county.village_worker)
    votes = {applications[0].pk: (15, 0), applications[1].pk: (9, 6), applications[2].pk: (12, 2)}
    post_batch(
        client,
        "monitoring:entry-batch",
        "review",
        county.village,
        applications,
        meeting_fields(),
        lambda case: {"votes_for": votes[case.pk][0], "votes_against": votes[case.pk][1]},
    )
    recorded = {r.application_id: (r.votes_for, r.votes_against) for r in DemocraticReview.objects.all()}
    assert recorded == votes


def test_a_refusal_at_the_seventh_case_names_it_and_saves_nothing(county, client, settings):
    # given
    applications = verified(county, 10)
    seventh = applications[6].household
    client.force_login(county.village_worker)
    before = snapshot(applications)

    # when: the seventh case's votes exceed the attendance
    response = post_batch(
        client,
        "monitoring:entry-batch",
        "review",
        county.village,
        applications,
        {**meeting_fields(), "minutes_file": SimpleUploadedFile("纪要.pdf", MINUTES, "application/pdf")},
        lambda case: {"votes_for": 15 if case == applications[6] else 14, "votes_against": 1},
    )

    # then: the page names the case and the service's refusal; nothing of the batch remains, files included
    assert response.status_code == 200
    refusal = response.context["refusal"]
    assert refusal.startswith(f"第 7 户 {seventh.head_name}（户编号 {seventh.household_no}）：")
    assert "赞成票与反对票之和（16）不能多于参会人数（15）" in refusal
    assert "本批未办理任何一户" in response.text
    assert snapshot(applications) == before
    assert stored_files(settings, "monitoring/minutes") == []
    # the page comes back as it was sent: the cases still ticked, the seventh marked
    assert [row.selected for row in response.context["rows"]] == [True] * 10
    assert [row.refused for row in response.context["rows"]] == [i == 6 for i in range(10)]


def test_a_case_without_its_votes_is_named_before_anything_runs(county, client):
    applications = verified(county, 3)
    client.force_login(county.village_worker)
    response = post_batch(
        client,
        "monitoring:entry-batch",
        "review",
        county.village,
        applications,
        meeting_fields(),
        lambda case: {"votes_for": 14} if case == applications[1] else {"votes_for": 14, "votes_against": 0},
    )
    household = applications[1].household
    assert response.context["refusal"].startswith(
        f"第 2 户 {household.head_name}（户编号 {household.household_no}）：反对票"
    )
    assert not DemocraticReview.objects.exists()


def test_only_the_ticked_cases_move(county, client):
    applications = verified(county, 4)
    client.force_login(county.village_worker)
    post_batch(
        client,
        "monitoring:entry-batch",
        "review",
        county.village,
        applications[:2],
        meeting_fields(),
        lambda case: {"votes_for": 14, "votes_against": 1},
    )
    states = [EntryApplication.objects.get(pk=a.pk).state for a in applications]
    assert states == [S.DEMOCRATICALLY_REVIEWED] * 2 + [S.HOME_VERIFIED] * 2


def test_one_notice_for_the_village_then_the_notice_ends_for_all(county, client):
    applications = verified(county, 3)
    client.force_login(county.village_worker)
    post_batch(
        client,
        "monitoring:entry-batch",
        "review",
        county.village,
        applications,
        meeting_fields(),
        lambda case: {"votes_for": 14, "votes_against": 1},
    )
    # the village now waits at the notice, and no longer at the review
    groups = [(g.step.code, g.count) for g in client.get(reverse("monitoring:entry-batch")).context["groups"]]
    assert groups == [("notice", 3)]

    notice = {"places": "村委会公示栏", "starts_on": TODAY.isoformat(), "ends_on": (TODAY + 4 * DAY).isoformat()}
    response = post_batch(client, "monitoring:entry-batch", "notice", county.village, applications, notice)
    assert response.status_code == 302
    notices = PublicNotice.objects.filter(application__in=applications)
    assert {(n.places, n.starts_on) for n in notices} == {("村委会公示栏", TODAY)}
    assert notices.count() == 3
    # the same sheet prints all three (one village, stage and period)
    sheet = client.get(reverse("monitoring:notice-sheet", args=[notices.first().pk]))
    assert all(a.household.head_name in sheet.text for a in applications)

    notices.update(starts_on=TODAY - 6 * DAY, ends_on=TODAY - 2 * DAY)  # the period is over
    response = post_batch(client, "monitoring:entry-batch", "complete_notice", county.village, applications, {})
    assert response.status_code == 302
    assert {a.state for a in EntryApplication.objects.filter(pk__in=[a.pk for a in applications])} == {
        S.NOTICE_COMPLETED
    }
    # the township hears of the three once, with a link to its queue
    told = Notification.objects.filter(recipient=county.township_cadre, topic="entry")
    assert [(n.title, n.url) for n in told] == [
        ("纳入监测申请：3 户已办理到新的环节，请查看", reverse("monitoring:entry-queue"))
    ]
    assert all(a.household.head_name in told.get().body for a in applications)


# ------------------------------------------------------------------------------- the township and the county


def test_a_county_decides_a_township_batch_with_an_outcome_per_case(county, client):
    # given: ten cases of one township waiting for the county
    applications = [walk_to_county(county, county.household(per_capita=Decimal("5350"))) for _ in range(10)]
    returned, rejected = applications[3], applications[8]
    client.force_login(county.county_reviewer)

    def outcome(case):
        if case == returned:
            return {"outcome": "return", "category": "marginal_at_risk", "reason": "收入核算有误，请乡镇复核"}
        if case == rejected:
            return {"outcome": "reject", "category": "marginal_at_risk", "reason": "家庭成员有经营性资产（NL-1）"}
        return {"outcome": "proceed", "category": SubjectCategory.MARGINAL_AT_RISK, "reason": ""}

    # when
    response = post_batch(
        client,
        "monitoring:entry-batch",
        "approve",
        county.township,
        applications,
        {"decision_no": "同乡振发〔2026〕12号", "comment": "县级专题会议研究同意"},
        outcome,
    )

    # then: eight approved with the decision, one back at the township step, one ended with its reason
    assert response.status_code == 302
    by_pk = {a.pk: a for a in EntryApplication.objects.filter(pk__in=[a.pk for a in applications])}
    approved = [a for a in applications if a not in (returned, rejected)]
    assert {by_pk[a.pk].state for a in approved} == {S.APPROVED}
    assert {by_pk[a.pk].decision_no for a in approved} == {"同乡振发〔2026〕12号"}
    assert by_pk[returned.pk].state == S.NOTICE_COMPLETED
    assert by_pk[rejected.pk].state == S.REJECTED
    assert by_pk[rejected.pk].closing_reason == "家庭成员有经营性资产（NL-1）"
    last = {a.pk: a.events.order_by("-pk").first() for a in by_pk.values()}
    assert {(last[a.pk].to_state, last[a.pk].actor) for a in approved} == {(S.APPROVED, county.county_reviewer)}
    assert (last[returned.pk].from_state, last[returned.pk].to_state) == (S.TOWNSHIP_REVIEWED, S.NOTICE_COMPLETED)
    assert last[returned.pk].comment == "收入核算有误，请乡镇复核"
    assert last[rejected.pk].to_state == S.REJECTED


def test_a_return_without_its_reason_is_refused_by_the_case_service(county, client):
    applications = [walk_to_county(county, county.household(per_capita=Decimal("5350"))) for _ in range(2)]
    client.force_login(county.county_reviewer)
    response = post_batch(
        client,
        "monitoring:entry-batch",
        "approve",
        county.township,
        applications,
        {"decision_no": "", "comment": ""},
        lambda case: {"outcome": "return" if case == applications[1] else "proceed", "category": "marginal_at_risk"},
    )
    assert "第 2 户" in response.context["refusal"]
    assert "请填写退回意见" in response.context["refusal"]
    assert set(EntryApplication.objects.values_list("state", flat=True)) == {S.TOWNSHIP_REVIEWED}


def test_the_township_reviews_its_batch(county, client):
    applications = verified(county, 2)
    client.force_login(county.village_worker)
    post_batch(
        client,
        "monitoring:entry-batch",
        "review",
        county.village,
        applications,
        meeting_fields(),
        lambda case: {"votes_for": 14, "votes_against": 1},
    )
    notice = {"places": "村委会公示栏", "starts_on": TODAY.isoformat(), "ends_on": (TODAY + 4 * DAY).isoformat()}
    post_batch(client, "monitoring:entry-batch", "notice", county.village, applications, notice)
    PublicNotice.objects.update(starts_on=TODAY - 6 * DAY, ends_on=TODAY - 2 * DAY)
    post_batch(client, "monitoring:entry-batch", "complete_notice", county.village, applications, {})

    client.force_login(county.township_cadre)
    response = post_batch(
        client,
        "monitoring:entry-batch",
        "township_review",
        county.township,
        applications,
        {"comment": "情况属实，同意上报"},
        lambda case: {"outcome": "proceed"},
    )
    assert response.status_code == 302
    rows = EntryApplication.objects.filter(pk__in=[a.pk for a in applications])
    assert {(a.state, a.township_opinion) for a in rows} == {(S.TOWNSHIP_REVIEWED, "情况属实，同意上报")}


# -------------------------------------------------------------------------------------------- who and where


@pytest.mark.parametrize(
    ("_case", "actor", "foreign_village"),
    [
        ("a village worker names a case of a sibling village", "village_worker", "sibling"),
        ("a township cadre names a case of another village into a village batch", "township_cadre", "sibling"),
        ("a village worker names a case of another county", "village_worker", "elsewhere"),
    ],
)
def test_a_foreign_case_in_the_batch_is_refused_as_missing(_case, actor, foreign_village, county, client):
    # given: three cases of the village and one of another village
    applications = verified(county, 3)
    other = sibling_village(county) if foreign_village == "sibling" else VillageFactory()
    foreign = [verified_in(other)]
    everything = applications + foreign
    before = snapshot(everything)
    client.force_login(getattr(county, actor))

    # when
    response = post_batch(
        client,
        "monitoring:entry-batch",
        "review",
        county.village,
        applications + foreign,
        meeting_fields(),
        lambda case: {"votes_for": 14, "votes_against": 1},
    )

    # then
    assert response.status_code == 404
    assert snapshot(everything) == before


def test_a_user_without_the_steps_right_is_refused(county, client):
    applications = [walk_to_county(county, county.household(per_capita=Decimal("5350"))) for _ in range(2)]
    before = snapshot(applications)
    client.force_login(county.township_cadre)  # sees the township's cases, but approval is the county's
    assert client.get(batch_url("monitoring:entry-batch", "approve", county.township)).status_code == 403
    response = post_batch(
        client,
        "monitoring:entry-batch",
        "approve",
        county.township,
        applications,
        {"decision_no": "", "comment": ""},
        lambda case: {"outcome": "proceed", "category": "marginal_at_risk"},
    )
    assert response.status_code == 403
    assert snapshot(applications) == before


def test_a_batch_is_one_village(county):
    here = verified(county, 1)
    there = [verified_in(sibling_village(county))]
    items = [BatchItem(case=a, votes_for=14, votes_against=1) for a in here + there]
    meeting = {**meeting_fields(), "held_on": TODAY, "minutes_file": None}
    with pytest.raises(DomainError, match="一批只能办理同一个村的农户"):
        entry_batch(step="review", actor=county.township_cadre, items=items, shared=meeting)
    assert not DemocraticReview.objects.exists()


def test_a_step_is_taken_only_from_its_own_state(county):
    """A case posted under a step of its state's other half (the notice posted, not yet ended) is refused by name."""
    (application,) = verified(county, 1)
    with pytest.raises(DomainError, match="此步骤只能在“已民主评议，待公示”时办理"):
        entry_batch(
            step="notice",
            actor=county.village_worker,
            items=[BatchItem(case=application)],
            shared={"places": "公示栏", "starts_on": TODAY, "ends_on": TODAY + 4 * DAY},
        )


# ---------------------------------------------------------------------------------------------------- the pages


def test_the_batch_page_lists_the_groups_and_a_group_lists_its_cases(county, client):
    applications = verified(county, 3)
    HouseholdFactory(managing_area=county.village)  # a household without an application: not listed
    client.force_login(county.village_worker)
    queue = client.get(reverse("monitoring:entry-queue"))
    assert reverse("monitoring:entry-batch") in queue.text

    index = client.get(reverse("monitoring:entry-batch"))
    assert [(g.step.code, g.area_code, g.count) for g in index.context["groups"]] == [
        ("review", county.village.code, 3)
    ]
    assert "民主评议" in index.text

    page = client.get(batch_url("monitoring:entry-batch", "review", county.village))
    assert page.status_code == 200
    assert [row.case.pk for row in page.context["rows"]] == [a.pk for a in applications]
    assert 'data-select-all="cases"' in page.text
    assert "评议日期" in page.text
    assert "赞成票" in page.text


def test_a_group_with_nothing_waiting_or_of_another_area_goes_back_to_the_list(county, client):
    verified(county, 1)
    client.force_login(county.village_worker)
    elsewhere = VillageFactory()
    for area in (county.village, elsewhere):
        response = client.get(batch_url("monitoring:entry-batch", "notice", area))
        assert response.status_code == 302
        assert response.url == reverse("monitoring:entry-batch")


def test_a_user_with_no_batch_step_sees_an_empty_list(county, client):
    verified(county, 2)
    client.force_login(UserFactory(roles=[Role.REPORTING_OFFICER], area=county.county))
    response = client.get(reverse("monitoring:entry-batch"))
    assert response.status_code == 200
    assert response.context["groups"] == []


# ---------------------------------------------------------------------------------------------------- elimination


def test_a_county_decides_an_elimination_batch_and_posts_one_announcement(county, client, settings):
    # given: three cases of one township screened by the county
    cases = [to_county(county, monitored_subject(county)) for _ in range(3)]
    client.force_login(county.county_reviewer)
    post_batch(
        client,
        "monitoring:elimination-batch",
        "screen",
        county.township,
        cases,
        {"comment": ""},
        lambda case: {"outcome": "proceed"},
    )
    assert set(EliminationCase.objects.values_list("state", flat=True)) == {E.COUNTY_SCREENED}
    ended = cases[2]

    # when: the special meeting decides two and ends the third
    response = post_batch(
        client,
        "monitoring:elimination-batch",
        "decide",
        county.township,
        cases,
        {
            "meeting_on": TODAY.isoformat(),
            "decision_no": "县乡振发〔2026〕30号",
            "places": "县政府网站",
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + 4 * DAY).isoformat(),
            "photo": SimpleUploadedFile("公告.jpg", b"\xff\xd8\xff photo", "image/jpeg"),
        },
        lambda case: {"outcome": "not_eliminated", "reason": "收入不稳定"} if case == ended else {"outcome": "proceed"},
    )

    # then
    assert response.status_code == 302
    states = dict(EliminationCase.objects.values_list("pk", "state"))
    assert [states[c.pk] for c in cases] == [E.COUNTY_DECIDED, E.COUNTY_DECIDED, E.NOT_ELIMINATED]
    announcements = PublicNotice.objects.filter(stage="elimination_county")
    assert sorted(n.elimination_id for n in announcements) == sorted(c.pk for c in cases[:2])
    assert len({n.photo.name for n in announcements}) == 2
    ended.subject.refresh_from_db()
    assert ended.subject.status == SubjectStatus.MONITORED


def test_an_elimination_village_review_in_one_meeting(county, client):
    subjects = [monitored_subject(county) for _ in range(3)]
    client.force_login(county.village_worker)
    cases = []
    for subject in subjects:
        cases.append(elimination_open(subject=subject, actor=county.village_worker, proposal="收入稳定"))
        elimination_visit(county, subject.household)
    post_batch(client, "monitoring:elimination-batch", "verify", county.village, cases, {"comment": ""})
    response = post_batch(
        client,
        "monitoring:elimination-batch",
        "review",
        county.village,
        cases,
        meeting_fields(),
        lambda case: {"votes_for": 15, "votes_against": 0},
    )
    assert response.status_code == 302
    assert DemocraticReview.objects.filter(elimination__in=cases).count() == 3
    groups = [(g.step.code, g.count) for g in client.get(reverse("monitoring:elimination-batch")).context["groups"]]
    assert groups == [("village_notice", 3)]


def test_the_batch_page_reads_a_fixed_number_of_queries_whatever_the_batch_size(county, client):
    client.force_login(county.village_worker)
    counts = []
    for more in (2, 6):
        verified(county, more)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(batch_url("monitoring:entry-batch", "review", county.village))
        assert page.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
