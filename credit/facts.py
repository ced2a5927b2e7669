"""Derived facts of a loan (STYLE §5.7): the balance and "overdue", each with its Python face (one loan, its
repayments prefetched) beside its query face (an expression or a ``Q`` over ``MicroLoan``), held together by
tests/credit/test_facts.py. Lists, the ledger (L-10) and the sweep (FC-GAP-MISSED-AID-05) read these, never their
own."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce

from credit.choices import OPEN_STATUSES, LoanStatus
from credit.models import LoanRepayment, MicroLoan

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def repaid_principal(loan: MicroLoan) -> Decimal:
    """Principal repaid so far, summed in Python over Decimal (SQLite's SUM is a float)."""
    return sum((r.principal for r in loan.repayments.all()), Decimal(0))


def balance(loan: MicroLoan) -> Decimal:
    """余额: the amount less the principal repaid (SPEC §11.1 ``balance``)."""
    return loan.amount - repaid_principal(loan)


def balance_expr() -> CombinedExpression:
    """Query face of ``balance``: ``MicroLoan.objects.annotate(balance=balance_expr())``."""
    repaid = (
        LoanRepayment.objects.filter(loan=OuterRef("pk"))
        .order_by()
        .values("loan")
        .annotate(total=Sum("principal"))
        .values("total")
    )
    return F("amount") - Coalesce(Subquery(repaid, output_field=MONEY), Value(Decimal(0)), output_field=MONEY)


def is_overdue(loan: MicroLoan, on: datetime.date) -> bool:
    """逾期: an active loan past its maturity on ``on`` (the maturity day itself is not late). Balance > 0 is the
    same as "active": the repayment that clears the balance closes the loan in the same transaction
    (``credit.services.loan_repay``)."""
    return loan.status in OPEN_STATUSES and loan.maturity < on


def overdue_q(on: datetime.date, path: str = "") -> Q:
    """Query face of ``is_overdue``."""
    return Q(**{f"{path}status__in": sorted(OPEN_STATUSES), f"{path}maturity__lt": on})


def days_overdue(loan: MicroLoan, on: datetime.date) -> int:
    """Days past maturity of an overdue loan on ``on``; 0 otherwise."""
    return (on - loan.maturity).days if is_overdue(loan, on) else 0


def status_shown(loan: MicroLoan, on: datetime.date) -> str:
    """The status a page shows: ``overdue`` in place of ``active`` once the maturity has passed."""
    return LoanStatus.OVERDUE if is_overdue(loan, on) else loan.status


def matured_q(on: datetime.date, path: str = "") -> Q:
    """FC-GAP-MISSED-AID-05's whole: the loans whose maturity has come (on or before ``on``), whatever became of
    them (repaid, extended, converted, written off, or still owing), and those extended before it came."""
    return Q(**{f"{path}maturity__lte": on}) | extended_q(path)


def extended_q(path: str = "") -> Q:
    """FC-GAP-MISSED-AID-05's part: the loans continued by an extension contract (NR-LOAN-10)."""
    return Q(**{f"{path}status": LoanStatus.EXTENDED})
