from collections.abc import Mapping

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.stored import StoredMessage
from geo.codes import AreaLevel
from geo.querysets import JurisdictionQuerySet
from ledgers.querysets import ExportQuerySet, ReconciliationQuerySet


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")


class LedgerExport(models.Model):
    """One export of a ledger: the audit record (who, which ledger, what scope and filters, how many rows, with or
    without full ID numbers) and, while it is kept, the file. Only its owner downloads it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT)
    ledger = models.CharField(_("台账"), max_length=8)
    title = models.CharField(_("台账名称"), max_length=100)
    area = models.ForeignKey("geo.AdminArea", verbose_name=_("范围"), on_delete=models.PROTECT, related_name="+")
    filters = models.JSONField(_("筛选条件"), default=dict)
    full_ids = models.BooleanField(_("含完整身份证号"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    total = models.PositiveIntegerField(_("预计行数"), default=0)
    done = models.PositiveIntegerField(_("已写行数"), default=0)
    file = models.FileField(_("文件"), upload_to="ledgers/%Y/%m/", blank=True)
    size = models.PositiveIntegerField(_("文件大小（字节）"), default=0)
    sha256 = models.CharField(_("文件校验值（SHA-256）"), max_length=64, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("导出时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # When the task was handed to the broker; empty while unsent (core.dispatch resends it).
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("文件保留至"), null=True, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("台账导出记录")
        verbose_name_plural = _("台账导出记录")
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.title} · {self.owner} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("ledgers:export-detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, round(100 * self.done / self.total)) if self.total else 0

    @property
    def running(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)


class SignLevel(models.TextChoices):
    VILLAGE = "village", _("村级")
    TOWNSHIP = "township", _("乡镇")
    COUNTY = "county", _("县级")


class FrozenQuerySet(JurisdictionQuerySet["FrozenLedger"]):
    """A frozen ledger belongs to its place: whoever's territory holds it sees it (the village that signs first,
    the township and county above)."""

    jurisdiction_fields = ("area__code",)

    # Within the territory, only the ledgers whose data the user's role sees (a screener sees no visits).
    kind_field = "ledger"

    @classmethod
    def kind_capabilities(cls) -> Mapping[str, str]:
        from ledgers.catalogue import LEDGERS

        return {code: f"accounts.{ledger.capability.value}" for code, ledger in LEDGERS.items()}


class FrozenLedger(models.Model):
    """A monthly or quarterly ledger frozen as a snapshot (SPEC §13.1, §12): its file never changes and never
    expires (the SHA-256 proves it), and it is signed off from its place up to the county: village → township →
    county. ID numbers in a frozen ledger are always masked: everyone in the chain downloads it."""

    ledger = models.CharField(_("台账"), max_length=8)
    title = models.CharField(_("台账名称"), max_length=100)
    area = models.ForeignKey("geo.AdminArea", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("统计期"), max_length=7)  # "2026-11" or "2026-Q4"
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    export = models.OneToOneField(LedgerExport, verbose_name=_("文件"), on_delete=models.PROTECT, related_name="frozen")
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("冻结人"), on_delete=models.PROTECT, related_name="+"
    )
    frozen_at = models.DateTimeField(_("冻结时间"), auto_now_add=True)

    objects = FrozenQuerySet.as_manager()

    class Meta:
        verbose_name = _("冻结台账")
        verbose_name_plural = _("冻结台账")
        ordering = ["-end", "ledger", "area__code"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["ledger", "area", "period"], name="ledgers_one_snapshot_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.area.name}{self.title} {self.period}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("ledgers:frozen-detail", args=[self.pk])


class SignOff(models.Model):
    """One level's signature on a frozen ledger (append-only: a signature is never changed or withdrawn)."""

    frozen = models.ForeignKey(
        FrozenLedger, verbose_name=_("冻结台账"), on_delete=models.PROTECT, related_name="signoffs"
    )
    level = models.CharField(_("层级"), max_length=10, choices=SignLevel.choices)
    area = models.ForeignKey("geo.AdminArea", verbose_name=_("签核单位"), on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签核人"), on_delete=models.PROTECT)
    signed_at = models.DateTimeField(_("签核时间"), auto_now_add=True)
    note = models.TextField(_("签核意见"), blank=True)

    class Meta:
        verbose_name = _("台账签核")
        verbose_name_plural = _("台账签核")
        ordering = ["frozen", "signed_at", "pk"]
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["frozen", "level"], name="ledgers_one_signature_per_level")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.signed_by}"


class ReconciliationStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("核对中")
    DONE = "done", _("已完成")
    REJECTED = "rejected", _("文件有误")
    FAILED = "failed", _("失败")


