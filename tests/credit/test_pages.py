"""The microcredit pages: the list of the user's area with its filters, a loan's page, signing from a household and
recording a repayment; 404 for another area, 403 for a role that may only read."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from credit.models import MicroLoan

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_area_s_loans_and_filters_overdue(world, client):
    due = world.sign(maturity=datetime.date(2025, 3, 1), rate=Decimal("3.45"), lpr=Decimal("3.45"))
    current = world.sign(world.marginal)
    far = world.sign(world.far, actor=world.county_reviewer)
    client.force_login(world.township_cadre)
    page = client.get(reverse("credit:loan-list")).content.decode()
    assert due.contract_no in page
    assert current.contract_no in page
    assert far.contract_no not in page
    overdue = client.get(reverse("credit:loan-list") + "?overdue=1").content.decode()
    assert due.contract_no in overdue
    assert current.contract_no not in overdue
    assert "逾期" in overdue
    assert client.get(reverse("credit:loan-list") + "?status=active").content.decode().count("HT-") == 1
    assert current.contract_no in client.get(reverse("credit:loan-list") + "?kind=new&bank=黄河").content.decode()


def test_a_role_without_the_programmes_gets_403_on_the_list(world, client):
    client.force_login(world.finance)
    assert client.get(reverse("credit:loan-list")).status_code == 403


def test_the_loan_page_shows_repayments_balance_subsidy_and_history_and_404s_elsewhere(world, client):
    loan = world.sign()
    client.force_login(world.village_worker)
    response = client.post(
        reverse("credit:repayment-create", args=[loan.pk]),
        {"paid_on": "2025-03-01", "principal": "10000", "interest": "1975"},
    )
    assert response.status_code == 302
    page = client.get(loan.get_absolute_url()).content.decode()
    assert 'data-testid="loan-balance">40000.00' in page
    assert "2024年 80%" in page
    assert "签订新增贷款合同" in page
    assert 'data-testid="change-history"' in page
    client.force_login(world.other_cadre)
    assert client.get(loan.get_absolute_url()).status_code == 404
    assert client.get(reverse("credit:repayment-create", args=[loan.pk])).status_code == 404


def test_a_reporting_officer_reads_but_may_not_record(world, client):
    loan = world.sign()
    client.force_login(world.reporter)
    assert client.get(loan.get_absolute_url()).status_code == 200
    assert client.get(reverse("credit:repayment-create", args=[loan.pk])).status_code == 403
    assert client.get(reverse("credit:loan-create", args=[world.exited.pk])).status_code == 403


def test_signing_from_the_household_shows_every_refusal_under_its_field(world, client):
    client.force_login(world.village_worker)
    url = reverse("credit:loan-create", args=[world.exited.pk])
    assert client.get(url).status_code == 200
    form = {
        "borrower": world.exited.head.pk, "kind": "new", "bank": "黄河农商行", "contract_no": "HT-P1",
        "amount": "50000.01", "signed_on": "2024-03-01", "maturity": "2027-03-02", "rate": "3.95", "lpr": "3.95",
        "purpose": "breeding",
    }  # fmt: skip
    page = client.post(url, form).content.decode()
    assert 'data-field="amount"' in page
    assert 'data-field="maturity"' in page
    assert not MicroLoan.objects.exists()
    form.update(amount="50000.00", maturity="2027-03-01")
    response = client.post(url, form)
    loan = MicroLoan.objects.get()
    assert response["Location"] == loan.get_absolute_url()
    household_page = client.get(reverse("credit:household-loans", args=[world.exited.pk])).content.decode()
    assert "HT-P1" in household_page
    client.force_login(world.other_cadre)
    assert client.get(url).status_code == 404


def test_commands_convert_and_blacklist_from_the_loan_page(world, client):
    loan = world.sign(signed_on=datetime.date(2023, 3, 1), maturity=datetime.date(2024, 3, 1))
    client.force_login(world.village_worker)
    response = client.post(reverse("credit:loan-blacklist", args=[loan.pk]), {"reason": "拒不还款"})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.blacklisted
    client.post(reverse("credit:loan-convert", args=[loan.pk]), {"reason": "仍符合条件"})
    loan.refresh_from_db()
    assert loan.status == "active"  # refused: the household still qualifies
    client.force_login(world.other_cadre)
    assert client.post(reverse("credit:loan-write-off", args=[loan.pk]), {"reason": "x"}).status_code == 404
