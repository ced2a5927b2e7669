"""A loan of a monitored household is its assistance measure: the signing starts the measure (the money reaches
the household then), the last repayment delivers it, a write-off or conversion stops it, and the measure pages read
the loan's progress and effect through ``monitoring.measure_records``."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from credit import services
from credit.models import MicroLoan
from monitoring.choices import MeasureStatus
from monitoring.measure_records import records_of
from monitoring.services.measures import measure_add, measure_update_status
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_measure_shows_the_loan_s_progress_and_effect(world):
    loan = world.sign(world.marginal)
    (record,) = records_of([loan.measure])[loan.measure.pk]
    assert loan.contract_no in str(record.label)
    assert record.url == loan.get_absolute_url()
    assert "余额 50,000.00 元" in str(record.progress)
    services.loan_repay(actor=world.village_worker, loan=loan, paid_on=datetime.date(2025, 6, 1),
                        principal=Decimal("50000"))  # fmt: skip
    loan.refresh_from_db()
    (record,) = records_of([loan.measure])[loan.measure.pk]
    assert "已于 2025-06-01 结清" in str(record.effect)


def _planned(world):
    return measure_add(
        actor=world.village_worker, subject=world.subject, measure_type="finance", subtype="microcredit",
        timing="preventive", funding_source="sector_policy", responsible_department="rural_revitalization",
        description="申请小额信贷", started_on=datetime.date(2024, 2, 1),
    )  # fmt: skip


def test_an_existing_microcredit_measure_is_linked_not_duplicated_and_starts_with_the_signing(world):
    measure = _planned(world)
    assert measure.status == MeasureStatus.PLANNED
    loan = world.sign(world.marginal, measure=measure)
    assert loan.measure == measure
    assert world.subject.measures.count() == 1
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert loan.measure.status == MeasureStatus.IN_PROGRESS  # the returned loan carries the moved measure


def test_the_measure_a_signing_creates_is_in_progress_and_the_last_repayment_delivers_it(world):
    loan = world.sign(world.marginal)
    loan.measure.refresh_from_db()
    assert loan.measure.status == MeasureStatus.IN_PROGRESS
    services.loan_repay(actor=world.village_worker, loan=loan, paid_on=datetime.date(2025, 6, 1),
                        principal=Decimal("50000"))  # fmt: skip
    loan.measure.refresh_from_db()
    assert loan.measure.status == MeasureStatus.DELIVERED


def test_a_written_off_loan_stops_its_started_measure(world):
    loan = world.sign(world.marginal)
    services.loan_write_off(actor=world.village_worker, loan=loan, reason="借款人死亡，风险补偿后核销")
    loan.measure.refresh_from_db()
    assert loan.measure.status == MeasureStatus.STOPPED
    assert "借款人死亡" in loan.measure.outcome_note


def test_an_adjusted_measure_linked_to_a_loan_is_not_moved_by_the_signing(world):
    measure = measure_update_status(
        actor=world.village_worker, measure=_planned(world), status="adjusted", outcome_note="改为申请续贷"
    )
    world.sign(world.marginal, measure=measure)
    measure.refresh_from_db()
    assert (measure.status, measure.outcome_note) == (MeasureStatus.ADJUSTED, "改为申请续贷")


def test_an_extension_keeps_its_measure_in_progress(world):
    loan = world.sign(world.marginal, maturity=datetime.date(2025, 3, 1), rate=Decimal("3.45"), lpr=Decimal("3.45"))
    extension = world.sign(
        world.marginal, kind="extension", previous=loan, amount=Decimal("50000.00"), contract_no="HT-EXT",
        signed_on=datetime.date(2025, 3, 1), maturity=datetime.date(2026, 3, 1),
    )  # fmt: skip
    assert extension.measure == loan.measure
    extension.measure.refresh_from_db()
    assert extension.measure.status == MeasureStatus.IN_PROGRESS


def test_a_clerk_without_the_measures_right_may_not_link_a_measure(world):
    # given: a clerk who records loans but not measures
    clerk = UserFactory(area=world.village)
    clerk.user_permissions.add(Permission.objects.get(content_type__app_label="accounts", codename="manage_programmes"))
    measure = _planned(world)

    # when
    with pytest.raises(services.LoanRefused) as refused:
        world.sign(world.marginal, actor=clerk, measure=measure)

    # then: nothing changed
    assert refused.value.errors == {"measure": ["您无权关联帮扶措施"]}
    assert not MicroLoan.objects.exists()
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED


def test_the_subject_page_shows_the_loan_beside_its_measure(client, world):
    loan = world.sign(world.marginal)
    client.force_login(world.village_worker)
    page = client.get(loan.measure.subject.get_absolute_url()).content.decode()
    assert 'data-testid="measure-record"' in page
    assert f'href="{loan.get_absolute_url()}"' in page
    assert "余额 50,000.00 元" in page


def test_the_loan_page_shows_its_measure_under_way(client, world):
    loan = world.sign(world.marginal)
    client.force_login(world.village_worker)
    page = client.get(loan.get_absolute_url()).content.decode()
    assert 'data-testid="loan-measure"' in page
    subject_url = reverse("monitoring:subject-detail", args=[world.subject.pk])
    assert f'href="{subject_url}#measures"' in page
    assert "实施中" in page