class Reconciliation(StoredMessage):
    """One comparison of a national-system extract with the registry of an area (账账相符), run by a worker
    (``ledgers.reconcile``): the counts, the first differences for the page and the full report as Excel. Its
    owner's alone, like an export, and only while the area is theirs. The uploaded extract is kept only until the
    worker has read it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核对人"), on_delete=models.PROTECT)
    area = models.ForeignKey("geo.AdminArea", verbose_name=_("核对范围"), on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("全国系统导出文件"), upload_to="ledgers/reconcile/uploads/%Y/%m/", blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReconciliationStatus.choices, default=ReconciliationStatus.QUEUED
    )
    # When the task was handed to the broker; empty while unsent (core.dispatch resends it).
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("预计行数"), default=0)  # the sheet's own estimate, for the bar
    processed_rows = models.PositiveIntegerField(_("已读行数"), default=0)
    summary = models.JSONField(_("核对结果"), default=dict)
    listed = models.JSONField(_("差异（前 200 条）"), default=list)
    errors = models.JSONField(_("文件中有误的行"), default=list)
    message = models.CharField(_("说明"), max_length=500, blank=True)  # why a file was rejected or a run failed
    full_ids = models.BooleanField(_("含完整身份证号"), default=False)
    report = models.FileField(_("差异报告"), upload_to="ledgers/reconcile/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("核对时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ReconciliationQuerySet.as_manager()

    class Meta:
        verbose_name = _("与全国系统核对")
        verbose_name_plural = _("与全国系统核对")
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.area.name} · {self.original_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("ledgers:reconcile-detail", args=[self.pk])

    @property
    def matched(self) -> bool:
        s = self.summary
        return self.status == ReconciliationStatus.DONE and not (
            s.get("only_in_file") or s.get("only_in_registry") or s.get("differing") or s.get("errors")
        )

    @property
    def running(self) -> bool:
        return self.status in (ReconciliationStatus.QUEUED, ReconciliationStatus.RUNNING)


class AreaCounts(models.Model):
    """The numbers of one managing area (a village or a group) counted from the household facts and the monitoring
    records by a beat job (``ledgers.counts``): home pages and dashboards sum these rows over a user's territory
    instead of recomputing over the registry, and say when they were counted."""

    area = models.OneToOneField(
        "geo.AdminArea",
        verbose_name=_("区划"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        db_constraint=False,  # rebuilt whole by the count: no constraint to check per row
    )
    counted_at = models.DateTimeField(_("统计时间"))
    households = models.PositiveIntegerField(_("在册户数"), default=0)
    people = models.PositiveIntegerField(_("在户人数"), default=0)
    income_missing = models.PositiveIntegerField(_("上年度收入未录入完整的户数"), default=0)
    head_missing = models.PositiveIntegerField(_("无户主的户数"), default=0)
    risk_flagged = models.PositiveIntegerField(_("走访发现风险待识别户数"), default=0)
    visits_overdue = models.PositiveIntegerField(_("逾期未走访户数"), default=0)
    monitored = models.PositiveIntegerField(_("监测户数"), default=0)
    unstable_exited = models.PositiveIntegerField(_("脱贫不稳定户"), default=0)
    marginal_at_risk = models.PositiveIntegerField(_("边缘易致贫户"), default=0)
    sudden_hardship = models.PositiveIntegerField(_("突发严重困难户"), default=0)
    exited_households = models.PositiveIntegerField(_("脱贫户"), default=0)
    returned_people = models.PositiveIntegerField(_("返贫致贫人口"), default=0)
    insured_people = models.PositiveIntegerField(_("参加基本医疗保险人数"), default=0)
    school_age = models.PositiveIntegerField(_("义务教育适龄人数"), default=0)
    school_age_out = models.PositiveIntegerField(_("义务教育适龄未在校人数"), default=0)
    centralized_water = models.PositiveIntegerField(_("集中供水户数"), default=0)
    without_measures = models.PositiveIntegerField(_("超期未落实帮扶措施的监测对象"), default=0)
    elimination_candidates = models.PositiveIntegerField(_("可研判风险消除的监测对象"), default=0)
    lookbacks_due = models.PositiveIntegerField(_("到期回头看"), default=0)
    unstable_people = models.PositiveIntegerField(_("脱贫不稳定户人口"), default=0)
    marginal_people = models.PositiveIntegerField(_("边缘易致贫户人口"), default=0)
    sudden_people = models.PositiveIntegerField(_("突发严重困难户人口"), default=0)
    problems_open = models.PositiveIntegerField(_("未销号问题"), default=0)
    problems_overdue = models.PositiveIntegerField(_("逾期未销号问题"), default=0)
    problems_closed_this_year = models.PositiveIntegerField(_("本年已销号问题"), default=0)
    # Breakdowns the dashboard charts: {risk type: households}, {"YYYY-MM": households} for the last 24 months,
    # {measure type: {"running": n, "delivered": n, "total": n}}.
    risks = models.JSONField(_("按风险类型"), default=dict)
    entered_by_month = models.JSONField(_("各月纳入监测"), default=dict)
    eliminated_by_month = models.JSONField(_("各月风险消除"), default=dict)
    measures = models.JSONField(_("按措施类型"), default=dict)

    class Meta:
        verbose_name = _("区划统计")
        verbose_name_plural = _("区划统计")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.area_id} @ {self.counted_at:%Y-%m-%d %H:%M}"


# ------------------------------------------------------------------------------ indicators (SPEC §13.2, §13.3)


class KpiComparator(models.TextChoices):
    """How an indicator's actual value is held against its target (SPEC §13.2)."""

    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"
    EQ = "eq", "="
    DYNAMIC_ZERO = "dynamic_zero", _("动态清零")
    FULL_COVERAGE = "full_coverage", _("全覆盖")


