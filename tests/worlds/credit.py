"""The credit records of the URL audit's world (tests.worlds.audit.World): one own (chain A) and one foreign
(chain B) row of every model whose pages the audit visits."""

import datetime
from decimal import Decimal
from typing import Any

from credit.models import MicroLoan
from tests.factories import UserFactory


def build(world: Any) -> dict[type, tuple[Any, Any]]:
    """Rows keyed by model, (own, foreign); may extend world.foreign_markers."""
    clerk = UserFactory(area=None)
    loans = []
    for mark, household, member in (
        ("甲本", world.household_a, world.member_a),
        ("乙外", world.household_b, world.member_b),
    ):
        # Written as rows: the audit visits pages, the rules of signing are tests/credit's.
        loans.append(
            MicroLoan.objects.create(
                household=household,
                borrower=member,
                bank=f"{mark}信贷银行",
                contract_no=f"{mark}贷字001号",
                amount=Decimal("30000.00"),
                subsidised_amount=Decimal("30000.00"),
                signed_on=datetime.date(2024, 3, 1),
                maturity=datetime.date(2027, 3, 1),
                rate=Decimal("3.95"),
                lpr=Decimal("3.95"),
                purpose="breeding",
                created_by=clerk,
            )
        )
    world.foreign_markers.extend(["乙外信贷银行", "乙外贷字001号"])
    return {MicroLoan: (loans[0], loans[1])}
