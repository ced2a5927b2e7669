"""The funds pages through HTTP: register a batch (the city fee refused on its field), allocate (a project outside
the library and a banned use refused with the rule named), pay, the county page's checks, the Excel ledger whose
totals equal the rows to the fen, and the three-level disclosure."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funds import services
from funds.models import FundAllocation, FundBatch
from tests.worlds.funds import allocate, batch

pytestmark = pytest.mark.django_db


def _batch_form(world, **overrides):
    data = {
        "county": world.county.code, "year": "2026", "level": "central", "source": "central_linkage",
        "category": "consolidation_revitalization", "document_no": "宁财（农）发〔2026〕9号", "amount": "1000000.00",
        "issued_on": "2026-01-20", "fee_withheld": "0",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_finance_registers_a_batch_and_the_city_fee_is_refused(client, world):
    client.force_login(world.finance)
    response = client.post(
        reverse("funds:batch-create"), _batch_form(world, level="city", source="city_linkage", fee_withheld="100")
    )
    assert response.status_code == 200  # the form again, with the error on its field
    body = response.content.decode()
    assert 'data-field="fee_withheld"' in body
    assert "市级不得" in body
    response = client.post(reverse("funds:batch-create"), _batch_form(world))
    fund = FundBatch.objects.get()
    assert response.url == fund.get_absolute_url()


def test_a_township_cadre_cannot_record_funds(client, world):
    client.force_login(world.township_cadre)
    assert client.get(reverse("funds:batch-create")).status_code == 403
    assert client.get(reverse("funds:overview")).status_code == 403


def test_allocation_through_the_page_refuses_what_the_rules_refuse(client, world):
    fund = batch(world)
    outside = world.propose(name="未入库项目")
    inside = world.to_library(world.propose(name="已入库项目"))
    client.force_login(world.finance)
    url = reverse("funds:allocation-create", args=[fund.pk])
    form = {"use": "industry_development", "amount": "1000.00", "allocated_on": "2026-03-01", "document_no": ""}
    body = client.post(url, {**form, "project": outside.pk}, follow=True).content.decode()
    assert "尚未入库" in body
    assert "NR-PRJ-02" in body
    body = client.post(url, {**form, "project": inside.pk, "use": "buildings"}, follow=True).content.decode()
    assert "NR-FUND-01" in body
    assert not FundAllocation.objects.exists()
    client.post(url, {**form, "project": inside.pk})
    assert FundAllocation.objects.get().amount == Decimal("1000.00")
    body = client.get(fund.get_absolute_url()).content.decode()
    assert "资金分配 1000.00" in body  # the change history names the allocation and who made it
    assert world.finance.username in body


def test_payments_through_the_page(client, world):
    fund = batch(world)
    allocation = allocate(world, fund, world.to_implementation(), amount="1000.00")
    client.force_login(world.project_unit)
    url = reverse("funds:payment-create", args=[allocation.pk])
    body = client.post(
        url, {"paid_on": "2026-07-01", "amount": "1000.01", "payee": "施工单位", "voucher_no": "1"}, follow=True
    ).content.decode()
    assert "未支付余额 1000.00" in body
    client.post(url, {"paid_on": "2026-07-01", "amount": "400.00", "payee": "施工单位", "voucher_no": "1"})
    body = client.get(allocation.get_absolute_url()).content.decode()
    assert "已支付 400.00 · 未支付 600.00" in body


def test_the_county_page_flags_what_breaks_a_rule(client, world):
    fund = batch(world, amount=Decimal("1000000.00"))
    allocate(world, fund, world.to_library(world.propose(area=world.other_village)), amount="300100.00")
    client.force_login(world.county_reviewer)
    body = client.get(reverse("funds:overview") + "?year=2026").content.decode()
    assert 'data-rule="NR-FUND-02" class="table-danger"' in body
    assert "30.01%" in body


def test_the_ledger_totals_equal_its_rows_to_the_fen(client, world):
    fund = batch(world, amount=Decimal("1000000.01"))
    project = world.to_implementation()
    amounts = [Decimal("0.01"), Decimal("33333.33"), Decimal("66666.67"), Decimal("0.99"), Decimal("12345.67")]
    allocations = [allocate(world, fund, project, amount=str(a)) for a in amounts]
    services.disbursement_record(
        actor=world.finance, allocation=allocations[1], paid_on=datetime.date(2026, 7, 1), amount=Decimal("11111.11"),
        payee="x", voucher_no="1",
    )  # fmt: skip
    client.force_login(world.finance)
    response = client.get(reverse("funds:ledger-export") + f"?county={world.county.code}&year=2026")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["资金分配"].iter_rows(min_row=2, values_only=True))
    body, total = rows[:-1], rows[-1]
    assert total[0] == "合计"
    assert Decimal(str(total[5])) == sum(amounts, Decimal(0)) == Decimal("112346.67")
    assert sum(Decimal(str(r[5])) for r in body) == Decimal(str(total[5]))
    assert Decimal(str(total[6])) == Decimal("11111.11")
    batches = list(book["资金下达"].iter_rows(min_row=2, values_only=True))
    assert Decimal(str(batches[0][8])) == Decimal("1000000.01") - Decimal("112346.67")


def test_disclosure_at_three_levels(client, world):
    fund = batch(world)
    project = world.to_library()
    allocate(world, fund, project, amount="500000.00")
    client.force_login(world.county_reviewer)
    url = reverse("funds:disclosure")
    county = client.get(url + f"?area={world.county.code}&year=2026").content.decode()
    assert "隆德县2026年度衔接资金项目计划及资金安排公告" in county
    assert "宁财（农）发〔2026〕1号" in county
    village = client.get(url + f"?area={world.poor_village.code}&year=2026").content.decode()
    assert "张树村2026年度项目资金公示" in village
    assert project.name in village
    response = client.get(url + f"?area={world.township.code}&year=2026&format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][3] == project.name
    assert Decimal(str(rows[-1][8])) == Decimal("500000.00")


def test_a_file_handed_out_at_once_is_on_the_export_audit_list(client, world):
    """The fund ledger and the disclosure list are downloaded at once, and each is an export row of its owner: who,
    what, which place, how many rows, and the very file (its SHA-256) — like every ledger export (README)."""
    import hashlib

    from ledgers.models import ExportStatus, LedgerExport

    batch(world, amount=Decimal("1000.00"))
    client.force_login(world.finance)
    response = client.get(reverse("funds:ledger-export") + f"?county={world.county.code}&year=2026")
    content = b"".join(response.streaming_content)

    record = LedgerExport.objects.get(owner=world.finance)
    assert (record.ledger, record.area, record.status, record.total) == ("FUNDS", world.county, ExportStatus.DONE, 1)
    assert record.filters == {"year": "2026"}
    assert record.sha256 == hashlib.sha256(content).hexdigest()
    assert record.file.read() == content
    downloaded = client.get(reverse("ledgers:export-download", args=[record.pk]))
    assert b"".join(downloaded.streaming_content) == content
