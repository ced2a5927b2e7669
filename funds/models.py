from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from funds.choices import FundCategory, FundLevel, FundUse
from funds.querysets import AllocationQuerySet, BatchQuerySet, DisbursementQuerySet
from projects.choices import FundingSource


class FundBatch(models.Model):
    """Linkage funds issued to a county (资金下达, SPEC §9.1, §9.2): year, level, source, category, document and
    amount. Money is Decimal to the fen. Changed only through ``funds.services``."""

    county = models.ForeignKey("geo.AdminArea", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("资金年度"))
    level = models.CharField(_("下达层级"), max_length=10, choices=FundLevel.choices)
    source = models.CharField(_("资金来源"), max_length=32, choices=FundingSource.choices)
    category = models.CharField(_("资金类别"), max_length=32, choices=FundCategory.choices)
    document_no = models.CharField(_("文号"), max_length=100)
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    issued_on = models.DateField(_("下达日期"))
    # NR-FUND-06: the share the year's budget-indicator document demands, when it states one (SPEC §15 C-14).
    industry_share_required = models.DecimalField(
        _("文件要求产业资金占比（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # NR-FUND-05 (003 L1414): what the issuing level kept back as project management fee; a city keeps nothing.
    fee_withheld = models.DecimalField(
        _("上级提取项目管理费（元）"), max_digits=16, decimal_places=2, default=Decimal(0)
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金下达")
        verbose_name_plural = _("资金下达")
        ordering = ["-year", "-issued_on", "pk"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="funds_batch_positive"),
            models.CheckConstraint(condition=models.Q(fee_withheld__gte=0), name="funds_fee_not_negative"),
            models.UniqueConstraint(fields=["county", "document_no", "source"], name="funds_one_batch_per_document"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_source_display()} {self.document_no}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("funds:batch-detail", args=[self.pk])


class FundAllocation(models.Model):
    """Money of a batch given to a library project for one use (SPEC §9.2, §9.3). NR-PRJ-02: library projects only;
    NR-FUND-01: no banned use."""

    batch = models.ForeignKey(
        FundBatch, verbose_name=_("资金批次"), on_delete=models.PROTECT, related_name="allocations"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="allocations"
    )
    use = models.CharField(_("资金用途"), max_length=32, choices=FundUse.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    allocated_on = models.DateField(_("分配日期"))
    document_no = models.CharField(_("文号"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT)
    history = HistoricalRecords()

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金分配")
        verbose_name_plural = _("资金分配")
        ordering = ["batch", "pk"]
        default_permissions = ("view",)
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="funds_allocation_positive")]

    def __str__(self) -> str:
        return f"{self.project} · {self.amount}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("funds:allocation-detail", args=[self.pk])


class Disbursement(models.Model):
    """A payment against an allocation (资金支付, SPEC §9.6)."""

    allocation = models.ForeignKey(
        FundAllocation, verbose_name=_("资金分配"), on_delete=models.PROTECT, related_name="disbursements"
    )
    paid_on = models.DateField(_("支付日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    payee = models.CharField(_("收款单位"), max_length=100)
    voucher_no = models.CharField(_("凭证号"), max_length=60)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT)
    history = HistoricalRecords()

    objects = DisbursementQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金支付")
        verbose_name_plural = _("资金支付")
        ordering = ["allocation", "paid_on", "pk"]
        default_permissions = ("view",)
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="funds_payment_positive")]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"