class KpiAttribute(models.TextChoices):
    BINDING = "binding", _("约束性")
    INDICATIVE = "indicative", _("预期性")


class KpiSource(models.TextChoices):
    COMPUTED = "computed", _("系统计算")
    ENTERED = "entered", _("填报")


class KpiPeriod(models.TextChoices):
    """How often an entered indicator is reported; its values' periods read "2026", "2026-Q4" or "2026-11"."""

    YEAR = "year", _("年度")
    QUARTER = "quarter", _("季度")
    MONTH = "month", _("月度")


class KpiIndicator(models.Model):
    """An indicator of a plan (SPEC §13.2): what is measured, how it is held against its target and where its
    actual value comes from — computed by the registry (``computation`` names the function in
    ``ledgers.indicators.registry``) or entered by the county or province. Targets are rows of ``KpiTarget``."""

    code = models.CharField(_("指标编号"), max_length=32, unique=True)
    name = models.CharField(_("指标名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=40)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    comparator = models.CharField(_("达标条件"), max_length=16, choices=KpiComparator.choices)
    level = models.CharField(_("考核层级"), max_length=10, choices=AreaLevel.choices, default=AreaLevel.COUNTY)
    period = models.CharField(_("填报周期"), max_length=10, choices=KpiPeriod.choices, default=KpiPeriod.YEAR)
    attribute = models.CharField(_("指标属性"), max_length=12, choices=KpiAttribute.choices)
    source = models.CharField(_("数据来源"), max_length=10, choices=KpiSource.choices, default=KpiSource.ENTERED)
    computation = models.CharField(_("计算方法"), max_length=40, blank=True)
    baseline = models.DecimalField(_("基期值"), max_digits=16, decimal_places=4, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("基期年份"), null=True, blank=True)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    on_dashboard = models.BooleanField(_("在数据看板显示"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(source="computed") & ~models.Q(computation=""))
                | (models.Q(source="entered") & models.Q(computation="")),
                name="ledgers_kpi_computed_names_its_computation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


class KpiTarget(models.Model):
    """The target of an indicator for a year; ``area`` empty is the default everywhere, a province's or county's
    row overrides it there (the most specific area wins, as with the policy parameters). Targets may be words
    ("动态清零", "全部乡镇区域")."""

    indicator = models.ForeignKey(
        KpiIndicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("目标年份"))
    area = models.ForeignKey(
        "geo.AdminArea",
        verbose_name=_("适用区划"),
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("留空为所有地区的默认目标"),
    )
    value = models.CharField(_("目标值"), max_length=40)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指标目标")
        verbose_name_plural = _("指标目标")
        ordering = ["indicator", "year", "area"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "area"], name="ledgers_one_target_per_area_year"),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=models.Q(area__isnull=True),
                name="ledgers_one_default_target_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"


class KpiValueQuerySet(JurisdictionQuerySet["KpiValue"]):
    jurisdiction_fields = ("area__code",)


class KpiValue(models.Model):
    """An entered actual value of an indicator for an area and a period. Append-only: a correction is a newer row,
    and the latest entered row of a period is the one shown."""

    indicator = models.ForeignKey(
        KpiIndicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="entered_values"
    )
    area = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("区划"), to_field="code", on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("统计期"), max_length=7)  # "2026", "2026-Q4" or "2026-11"
    value = models.DecimalField(_("实际值"), max_digits=16, decimal_places=4)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    objects = KpiValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标填报值")
        verbose_name_plural = _("指标填报值")
        ordering = ["-entered_at", "-pk"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["indicator", "area", "period"], name="ledgers_kpivalue_lookup")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.area_id} {self.period}: {self.value}"
