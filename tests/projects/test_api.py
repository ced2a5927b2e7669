"""The project and fund API: propose, refusals as 400 with the field named (a banned type, no targets, funding
before library entry, a banned use), steps as 409 when the state does not allow them, scoping by place, the county
compliance checks."""

from decimal import Decimal

import pytest

from funds.models import FundAllocation
from projects import services
from projects.models import Project
from tests.worlds.funds import batch

pytestmark = pytest.mark.django_db


def _proposal(world, **overrides):
    data = {
        "name": "张树村肉牛养殖圈棚", "year": 2026, "category": "0101", "area": world.poor_village.code,
        "implementing_unit": "沙塘镇人民政府", "content": "圈棚 20 座", "planned_start": "2026-04-01",
        "planned_end": "2026-10-31", "fundings": [{"source": "central_linkage", "amount": "800000.00"}],
    }  # fmt: skip
    data.update(overrides)
    return data


def test_propose_and_walk_the_chain_over_the_api(api_client, world):
    api_client.force_authenticate(world.village_worker)
    response = api_client.post("/api/v1/projects/", _proposal(world), format="json")
    assert response.status_code == 201, response.json()
    project = response.json()
    assert project["status"] == "proposed"
    assert project["fundings"] == [{"source": "central_linkage", "amount": "800000.00"}]
    url = f"/api/v1/projects/{project['id']}/"
    assert (
        api_client.post(url + "targets/", {"indicator": "圈棚", "target_value": "20"}, format="json").status_code == 200
    )
    api_client.force_authenticate(world.township_cadre)
    response = api_client.post(url + "transitions/", {"action": "appraise"}, format="json")
    assert response.json()["status"] == "appraised"
    response = api_client.post(url + "transitions/", {"action": "enter_library"}, format="json")
    assert response.status_code == 403  # a township does not decide library entry


def test_a_banned_type_is_a_400_on_its_field(api_client, world):
    api_client.force_authenticate(world.village_worker)
    response = api_client.post("/api/v1/projects/", _proposal(world, category="0304"), format="json")
    assert response.status_code == 400
    assert "禁止入库" in response.json()["category"][0]
    assert not Project.objects.exists()


def test_library_entry_without_targets_is_refused(api_client, world):
    project = world.propose()
    world.notice(project, world.village_worker)
    api_client.force_authenticate(world.township_cadre)
    for step in ("appraise", "township_review"):
        api_client.post(f"/api/v1/projects/{project.pk}/transitions/", {"action": step}, format="json")
    project.refresh_from_db()
    world.notice(project, world.township_cadre)
    api_client.force_authenticate(world.county_reviewer)
    api_client.post(f"/api/v1/projects/{project.pk}/transitions/", {"action": "county_approve"}, format="json")
    project.refresh_from_db()
    world.notice(project, world.county_reviewer)
    response = api_client.post(
        f"/api/v1/projects/{project.pk}/transitions/", {"action": "enter_library"}, format="json"
    )
    assert response.status_code == 400
    assert "绩效目标" in response.json()["targets"][0]
    response = api_client.post(f"/api/v1/projects/{project.pk}/transitions/", {"action": "start"}, format="json")
    assert response.status_code == 409


def test_funding_before_the_library_and_banned_uses_are_refused(api_client, world):
    fund = batch(world)
    outside = world.propose(name="未入库")
    inside = world.to_library(world.propose(name="已入库"))
    api_client.force_authenticate(world.finance)
    url = f"/api/v1/fund-batches/{fund.pk}/allocations/"
    body = {"use": "industry_development", "amount": "1000.00", "allocated_on": "2026-03-01"}
    response = api_client.post(url, {**body, "project": outside.pk}, format="json")
    assert response.status_code == 400
    assert "尚未入库" in response.json()["project"][0]
    response = api_client.post(url, {**body, "project": inside.pk, "use": "bonuses_allowances_welfare"}, format="json")
    assert response.status_code == 400
    assert "NR-FUND-01" in response.json()["use"][0]
    assert not FundAllocation.objects.exists()
    response = api_client.post(url, {**body, "project": inside.pk}, format="json")
    assert response.status_code == 201
    allocation = response.json()["id"]
    response = api_client.post(
        f"/api/v1/fund-allocations/{allocation}/payments/",
        {"paid_on": "2026-07-01", "amount": "10.00", "payee": "x", "voucher_no": "1"},
        format="json",
    )
    assert response.status_code == 400  # not yet approved for implementation
    assert "批复实施方案" in response.json()["detail"]


def test_the_compliance_endpoint(api_client, world):
    fund = batch(world, amount=Decimal("1000000.00"))
    api_client.force_authenticate(world.finance)
    api_client.post(
        f"/api/v1/fund-batches/{fund.pk}/allocations/",
        {"project": world.to_library().pk, "use": "management_fee", "amount": "10000.01", "allocated_on": "2026-03-01"},
        format="json",
    )
    response = api_client.get(f"/api/v1/fund-batches/compliance/?county={world.county.code}&year=2026")
    checks = {c["rule"]: c for c in response.json()["checks"]}
    assert checks["NR-FUND-03"]["ok"] is False
    assert checks["NR-FUND-03"]["pct"] == "1.00"  # 1.000001 % shown rounded, judged exactly
    assert checks["NR-FUND-03"]["part"] == "10000.01"


def test_a_township_sees_its_projects_only(api_client, world):
    world.propose()
    services.project_propose(actor=world.other_cadre, data=world.data(name="联财村道路", area=world.far_village))
    api_client.force_authenticate(world.township_cadre)
    names = [p["name"] for p in api_client.get("/api/v1/projects/").json()["results"]]
    assert names == ["张树村肉牛养殖圈棚建设"]
    api_client.force_authenticate(world.county_reviewer)
    assert api_client.get("/api/v1/projects/").json()["count"] == 2


def test_numbers_beyond_their_columns_and_impossible_years_are_400_not_500(api_client, world):
    """Two server errors of the security probe: a count larger than its integer column, and fund year 0."""
    api_client.force_authenticate(world.village_worker)
    huge = _proposal(world, is_work_relief=True, work_relief_posts=10**12, posts_for_groups=1)
    response = api_client.post("/api/v1/projects/", huge, format="json")
    assert response.status_code == 400
    assert "work_relief_posts" in response.json()
    assert not Project.objects.exists()

    api_client.force_authenticate(world.county_reviewer)
    for year in ("0", "99999", "20x6"):
        response = api_client.get("/api/v1/fund-batches/compliance/", {"year": year})
        assert response.status_code == 400, year
        assert response.json()["year"] == ["年度应为 2000 到 2100 之间的四位数字"]
    assert api_client.get("/api/v1/fund-batches/compliance/", {"year": "2026"}).status_code == 200
