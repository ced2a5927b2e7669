"""Microcredit for the exited-poverty population (脱贫人口小额信贷, SPEC §11.1): the loan contract, its repayments and
its status trail. The balance, the subsidy by year and "overdue" are derived (``credit.facts``), never typed."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from credit.choices import LoanKind, LoanPurpose, LoanStatus
from credit.querysets import LoanQuerySet, RepaymentQuerySet


class MicroLoan(models.Model):
    """One loan contract of a household (户借、户用、户还, NR-LOAN-07), signed by one member (NR-LOAN-08). Changed
    only through ``credit.services``, which check NR-LOAN-01…12 (``credit.rules``)."""

    household = models.ForeignKey(
        "households.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="micro_loans"
    )
    borrower = models.ForeignKey(
        "households.HouseholdMember", verbose_name=_("借款人"), on_delete=models.PROTECT, related_name="micro_loans"
    )
    bank = models.CharField(_("贷款银行"), max_length=100)
    contract_no = models.CharField(_("合同编号"), max_length=60)
    kind = models.CharField(_("贷款类型"), max_length=12, choices=LoanKind.choices, default=LoanKind.NEW)
    # The contract a renewal follows or an extension continues (NR-LOAN-10): its terms are kept.
    previous = models.ForeignKey(
        "self", verbose_name=_("原贷款合同"), on_delete=models.PROTECT, null=True, blank=True, related_name="followers"
    )
    amount = models.DecimalField(_("贷款金额（元）"), max_digits=12, decimal_places=2)
    # NR-LOAN-09: the part of the household's total above 50,000 carries no interest subsidy; fixed at signing.
    subsidised_amount = models.DecimalField(_("享受贴息金额（元）"), max_digits=12, decimal_places=2)
    signed_on = models.DateField(_("签约日期"))
    maturity = models.DateField(_("到期日期"))
    rate = models.DecimalField(_("年利率（%）"), max_digits=5, decimal_places=2)
    # NR-LOAN-04: the LPR of the contract's term on the signing day, as the bank quoted it (1-year LPR for a term up
    # to one year, 5-year-plus LPR beyond).
    lpr = models.DecimalField(_("参照LPR（%）"), max_digits=5, decimal_places=2)
    purpose = models.CharField(_("贷款用途"), max_length=20, choices=LoanPurpose.choices)
    purpose_note = models.CharField(_("用途说明"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=LoanStatus.choices, default=LoanStatus.ACTIVE)
    closed_on = models.DateField(_("结清/终止日期"), null=True, blank=True)
    # NR-LOAN-11: malicious default puts the borrower on the list of dishonest debtors (失信债务人名单).
    blacklisted = models.BooleanField(_("列入失信名单"), default=False)
    blacklisted_on = models.DateField(_("列入失信日期"), null=True, blank=True)
    blacklist_reason = models.CharField(_("失信原因"), max_length=200, blank=True)
    measure = models.OneToOneField(
        "monitoring.AssistanceMeasure",
        verbose_name=_("帮扶措施"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="micro_loan",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = LoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("小额信贷")
        verbose_name_plural = _("小额信贷")
        ordering = ["-signed_on", "-pk"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["bank", "contract_no"], name="credit_one_contract_per_bank"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="credit_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(subsidised_amount__gte=0, subsidised_amount__lte=models.F("amount")),
                name="credit_subsidised_within_amount",
            ),
            models.CheckConstraint(condition=models.Q(maturity__gt=models.F("signed_on")), name="credit_term_positive"),
            models.CheckConstraint(
                condition=models.Q(blacklisted=False) | models.Q(blacklisted_on__isnull=False),
                name="credit_blacklist_dated",
            ),
        ]
        indexes = [models.Index(fields=["status", "maturity"], name="credit_loan_status_maturity")]

    def __str__(self) -> str:
        return f"{self.bank} {self.contract_no}"

    def get_absolute_url(self) -> str:
        return reverse("credit:loan-detail", args=[self.pk])


class LoanRepayment(models.Model):
    """A repayment of principal and interest on a day (还款记录); the balance is the amount less the principal
    repaid (``credit.facts.balance``)."""

    loan = models.ForeignKey(MicroLoan, verbose_name=_("贷款"), on_delete=models.PROTECT, related_name="repayments")
    paid_on = models.DateField(_("还款日期"))
    principal = models.DecimalField(_("归还本金（元）"), max_digits=12, decimal_places=2)
    interest = models.DecimalField(_("支付利息（元）"), max_digits=12, decimal_places=2, default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = RepaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("还款记录")
        verbose_name_plural = _("还款记录")
        ordering = ["loan", "paid_on", "pk"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(principal__gte=0, interest__gte=0), name="credit_repayment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.principal}"


class LoanEvent(models.Model):
    """Append-only trail of a loan's status (STYLE rule 6): signed, repaid, extended, converted, written off,
    blacklisted."""

    loan = models.ForeignKey(MicroLoan, verbose_name=_("贷款"), on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("办理人"), on_delete=models.PROTECT, null=True, blank=True
    )
    comment = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("贷款状态记录")
        verbose_name_plural = _("贷款状态记录")
        ordering = ["loan", "at", "pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.loan} {self.from_status}→{self.to_status}"
