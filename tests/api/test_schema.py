"""What the contract test (test_contract.py) found, held in place by plain tests: the schema documents every error
answer an operation can give, a household's visits and incomes are plain lists in the schema as in the answer, the
bounds the app enforces on numbers are in the schema, and an address under /api/ that matches no route is a JSON 404
like any missing row."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import HouseholdFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db
UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture
def schema(api_client):
    api_client.force_authenticate(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=VillageFactory().parent))
    return api_client.get(reverse("api-schema"), {"format": "json"}).json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", *UNSAFE}:
                yield path, method, operation


def test_every_operation_documents_the_errors_it_can_answer(schema):
    missing = []
    for path, method, operation in _operations(schema):
        codes = set(operation["responses"])
        expected = set()
        if path != "/api/v1/auth/token/":
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        if method in UNSAFE:
            expected |= {"400", "409", "413", "415"}
        if expected - codes:
            missing.append(f"{method.upper()} {path}: {sorted(expected - codes)}")
    assert missing == []


def test_a_households_visits_and_incomes_are_plain_lists_without_the_list_filters(schema, api_client):
    for action, created in (("visits", {"201"}), ("incomes", {"200", "201"})):
        item = schema["paths"][f"/api/v1/households/{{id}}/{action}/"]
        answer = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert answer["type"] == "array"
        assert [p["name"] for p in item["get"]["parameters"]] == ["id"]  # no page, no household-list filters
        assert created <= set(item["post"]["responses"])
    household = HouseholdFactory()
    api_client.force_authenticate(UserFactory(roles=[Role.VILLAGE_WORKER], area=household.managing_area))
    assert api_client.get(reverse("api:household-visits", args=[household.pk])).json() == []


def test_the_bounds_the_app_enforces_on_numbers_are_in_the_schema(schema):
    components = schema["components"]["schemas"]
    assert components["VisitInput"]["properties"]["latitude"] | {"nullable": True} == {
        "type": "number", "format": "double", "minimum": -90, "maximum": 90, "nullable": True,
    }  # fmt: skip
    assert components["VisitInput"]["properties"]["longitude"]["maximum"] == 180
    assert components["BatchInput"]["properties"]["year"]["minimum"] == 2021
    assert components["ProjectInput"]["properties"]["year"]["minimum"] == 2021
    (year,) = [
        p for p in schema["paths"]["/api/v1/fund-batches/compliance/"]["get"]["parameters"] if p["name"] == "year"
    ]
    assert (year["schema"]["minimum"], year["schema"]["maximum"]) == (2000, 2100)


def test_an_address_under_the_api_that_matches_no_route_is_a_json_404(api_client, client):
    api_client.force_authenticate(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=VillageFactory().parent))
    response = api_client.get("/api/v1/households/0.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}
    assert client.get("/no-such-page/").status_code == 404  # pages keep the 404 page
