"""Models of the support programme insurance (乡村振兴健康保 / 防贫保, SPEC §11.2, §12). Changed only through
``insurance.services``."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from insurance.choices import ClaimKind, ClaimStatus, Product
from insurance.querysets import ClaimEventQuerySet, ClaimQuerySet, PolicyQuerySet, ReportQuerySet


def money(label: Any, **options: Any) -> Any:
    """Yuan to the fen."""
    return models.DecimalField(label, max_digits=14, decimal_places=2, **options)


class InsurancePolicy(models.Model):
    """One person's cover by one product for one year (SPEC §11.2). The premium is split into what the person pays
    and what county finance pays: 20 + 50 = 70 for 脱贫户 and monitoring subjects, in full by the person otherwise."""

    member = models.ForeignKey(
        "households.HouseholdMember", verbose_name=_("参保人"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("保险年度"))
    product = models.CharField(_("险种"), max_length=32, choices=Product.choices)
    subsidised = models.BooleanField(_("财政补贴对象"), default=False)
    premium_individual = money(_("个人缴费（元）"), default=Decimal(0))
    premium_county = money(_("县级财政补贴（元）"), default=Decimal(0))
    sum_insured = money(_("保险金额（元）"))
    insurer = models.CharField(_("承保机构"), max_length=100)
    policy_no = models.CharField(_("保单号"), max_length=60, blank=True)
    starts_on = models.DateField(_("保险起期"))
    ends_on = models.DateField(_("保险止期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("保险保单")
        verbose_name_plural = _("保险保单")
        ordering = ["-year", "member", "product"]
        default_permissions = ("view",)
        constraints = [
            # Bulk enrolment is idempotent by this constraint: a second run for the same year adds nobody twice.
            models.UniqueConstraint(fields=["member", "year", "product"], name="insurance_one_policy_per_year"),
            models.CheckConstraint(
                condition=models.Q(premium_individual__gte=0, premium_county__gte=0), name="insurance_premium_ge_0"
            ),
            models.CheckConstraint(condition=models.Q(sum_insured__gt=0), name="insurance_sum_insured_positive"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="insurance_policy_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_product_display()} · {self.member_id}"

    def get_absolute_url(self) -> str:
        return reverse("insurance:member-detail", args=[self.member_id])

    @property
    def premium(self) -> Decimal:
        return self.premium_individual + self.premium_county


class InsuranceClaim(models.Model):
    """A claim on a policy (理赔, SPEC §11.2). The payout is computed by ``insurance.rules`` when filed, from the
    settings of that day, which the claim keeps (``tier_mode``, ``limit``, ``used_before``) so its page shows the
    same computation later. A simple claim is settled within 5 working days (001 L204)."""

    policy = models.ForeignKey(InsurancePolicy, verbose_name=_("保单"), on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(_("理赔类别"), max_length=32, choices=ClaimKind.choices)
    incident_on = models.DateField(_("出险（入院）日期"))
    filed_on = models.DateField(_("报案日期"))
    simple = models.BooleanField(_("简易案件"), default=True)
    residual_cost = money(_("大病保险后剩余目录内住院费用（元）"), default=Decimal(0))
    medical_cost = money(_("意外医疗费用（元）"), default=Decimal(0))
    assessed_amount = money(_("核定赔付金额（元）"), default=Decimal(0))
    tier_mode = models.CharField(_("分档方式"), max_length=16, blank=True)
    limit = money(_("年度赔付限额（元）"), default=Decimal(0))
    used_before = money(_("此前已用限额（元）"), default=Decimal(0))
    payout = money(_("赔付金额（元）"), default=Decimal(0))
    status = models.CharField(_("状态"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.FILED)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    refusal_reason = models.TextField(_("拒赔原因"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("保险理赔")
        verbose_name_plural = _("保险理赔")
        ordering = ["-filed_on", "-pk"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["status", "filed_on"], name="insurance_claim_open_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(residual_cost__gte=0, medical_cost__gte=0, assessed_amount__gte=0, payout__gte=0),
                name="insurance_claim_amounts_ge_0",
            ),
            models.CheckConstraint(
                condition=models.Q(filed_on__gte=models.F("incident_on")), name="insurance_claim_filed_after_incident"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filed_on}"

    def get_absolute_url(self) -> str:
        return reverse("insurance:claim-detail", args=[self.pk])


class InsuranceClaimEvent(models.Model):
    """Append-only trail of a claim (STYLE rule 6)."""

    claim = models.ForeignKey(InsuranceClaim, verbose_name=_("理赔"), on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(_("原状态"), max_length=16, choices=ClaimStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=ClaimStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), on_delete=models.PROTECT)
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ClaimEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("理赔办理记录")
        verbose_name_plural = _("理赔办理记录")
        ordering = ["at", "pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.claim_id} {self.from_status}→{self.to_status}"


class InsurerMonthlyReport(models.Model):
    """The insurer's report of last month's underwriting and payouts, due before the 10th of each month
    (SPEC §12, 001 L206), recorded by the county."""

    county = models.ForeignKey("geo.AdminArea", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("报告月份"))  # the first day of the month reported
    insurer = models.CharField(_("承保机构"), max_length=100)
    insured_people = models.PositiveIntegerField(_("承保人数"))
    premium_total = money(_("保费收入（元）"))
    claims_count = models.PositiveIntegerField(_("赔案件数"))
    payout_total = money(_("赔付金额（元）"))
    submitted_on = models.DateField(_("报送日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("承保机构月报")
        verbose_name_plural = _("承保机构月报")
        ordering = ["-month", "county", "insurer"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["county", "month", "insurer"], name="insurance_one_report_per_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="insurance_report_month_first_day"),
            models.CheckConstraint(
                condition=models.Q(premium_total__gte=0, payout_total__gte=0), name="insurance_report_amounts_ge_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.month:%Y-%m}"
