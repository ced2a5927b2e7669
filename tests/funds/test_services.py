"""Linkage funds through the services (SPEC §9): a batch, its allocation to library projects only (NR-PRJ-02), banned
uses refused at entry (NR-FUND-01), no city management fee (NR-FUND-05), payments within what is left; the ledger's
totals are the exact sums of its rows, to the fen, with many odd decimals."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import DomainError
from funds import selectors, services
from funds.models import Disbursement, FundAllocation, FundBatch
from tests.worlds.funds import allocate, batch
from tests.worlds.projects import DAY, TODAY

pytestmark = pytest.mark.django_db


def test_a_project_cannot_be_funded_before_it_is_in_the_library(world):
    fund = batch(world)
    project = world.propose()
    with pytest.raises(DomainError, match="尚未入库") as caught:
        allocate(world, fund, project)
    assert caught.value.field == "project"
    assert not FundAllocation.objects.exists()
    world.to_library(project)
    assert allocate(world, fund, project).amount == Decimal("100000.00")


def test_social_money_may_go_to_a_project_outside_the_library(world):
    fund = batch(world, source="social", level="county", document_no="捐赠协议 1 号")
    assert allocate(world, fund, world.propose()).batch == fund


@pytest.mark.parametrize(
    "use",
    [
        "unit_basic_expenditure",
        "vehicles_comms_equipment",
        "buildings",
        "bonuses_allowances_welfare",
        "debt_repayment_advances",
        "insurance_purchase_or_subsidy",
    ],
)
def test_banned_uses_are_refused_at_entry(world, use):
    fund = batch(world)
    with pytest.raises(DomainError, match="NR-FUND-01") as caught:
        allocate(world, fund, world.to_library(), use=use)
    assert caught.value.field == "use"


def test_relocation_debt_needs_its_document(world):
    fund = batch(world)
    project = world.to_library()
    with pytest.raises(DomainError, match="依据文件"):
        allocate(world, fund, project, use="relocation_debt_repayment")
    assert allocate(world, fund, project, use="relocation_debt_repayment", document_no="宁发改〔2026〕9号")


def test_the_city_keeps_no_management_fee(world):
    with pytest.raises(DomainError, match="NR-FUND-05") as caught:
        batch(world, level="city", source="city_linkage", fee_withheld=Decimal("0.01"))
    assert caught.value.field == "fee_withheld"
    assert batch(world, level="city", source="city_linkage").fee_withheld == 0


def test_allocations_and_payments_never_exceed_what_is_left(world):
    fund = batch(world, amount=Decimal("1000.00"))
    project = world.to_implementation()
    allocation = allocate(world, fund, project, amount="999.99")
    with pytest.raises(DomainError, match=r"未分配余额 0\.01"):
        allocate(world, fund, project, amount="0.02")
    services.disbursement_record(
        actor=world.project_unit, allocation=allocation, paid_on=TODAY, amount=Decimal("999.98"), payee="施工单位",
        voucher_no="记-001",
    )  # fmt: skip
    with pytest.raises(DomainError, match=r"未支付余额 0\.01"):
        services.disbursement_record(
            actor=world.finance, allocation=allocation, paid_on=TODAY, amount=Decimal("0.02"), payee="施工单位",
            voucher_no="记-002",
        )  # fmt: skip


def test_money_is_kept_to_the_fen(world):
    with pytest.raises(DomainError, match="两位小数"):
        batch(world, amount=Decimal("100.001"))


def test_payments_wait_for_the_implementation_plan(world):
    fund = batch(world)
    project = world.to_library()
    allocation = allocate(world, fund, project)
    with pytest.raises(DomainError, match="批复实施方案后"):
        services.disbursement_record(
            actor=world.finance, allocation=allocation, paid_on=TODAY, amount=Decimal("1.00"), payee="x", voucher_no="1"
        )


def test_only_the_county_records_funds_of_its_own_county(world):
    with pytest.raises(PermissionDenied):
        services.batch_register(
            actor=world.township_cadre,
            data=services.BatchInput(
                county=world.county, year=2026, level="central", source="central_linkage",
                category="consolidation_revitalization", document_no="1", amount=Decimal("1"), issued_on=TODAY,
            ),
        )  # fmt: skip
    fund = batch(world)
    foreign = world.foreign_reviewer
    with pytest.raises(PermissionDenied):
        services.allocation_create(
            actor=foreign, batch=fund, project=world.to_library(), use="industry_development", amount=Decimal("1"),
            allocated_on=TODAY,
        )  # fmt: skip


def test_the_ledger_reconciles_to_the_fen_with_many_odd_decimals(world):
    """97 allocations and 300 payments of random fen amounts: every total in the ledger is the exact sum of its
    rows, and the batch's remaining money is its amount minus exactly what was allocated."""
    rng = random.Random(20261201)
    fund = batch(world, amount=Decimal("9999999.99"))
    second = batch(world, document_no="宁财（农）发〔2026〕2号", source="regional_linkage", level="regional",
                   amount=Decimal("3333333.33"))  # fmt: skip
    projects = [world.to_implementation(world.propose(name=f"项目{n}")) for n in range(3)]
    expected_allocated = Decimal(0)
    expected_paid = Decimal(0)
    allocations = []
    for n in range(97):
        amount = Decimal(rng.randint(1, 9_999_999)) / 100
        allocations.append(allocate(world, fund if n % 2 else second, projects[n % 3], amount=str(amount)))
        expected_allocated += amount
    for n in range(300):
        allocation = allocations[n % len(allocations)]
        amount = Decimal(rng.randint(1, 33_333)) / 100
        left = allocation.amount - sum(
            Disbursement.objects.filter(allocation=allocation).values_list("amount", flat=True), Decimal(0)
        )
        if amount > left:
            continue
        services.disbursement_record(
            actor=world.finance, allocation=allocation, paid_on=TODAY - DAY * (n % 30), amount=amount,
            payee="施工单位", voucher_no=f"记-{n}",
        )  # fmt: skip
        expected_paid += amount
    ledger = selectors.fund_ledger(FundBatch.objects.filter(county=world.county))
    assert ledger.issued == Decimal("13333333.32")
    assert ledger.allocated == expected_allocated
    assert ledger.paid == expected_paid
    assert ledger.allocated == sum((b.allocated for b in ledger.batches), Decimal(0))
    for row in ledger.batches:
        assert row.unallocated == row.batch.amount - sum((a.allocation.amount for a in row.allocations), Decimal(0))
        for line in row.allocations:
            assert line.paid + line.unpaid == line.allocation.amount
    assert ledger.paid == sum(Disbursement.objects.values_list("amount", flat=True), Decimal(0))
