"""The microcredit ledger (L-10 小额信贷台账, SPEC §13.1; 003 L1568 名单制管理): one row per loan the user may see,
the borrower's ID number masked unless the role may see it, the balance and overdue days from ``credit.facts``."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Capability
from credit import facts, rules
from credit.choices import LoanStatus
from credit.models import MicroLoan
from geo.codes import AreaLevel, prefix_of
from geo.parameters import parameter
from households.choices import HouseholdFlagKind
from households.facts import exited_on_q
from ledgers.base import Context, LedgerDef
from ledgers.catalogue.cells import C, K, attr, id_number, place, shown
from monitoring.facts import in_monitoring_q


def _loans(user: User) -> QuerySet[MicroLoan]:
    # The two halves of the NR-LOAN-01 fact (``monitoring.facts.exited_or_monitored`` with the borrowing
    # categories), kept apart because the column names which half the household meets today.
    today = timezone.localdate()
    return (
        MicroLoan.objects.visible_to(user)
        .select_related("household__managing_area__parent", "borrower")
        .prefetch_related("repayments")
        .annotate(
            exited=exited_on_q(today, path="household__"),
            marginal=in_monitoring_q(today, rules.BORROWING_CATEGORIES, path="household__"),
        )
    )


def _category(loan: MicroLoan, ctx: Context) -> str:
    """The borrower household's standing under NR-LOAN-01 today."""
    if getattr(loan, "exited", False):
        return str(HouseholdFlagKind.EXITED_POOR.label)
    if getattr(loan, "marginal", False):
        return str(_("边缘易致贫户"))
    return ""


def _subsidy_pct(loan: MicroLoan, ctx: Context) -> Decimal:
    """NR-LOAN-06: the share of the interest subsidised in the export's year (the contract's last year once it has
    ended); 0 for a contract wholly above the household's subsidised 50,000 (NR-LOAN-09)."""
    if loan.subsidised_amount <= 0:
        return Decimal(0)
    code = loan.household.managing_area.code
    schedule = ctx.once(
        ("loan.subsidy_schedule", prefix_of(code, AreaLevel.COUNTY)),
        lambda: parameter("loan.subsidy_schedule", area_code=code, on=max(ctx.today, datetime.date(2021, 1, 1))),
    )
    year = max(min(ctx.today.year, loan.maturity.year), loan.signed_on.year)
    return rules.subsidy_pct(year, schedule=schedule)


LOANS = LedgerDef(
    code="L-10",
    stock=True,
    title=_("小额信贷台账"),
    basis="SPEC §13.1 L-10, §11.1; 003 L1568",
    capability=Capability.VIEW_PROGRAMMES,
    columns=(
        *place(lambda loan: loan.household.managing_area),
        attr("户编号", 20, "household.household_no", K.ID),
        attr("借款人", 10, "borrower.name"),
        id_number("身份证号", lambda loan: loan.borrower.id_number),
        C("户类别", 12, value=_category),
        attr("贷款银行", 24, "bank"),
        attr("合同编号", 20, "contract_no", K.ID),
        shown("贷款类型", 10, "kind"),
        attr("贷款金额（元）", 14, "amount", K.MONEY),
        attr("签约日期", 12, "signed_on", K.DATE),
        attr("到期日期", 12, "maturity", K.DATE),
        attr("年利率（%）", 8, "rate", K.PCT),
        attr("享受贴息金额（元）", 14, "subsidised_amount", K.MONEY),
        C("贴息比例（%）", 8, K.PCT, value=_subsidy_pct),
        C("贷款余额（元）", 14, K.MONEY, value=lambda loan, ctx: facts.balance(loan)),
        C("逾期天数", 8, K.DAYS, value=lambda loan, ctx: facts.days_overdue(loan, ctx.today) or None),
        C("状态", 12, value=lambda loan, ctx: str(LoanStatus(facts.status_shown(loan, ctx.today)).label)),
        C("失信", 6, value=lambda loan, ctx: "是" if loan.blacklisted else ""),
    ),
    queryset=_loans,
    area_path="household__managing_area__code",
    date_path="signed_on",
    categories=LoanStatus.choices,
    category_path="status",
    order=("household__household_no", "signed_on", "pk"),
    unit="笔",
)
