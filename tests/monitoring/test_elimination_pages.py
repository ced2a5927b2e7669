"""Risk elimination through its pages and API, and the printable notice sheets (SPEC §4.8)."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from households.choices import VisitKind
from households.masking import mask_id_number
from monitoring.choices import EliminationState
from monitoring.models import EliminationCase, PublicNotice
from monitoring.services import elimination_open
from tests.factories import CountyFactory, UserFactory
from tests.worlds.monitoring import TODAY, County, elimination_visit, monitored_subject

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


def test_the_village_opens_and_takes_its_steps_on_the_pages(client):
    county = County()
    subject = monitored_subject(county)
    client.force_login(county.village_worker)
    page = client.get(subject.get_absolute_url())
    assert "风险消除条件" in page.text
    assert "发起风险消除" in page.text

    refused = client.post(reverse("monitoring:elimination-create", args=[subject.pk]), {"proposal": " "}, follow=True)
    assert "发起理由" in refused.text
    assert not EliminationCase.objects.exists()

    opened = client.post(reverse("monitoring:elimination-create", args=[subject.pk]), {"proposal": "收入稳定"})
    case = EliminationCase.objects.get()
    assert opened.url == case.get_absolute_url()
    detail = client.get(case.get_absolute_url())
    assert "完成入户核实" in detail.text
    assert "医疗费用已报销，收入恢复" in detail.text  # each measure's effect is in front of the reviewer

    refused = client.post(reverse("monitoring:elimination-verify", args=[case.pk]), follow=True)
    assert "风险消除入户核实" in refused.text
    elimination_visit(county, subject.household)
    client.post(reverse("monitoring:elimination-verify", args=[case.pk]))
    client.post(
        reverse("monitoring:elimination-review", args=[case.pk]),
        {
            "held_on": TODAY,
            "body": "representatives",
            "participants_count": 12,
            "representatives_present": 10,
            "votes_for": 12,
            "votes_against": 0,
            "attendees": "马某 村民代表",
        },
    )
    client.post(
        reverse("monitoring:elimination-notice", args=[case.pk]),
        {"places": "村委会公示栏", "starts_on": TODAY, "ends_on": TODAY + 4 * DAY},
    )
    case.refresh_from_db()
    assert case.state == EliminationState.VILLAGE_VERIFIED
    assert case.public_notices.get().stage == "elimination_village"

    queue = client.get(reverse("monitoring:elimination-queue"))
    assert subject.household.head_name in queue.text
    county_queue = client.get(reverse("monitoring:elimination-queue"))
    client.force_login(county.county_reviewer)
    county_queue = client.get(reverse("monitoring:elimination-queue"))
    assert subject.household.head_name not in county_queue.text  # not the county's turn
    assert subject.household.head_name in client.get(reverse("monitoring:elimination-queue") + "?all=1").text
    forbidden = client.post(reverse("monitoring:elimination-complete_village_notice", args=[case.pk]))
    assert forbidden.status_code == 403


def test_elimination_through_the_api(api_client):
    county = County()
    subject = monitored_subject(county)
    api_client.force_authenticate(county.village_worker)
    opened = api_client.post(
        reverse("api:subject-eliminate", args=[subject.pk]), {"proposal": "收入稳定"}, format="json"
    )
    assert opened.status_code == 201, opened.content
    url = reverse("api:elimination-transitions", args=[opened.json()["id"]])
    assert api_client.post(url, {"action": "verify"}, format="json").status_code == 400  # no visit yet
    elimination_visit(county, subject.household)
    done = api_client.post(url, {"action": "verify"}, format="json")
    assert done.status_code == 200
    assert done.json()["state"] == EliminationState.VILLAGE_VERIFIED
    assert api_client.post(url, {"action": "screen"}, format="json").status_code == 403  # the county's step
    api_client.force_authenticate(county.county_reviewer)
    assert api_client.post(url, {"action": "screen"}, format="json").status_code == 409  # wrong state
    api_client.force_authenticate(UserFactory(roles=[Role.COUNTY_REVIEWER], area=CountyFactory()))
    assert api_client.post(url, {"action": "not_eliminated", "comment": "x"}, format="json").status_code == 404
    assert api_client.get(reverse("api:elimination-list")).json()["count"] == 0


def test_the_notice_sheet_prints_and_exports_the_batch_with_masked_ids(client):
    county = County()
    subjects = [monitored_subject(county) for _ in range(2)]
    for subject in subjects:
        case = elimination_open(subject=subject, actor=county.village_worker, proposal=f"{subject.pk} 收入稳定")
        PublicNotice.objects.create(
            household=subject.household,
            elimination=case,
            stage="elimination_village",
            places="村委会公示栏",
            starts_on=TODAY,
            ends_on=TODAY + 4 * DAY,
            posted_by=county.village_worker,
        )
    client.force_login(county.village_worker)
    notice = PublicNotice.objects.first()
    page = client.get(reverse("monitoring:notice-sheet", args=[notice.pk]))
    heads = [s.household.head for s in subjects]
    for head in heads:
        assert head.name in page.text
        assert mask_id_number(head.id_number) in page.text
        assert head.id_number not in page.text
    assert "公示期间如有异议" in page.text

    export = client.get(reverse("monitoring:notice-sheet", args=[notice.pk]) + "?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert "风险消除村级公示" in sheet["A1"].value
    ids = [row[2] for row in sheet.iter_rows(min_row=4, max_row=5, values_only=True)]
    assert sorted(ids) == sorted(mask_id_number(h.id_number) for h in heads)
    assert sheet["C4"].number_format == "@"

    client.force_login(UserFactory(roles=[Role.VILLAGE_WORKER], area=CountyFactory()))
    assert client.get(reverse("monitoring:notice-sheet", args=[notice.pk])).status_code == 404


def test_a_lookback_visit_is_recorded_on_the_subject_page(client):
    county = County()
    subject = monitored_subject(county)
    subject.status = "risk_eliminated"
    subject.eliminated_on = TODAY - 200 * DAY
    subject.save()
    review = subject.lookbacks.create(due_on=TODAY - DAY)
    client.force_login(county.village_worker)
    assert "记录回头看" in client.get(subject.get_absolute_url()).text
    elimination_visit(county, subject.household, kind=VisitKind.LOOKBACK)
    client.post(
        reverse("monitoring:lookback-record", args=[subject.pk]),
        {"review": review.pk, "outcome": "stable", "note": "收入稳定，无新增风险"},
    )
    review.refresh_from_db()
    assert review.outcome == "stable"
    assert review.done_on == TODAY
