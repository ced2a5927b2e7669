"""The loan a measure created, as monitoring's measure pages show it (``monitoring.measure_records``): what it is,
how it stands (balance, overdue) and its effect once closed. One query for a page of measures."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from credit import facts
from credit.choices import LoanStatus
from credit.models import MicroLoan
from monitoring.measure_records import MeasureRecord
from monitoring.models import AssistanceMeasure


def loan_records(measures: list[AssistanceMeasure]) -> dict[int, list[MeasureRecord]]:
    loans = MicroLoan.objects.filter(measure__in=[m.pk for m in measures]).prefetch_related("repayments").order_by("pk")
    today = timezone.localdate()
    found: dict[int, list[MeasureRecord]] = {}
    for loan in loans:
        left = facts.balance(loan)
        status = LoanStatus(facts.status_shown(loan, today))
        if status == LoanStatus.OVERDUE:
            progress = _("逾期 %(days)s 天，余额 %(left)s 元") % {
                "days": facts.days_overdue(loan, today),
                "left": f"{left:,.2f}",
            }
        elif status == LoanStatus.ACTIVE:
            progress = _("正常还款，余额 %(left)s 元，%(on)s 到期") % {"left": f"{left:,.2f}", "on": loan.maturity}
        else:
            progress = str(status.label)
        effect = ""
        if loan.status == LoanStatus.REPAID:
            effect = _("已于 %(on)s 结清") % {"on": loan.closed_on}
        assert loan.measure_id is not None
        found.setdefault(loan.measure_id, []).append(
            MeasureRecord(
                label=_("小额信贷 合同 %(no)s，%(amount)s 元")
                % {"no": loan.contract_no, "amount": f"{loan.amount:,.2f}"},
                url=loan.get_absolute_url(),
                progress=progress,
                effect=effect,
            )
        )
    return found
