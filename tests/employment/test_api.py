"""The employment API (SPEC §11.3): sealed, scoped viewsets; records, services and workshops are read within the
territory and recorded through the services; a person outside it reads as not found."""

from django.urls import reverse

from employment.choices import EmploymentStatus, ServiceKind
from employment.models import EmploymentRecord
from tests.employment.factories import TODAY


def test_records_are_scoped_and_recorded_through_the_service(world, client):
    world.record(world.far_member, actor=world.other_cadre)
    client.force_login(world.worker)
    response = client.post(
        reverse("api:employment-record-list"),
        {"member": world.worker_a.pk, "recorded_on": TODAY.isoformat(), "status": EmploymentStatus.CROSS_PROVINCE,
         "months_employed": 9, "labour_contract": True, "social_insurance": True, "wish_to_work": True},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["stably_employed"] is True
    listed = client.get(reverse("api:employment-record-list")).json()
    assert [r["member_name"] for r in listed["results"]] == ["王务工"]
    assert "id_number" not in str(listed)
    foreign = EmploymentRecord.objects.get(member=world.far_member)
    assert client.get(reverse("api:employment-record-detail", args=[foreign.pk])).status_code == 404
    refused = client.post(
        reverse("api:employment-record-list"),
        {"member": world.far_member.pk, "recorded_on": TODAY.isoformat(), "status": "local"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "不在您的辖区内" in refused.content.decode()


def test_services_and_workshops(world, client):
    client.force_login(world.worker)
    response = client.post(
        reverse("api:employment-service-list"),
        {"member": world.worker_a.pk, "kind": ServiceKind.JOB_OFFER, "served_on": TODAY.isoformat(),
         "detail": "推介至银川某物流公司"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    assert client.get(reverse("api:employment-service-list")).json()["count"] == 1
    workshop = world.workshop()
    world.hire(workshop, n=3)
    row = client.get(reverse("api:employment-workshop-detail", args=[workshop.pk])).json()
    assert row["people"] == 3
    assert len(row["hires"]) == 3
    client.force_login(world.other_cadre)
    assert client.get(reverse("api:employment-workshop-detail", args=[workshop.pk])).status_code == 404
    assert client.get(reverse("api:employment-service-list")).json()["count"] == 0
