"""The derived facts of a loan have one answer: the Python face on one loan and the query face over the table."""

import datetime
from decimal import Decimal

import pytest

from credit import facts, services
from credit.models import MicroLoan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("on", [datetime.date(2025, 2, 28), datetime.date(2025, 3, 1), datetime.date(2025, 3, 2)])
def test_overdue_and_balance_have_one_answer(world, on):
    due = world.sign(maturity=datetime.date(2025, 3, 1), rate=Decimal("3.45"), lpr=Decimal("3.45"))
    repaid = world.sign(world.marginal, amount=Decimal("1000.00"), maturity=datetime.date(2025, 3, 1),
                        rate=Decimal("3.45"), lpr=Decimal("3.45"))  # fmt: skip
    services.loan_repay(actor=world.village_worker, loan=due, paid_on=datetime.date(2025, 1, 1),
                        principal=Decimal("100.10"))  # fmt: skip
    services.loan_repay(actor=world.village_worker, loan=repaid, paid_on=datetime.date(2025, 1, 1),
                        principal=Decimal("1000"))  # fmt: skip
    loans = list(MicroLoan.objects.prefetch_related("repayments"))
    by_row = {loan.pk: (facts.is_overdue(loan, on), facts.balance(loan)) for loan in loans}
    overdue = set(MicroLoan.objects.filter(facts.overdue_q(on)).values_list("pk", flat=True))
    balances = dict(MicroLoan.objects.annotate(b=facts.balance_expr()).values_list("pk", "b"))
    by_set = {pk: (pk in overdue, Decimal(str(balances[pk])).quantize(Decimal("0.01"))) for pk in balances}
    assert by_row == by_set
    assert by_row[due.pk] == (on > datetime.date(2025, 3, 1), Decimal("49899.90"))
    assert facts.days_overdue(MicroLoan.objects.get(pk=due.pk), on) == max((on - datetime.date(2025, 3, 1)).days, 0)
