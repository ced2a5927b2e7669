"""The insurance API: scoped lists, a policy and a claim filed through it, the claim's steps (SPEC §11.2)."""

import pytest

pytestmark = pytest.mark.django_db


def test_policies_are_listed_within_the_territory(api_client, world):
    world.enrol()
    api_client.force_authenticate(world.village_worker)
    rows = api_client.get("/api/v1/insurance-policies/").json()
    assert rows["count"] == 6  # the village's 脱贫户 of two, not the other village's monitored household
    api_client.force_authenticate(world.foreign_reviewer)
    assert api_client.get("/api/v1/insurance-policies/").json()["count"] == 0


def test_a_policy_and_a_claim_through_the_api(api_client, world):
    api_client.force_authenticate(world.village_worker)
    response = api_client.post(
        "/api/v1/insurance-policies/",
        {"member": world.exited.head.pk, "year": 2026, "product": "critical_illness", "insurer": "人保财险",
         "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    policy = response.json()["id"]
    response = api_client.post(
        f"/api/v1/insurance-policies/{policy}/claims/",
        {"incident_on": "2026-05-20", "filed_on": "2026-06-01", "residual_cost": "50000.00"},
        format="json",
    )
    assert response.status_code == 201, response.content
    claim = response.json()
    assert claim["payout"] == "14000.00"
    assert claim["due_on"] == "2026-06-08"
    assert claim["overdue"] is True  # today is 15 June
    assert api_client.post(f"/api/v1/insurance-claims/{claim['id']}/pay/", {}, format="json").status_code == 409
    assert api_client.post(f"/api/v1/insurance-claims/{claim['id']}/refuse/", {}, format="json").status_code == 400
    response = api_client.post(f"/api/v1/insurance-claims/{claim['id']}/refuse/", {"reason": "非目录内"}, format="json")
    assert response.json()["status"] == "refused"


def test_a_member_of_another_county_is_refused_like_a_missing_one(api_client, world):
    api_client.force_authenticate(world.village_worker)
    response = api_client.post(
        "/api/v1/insurance-policies/",
        {"member": world.foreign.head.pk, "year": 2026, "product": "accident", "insurer": "人保财险",
         "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "member" in response.json() or "辖区" in response.content.decode()
