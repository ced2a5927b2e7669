"""Public-welfare posts (公益性岗位, SPEC §11.4): "按需设岗、以岗聘任、在岗领补、有序退岗" — a post set up by need in a
village, holders hired to it, a subsidy paid for each month in post with its attendance, and an orderly exit. Rows are
never deleted: an ended hire keeps its attendance and payments."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from welfare_posts.choices import Assessment, ExitReason, PostFunding, PostType, PriorityBasis
from welfare_posts.querysets import AttendanceQuerySet, HireQuerySet, PaymentQuerySet, PostQuerySet


class WelfarePost(models.Model):
    """A post of a village (按需设岗): its type, who pays, the monthly subsidy and how many people it takes."""

    village = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="welfare_posts"
    )
    name = models.CharField(_("岗位名称"), max_length=100)
    post_type = models.CharField(_("岗位类型"), max_length=20, choices=PostType.choices)
    funding_source = models.CharField(_("资金来源"), max_length=20, choices=PostFunding.choices)
    monthly_subsidy = models.DecimalField(_("月补贴标准（元）"), max_digits=10, decimal_places=2)
    positions = models.PositiveSmallIntegerField(_("岗位数"))
    need = models.TextField(_("设岗依据"))
    created_on = models.DateField(_("设岗日期"))
    active = models.BooleanField(_("在用"), default=True)
    closed_on = models.DateField(_("撤岗日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("公益性岗位")
        verbose_name_plural = _("公益性岗位")
        ordering = ["village__code", "name", "pk"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(condition=models.Q(monthly_subsidy__gt=0), name="welfare_posts_subsidy_positive"),
            models.CheckConstraint(condition=models.Q(positions__gte=1), name="welfare_posts_positions_positive"),
            models.CheckConstraint(
                condition=models.Q(active=True, closed_on__isnull=True)
                | models.Q(active=False, closed_on__isnull=False),
                name="welfare_posts_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_post_type_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("welfare_posts:post-detail", args=[self.pk])


class PostHire(models.Model):
    """A person hired to a post (以岗聘任) from ``hired_on`` until an orderly exit (有序退岗) on ``ended_on``. One
    person holds one post at a time (``welfare_posts_one_post_each``)."""

    post = models.ForeignKey(WelfarePost, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="hires")
    member = models.ForeignKey(
        "households.HouseholdMember", verbose_name=_("上岗人员"), on_delete=models.PROTECT, related_name="post_hires"
    )
    hired_on = models.DateField(_("上岗日期"))
    ended_on = models.DateField(_("退岗日期"), null=True, blank=True)
    priority_basis = models.CharField(_("优先安置类别"), max_length=20, choices=PriorityBasis.choices)
    # Written when a person who is not a priority person is hired while a priority person of the village waits.
    priority_waiver = models.TextField(_("未优先安置的理由"), blank=True)
    exit_reason = models.CharField(_("退岗原因"), max_length=20, choices=ExitReason.choices, blank=True)
    exit_note = models.TextField(_("退岗说明"), blank=True)
    measure = models.OneToOneField(
        "monitoring.AssistanceMeasure",
        verbose_name=_("帮扶措施"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="post_hire",
    )
    hired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("聘任登记人"), on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("退岗登记人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = HireQuerySet.as_manager()

    class Meta:
        verbose_name = _("公益性岗位聘任")
        verbose_name_plural = _("公益性岗位聘任")
        ordering = ["post", "hired_on", "pk"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(ended_on__isnull=True), name="welfare_posts_one_post_each"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("hired_on")),
                name="welfare_posts_hire_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True, exit_reason="")
                | (models.Q(ended_on__isnull=False) & ~models.Q(exit_reason="")),
                name="welfare_posts_exit_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.post}"

    def get_absolute_url(self) -> str:
        return reverse("welfare_posts:hire-detail", args=[self.pk])

    @property
    def in_post(self) -> bool:
        return self.ended_on is None


class PostAttendance(models.Model):
    """A holder's month: days worked and the month's assessment. ``month`` is the first day of the month."""

    hire = models.ForeignKey(PostHire, verbose_name=_("聘任"), on_delete=models.PROTECT, related_name="attendance")
    month = models.DateField(_("月份"))
    days_worked = models.PositiveSmallIntegerField(_("出勤天数"))
    assessment = models.CharField(_("考核结果"), max_length=12, choices=Assessment.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("公益性岗位考勤")
        verbose_name_plural = _("公益性岗位考勤")
        ordering = ["hire", "month"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["hire", "month"], name="welfare_posts_one_attendance_per_month"),
            models.CheckConstraint(condition=models.Q(days_worked__lte=31), name="welfare_posts_days_le_31"),
        ]

    def __str__(self) -> str:
        return f"{self.hire} {self.month:%Y-%m}"


class PostPayment(models.Model):
    """The subsidy of one month (在岗领补): at most the post's monthly subsidy, once, for a month with attendance."""

    hire = models.ForeignKey(PostHire, verbose_name=_("聘任"), on_delete=models.PROTECT, related_name="payments")
    month = models.DateField(_("补贴月份"))
    amount = models.DecimalField(_("补贴金额（元）"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("发放日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("公益性岗位补贴发放")
        verbose_name_plural = _("公益性岗位补贴发放")
        ordering = ["hire", "month"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["hire", "month"], name="welfare_posts_one_payment_per_month"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="welfare_posts_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.hire} {self.month:%Y-%m} {self.amount}"
