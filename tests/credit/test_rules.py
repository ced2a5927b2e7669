"""NR-LOAN-01…12 at their boundaries, with the documents' numbers (SPEC §11.1, §14), through the signing service
where the rule needs a household, and as plain functions where it is arithmetic."""

import datetime
from decimal import Decimal

import pytest

from credit import rules, services
from tests.credit.factories import SIGNED, member_born

pytestmark = pytest.mark.django_db
SCHEDULE = [[2021, 100], [2022, 100], [2023, 100], [2024, 80], [2025, 80]]


@pytest.mark.parametrize(("amount", "ok"), [("50000.00", True), ("50000.01", False), ("0.01", True), ("0", False)])
def test_nr_loan_02_amount_up_to_50000_inclusive(world, amount, ok):
    if ok:
        assert world.sign(amount=Decimal(amount)).amount == Decimal(amount)
    else:
        with pytest.raises(services.LoanRefused) as refused:
            world.sign(amount=Decimal(amount))
        assert "amount" in refused.value.errors


@pytest.mark.parametrize(
    ("maturity", "ok"),
    [(datetime.date(2027, 3, 1), True), (datetime.date(2027, 3, 2), False), (SIGNED, False)],
)
def test_nr_loan_03_term_of_exactly_three_years_passes(world, maturity, ok):
    if ok:
        world.sign(maturity=maturity)
    else:
        with pytest.raises(services.LoanRefused) as refused:
            world.sign(maturity=maturity)
        assert "maturity" in refused.value.errors


def test_nr_loan_03_a_contract_signed_on_29_february_runs_to_28_february():
    assert rules.term_ok(datetime.date(2024, 2, 29), datetime.date(2027, 2, 28), max_years=3)
    assert not rules.term_ok(datetime.date(2024, 2, 29), datetime.date(2027, 3, 1), max_years=3)


@pytest.mark.parametrize(
    ("birth", "ok"),
    [
        (datetime.date(2006, 3, 1), True),  # 18 on the signing day (2024-03-01)
        (datetime.date(2006, 3, 2), False),  # 17
        (datetime.date(1958, 3, 2), True),  # 65
        (datetime.date(1958, 3, 1), False),  # 66 on the signing day
    ],
)
def test_nr_loan_08_borrower_aged_18_to_65_on_the_signing_day(world, birth, ok):
    borrower = member_born(world.exited, birth)
    if ok:
        world.sign(borrower=borrower)
    else:
        with pytest.raises(services.LoanRefused) as refused:
            world.sign(borrower=borrower)
        assert "borrower" in refused.value.errors


def test_nr_loan_08_a_29_february_birthday_counts_from_1_march_in_a_common_year():
    born = datetime.date(2004, 2, 29)
    kw = {"min_age": 18, "max_age": 65}
    assert not rules.age_ok(born, datetime.date(2022, 2, 28), **kw)
    assert rules.age_ok(born, datetime.date(2022, 3, 1), **kw)
    old = datetime.date(1956, 2, 29)
    assert rules.age_ok(old, datetime.date(2022, 2, 28), **kw)  # still 65
    assert not rules.age_ok(old, datetime.date(2022, 3, 1), **kw)  # 66


def test_nr_loan_04_rate_at_most_the_lpr_of_the_term(world):
    world.sign(rate=Decimal("3.95"), lpr=Decimal("3.95"))
    with pytest.raises(services.LoanRefused) as refused:
        world.sign(world.far, actor=world.county_reviewer, rate=Decimal("3.96"), lpr=Decimal("3.95"))
    assert "rate" in refused.value.errors
    assert "5年期以上LPR" in refused.value.message
    one_year = datetime.date(2025, 3, 1)
    assert rules.lpr_tenor(SIGNED, one_year) == "1y"
    assert rules.lpr_tenor(SIGNED, one_year + datetime.timedelta(days=1)) == "5y"


def test_nr_loan_05_no_guarantee_and_nr_loan_07_no_company_use(world):
    with pytest.raises(services.LoanRefused) as refused:
        world.sign(guaranteed=True, company_use=True)
    assert set(refused.value.errors) == {"guaranteed", "purpose"}
    assert "户贷企用" in refused.value.message


