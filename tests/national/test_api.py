"""/api/v1/national-entries/: the entries and what awaits entry, scoped; recording one or a batch through the same
services as the pages, refusals as 400 in Chinese, foreign subjects as missing."""

import pytest

from national.choices import NationalEntryKind
from national.models import NationalEntry
from tests.factories import TownshipFactory, VillageFactory
from tests.national.world import marked, subject_registered
from tests.worlds.monitoring import DAY, TODAY, County

pytestmark = pytest.mark.django_db
K = NationalEntryKind


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


def _foreign(county):
    other = County.__new__(County)
    other.village = VillageFactory(parent=TownshipFactory(parent=county.county))
    other.village_worker = county.village_worker
    return subject_registered(other)


def test_pending_lists_the_items_with_their_waiting_and_record_answers_201(api_client):
    county = County()
    subject = subject_registered(county, days_ago=20)
    api_client.force_login(county.township_cadre)

    pending = api_client.get("/api/v1/national-entries/pending/").json()
    assert pending["count"] == 1
    assert pending["results"][0]["items"] == [
        {"kind": "subject_entry", "since": str(TODAY - 20 * DAY), "waiting_days": 14, "elimination_case": None,
         "status": ""},
    ]  # fmt: skip

    body = {"subject": subject.pk, "kind": "subject_entry", "record_no": "A-1", "entered_on": str(TODAY)}
    created = api_client.post("/api/v1/national-entries/", body, format="json")
    assert created.status_code == 201
    assert created.json()["recorded_by"] == county.township_cadre.username
    assert api_client.get("/api/v1/national-entries/pending/").json()["count"] == 0
    assert api_client.get("/api/v1/national-entries/").json()["count"] == 1


def test_a_refusal_is_400_in_chinese_and_a_foreign_subject_is_refused_as_missing(api_client):
    county = County()
    subject, foreign = subject_registered(county), _foreign(county)
    api_client.force_login(county.township_cadre)
    body = {"subject": subject.pk, "kind": "elimination", "record_no": "A-1", "entered_on": str(TODAY)}
    refused = api_client.post("/api/v1/national-entries/", body, format="json")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "该户没有待录入的“风险消除录入”"
    body = {"subject": foreign.pk, "kind": "subject_entry", "record_no": "A-1", "entered_on": str(TODAY)}
    missing = api_client.post("/api/v1/national-entries/", body, format="json")
    assert missing.status_code == 400
    assert "subject" in missing.json()
    assert not NationalEntry.objects.exists()


def test_the_batch_is_all_or_nothing_and_foreign_ids_are_404(api_client):
    county = County()
    subjects = [subject_registered(county) for _ in range(2)]
    for subject in subjects:
        marked(county, subject)
    api_client.force_login(county.county_reviewer)
    items = [{"subject": s.pk, "record_no": f"X-{s.pk}"} for s in subjects]

    refused = api_client.post(
        "/api/v1/national-entries/batch/",
        {"kind": "change", "entered_on": str(TODAY), "items": items},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("第 1 户")
    done = api_client.post(
        "/api/v1/national-entries/batch/",
        {"kind": "elimination", "entered_on": str(TODAY), "items": items},
        format="json",
    )
    assert done.status_code == 200
    assert done.json()["count"] == 2
    assert NationalEntry.objects.filter(kind="elimination").count() == 2

    foreign = _foreign(county)
    api_client.force_login(county.township_cadre)
    outside = api_client.post(
        "/api/v1/national-entries/batch/",
        {"kind": "subject_entry", "entered_on": str(TODAY), "items": [{"subject": foreign.pk, "record_no": "F"}]},
        format="json",
    )
    assert outside.status_code == 404


def test_correct_supersedes_and_is_404_outside(api_client):
    county = County()
    subject = subject_registered(county)
    api_client.force_login(county.county_reviewer)
    body = {"subject": subject.pk, "kind": "subject_entry", "record_no": "A-1", "entered_on": str(TODAY - DAY)}
    entry = api_client.post("/api/v1/national-entries/", body, format="json").json()

    corrected = api_client.post(
        f"/api/v1/national-entries/{entry['id']}/correct/",
        {"record_no": "A-1", "entered_on": str(TODAY), "note": "日期填错"},
        format="json",
    )
    assert corrected.status_code == 201
    assert corrected.json()["supersedes"] == entry["id"]
    assert api_client.get(f"/api/v1/national-entries/{entry['id']}/").json()["superseded_by"] == corrected.json()["id"]

    api_client.force_login(
        type(county.county_reviewer).objects.create(username="elsewhere", area=None)  # no area: sees nothing
    )
    assert api_client.post(f"/api/v1/national-entries/{entry['id']}/correct/", {}, format="json").status_code == 404
