"""Signing, repaying, extending, renewing, converting and blacklisting loans through the services (SPEC §11.1)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from credit import facts, services
from credit.choices import LoanStatus
from credit.models import LoanEvent, MicroLoan
from monitoring.choices import MeasureStatus

pytestmark = pytest.mark.django_db


def test_a_loan_is_signed_for_an_exited_household_and_leaves_an_event(world):
    loan = world.sign()
    assert loan.status == LoanStatus.ACTIVE
    assert loan.subsidised_amount == Decimal("50000.00")
    assert facts.balance(loan) == Decimal("50000.00")
    assert loan.measure is None  # not a monitoring subject
    assert list(loan.events.values_list("from_status", "to_status")) == [("", "active")]
    assert loan.history.count() == 1


def test_a_marginal_monitored_household_borrows_and_the_loan_becomes_its_measure(world):
    loan = world.sign(world.marginal)
    measure = loan.measure
    assert measure is not None
    assert (measure.measure_type, measure.subtype, measure.amount_yuan) == ("finance", "microcredit", loan.amount)
    assert measure.subject == world.subject


def test_an_ordinary_household_is_refused(world):
    with pytest.raises(services.LoanRefused) as refused:
        world.sign(world.ordinary)
    assert "household" in refused.value.errors
    assert not MicroLoan.objects.exists()


def test_a_refusal_names_every_failing_condition_with_its_field(world):
    with pytest.raises(services.LoanRefused) as refused:
        world.sign(
            world.ordinary,
            amount=Decimal("50000.01"),
            maturity=datetime.date(2027, 3, 2),
            rate=Decimal("4.00"),
            purpose="consumption",
            guaranteed=True,
        )
    errors = refused.value.errors
    assert set(errors) >= {"household", "amount", "maturity", "rate", "purpose", "guaranteed"}
    message = refused.value.message
    assert message.startswith("1. ")
    assert "6. " in message
    assert "5年期以上LPR" in message


def test_a_user_of_another_township_may_not_sign(world):
    with pytest.raises(PermissionDenied):
        world.sign(actor=world.other_cadre)
    with pytest.raises(PermissionDenied):
        world.sign(actor=world.finance)  # no programme rights
    assert not MicroLoan.objects.exists()


def test_repayments_lower_the_balance_and_the_last_closes_the_loan_and_delivers_the_measure(world):
    loan = world.sign(world.marginal)
    services.loan_repay(actor=world.village_worker, loan=loan, paid_on=datetime.date(2025, 3, 1),
                        principal=Decimal("20000"), interest=Decimal("1975"))  # fmt: skip
    loan.refresh_from_db()
    assert facts.balance(loan) == Decimal("30000.00")
    assert loan.status == LoanStatus.ACTIVE
    with pytest.raises(services.LoanRefused) as refused:
        services.loan_repay(actor=world.village_worker, loan=loan, paid_on=datetime.date(2025, 6, 1),
                            principal=Decimal("30000.01"))  # fmt: skip
    assert "principal" in refused.value.errors
    services.loan_repay(actor=world.village_worker, loan=loan, paid_on=datetime.date(2025, 6, 1),
                        principal=Decimal("30000"))  # fmt: skip
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID
    assert loan.closed_on == datetime.date(2025, 6, 1)
    loan.measure.refresh_from_db()
    assert loan.measure.status == MeasureStatus.DELIVERED
    assert "已于 2025-06-01 结清" in loan.measure.outcome_note
    with pytest.raises(services.DomainError):
        services.loan_repay(actor=world.village_worker, loan=loan, paid_on=datetime.date(2025, 6, 2),
                            principal=Decimal("1"))  # fmt: skip


def test_a_top_up_keeps_the_household_total_and_the_part_above_50000_is_not_subsidised(world):
    world.sign(amount=Decimal("30000.00"))
    top = world.sign(kind="top_up", amount=Decimal("40000.00"), contract_no="HT-TOP-1")
    assert top.subsidised_amount == Decimal("20000.00")
    third = world.sign(kind="top_up", amount=Decimal("30000.00"), contract_no="HT-TOP-2")  # total 100,000
    assert third.subsidised_amount == Decimal("0.00")
    with pytest.raises(services.LoanRefused) as refused:
        world.sign(kind="top_up", amount=Decimal("0.01"), contract_no="HT-TOP-3")
    assert "amount" in refused.value.errors


def test_a_second_new_loan_beside_an_active_one_must_be_a_top_up(world):
    world.sign()
    with pytest.raises(services.LoanRefused) as refused:
        world.sign(amount=Decimal("1000.00"), contract_no="HT-2")
    assert "kind" in refused.value.errors
    with pytest.raises(services.LoanRefused):
        world.sign(world.marginal, kind="top_up")  # nothing to top up


def test_an_extension_continues_the_balance_and_closes_the_old_contract(world):
    loan = world.sign(world.marginal, maturity=datetime.date(2025, 3, 1), rate=Decimal("3.45"), lpr=Decimal("3.45"))
    services.loan_repay(actor=world.village_worker, loan=loan, paid_on=datetime.date(2025, 2, 1),
                        principal=Decimal("10000"))  # fmt: skip
    # After 2025, an extension of a campaign contract is still signed (NR-LOAN-10, NR-LOAN-12).
    extension = world.sign(
        world.marginal, kind="extension", previous=loan, amount=Decimal("40000.00"), contract_no="HT-EXT",
        signed_on=datetime.date(2025, 3, 1), maturity=datetime.date(2026, 3, 1),
    )  # fmt: skip
    loan.refresh_from_db()
    assert loan.status == LoanStatus.EXTENDED
    assert loan.measure is None
    assert extension.measure is not None
    assert extension.subsidised_amount == Decimal("40000.00")
    assert LoanEvent.objects.filter(loan=loan, to_status="extended").exists()


def test_a_renewal_follows_a_repaid_contract_only(world):
    loan = world.sign(amount=Decimal("10000.00"))
    with pytest.raises(services.LoanRefused) as refused:
        world.sign(kind="renewal", previous=loan, contract_no="HT-R", signed_on=datetime.date(2025, 5, 1),
                   maturity=datetime.date(2026, 5, 1))  # fmt: skip
    assert "previous" in refused.value.errors
    services.loan_repay(actor=world.village_worker, loan=loan, paid_on=datetime.date(2025, 4, 1),
                        principal=Decimal("10000"))  # fmt: skip
    renewal = world.sign(kind="renewal", previous=loan, contract_no="HT-R", signed_on=datetime.date(2025, 5, 1),
                         maturity=datetime.date(2026, 5, 1))  # fmt: skip
    assert renewal.kind == "renewal"


def test_conversion_only_when_the_household_no_longer_qualifies(world):
    loan = world.sign()
    with pytest.raises(services.DomainError):
        services.loan_convert(actor=world.village_worker, loan=loan, reason="不再符合条件")
    world.exited.flags.update(valid_to=datetime.date(2025, 1, 1))
    services.loan_convert(actor=world.village_worker, loan=loan, reason="已不属于脱贫人口")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.CONVERTED


def test_an_overdue_loan_is_blacklisted_and_the_household_borrows_no_more(world, today):
    loan = world.sign(signed_on=datetime.date(2023, 3, 1), maturity=datetime.date(2024, 3, 1))
    current = world.sign(world.far, actor=world.county_reviewer)  # not yet due
    with pytest.raises(services.DomainError):
        services.loan_blacklist(actor=world.county_reviewer, loan=current, reason="拒不还款")
    services.loan_blacklist(actor=world.village_worker, loan=loan, reason="有能力偿还但拒不还款")
    loan.refresh_from_db()
    assert loan.blacklisted
    assert loan.blacklisted_on == datetime.date(2025, 6, 16)
    with pytest.raises(services.LoanRefused) as refused:
        world.sign(kind="top_up", amount=Decimal("1000.00"), contract_no="HT-B")
    assert "borrower" in refused.value.errors
