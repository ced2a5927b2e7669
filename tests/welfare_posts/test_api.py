"""The posts over the API (/api/v1/): scoped lists, commands as service calls, refusals as 400 with the Chinese
sentence, another area's rows 404 (SPEC §11.4)."""

import datetime

import pytest

from welfare_posts import services
from welfare_posts.models import PostAttendance, PostHire, WelfarePost

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_village_worker_sets_up_hires_attends_pays_and_ends_over_the_api(api_client, world):
    api_client.force_authenticate(world.village_worker)
    body = {"village": world.village.code, "name": "护水员", "post_type": "water_guard",
            "funding": "linkage_funds", "monthly_subsidy": "700.00", "positions": 1,
            "need": "水源地巡护", "created_on": "2026-02-01"}  # fmt: skip
    created = api_client.post("/api/v1/welfare-posts/", body, format="json")
    assert created.status_code == 201, created.content
    post = WelfarePost.objects.get()
    member = world.person(name="API人")
    hired = api_client.post(f"/api/v1/welfare-posts/{post.pk}/hires/", {"member": member.pk, "hired_on": "2026-03-01"},
                            format="json")  # fmt: skip
    assert hired.status_code == 201, hired.content
    hire = PostHire.objects.get()
    full = api_client.post(f"/api/v1/welfare-posts/{post.pk}/hires/",
                           {"member": world.person().pk, "hired_on": "2026-03-01"}, format="json")  # fmt: skip
    assert full.status_code == 400
    assert "岗位已满" in full.json()["detail"]

    pay = {"month": "2026-04-01", "amount": "700.00", "paid_on": "2026-05-05"}
    unpaid = api_client.post(f"/api/v1/post-hires/{hire.pk}/payments/", pay, format="json")
    assert unpaid.status_code == 400
    assert "2026年4月没有API人的出勤记录" in unpaid.json()["detail"]
    attended = api_client.post("/api/v1/post-attendance/", {"hire": hire.pk, "month": "2026-04-01", "days_worked": 21,
                               "assessment": "qualified"}, format="json")  # fmt: skip
    assert attended.status_code == 201, attended.content
    paid = api_client.post(f"/api/v1/post-hires/{hire.pk}/payments/", pay, format="json")
    assert paid.status_code == 201
    assert (paid.json()["months_attended"], paid.json()["subsidy_paid"]) == (1, "700.00")
    ended = api_client.post(f"/api/v1/post-hires/{hire.pk}/exit/", {"ended_on": "2026-05-31",
                            "exit_reason": "term_ended"}, format="json")  # fmt: skip
    assert ended.status_code == 200
    assert ended.json()["ended_on"] == "2026-05-31"


def test_lists_are_scoped_and_another_areas_rows_are_404(api_client, world):
    own = world.post()
    hire = services.hire_create(actor=world.village_worker, post=own, member=world.person(), hired_on=D(2026, 3, 1))
    services.attendance_record(actor=world.village_worker, month=D(2026, 3, 1), rows=[
        services.AttendanceInput(hire=hire, days_worked=20, assessment="qualified")])  # fmt: skip
    world.post(village=world.foreign, actor=world.foreign_worker, name="外县岗")
    api_client.force_authenticate(world.foreign_worker)
    assert [p["name"] for p in api_client.get("/api/v1/welfare-posts/").json()["results"]] == ["外县岗"]
    attendance = PostAttendance.objects.get()
    for url in (f"/api/v1/welfare-posts/{own.pk}/", f"/api/v1/post-hires/{hire.pk}/",
                f"/api/v1/post-attendance/{attendance.pk}/"):  # fmt: skip
        assert api_client.get(url).status_code == 404
    assert api_client.post(f"/api/v1/post-hires/{hire.pk}/exit/", {"ended_on": "2026-05-31",
                           "exit_reason": "resigned"}, format="json").status_code == 404  # fmt: skip
    refused = api_client.post("/api/v1/post-attendance/", {"hire": hire.pk, "month": "2026-04-01", "days_worked": 1,
                              "assessment": "qualified"}, format="json")  # fmt: skip
    assert refused.status_code == 400
    assert PostAttendance.objects.count() == 1
    api_client.force_authenticate(world.reporting_officer)  # reads the county, does not write
    assert api_client.get(f"/api/v1/post-hires/{hire.pk}/").json()["months_attended"] == 1
    assert api_client.post(f"/api/v1/post-hires/{hire.pk}/exit/", {"ended_on": "2026-05-31",
                           "exit_reason": "resigned"}, format="json").status_code == 403  # fmt: skip
