"""The loans API: scoped list and retrieve, signing through the service with every refusal under its field,
repayments as an action."""

import pytest
from django.urls import reverse

from credit.models import MicroLoan

pytestmark = pytest.mark.django_db


def _payload(world, **overrides):
    values = {
        "household": world.exited.pk, "borrower": world.exited.head.pk, "bank": "黄河农商行", "contract_no": "API-1",
        "amount": "50000.00", "signed_on": "2024-03-01", "maturity": "2027-03-01", "rate": "3.95", "lpr": "3.95",
        "purpose": "breeding",
    }  # fmt: skip
    values.update(overrides)
    return values


def test_sign_list_and_repay_through_the_api(world, api_client):
    api_client.force_login(world.village_worker)
    response = api_client.post(reverse("api:micro-loan-list"), _payload(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["balance"] == "50000.00"
    assert body["subsidy_by_year"]["2024"] == "80"
    url = reverse("api:micro-loan-repayments", args=[body["id"]])
    response = api_client.post(url, {"paid_on": "2025-03-01", "principal": "50000.00"}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "repaid"
    assert api_client.get(reverse("api:micro-loan-list")).json()["count"] == 1


def test_a_refusal_lists_every_field(world, api_client):
    api_client.force_login(world.village_worker)
    response = api_client.post(
        reverse("api:micro-loan-list"),
        _payload(world, amount="50000.01", maturity="2027-03-02", rate="4.00"),
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert {"amount", "maturity", "rate", "detail"} <= set(body)
    assert not MicroLoan.objects.exists()


def test_another_area_sees_nothing_and_cannot_sign(world, api_client):
    loan = world.sign()
    api_client.force_login(world.other_cadre)
    assert api_client.get(reverse("api:micro-loan-detail", args=[loan.pk])).status_code == 404
    assert api_client.get(reverse("api:micro-loan-list")).json()["count"] == 0
    response = api_client.post(reverse("api:micro-loan-list"), _payload(world, contract_no="API-2"), format="json")
    assert response.status_code == 400
    assert "household" in response.json()
    url = reverse("api:micro-loan-repayments", args=[loan.pk])
    assert api_client.post(url, {"paid_on": "2025-03-01", "principal": "1"}, format="json").status_code == 404
