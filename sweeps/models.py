import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.roles import Department
from core.stored import StoredComment, StoredMessage
from geo.codes import AreaLevel
from sweeps.choices import (
    OPEN_PROBLEM_STATUSES,
    OPEN_WARNING_STATUSES,
    PENDING_BATCH_STATUSES,
    RECTIFYING_PROBLEM_STATUSES,
    BatchStatus,
    CampaignStatus,
    ChecklistAnswer,
    FourChecksCategory,
    GapType,
    MatchKind,
    ProblemStatus,
    RiskEventKind,
    RuleMode,
    RunStatus,
    SubjectKind,
    SweepKind,
    WarningDisposition,
    WarningStatus,
)
from sweeps.querysets import (
    BatchQuerySet,
    CampaignPartQuerySet,
    CampaignQuerySet,
    ChecklistItemQuerySet,
    ProblemQuerySet,
    ProblemRecordQuerySet,
    RiskEventQuerySet,
    RunQuerySet,
    WarningQuerySet,
    problem_open_q,
    problem_overdue_q,
    problem_rectifying_q,
    warning_open_q,
)


class SweepRun(models.Model):
    """One run of the automatable rules over a county (SPEC §7.4): who, when, scope, rule versions, counts per
    rule and per township, duration. The county is cut into one ``SweepChunk`` per township, run by separate
    tasks; the run is done when every chunk is."""

    kind = models.CharField(_("排查类型"), max_length=16, choices=SweepKind.choices)
    county = models.ForeignKey("geo.AdminArea", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    run_on = models.DateField(_("排查日期"))
    status = models.CharField(_("状态"), max_length=12, choices=RunStatus.choices, default=RunStatus.PENDING)
    rule_versions = models.JSONField(_("规则版本"), default=dict)  # {"FC-GAP-MISSED-REG-01": 1, …}
    totals = models.JSONField(_("按规则统计"), default=dict)  # {rule_id: {"hits": n, "new": n, "gone": n}}
    township_totals = models.JSONField(_("按乡镇统计"), default=dict)  # {code: {"hits": n, "new": n}}
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The event whose covered areas an event-triggered run sweeps (SPEC §7.4 ``event``); empty for the others.
    risk_event = models.ForeignKey(
        "sweeps.RiskEvent",
        verbose_name=_("风险事件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runs",
    )

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("排查运行")
        verbose_name_plural = _("排查运行")
        ordering = ["-started_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.run_on}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sweeps:run-detail", args=[self.pk])

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class SweepChunk(models.Model):
    """The part of a run for one township; safe to run twice (a redelivered or resumed task finds it done)."""

    run = models.ForeignKey(SweepRun, verbose_name=_("排查运行"), on_delete=models.CASCADE, related_name="chunks")
    township = models.ForeignKey("geo.AdminArea", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=12, choices=RunStatus.choices, default=RunStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    counts = models.JSONField(_("统计"), default=dict)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("排查分块")
        verbose_name_plural = _("排查分块")
        ordering = ["run", "township__code"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["run", "township"], name="sweeps_one_chunk_per_township")]

    def __str__(self) -> str:
        return f"{self.run} · {self.township}"


class Problem(models.Model):
    """A four-checks problem (问题清单, SPEC §7.5) found by a rule on one subject. Its ``status`` changes only in
    ``sweeps.services.problems``; every change leaves a ``ProblemEvent``. While it is open, a second run finds
    the same row (one open problem per rule and subject); a closed problem that comes back is a new problem
    linked to the old one."""

    # Read by rule (a ledger's, an event's problems); the explicit index below spares the LIKE copy Django adds.
    rule_id = models.CharField(_("规则编号"), max_length=40)
    rule_version = models.PositiveSmallIntegerField(_("规则版本"))
    category = models.CharField(_("类别"), max_length=16, choices=FourChecksCategory.choices)
    gap_type = models.CharField(_("四漏类型"), max_length=24, choices=GapType.choices, blank=True)
    mode = models.CharField(_("检出方式"), max_length=8, choices=RuleMode.choices, default=RuleMode.AUTO)
    title = models.CharField(_("问题"), max_length=200)
    subject_kind = models.CharField(_("对象类型"), max_length=12, choices=SubjectKind.choices)
    subject_key = models.CharField(_("对象"), max_length=40)  # "household:17", "member:402", "village:88"
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("农户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    member = models.ForeignKey(
        "households.HouseholdMember",
        verbose_name=_("成员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        db_index=False,
    )
    monitoring_subject = models.ForeignKey(
        "monitoring.MonitoringSubject",
        verbose_name=_("监测对象"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        db_index=False,
    )
    # Problems are found by their place's code and by (township, status): the foreign keys below that no page
    # looks up by carry no index of their own, so that a sweep's inserts and re-runs' updates stay cheap. The place
    # and the runs are not checked by the database either: a sweep writes them from rows it holds in the same
    # transaction (its locked chunk's run and township, the households' villages), areas are end-dated and runs
    # kept, never deleted (PROTECT still guards a delete through the ORM), and a check per row and key was a sixth
    # of a county's first sweep (1.1 s of 7.1 s at 60,000 households; the registry's keys stay checked).
    area = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="problems", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    township = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    # Codes of the place, for the one jurisdiction filter (a self-migrant household is co-managed, SPEC §1.5).
    area_code = models.CharField(_("区划代码"), max_length=15)  # indexed once, below: = and LIKE 'prefix%'
    co_area_code = models.CharField(_("共管区划代码"), max_length=15, blank=True)
    evidence = models.JSONField(_("检出依据"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    detected_on = models.DateField(_("检出日期"))
    first_run = models.ForeignKey(
        SweepRun,
        verbose_name=_("首次检出"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    last_seen_run = models.ForeignKey(
        SweepRun,
        verbose_name=_("最近检出"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    last_seen_on = models.DateField(_("最近检出日期"))
    no_longer_detected_on = models.DateField(_("不再检出日期"), null=True, blank=True)
    deadline = models.DateField(_("整改期限"))
    responsible_unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    measures_taken = models.TextField(_("整改措施"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    escalated_on = models.DateField(_("督办日期"), null=True, blank=True)
    previous_problem = models.ForeignKey(
        "self",
        verbose_name=_("此前同类问题"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("排查问题")
        verbose_name_plural = _("排查问题")
        ordering = ["deadline", "pk"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["township", "status"], name="sweeps_problem_township_idx"),
            models.Index(fields=["area_code"], name="sweeps_problem_area_idx", opclasses=["varchar_pattern_ops"]),
            # ``visible_to`` reads a territory's problems by either code (area OR co-managing area): without this one
            # the OR cannot be a union of two index scans, and a township's problems were a scan of the province's.
            models.Index(fields=["co_area_code"], name="sweeps_problem_co_area_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["rule_id"], name="sweeps_problem_rule_idx"),
        ]
        constraints = [
            # SPEC §7.4: re-running a sweep never opens a second problem for the same rule and subject.
            models.UniqueConstraint(
                fields=["rule_id", "subject_key"],
                condition=problem_open_q(),
                name="sweeps_one_open_problem_per_rule_and_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} · {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sweeps:problem-detail", args=[self.pk])

    @property
    def title_shown(self) -> str:
        """The rule's title in the reader's language: ``title`` keeps its source text, the catalogue's message id."""
        return gettext(self.title)

    @property
    def place_label(self) -> str:
        """What the problem's place is called on its pages, by the area's level: a place problem of a township
        (FC-GAP-MISSED-AID-05) is in a township, one of a household in a village."""
        labels: dict[str, StrOrPromise] = {
            AreaLevel.COUNTY: _("所在县"),
            AreaLevel.TOWNSHIP: _("所在乡镇"),
            AreaLevel.VILLAGE: _("所在村"),
            AreaLevel.GROUP: _("所在村民小组"),
        }
        return str(labels.get(self.area.level, _("所在地")))

    @property
    def subject_kind_shown(self) -> str:
        """The kind of subject as its page names it: a place problem is about its area, a village or a township."""
        if self.subject_kind == SubjectKind.VILLAGE:
            return self.area.get_level_display()
        return self.get_subject_kind_display()

    @property
    def place_names(self) -> str:
        """The township and the area below it; the township once when the problem's place is the township."""
        if self.area_id == self.township_id:
            return self.township.name
        return f"{self.township.name} · {self.area.name}"

    @property
    def subject_url(self) -> str:
        """The page of a project or asset a problem is about (their problems carry no household)."""
        from django.urls import reverse

        kind, _sep, pk = self.subject_key.partition(":")
        names = {"project": "projects:project-detail", "asset": "projects:asset-detail"}
        return reverse(names[kind], args=[int(pk)]) if kind in names and pk.isdigit() else ""

    # An open problem, and an open one past its rectification deadline (SPEC §7.5): each fact with its Python face
    # (one problem) beside its query face (a ``Q`` for ``filter`` and ``Count(filter=)``), which every list, count,
    # ledger and the escalation job read.
    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PROBLEM_STATUSES

    open_q = staticmethod(problem_open_q)

    @property
    def is_rectifying(self) -> bool:
        return self.status in RECTIFYING_PROBLEM_STATUSES

    rectifying_q = staticmethod(problem_rectifying_q)

    def days_overdue(self, today: datetime.date) -> int:
        """Days past the deadline on ``today`` of a problem still open; 0 for one closed or not yet due."""
        return (today - self.deadline).days if self.is_open and self.deadline < today else 0

    overdue_q = staticmethod(problem_overdue_q)


class ProblemEvent(StoredComment):
    """Append-only trail of a problem's rectification (SPEC §7.5)."""

    problem = models.ForeignKey(Problem, verbose_name=_("问题"), on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(_("原状态"), max_length=12, choices=ProblemStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=ProblemStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("办理人"), on_delete=models.PROTECT, null=True, blank=True
    )
    comment = models.TextField(_("说明"), blank=True)
    attachment = models.FileField(_("佐证材料"), upload_to="sweeps/evidence/%Y/%m/", blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ProblemRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["at", "pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.problem_id} {self.from_status}→{self.to_status}"


class ScreeningBatch(StoredMessage):
    """A department's quarterly screening list (部门筛查, SPEC §6.2–§6.4), uploaded as Excel and imported all or
    nothing by a worker (``sweeps.services.screening``). Rows outside the registry are kept on the batch for the
    county to look into; matched rows become ``ScreeningWarning``s. A rejected list keeps its errors and nothing
    else."""

    department = models.CharField(_("部门"), max_length=32, choices=Department.choices)
    area = models.ForeignKey("geo.AdminArea", verbose_name=_("筛查范围"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("筛查期"), max_length=7)  # "2026-Q3"
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    original_name = models.CharField(_("原文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to="sweeps/screening/%Y/%m/")
    status = models.CharField(_("状态"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    # When the import's task was handed to the broker; empty while unsent (core.dispatch resends it).
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("预计行数"), default=0)  # the sheet's own estimate, for the bar
    processed_rows = models.PositiveIntegerField(_("已读行数"), default=0)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    warning_count = models.PositiveIntegerField(_("预警数"), default=0)
    duplicate_count = models.PositiveIntegerField(_("重复行"), default=0)
    unmatched = models.JSONField(_("未匹配行"), default=list, blank=True)  # [{"row": 7, "id_number": …, "reason": …}]
    errors = models.JSONField(_("错误"), default=list, blank=True)  # [{"row": 3, "column": "身份证号", "message": …}]
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)  # why a list was rejected or failed
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("部门筛查批次")
        verbose_name_plural = _("部门筛查批次")
        ordering = ["-uploaded_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.get_department_display()} {self.period}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sweeps:batch-detail", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.status in PENDING_BATCH_STATUSES


class ScreeningWarning(models.Model):
    """One screened person's warning for the household's village and township to verify (SPEC §6.5). The same
    member, event type and period of a department is one warning with an occurrence count (SPEC §6.4)."""

    batch = models.ForeignKey(ScreeningBatch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="warnings")
    department = models.CharField(_("部门"), max_length=32, choices=Department.choices)
    period = models.CharField(_("筛查期"), max_length=7)
    member = models.ForeignKey(
        "households.HouseholdMember", verbose_name=_("成员"), on_delete=models.PROTECT, related_name="warnings"
    )
    household = models.ForeignKey(
        "households.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="warnings"
    )
    event_type = models.CharField(_("预警类型"), max_length=32)
    event_label = models.CharField(_("预警内容"), max_length=60)
    risk_type = models.CharField(_("风险类型"), max_length=32, blank=True)
    event_date = models.DateField(_("发生日期"), null=True, blank=True)
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2, null=True, blank=True)
    detail = models.CharField(_("详情"), max_length=200, blank=True)
    department_ref = models.CharField(_("部门编号"), max_length=60, blank=True)
    occurrences = models.PositiveSmallIntegerField(_("出现次数"), default=1)
    match_kind = models.CharField(_("匹配结果"), max_length=12, choices=MatchKind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=WarningStatus.choices, default=WarningStatus.ASSIGNED)
    issued_on = models.DateField(_("下发日期"))
    feedback_due_on = models.DateField(_("反馈期限"))
    disposition = models.CharField(_("处置结果"), max_length=24, choices=WarningDisposition.choices, blank=True)
    disposition_note = models.TextField(_("核实情况"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    entry_application = models.ForeignKey(
        "monitoring.EntryApplication",
        verbose_name=_("纳入申请"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warnings",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = WarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("部门筛查预警")
        verbose_name_plural = _("部门筛查预警")
        ordering = ["feedback_due_on", "pk"]
        default_permissions = ("view",)
        constraints = [
            # SPEC §6.4 de-duplication: a re-upload of the same period adds nothing.
            models.UniqueConstraint(
                fields=["department", "period", "member", "event_type"], name="sweeps_one_warning_per_event_and_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_department_display()} · {self.event_label}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sweeps:warning-detail", args=[self.pk])

    # An open warning (not yet 办结, SPEC §6.5): the Python face beside the query face every list and check reads.
    @property
    def is_open(self) -> bool:
        return self.status in OPEN_WARNING_STATUSES

    open_q = staticmethod(warning_open_q)


class Campaign(models.Model):
    """A county's campaign (排查, SPEC §7.2, §7.4): the automatic rules run as a sweep, every village answers the
    checklist questions of the manual rules, and the campaign is signed off village → township → county."""

    county = models.ForeignKey("geo.AdminArea", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("排查类型"), max_length=16, choices=SweepKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    run = models.ForeignKey(
        SweepRun, verbose_name=_("自动排查"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("县级签收"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    signed_at = models.DateTimeField(_("县级签收时间"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("排查活动")
        verbose_name_plural = _("排查活动")
        ordering = ["-starts_on", "-pk"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="sweeps_campaign_period"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sweeps:campaign-detail", args=[self.pk])


class CampaignPart(models.Model):
    """A township's or village's part of a campaign, with its sign-off (SPEC §7.4: village → township → county)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("排查活动"), on_delete=models.CASCADE, related_name="parts")
    area = models.ForeignKey("geo.AdminArea", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", verbose_name=_("所属乡镇"), on_delete=models.CASCADE, null=True, blank=True, related_name="villages"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签收人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    note = models.TextField(_("签收意见"), blank=True)

    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("排查任务")
        verbose_name_plural = _("排查任务")
        ordering = ["campaign", "area__code"]
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["campaign", "area"], name="sweeps_one_part_per_area")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.area.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sweeps:campaign-part", args=[self.pk])


class ChecklistItem(models.Model):
    """One checklist question of a manual rule for one village (SPEC §7.4): yes / no + note + evidence; "否"
    opens a problem for the village."""

    part = models.ForeignKey(CampaignPart, verbose_name=_("排查任务"), on_delete=models.CASCADE, related_name="items")
    rule_id = models.CharField(_("规则编号"), max_length=40)
    question = models.CharField(_("核查事项"), max_length=200)
    answer = models.CharField(_("结论"), max_length=4, choices=ChecklistAnswer.choices, blank=True)
    note = models.TextField(_("情况说明"), blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to="sweeps/checklists/%Y/%m/", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    answered_at = models.DateTimeField(_("填报时间"), null=True, blank=True)
    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("核查事项")
        verbose_name_plural = _("核查事项")
        ordering = ["part", "rule_id"]
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["part", "rule_id"], name="sweeps_one_item_per_rule")]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.question}"

    @property
    def question_shown(self) -> str:
        """The question in the reader's language: ``question`` keeps its source text, the catalogue's message id."""
        return gettext(self.question)


class RiskEvent(models.Model):
    """A large-scale risk event (大规模风险事件, SPEC §4.12) recorded by its county: what happened, where (villages
    or townships of the county), when, the estimated loss and the emergency plan. Recording it starts an
    event-triggered sweep of its areas (SPEC §7.4), which lists the households it hit (``affected_households``) and
    flags those not visited by ``visit_due_on`` (FC-LOSS-DISASTER-01)."""

    kind = models.CharField(_("事件类型"), max_length=24, choices=RiskEventKind.choices)
    name = models.CharField(_("事件名称"), max_length=100)
    county = models.ForeignKey("geo.AdminArea", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    areas = models.ManyToManyField("geo.AdminArea", verbose_name=_("影响范围"), related_name="+")
    starts_on = models.DateField(_("发生日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    # starts_on + sweep.event_visit_days on the day it was recorded: every household hit is visited by then.
    visit_due_on = models.DateField(_("走访截止日期"))
    estimated_loss = models.DecimalField(_("估计损失（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    description = models.TextField(_("事件情况"), blank=True)
    plan = models.FileField(_("应急预案"), upload_to="sweeps/events/%Y/%m/", blank=True)
    affected_households = models.ManyToManyField(
        "households.Household", verbose_name=_("受影响农户"), related_name="risk_events", blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RiskEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("大规模风险事件")
        verbose_name_plural = _("大规模风险事件")
        ordering = ["-starts_on", "-pk"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="sweeps_risk_event_period",
            ),
            models.CheckConstraint(
                condition=models.Q(visit_due_on__gte=models.F("starts_on")), name="sweeps_risk_event_visit_due"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sweeps:risk-event-detail", args=[self.pk])