def test_nr_loan_06_subsidy_100_until_2023_then_80_and_kept_after_2025():
    assert rules.subsidy_pct(2020, schedule=SCHEDULE) == 0
    assert rules.subsidy_pct(2021, schedule=SCHEDULE) == 100
    assert rules.subsidy_pct(2023, schedule=SCHEDULE) == 100
    assert rules.subsidy_pct(2024, schedule=SCHEDULE) == 80
    assert rules.subsidy_pct(2025, schedule=SCHEDULE) == 80
    assert rules.subsidy_pct(2027, schedule=SCHEDULE) == 80  # a campaign contract keeps its terms (NR-LOAN-10)
    by_year = rules.subsidy_by_year(datetime.date(2023, 5, 1), datetime.date(2026, 5, 1), schedule=SCHEDULE)
    assert by_year == [(2023, 100), (2024, 80), (2025, 80), (2026, 80)]


def test_nr_loan_06_the_loan_page_reads_the_seeded_schedule(world):
    loan = world.sign(signed_on=datetime.date(2023, 6, 1), maturity=datetime.date(2025, 6, 1))
    assert services.subsidy_by_year(loan) == [(2023, 100), (2024, 80), (2025, 80)]


def test_nr_loan_09_household_total_100000_and_the_part_above_50000_unsubsidised():
    assert rules.household_total_ok(Decimal("50000"), Decimal("50000"), max_total=Decimal("100000"))
    assert not rules.household_total_ok(Decimal("50000"), Decimal("50000.01"), max_total=Decimal("100000"))
    cap = Decimal("50000")
    assert rules.subsidised_part(Decimal("30000"), Decimal("40000"), cap=cap) == Decimal("20000")
    assert rules.subsidised_part(Decimal("50000"), Decimal("10000"), cap=cap) == 0


@pytest.mark.parametrize(
    ("signed_on", "ok"),
    [
        (datetime.date(2021, 1, 1), True),
        (datetime.date(2020, 12, 31), False),
        (datetime.date(2025, 12, 31), True),
        (datetime.date(2026, 1, 1), False),
    ],
)
def test_nr_loan_12_signed_within_2021_to_2025(world, today, signed_on, ok):
    today.set(datetime.date(2026, 6, 1))
    data = {"signed_on": signed_on, "maturity": signed_on + datetime.timedelta(days=365)}
    if ok:
        world.sign(**data)
    else:
        with pytest.raises(services.LoanRefused) as refused:
            world.sign(**data)
        assert "signed_on" in refused.value.errors


def test_nr_loan_12_after_2025_only_a_renewal_of_a_campaign_contract(world, today):
    today.set(datetime.date(2026, 6, 1))
    first = world.sign(amount=Decimal("10000.00"), signed_on=datetime.date(2025, 1, 1),
                       maturity=datetime.date(2026, 1, 1))  # fmt: skip
    services.loan_repay(actor=world.village_worker, loan=first, paid_on=datetime.date(2026, 1, 1),
                        principal=Decimal("10000"))  # fmt: skip
    renewal = world.sign(kind="renewal", previous=first, contract_no="HT-R26", signed_on=datetime.date(2026, 2, 1),
                         maturity=datetime.date(2027, 2, 1))  # fmt: skip
    assert renewal.kind == "renewal"
    assert rules.within_validity(
        datetime.date(2026, 2, 1), valid_from=datetime.date(2021, 1, 1), valid_to=datetime.date(2025, 12, 31),
        kind="renewal", campaign_signed_on=datetime.date(2026, 1, 5),
    ) is False  # fmt: skip


def test_nr_loan_01_borrower_household_exited_or_marginal(world):
    assert world.sign(world.exited).household == world.exited
    assert world.sign(world.marginal).household == world.marginal
    with pytest.raises(services.LoanRefused):
        world.sign(world.ordinary)
    # A borrower of another household is refused.
    with pytest.raises(services.LoanRefused) as refused:
        world.sign(world.exited, borrower=world.ordinary.head, contract_no="HT-X")
    assert "borrower" in refused.value.errors


def test_nr_loan_11_convertible_only_when_no_longer_eligible():
    assert not rules.convertible(still_eligible=True, borrower_present=True, household_open=True)
    assert rules.convertible(still_eligible=False, borrower_present=True, household_open=True)
    assert rules.convertible(still_eligible=True, borrower_present=False, household_open=True)


def test_fc_gap_missed_aid_05_ratio_above_20_percent():
    alert = Decimal(20)
    assert not rules.extension_ratio_alert(1, 5, alert_pct=alert)  # 20 % exactly
    assert rules.extension_ratio_alert(2, 9, alert_pct=alert)  # 22 %
    assert not rules.extension_ratio_alert(0, 0, alert_pct=alert)
