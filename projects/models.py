from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.stored import StoredComment
from projects.choices import (
    AssetClass,
    AssetNature,
    AssetOwnerKind,
    AssetStatus,
    DisclosureStage,
    FundingSource,
    IncomeUse,
    LinkageMode,
    OperatingMode,
    ProjectStatus,
)
from projects.querysets import (
    AssetPartQuerySet,
    AssetQuerySet,
    DistributionQuerySet,
    ProjectPartQuerySet,
    ProjectQuerySet,
)


class ProjectCategory(models.Model):
    """The project classification (SPEC §8.2: Ningxia "8大类22个二级项目80个子类型"), a tree an administrator keeps.
    A project is classified at a leaf. ``banned`` types are refused at entry (NR-PRJ-04); ``is_industry`` counts
    towards the industry share of the funds (NR-FUND-06/07); ``requires_benefit_linkage`` marks support for business
    entities, which must be linked with exited households (NR-PRJ-03)."""

    code = models.CharField(_("分类代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级分类"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    is_industry = models.BooleanField(_("产业发展类"), default=False)
    requires_benefit_linkage = models.BooleanField(_("须与脱贫户建立利益联结"), default=False)
    banned = models.BooleanField(_("禁止入库"), default=False, help_text=_("如美化、绿化、亮化（NR-PRJ-04）"))
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目分类")
        verbose_name_plural = _("项目分类")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Project(models.Model):
    """A project of the county library (SPEC §8): its ``status`` changes only in ``projects.services``; every change
    leaves a ``ProjectEvent``. Its place is a village or a township (``area``)."""

    code = models.CharField(_("项目编号"), max_length=30, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("项目年度"))
    category = models.ForeignKey(ProjectCategory, verbose_name=_("项目类别"), on_delete=models.PROTECT)
    area = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("建设地点"), on_delete=models.PROTECT, related_name="projects"
    )
    implementing_unit = models.CharField(_("实施单位"), max_length=100)
    responsible_unit = models.CharField(_("主管部门"), max_length=100, blank=True)
    content = models.TextField(_("建设内容"))
    planned_start = models.DateField(_("计划开工"))
    planned_end = models.DateField(_("计划完工"))
    benefits_business_entity = models.BooleanField(_("扶持新型经营主体"), default=False)
    is_work_relief = models.BooleanField(_("以工代赈"), default=False)
    work_relief_posts = models.PositiveIntegerField(_("用工岗位数"), default=0)
    posts_for_groups = models.PositiveIntegerField(_("其中吸纳三类人员"), default=0)
    labour_pay = models.DecimalField(_("劳务报酬（元）"), max_digits=14, decimal_places=2, default=Decimal(0))
    status = models.CharField(_("状态"), max_length=32, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED)
    closing_reason = models.TextField(_("未通过/撤回原因"), blank=True)
    implementation_plan = models.TextField(_("实施方案"), blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    evaluation = models.TextField(_("绩效评价"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申报人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-year", "code"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")), name="projects_period"
            ),
            models.CheckConstraint(
                condition=models.Q(posts_for_groups__lte=models.F("work_relief_posts")), name="projects_posts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:project-detail", args=[self.pk])


class ProjectFunding(models.Model):
    """The planned investment of a project by source (SPEC §8.9)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="fundings")
    source = models.CharField(_("资金来源"), max_length=32, choices=FundingSource.choices)
    amount = models.DecimalField(_("计划投资（元）"), max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目资金来源")
        verbose_name_plural = _("项目资金来源")
        ordering = ["project", "source"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="projects_one_row_per_source"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="projects_funding_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.amount}"


class PerformanceTarget(models.Model):
    """A performance target (绩效目标): without one a project does not enter the library (NR-PRJ-01)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("绩效指标"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    target_value = models.CharField(_("目标值"), max_length=50)
    actual_value = models.CharField(_("完成值"), max_length=50, blank=True)
    history = HistoricalRecords()

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("绩效目标")
        verbose_name_plural = _("绩效目标")
        ordering = ["project", "pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.indicator} {self.target_value}{self.unit}"


class ProjectBeneficiary(models.Model):
    """A household the project benefits, and how (带贫益贫, SPEC §8.5)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="beneficiaries")
    household = models.ForeignKey(
        "households.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="project_benefits"
    )
    linkage_mode = models.CharField(_("联结方式"), max_length=20, choices=LinkageMode.choices)
    expected_income = models.DecimalField(_("预计年增收（元）"), max_digits=12, decimal_places=2, default=Decimal(0))
    actual_income = models.DecimalField(_("实际增收（元）"), max_digits=12, decimal_places=2, null=True, blank=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("受益农户")
        verbose_name_plural = _("受益农户")
        ordering = ["project", "pk"]
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["project", "household"], name="projects_one_benefit_each")]

    def __str__(self) -> str:
        return f"{self.household} · {self.get_linkage_mode_display()}"


class ProjectEvent(StoredComment):
    """Append-only trail of a project's lifecycle (SPEC §8.3)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(_("原状态"), max_length=32, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=32, choices=ProjectStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), on_delete=models.PROTECT)
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目办理记录")
        verbose_name_plural = _("项目办理记录")
        ordering = ["at", "pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.project_id} {self.from_status}→{self.to_status}"


class ProjectDisclosure(models.Model):
    """A public notice of a project (三公示一公告, SPEC §8.8): where, from when to when (≥ ``notice.project_days``)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="disclosures")
    stage = models.CharField(_("公示环节"), max_length=24, choices=DisclosureStage.choices)
    places = models.CharField(_("公示地点"), max_length=200)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示结束"))
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("张贴人"), on_delete=models.PROTECT)
    objections = models.TextField(_("群众意见"), blank=True)

    objects = ProjectPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目公示")
        verbose_name_plural = _("项目公示")
        ordering = ["project", "starts_on"]
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="projects_one_notice_per_stage")]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_stage_display()}"


class ProjectAsset(models.Model):
    """An asset a completed project formed (扶贫项目资产, SPEC §10): class, nature, owner, custodian, operation."""

    project = models.ForeignKey(Project, verbose_name=_("来源项目"), on_delete=models.PROTECT, related_name="assets")
    code = models.CharField(_("资产编号"), max_length=30, unique=True)
    name = models.CharField(_("资产名称"), max_length=200)
    asset_class = models.CharField(_("资产类别"), max_length=20, choices=AssetClass.choices)
    nature = models.CharField(_("资产性质"), max_length=20, choices=AssetNature.choices)
    area = models.ForeignKey("geo.AdminArea", verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="+")
    owner_kind = models.CharField(_("所有权人类型"), max_length=20, choices=AssetOwnerKind.choices)
    owner_name = models.CharField(_("所有权人"), max_length=100)
    custodian = models.CharField(_("管护责任人"), max_length=100, blank=True)
    operating_mode = models.CharField(_("经营方式"), max_length=16, choices=OperatingMode.choices, blank=True)
    operator = models.CharField(_("经营主体"), max_length=100, blank=True)
    value = models.DecimalField(_("资产价值（元）"), max_digits=14, decimal_places=2)
    transferred_on = models.DateField(_("移交日期"))
    status = models.CharField(_("状态"), max_length=12, choices=AssetStatus.choices, default=AssetStatus.IN_USE)
    history = HistoricalRecords()

    objects = AssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目资产")
        verbose_name_plural = _("项目资产")
        ordering = ["code"]
        default_permissions = ("view",)
        constraints = [models.CheckConstraint(condition=models.Q(value__gte=0), name="projects_asset_value")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:asset-detail", args=[self.pk])


class AssetIncome(models.Model):
    """Income an operating asset earned (资产收益, SPEC §10)."""

    asset = models.ForeignKey(ProjectAsset, verbose_name=_("资产"), on_delete=models.PROTECT, related_name="incomes")
    period = models.CharField(_("收益期间"), max_length=20)
    amount = models.DecimalField(_("收益金额（元）"), max_digits=14, decimal_places=2)
    received_on = models.DateField(_("到账日期"))
    history = HistoricalRecords()

    objects = AssetPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("资产收益")
        verbose_name_plural = _("资产收益")
        ordering = ["asset", "-received_on"]
        default_permissions = ("view",)
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="projects_income_positive")]

    def __str__(self) -> str:
        return f"{self.asset} {self.period} {self.amount}"


class AssetDistribution(models.Model):
    """How an income was used (SPEC §10 ``AssetIncomeUse``): preferably through paid labour, never simple handing out
    of cash to households (NR-ASSET-01)."""

    income = models.ForeignKey(AssetIncome, verbose_name=_("收益"), on_delete=models.PROTECT, related_name="uses")
    use = models.CharField(_("用途"), max_length=24, choices=IncomeUse.choices)
    household = models.ForeignKey(
        "households.Household", verbose_name=_("受益农户"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("发放日期"))
    labour_based = models.BooleanField(_("以劳动报酬方式发放"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = DistributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("收益分配")
        verbose_name_plural = _("收益分配")
        ordering = ["income", "paid_on"]
        default_permissions = ("view",)
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="projects_distribution_positive")]

    def __str__(self) -> str:
        return f"{self.get_use_display()} {self.amount}"
