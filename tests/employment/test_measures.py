"""An employment record linked to a household's employment measure (就业帮扶, SPEC §5.1, §11.3): a record that shows
the person at work starts the planned measure through the measure service, as a public-welfare hire does; the
person's page shows the measure each record answers, with a link to it on the subject's page."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.errors import DomainError
from employment.choices import EmploymentStatus
from employment.models import EmploymentRecord
from monitoring.choices import MeasureStatus
from monitoring.services.measures import measure_add, measure_update_status
from tests.employment.factories import TODAY
from tests.factories import MonitoringSubjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _planned(world, description="组织外出务工"):
    subject = world.exited.monitoring_subjects.first() or MonitoringSubjectFactory(household=world.exited)
    return measure_add(
        actor=world.worker, subject=subject, measure_type="employment", subtype="transfer_employment",
        timing="remedial", funding_source="sector_policy", responsible_department="human_resources",
        description=description, started_on=datetime.date(2026, 3, 1),
    )  # fmt: skip


@pytest.mark.parametrize(
    "status",
    [
        EmploymentStatus.LOCAL,
        EmploymentStatus.IN_COUNTY,
        EmploymentStatus.CROSS_COUNTY,
        EmploymentStatus.CROSS_PROVINCE,
        EmploymentStatus.SELF_EMPLOYED,
    ],
)
def test_a_record_of_work_starts_its_planned_measure(world, status):
    measure = _planned(world)
    record = world.record(world.worker_a, status=status, measure=measure)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert record.measure.status == MeasureStatus.IN_PROGRESS


@pytest.mark.parametrize("status", [EmploymentStatus.SEEKING, EmploymentStatus.NOT_SEEKING])
def test_a_record_without_work_leaves_the_measure_planned_until_the_person_works(world, status):
    measure = _planned(world)
    world.record(world.worker_a, status=status, months_employed=0, measure=measure)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED

    # the person finds work: the record's update (the same measure) starts it
    world.record(world.worker_a, status=EmploymentStatus.LOCAL, months_employed=2, measure=measure)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS


def test_a_measure_already_under_way_or_closed_is_left_as_it_is(world):
    delivered = measure_update_status(
        actor=world.worker, measure=_planned(world), status="delivered", outcome_note="已在晋江稳定就业"
    )
    world.record(world.worker_a, measure=delivered)
    delivered.refresh_from_db()
    assert (delivered.status, delivered.outcome_note) == (MeasureStatus.DELIVERED, "已在晋江稳定就业")


def test_a_clerk_without_the_measures_right_may_not_link_a_measure(world):
    # given: a clerk who records employment but not measures
    clerk = UserFactory(area=world.village)
    clerk.user_permissions.add(Permission.objects.get(content_type__app_label="accounts", codename="manage_programmes"))
    measure = _planned(world)

    # when
    with pytest.raises(DomainError) as refused:
        world.record(world.worker_a, actor=clerk, measure=measure)

    # then: nothing changed
    assert "您无权关联帮扶措施" in refused.value.message
    assert not EmploymentRecord.objects.exists()
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED


def test_the_record_form_starts_the_measure_and_the_persons_page_links_it(world, client):
    measure = _planned(world)
    client.force_login(world.worker)
    response = client.post(reverse("employment:record-edit", args=[world.worker_a.pk]), {
        "recorded_on": TODAY.isoformat(), "status": EmploymentStatus.CROSS_COUNTY, "place": "银川市",
        "employer": "银川建筑公司", "months_employed": "3", "wish_to_work": "on", "measure": str(measure.pk),
    })  # fmt: skip
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS

    page = client.get(reverse("employment:member-detail", args=[world.worker_a.pk])).content.decode()
    subject_url = reverse("monitoring:subject-detail", args=[measure.subject_id])
    assert 'data-testid="record-measure"' in page
    assert f'href="{subject_url}#measures"' in page
    assert "组织外出务工" in page
    assert "实施中" in page


def test_a_record_without_a_measure_shows_none(world, client):
    world.record(world.worker_a)
    client.force_login(world.worker)
    page = client.get(reverse("employment:member-detail", args=[world.worker_a.pk])).content.decode()
    assert 'data-testid="record-measure"' not in page
