"""The sweeps API: the same services and scoping as the pages (SPEC §7.5)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from households.choices import VisitKind
from households.models import Visit
from sweeps.models import Problem, ScreeningWarning, SweepRun
from sweeps.tasks import screening_batch_task
from tests.factories import UserFactory
from tests.worlds.sweeps import TODAY, World, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


def test_start_a_sweep_and_rectify_through_the_api(api_client, work_off):
    world = World()
    poor = world.family(per_capita=Decimal("5000"))
    api_client.force_authenticate(world.township_cadre)
    body = {"county": world.county.code, "kind": "centralized"}
    assert api_client.post(reverse("api:sweep-run-list"), body, format="json").status_code == 403

    api_client.force_authenticate(world.county_reviewer)
    created = api_client.post(reverse("api:sweep-run-list"), body, format="json")
    assert created.status_code == 201, created.content
    work_off(SweepRun.objects.get(pk=created.json()["id"]))
    problem = Problem.objects.get(rule_id="FC-GAP-MISSED-REG-01", household=poor)
    listed = api_client.get(reverse("api:problem-list"), {"rule_id": "FC-GAP-MISSED-REG-01"}).json()
    assert [row["id"] for row in listed["results"]] == [problem.pk]

    url = reverse("api:problem-transitions", args=[problem.pk])
    api_client.force_authenticate(world.township_cadre)
    assigned = api_client.post(url, {"action": "assign", "unit": "村委会"}, format="json")
    assert assigned.json()["status"] == "assigned"
    api_client.force_authenticate(world.village_worker)
    assert api_client.post(url, {"action": "close", "comment": "x"}, format="json").status_code == 403
    assert api_client.post(url, {"action": "submit", "measures_taken": "x"}, format="json").status_code == 409
    api_client.post(url, {"action": "start"}, format="json")
    done = api_client.post(url, {"action": "submit", "measures_taken": "已补录收入"}, format="json")
    assert done.json()["status"] == "submitted"


def test_upload_and_dispose_through_the_api(api_client, django_capture_on_commit_callbacks):
    world = World()
    sick = world.family(per_capita=Decimal("5000"))
    screener = UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=world.county, department="health")
    api_client.force_authenticate(screener)
    url = reverse("api:screening-batch-list")

    def upload(rows):
        """The answer at once (202, queued), then the batch as the worker leaves it, read at its status URL."""
        with django_capture_on_commit_callbacks() as callbacks:
            accepted = api_client.post(url, {"period": "2026-Q3", "file": xlsx(rows)})
        assert accepted.status_code == 202, accepted.content
        body = accepted.json()
        assert body["status"] == "queued"
        assert accepted["Location"] == body["status_url"]
        assert body["status_url"].endswith(reverse("api:screening-batch-detail", args=[body["id"]]))
        assert len(callbacks) == 1
        screening_batch_task(body["id"])
        return api_client.get(body["status_url"]).json()

    refused = upload([["123", "", "", "确诊大病重病"]])
    assert refused["status"] == "rejected"
    assert refused["errors"][0] == {"row": 2, "column": "身份证号", "message": "身份证号应为 18 位，实际为 3 位"}
    assert refused["error_count"] == 1
    bad_period = api_client.post(url, {"period": "2026-7", "file": xlsx([])})
    assert bad_period.status_code == 400
    created = upload([[sick.members.first().id_number, "", "", "确诊大病重病"]])
    assert created["status"] == "done"
    assert created["warning_count"] == 1

    warning = ScreeningWarning.objects.get()
    Visit.objects.create(
        household=sick, visited_on=TODAY, kind=VisitKind.VERIFICATION, recorded_by=world.village_worker
    )
    api_client.force_authenticate(world.village_worker)
    disposed = api_client.post(
        reverse("api:warning-dispose", args=[warning.pk]), {"disposition": "no_risk", "note": "已痊愈"}, format="json"
    )
    assert disposed.json()["status"] == "closed"
