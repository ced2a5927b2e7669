"""The insurance pages through HTTP: the policies list and its filters, bulk enrolment, a person's page, the claim
form and the claim page with its computation line by line, the overdue filter and the monthly reports — each for the
right role, and 404 for another area."""

import datetime

import pytest
from django.urls import reverse

from insurance.models import InsuranceClaim, InsurancePolicy, InsurerMonthlyReport

pytestmark = pytest.mark.django_db


def test_the_policies_list_filters_by_year_product_and_village(client, world):
    world.enrol()
    client.force_login(world.township_cadre)
    url = reverse("insurance:policy-list")
    body = client.get(url).content.decode()
    assert "脱贫户主" in body
    assert "监测户主" in body
    body = client.get(url, {"village": world.village.code, "product": "accident", "year": "2026"}).content.decode()
    assert "脱贫户主" in body
    assert "监测户主" not in body
    assert "共 2 份保单" in body
    # A village outside the territory narrows to nothing instead of opening it.
    assert "共 0 份保单" in client.get(url, {"village": world.foreign_village.code}).content.decode()


def test_bulk_enrolment_through_the_page(client, world):
    client.force_login(world.village_worker)
    url = reverse("insurance:policy-enrol")
    assert client.get(url).status_code == 200
    form = {"area": world.village.code, "year": "2026", "insurer": "人保财险", "starts_on": "2026-01-01",
            "ends_on": "2026-12-31"}  # fmt: skip
    response = client.post(url, form, follow=True)
    assert "已为 2 人新增 6 份保单" in response.content.decode()
    # The township is not the village worker's to enrol: it is not offered.
    body = client.post(url, {**form, "area": world.township.code}).content.decode()
    assert 'data-field="area"' in body
    assert InsurancePolicy.objects.count() == 6


def test_a_viewer_cannot_enrol_or_file(client, world):
    policy = world.policy(world.exited.head)
    client.force_login(world.reporting_officer)
    assert client.get(reverse("insurance:policy-list")).status_code == 200
    assert client.get(reverse("insurance:policy-enrol")).status_code == 403
    assert client.get(reverse("insurance:claim-create", args=[policy.pk])).status_code == 403


def test_a_members_page_lists_policies_and_claims_and_adds_a_voluntary_policy(client, world):
    member = world.ordinary.head
    client.force_login(world.village_worker)
    url = reverse("insurance:member-detail", args=[member.pk])
    body = client.get(url).content.decode()
    assert "自愿参保" in body
    form = {"product": "accident", "year": "2026", "insurer": "人保财险", "starts_on": "2026-01-01",
            "ends_on": "2026-12-31"}  # fmt: skip
    body = client.post(reverse("insurance:policy-create", args=[member.pk]), form, follow=True).content.decode()
    assert "保单已登记" in body
    assert "40.00" in body
    body = client.post(reverse("insurance:policy-create", args=[member.pk]), form, follow=True).content.decode()
    assert "已参保" in body
    client.force_login(world.foreign_reviewer)
    assert client.get(url).status_code == 404


def test_a_claim_is_filed_and_its_page_shows_the_computation(client, world):
    policy = world.policy(world.exited.head)
    client.force_login(world.village_worker)
    url = reverse("insurance:claim-create", args=[policy.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"incident_on": "2026-05-20", "filed_on": "2026-06-01", "simple": "on",
                                 "residual_cost": "50000"})  # fmt: skip
    claim = InsuranceClaim.objects.get()
    assert response.url == claim.get_absolute_url()
    body = client.get(claim.get_absolute_url()).content.decode()
    assert "0–20000 元（含）" in body
    assert "20000–40000 元（含）" in body
    assert "40000 元以上" in body
    assert "4000.00" in body
    assert "6000.00" in body
    assert "14000.00" in body
    assert "2026-06-08" in body  # due: the fifth working day after 1 June
    client.force_login(world.foreign_reviewer)
    assert client.get(claim.get_absolute_url()).status_code == 404
    assert client.get(url).status_code == 404


def test_a_claim_filed_in_the_future_is_refused_on_its_field(client, world):
    policy = world.policy(world.exited.head)
    client.force_login(world.village_worker)
    body = client.post(
        reverse("insurance:claim-create", args=[policy.pk]),
        {"incident_on": "2026-05-20", "filed_on": "2026-07-01", "residual_cost": "50000"},
    ).content.decode()
    assert 'data-field="filed_on"' in body
    assert "不能晚于今天" in body


def test_the_claim_steps_through_the_page(client, world):
    claim = world.claim(world.policy(world.exited.head), residual_cost=50000)
    client.force_login(world.village_worker)
    client.post(reverse("insurance:claim-accept", args=[claim.pk]), {"on": "2026-06-02"})
    body = client.post(reverse("insurance:claim-pay", args=[claim.pk]), {}, follow=True).content.decode()
    assert "已赔付" in body
    claim.refresh_from_db()
    assert claim.status == "paid"
    assert claim.closed_on == datetime.date(2026, 6, 15)


def test_the_overdue_filter_lists_simple_open_claims_past_their_due_date(client, world):
    policy = world.policy(world.exited.head, product="accident_medical")
    late = world.claim(policy, medical_cost=100, filed_on=datetime.date(2026, 6, 1))  # due 8 June
    on_time = world.claim(policy, medical_cost=100, filed_on=datetime.date(2026, 6, 12))
    client.force_login(world.village_worker)
    response = client.get(reverse("insurance:claim-list"), {"overdue": "1"})
    assert response.status_code == 200
    rows = list(response.context["object_list"])
    assert rows == [late]
    assert on_time not in rows
    assert "已超期" in response.content.decode()


def test_monthly_reports_are_recorded_by_the_county(client, world):
    client.force_login(world.county_reviewer)
    url = reverse("insurance:report-list")
    body = client.get(url).content.decode()
    assert "2026年5月月报尚未报送" in body
    form = {"county": world.county.code, "month": "2026-05", "insurer": "人保财险", "insured_people": "1200",
            "premium_total": "84000.00", "claims_count": "12", "payout_total": "56000.00",
            "submitted_on": "2026-06-05"}  # fmt: skip
    response = client.post(reverse("insurance:report-create"), form)
    assert response.status_code == 302
    report = InsurerMonthlyReport.objects.get()
    assert report.month == datetime.date(2026, 5, 1)
    body = client.get(url).content.decode()
    assert "尚未报送" not in body
    assert "56000.00" in body
    again = client.post(reverse("insurance:report-create"), form).content.decode()
    assert "已登记" in again
    client.force_login(world.township_cadre)
    assert client.get(reverse("insurance:report-create")).status_code == 403
    assert "56000.00" in client.get(url).content.decode()  # the township reads its county's reports
    client.force_login(world.foreign_reviewer)
    assert "56000.00" not in client.get(url).content.decode()
