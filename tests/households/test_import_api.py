"""Household import over the API: upload a template (202), read the validated preview, confirm the commit (202),
and find the households — the import pages' services and rules; another user's job is not theirs to read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from households.models import Household, ImportJob
from households.tasks import household_import_task
from tests.factories import TownshipFactory, UserFactory, VillageFactory
from tests.households.test_import import People, family, xlsx

pytestmark = pytest.mark.django_db


def test_an_import_round_trip_over_the_api(api_client, django_capture_on_commit_callbacks):
    village = VillageFactory(parent=TownshipFactory())
    worker = UserFactory(roles=[Role.VILLAGE_WORKER], area=village)
    people = People()
    rows = [row for n in range(3) for row in family(f"{village.code}{n:04d}", village, people)]
    api_client.force_authenticate(worker)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = api_client.post(
            "/api/v1/household-imports/", {"file": SimpleUploadedFile("农户.xlsx", xlsx(rows))}, format="multipart"
        )
    assert answer.status_code == 202, answer.content
    job_id = answer.json()["id"]
    assert answer.json()["running"] is True
    assert len(callbacks) == 1
    household_import_task(job_id)  # the worker validates

    preview = api_client.get(f"/api/v1/household-imports/{job_id}/").json()
    assert preview["status"] == "validated"
    assert preview["error_count"] == 0
    assert preview["summary"]["households_created"] == 3
    assert not Household.objects.filter(managing_area=village).exists()

    with django_capture_on_commit_callbacks(execute=False):
        committed = api_client.post(f"/api/v1/household-imports/{job_id}/commit/")
    assert committed.status_code == 202
    household_import_task(job_id)  # the worker commits
    assert api_client.get(f"/api/v1/household-imports/{job_id}/").json()["status"] == "committed"
    assert Household.objects.filter(managing_area=village).count() == 3

    colleague = UserFactory(roles=[Role.VILLAGE_WORKER], area=village)
    api_client.force_authenticate(colleague)
    assert api_client.get(f"/api/v1/household-imports/{job_id}/").status_code == 404
    assert api_client.get("/api/v1/household-imports/").json()["count"] == 0


def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_stored(api_client):
    worker = UserFactory(roles=[Role.VILLAGE_WORKER], area=VillageFactory())
    api_client.force_authenticate(worker)
    answer = api_client.post(
        "/api/v1/household-imports/", {"file": SimpleUploadedFile("农户.csv", b"a,b\n")}, format="multipart"
    )
    assert answer.status_code == 400
    assert ".xlsx" in answer.content.decode()
    foreign = api_client.post(
        "/api/v1/household-imports/",
        {"file": SimpleUploadedFile("农户.xlsx", b"PK"), "area": VillageFactory().code},
        format="multipart",
    )
    assert foreign.status_code == 400
    assert "只能导入到自己的区划" in foreign.content.decode()
    assert not ImportJob.objects.exists()
    reader = UserFactory(roles=[Role.REPORTING_OFFICER], area=worker.area)
    api_client.force_authenticate(reader)
    assert api_client.post("/api/v1/household-imports/", {}, format="multipart").status_code == 403
