"""Employment assistance (就业帮扶, SPEC §11.3): each working-age person of the three groups has a yearly employment
record, the services of "1 guidance, 3 offers, 1 training", subsidies computed by the rules; assistance workshops
(就业帮扶车间) with their hires. Changed only through ``employment.services``."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from employment.choices import EmploymentStatus, ServiceKind, SubsidyKind
from employment.querysets import HireQuerySet, PersonPartQuerySet, SubsidyQuerySet, WorkshopQuerySet


class EmploymentRecord(models.Model):
    """One person's employment in one year (就业信息, SPEC §11.3, L-11): updated through the year, its history kept."""

    member = models.ForeignKey(
        "households.HouseholdMember",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="employment_records",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    recorded_on = models.DateField(_("信息日期"))
    status = models.CharField(_("就业状态"), max_length=16, choices=EmploymentStatus.choices)
    place = models.CharField(_("就业地点"), max_length=100, blank=True)
    employer = models.CharField(_("就业单位"), max_length=100, blank=True)
    months_employed = models.PositiveSmallIntegerField(_("本年务工月数"), default=0, validators=[MaxValueValidator(12)])
    labour_contract = models.BooleanField(_("签订劳动合同"), default=False)
    social_insurance = models.BooleanField(_("缴纳社会保险"), default=False)
    skills = models.CharField(_("掌握技能"), max_length=100, blank=True)
    certificate = models.CharField(_("技能证书"), max_length=100, blank=True)
    wish_to_work = models.BooleanField(_("有就业意愿"), default=False)
    wish_to_train = models.BooleanField(_("有培训意愿"), default=False)
    # Set by the service from the status and the months (``rules.is_stably_employed``), never typed.
    stably_employed = models.BooleanField(_("稳定就业"), default=False)
    measure = models.OneToOneField(
        "monitoring.AssistanceMeasure",
        verbose_name=_("帮扶措施"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employment_record",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = PersonPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("就业信息")
        verbose_name_plural = _("就业信息")
        ordering = ["member", "-year"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="employment_one_record_per_year"),
            models.CheckConstraint(condition=models.Q(months_employed__lte=12), name="employment_months_le_12"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year} {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("employment:member-detail", args=[self.member_id])


class EmploymentService(models.Model):
    """One service given to a person: a career guidance, a job offer or a free training (NR-EMP-04)."""

    member = models.ForeignKey(
        "households.HouseholdMember",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="employment_services",
    )
    kind = models.CharField(_("服务类型"), max_length=12, choices=ServiceKind.choices)
    served_on = models.DateField(_("服务日期"))
    detail = models.CharField(_("服务内容"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = PersonPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("就业服务")
        verbose_name_plural = _("就业服务")
        ordering = ["member", "-served_on", "pk"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["member", "kind", "served_on"], name="employment_service_member_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.served_on}"

    def get_absolute_url(self) -> str:
        return reverse("employment:member-detail", args=[self.member_id])


class Workshop(models.Model):
    """就业帮扶车间 (SPEC §0 #143, §11.3): recognised by the county, standing in a village or a township."""

    name = models.CharField(_("车间名称"), max_length=100)
    area = models.ForeignKey("geo.AdminArea", verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="+")
    operator = models.CharField(_("经营主体"), max_length=100)
    recognised_on = models.DateField(_("认定日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("就业帮扶车间")
        verbose_name_plural = _("就业帮扶车间")
        ordering = ["area__code", "name"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("employment:workshop-detail", args=[self.pk])


class WorkshopHire(models.Model):
    """A person hired by a workshop, from a day until a day (open while employed)."""

    workshop = models.ForeignKey(Workshop, verbose_name=_("车间"), on_delete=models.PROTECT, related_name="hires")
    member = models.ForeignKey(
        "households.HouseholdMember", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="workshop_hires"
    )
    hired_on = models.DateField(_("入职日期"))
    left_on = models.DateField(_("离职日期"), null=True, blank=True)
    # NR-EMP-03 counts disabled people and the guardians or direct relatives of severely disabled people.
    disabled_or_guardian = models.BooleanField(_("残疾人或重度残疾人监护人"), default=False)
    history = HistoricalRecords()

    objects = HireQuerySet.as_manager()

    class Meta:
        verbose_name = _("车间用工")
        verbose_name_plural = _("车间用工")
        ordering = ["workshop", "hired_on", "pk"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("hired_on")),
                name="employment_hire_period_ordered",
            ),
            models.UniqueConstraint(
                fields=["workshop", "member"], condition=models.Q(left_on__isnull=True), name="employment_hire_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.workshop}"

    def get_absolute_url(self) -> str:
        return reverse("employment:workshop-detail", args=[self.workshop_id])


class EmploymentSubsidy(models.Model):
    """A subsidy granted to a person (交通补贴) or a workshop (车间奖补); the amount is the rule's, never typed."""

    kind = models.CharField(_("补贴类型"), max_length=20, choices=SubsidyKind.choices)
    member = models.ForeignKey(
        "households.HouseholdMember",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employment_subsidies",
    )
    workshop = models.ForeignKey(
        Workshop, verbose_name=_("车间"), on_delete=models.PROTECT, null=True, blank=True, related_name="subsidies"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    basis = models.CharField(_("核定依据"), max_length=200, blank=True)
    granted_on = models.DateField(_("核定日期"))
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = SubsidyQuerySet.as_manager()

    class Meta:
        verbose_name = _("就业补贴")
        verbose_name_plural = _("就业补贴")
        ordering = ["-year", "pk"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member__isnull=False, workshop__isnull=True)
                | models.Q(member__isnull=True, workshop__isnull=False),
                name="employment_subsidy_one_recipient",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="employment_subsidy_positive"),
            # NR-EMP-01: once per person per year; NR-EMP-02/03: once per workshop.
            models.UniqueConstraint(
                fields=["member", "kind", "year"],
                condition=models.Q(member__isnull=False),
                name="employment_subsidy_once_per_person_year",
            ),
            models.UniqueConstraint(
                fields=["workshop", "kind"],
                condition=models.Q(workshop__isnull=False),
                name="employment_subsidy_once_per_workshop",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    def get_absolute_url(self) -> str:
        if self.workshop_id is not None:
            return reverse("employment:workshop-detail", args=[self.workshop_id])
        return reverse("employment:member-detail", args=[self.member_id])
