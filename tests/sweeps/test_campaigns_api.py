"""A four-checks campaign over the API, from opening to the county's sign-off: the county opens it, the village
answers its checklist ("否" opens a problem), village and township sign, the county closes it; a village of
another county sees none of it."""

import datetime

import pytest
from rest_framework.test import APIClient

from sweeps.models import Campaign, ChecklistItem, Problem
from sweeps.rules import CHECKLIST
from tests.factories import UserFactory, VillageFactory
from tests.worlds.sweeps import TODAY, World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


def _as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_campaign_from_opening_to_closing_over_the_api(work_off, django_capture_on_commit_callbacks):
    world = World()
    county = _as(world.county_reviewer)
    refused = county.post(
        "/api/v1/campaigns/",
        {"county": world.county.code, "name": "集中排查", "starts_on": TODAY, "ends_on": TODAY - datetime.timedelta(1)},
        format="json",
    )
    assert refused.status_code == 400
    assert "结束日期不能早于开始日期" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        opened = county.post(
            "/api/v1/campaigns/",
            {"county": world.county.code, "name": "2026年集中全面排查", "starts_on": TODAY,
             "ends_on": TODAY + datetime.timedelta(days=30)},
            format="json",
        )  # fmt: skip
    assert opened.status_code == 201, opened.content
    campaign = Campaign.objects.get(pk=opened.json()["id"])
    work_off(campaign.run)

    village = _as(world.village_worker)
    parts = village.get(f"/api/v1/campaign-parts/?campaign={campaign.pk}").json()["results"]
    (part,) = [p for p in parts if p["area"] == world.village.code]
    items = village.get(f"/api/v1/checklist-items/?part={part['id']}&page_size=100").json()["results"]
    assert len(items) == len(CHECKLIST)
    no_note = village.post(f"/api/v1/checklist-items/{items[0]['id']}/answer/", {"answer": "no"}, format="json")
    assert no_note.status_code == 400
    assert "请说明存在的问题" in no_note.content.decode()
    for n, item in enumerate(items):
        body = {"answer": "no", "note": "本村尚无标准化卫生室"} if n == 0 else {"answer": "yes"}
        assert village.post(f"/api/v1/checklist-items/{item['id']}/answer/", body, format="json").status_code == 200
    first = ChecklistItem.objects.get(pk=items[0]["id"])
    assert Problem.objects.filter(rule_id=first.rule_id, area=world.village).get() == first.problem
    assert village.post(f"/api/v1/campaign-parts/{part['id']}/sign/", {"note": "已逐项核查"}).status_code == 200

    township = _as(world.township_cadre)
    seen = township.get(f"/api/v1/campaign-parts/?campaign={campaign.pk}").json()["results"]
    township_part = next(p for p in seen if p["area"] == world.township.code)
    assert township.post(f"/api/v1/campaign-parts/{township_part['id']}/sign/").status_code == 200
    closed = county.post(f"/api/v1/campaigns/{campaign.pk}/close/", {"note": "同意"})
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"

    stranger = _as(UserFactory(roles=["village_worker"], area=VillageFactory()))
    assert stranger.get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 404
    assert stranger.post(f"/api/v1/checklist-items/{items[1]['id']}/answer/", {"answer": "no"}).status_code == 404
