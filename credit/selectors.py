"""Reads of microcredit, always from ``visible_to`` (STYLE rule 2): the list's filters and a loan's change history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from credit import facts
from credit.choices import LoanStatus
from credit.models import LoanRepayment, MicroLoan
from households.selectors import changes_of


@dataclass(frozen=True)
class LoanFilter:
    status: str = ""  # a LoanStatus value; "overdue" is the derived fact
    kind: str = ""
    bank: str = ""
    overdue: bool = False
    query: str = ""  # contract number or household head


def loan_list_narrow(queryset: QuerySet[MicroLoan], *, chosen: LoanFilter, on: datetime.date) -> QuerySet[MicroLoan]:
    """The loans list (SPEC §11.1 名单制管理) narrowed by the user's filters; ``queryset`` is already scoped."""
    if chosen.status == LoanStatus.OVERDUE or chosen.overdue:
        queryset = queryset.filter(facts.overdue_q(on))
    elif chosen.status == LoanStatus.ACTIVE:
        queryset = queryset.filter(status=LoanStatus.ACTIVE).exclude(facts.overdue_q(on))
    elif chosen.status in LoanStatus.values:
        queryset = queryset.filter(status=chosen.status)
    if chosen.kind:
        queryset = queryset.filter(kind=chosen.kind)
    if chosen.bank:
        queryset = queryset.filter(bank__icontains=chosen.bank)
    if chosen.query:
        queryset = queryset.filter(contract_no__icontains=chosen.query) | queryset.filter(
            household__head_name__startswith=chosen.query
        )
    return queryset.select_related("household__managing_area__parent", "borrower").prefetch_related("repayments")


def loan_changes(loan: MicroLoan, *, limit: int = 60) -> list[Any]:
    """Who signed or changed the loan and its repayments (simple-history), newest first."""
    skip = frozenset({"id", "created_at", "created_by", "loan"})
    changes = [
        *changes_of(MicroLoan.history.filter(id=loan.pk), lambda r: _("贷款合同"), skip),
        *changes_of(
            LoanRepayment.history.filter(loan_id=loan.pk),
            lambda r: _("还款 %(amount)s") % {"amount": r.principal},
            skip,
        ),
    ]
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:limit]
