"""A loan of a monitored household is its assistance measure: the measure pages read the loan's progress and
effect through ``monitoring.measure_records``."""

import datetime
from decimal import Decimal

import pytest

from credit import services
from monitoring.measure_records import records_of

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


def test_an_existing_microcredit_measure_is_linked_not_duplicated(world):
    from monitoring.services.measures import measure_add

    measure = measure_add(
        actor=world.village_worker, subject=world.subject, measure_type="finance", subtype="microcredit",
        timing="preventive", funding_source="sector_policy", responsible_department="rural_revitalization",
        description="申请小额信贷", started_on=datetime.date(2024, 2, 1),
    )  # fmt: skip
    loan = world.sign(world.marginal, measure=measure)
    assert loan.measure == measure
    assert world.subject.measures.count() == 1


def test_the_subject_page_shows_the_loan_beside_its_measure(client, world):
    loan = world.sign(world.marginal)
    client.force_login(world.village_worker)
    page = client.get(loan.measure.subject.get_absolute_url()).content.decode()
    assert 'data-testid="measure-record"' in page
    assert f'href="{loan.get_absolute_url()}"' in page
    assert "余额 50,000.00 元" in page
