"""The county funds checks (SPEC §9.5, §8.7) computed from the rows, with the documents' numbers at their
boundaries: 30.00 % to non-poor villages passes and 30.01 % is flagged, a 1.00 % management fee passes and 1.01 %
does not, the industry share reaches 50 % and last year's, and payments meet 50/75/85/92 % on their dates."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.roles import Role
from funds import selectors, services
from funds.models import Disbursement
from geo.parameters import reading_once
from tests.factories import CountyFactory, UserFactory
from tests.worlds.funds import allocate, batch

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 7, 15)


def _check(world, rule, *, on=ON, year=2026):
    result = selectors.county_compliance(world.county, year, on=on)
    return next(c for c in result.checks if c.rule == rule)


@pytest.mark.parametrize(("non_poor", "ok"), [("300000.00", True), ("300100.00", False)])
def test_at_most_thirty_percent_to_non_poor_villages(world, non_poor, ok):
    fund = batch(world, amount=Decimal("1000000.00"))
    allocate(world, fund, world.to_library(world.propose(area=world.other_village)), amount=non_poor)
    allocate(world, fund, world.to_library(world.propose(name="脱贫村项目")), amount="600000.00")
    check = _check(world, "NR-FUND-02")
    assert check.pct == Decimal(non_poor) / 10000
    assert check.ok is ok


@pytest.mark.parametrize(("fee", "ok"), [("10000.00", True), ("10000.01", False), ("10100.00", False)])
def test_the_county_management_fee_is_at_most_one_percent(world, fee, ok):
    fund = batch(world, amount=Decimal("1000000.00"))
    fee_project = world.to_library(world.propose(name="项目管理费", category=world.category("0701")))
    allocate(world, fund, fee_project, amount=fee, use="management_fee")
    assert _check(world, "NR-FUND-03").ok is ok


@pytest.mark.parametrize(("industry", "ok"), [("500000.00", True), ("499999.99", False)])
def test_the_industry_share_reaches_fifty_percent(world, industry, ok):
    fund = batch(world, amount=Decimal("1000000.00"))
    allocate(world, fund, world.to_library(), amount=industry)
    assert _check(world, "NR-FUND-06/07").ok is ok


def test_the_industry_share_is_not_below_last_year(world):
    last = batch(
        world, year=2025, amount=Decimal("1000000.00"), document_no="2025-1", issued_on=datetime.date(2025, 2, 1)
    )
    allocate(
        world,
        last,
        world.to_library(world.propose(year=2025)),
        amount="620000.00",
        allocated_on=datetime.date(2025, 3, 1),
    )
    fund = batch(world, amount=Decimal("1000000.00"))
    allocate(world, fund, world.to_library(world.propose(name="今年")), amount="610000.00")
    check = _check(world, "NR-FUND-06/07")
    assert (check.pct, check.ok) == (Decimal("61.00"), False)
    assert "不低于上年 62.00%" in check.limit


def test_a_document_may_ask_for_more_than_the_setting(world):
    fund = batch(world, amount=Decimal("1000000.00"), industry_share_required=Decimal("55"))
    allocate(world, fund, world.to_library(), amount="540000.00")
    check = _check(world, "NR-FUND-06/07")
    assert (check.limit, check.ok) == ("≥ 55.00%", False)


@pytest.mark.parametrize(
    ("on", "due"),
    [
        (datetime.date(2026, 6, 29), Decimal("0")),
        (datetime.date(2026, 6, 30), Decimal("50")),
        (datetime.date(2026, 9, 30), Decimal("75")),
        (datetime.date(2026, 10, 31), Decimal("85")),
        (datetime.date(2026, 11, 29), Decimal("85")),
        (datetime.date(2026, 11, 30), Decimal("92")),
        (datetime.date(2027, 3, 1), Decimal("92")),  # a past fund year owes its last milestone
    ],
)
def test_payment_milestones_fall_due_on_their_dates(world, on, due):
    assert selectors.due_pct(2026, on, area_code=world.county.code) == due


@pytest.mark.parametrize(("paid", "ok"), [("500000.00", True), ("499999.99", False)])
def test_payment_progress_on_thirty_june(world, paid, ok):
    fund = batch(world, amount=Decimal("2000000.00"))
    project = world.to_implementation()
    allocation = allocate(world, fund, project, amount="1000000.00")
    services.disbursement_record(
        actor=world.finance, allocation=allocation, paid_on=datetime.date(2026, 6, 30), amount=Decimal(paid),
        payee="施工单位", voucher_no="记-1",
    )  # fmt: skip
    result = selectors.county_compliance(world.county, 2026, on=datetime.date(2026, 6, 30))
    check = next(c for c in result.checks if c.rule == "NR-PRJ-09")
    assert check.ok is ok
    assert [p.code for p in result.behind] == ([] if ok else [project.code])


def test_payments_after_the_day_do_not_count_for_that_day(world):
    fund = batch(world, amount=Decimal("1000000.00"))
    allocation = allocate(world, fund, world.to_implementation(), amount="1000000.00")
    services.disbursement_record(
        actor=world.finance, allocation=allocation, paid_on=ON, amount=Decimal("600000.00"), payee="x", voucher_no="1"
    )
    before = selectors.county_compliance(world.county, 2026, on=datetime.date(2026, 6, 30))
    assert before.paid == 0
    assert Disbursement.objects.count() == 1


def test_nothing_recorded_is_not_a_breach_except_the_industry_share(world):
    result = selectors.county_compliance(world.county, 2026, on=ON)
    assert {c.rule: c.ok for c in result.checks} == {
        "NR-FUND-06/07": False,
        "NR-FUND-02": True,
        "NR-FUND-03": True,
        "NR-FUND-05": True,
        "NR-FUND-01": True,
        "NR-PRJ-09": True,
    }


def test_a_provinces_counties_are_checked_together_with_the_same_results_in_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    """A province's dashboard checks each county's funds; the counties' books are read together (three queries, two
    for last year's industry shares, one per settings date, whatever their number) and each county's result is
    what it would be on its own."""
    fund = batch(world, amount=Decimal("1000000.00"))
    allocation = allocate(world, fund, world.to_implementation(), amount="400000.00")
    services.disbursement_record(
        actor=world.finance, allocation=allocation, paid_on=ON, amount=Decimal("100000.00"), payee="x", voucher_no="1"
    )
    foreign_finance = UserFactory(area=world.foreign_county, roles=[Role.COUNTY_FINANCE])
    services.batch_register(
        actor=foreign_finance,
        data=services.BatchInput(
            county=world.foreign_county, year=2026, level="central", source="central_linkage",
            category="consolidation_revitalization", document_no="宁财（农）发〔2026〕2号",
            amount=Decimal("500000.00"), issued_on=datetime.date(2026, 1, 20),
        ),
    )  # fmt: skip
    counties = [world.county, world.foreign_county, *(CountyFactory(parent=world.county.parent) for _ in range(5))]

    def summary(result):
        return (result.county, result.issued, result.allocated, result.paid, result.due_pct,
                [(c.rule, c.part, c.whole, c.ok) for c in result.checks], [p.code for p in result.behind])  # fmt: skip

    alone = [summary(selectors.county_compliance(county, 2026, on=ON)) for county in counties]
    with reading_once(), django_assert_max_num_queries(7):
        together = [summary(result) for result in selectors.counties_compliance(counties, 2026, on=ON)]
    assert together == alone
    assert [row[1] for row in together[:3]] == [Decimal("1000000.00"), Decimal("500000.00"), 0]


def test_the_checks_read_in_the_readers_language(world):
    with translation.override("en"):
        result = selectors.county_compliance(world.county, 2026, on=ON)
    assert [c.label for c in result.checks][:2] == [
        "Share for industry development",
        "Share spent in villages that were not poverty villages",
    ]
    assert result.checks[-1].label == "Payment progress (as of 2026-07-15)"
    assert result.checks[3].limit == "0 yuan"
