from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.roles import Department
from core.stored import StoredClosingReason, StoredComment
from monitoring.choices import (
    MEASURE_SUBTYPES,
    OPEN_ELIMINATION_STATES,
    OPEN_ENTRY_STATES,
    OPEN_SUBJECT_STATUSES,
    EliminationState,
    EntryState,
    IdentificationChannel,
    LookbackOutcome,
    MeasureFunding,
    MeasureStatus,
    MeasureTiming,
    MeasureType,
    NegativeListItem,
    NoticeStage,
    ReviewBody,
    RiskType,
    SubjectCategory,
    SubjectStatus,
    TriggerCondition,
)
from monitoring.querysets import (
    CaseQuerySet,
    CaseRecordQuerySet,
    EliminationRecordQuerySet,
    HouseholdRecordQuerySet,
    MeasureQuerySet,
)


class EntryApplication(StoredClosingReason):
    """An application or warning for entry into monitoring (纳入监测, SPEC §4.6). Its ``state`` changes only in
    ``monitoring.services.entry``; every change leaves an ``EntryEvent``."""

    household = models.ForeignKey(
        "households.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="entry_applications"
    )
    channel = models.CharField(_("识别渠道"), max_length=24, choices=IdentificationChannel.choices)
    sub_channel = models.CharField(_("具体方式"), max_length=32, blank=True)
    state = models.CharField(_("状态"), max_length=32, choices=EntryState.choices, default=EntryState.REPORTED)
    proposed_category = models.CharField(_("拟定类别"), max_length=24, choices=SubjectCategory.choices)
    category = models.CharField(_("批准类别"), max_length=24, choices=SubjectCategory.choices, blank=True)
    risk_types = models.JSONField(_("风险类型"), default=list)
    # SPEC §4.2: the trigger conditions cited (codes of TriggerCondition) and the evidence for them.
    triggers = models.JSONField(_("界定条件"), default=list)
    trigger_evidence = models.TextField(_("界定条件佐证"), blank=True)
    reason = models.TextField(_("申报理由"))
    consent_given = models.BooleanField(_("已承诺授权查询家庭情况"), default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    reported_on = models.DateField(_("申报日期"))
    # Income at identification (SPEC §4.6 EN-0 "snapshot"): what the reviewers saw, whatever changes later.
    income_window = models.CharField(_("收入计算期"), max_length=40, blank=True)
    per_capita_income = models.DecimalField(_("人均纯收入"), max_digits=12, decimal_places=2, null=True, blank=True)
    threshold = models.DecimalField(_("监测标准"), max_digits=12, decimal_places=2, null=True, blank=True)
    township_opinion = models.TextField(_("乡镇审核意见"), blank=True)
    decision_no = models.CharField(_("批准文号"), max_length=100, blank=True)
    decided_on = models.DateField(_("批准日期"), null=True, blank=True)
    closing_reason = models.TextField(_("未通过/撤回原因"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("纳入监测申请")
        verbose_name_plural = _("纳入监测申请")
        ordering = ["-reported_on", "-pk"]
        default_permissions = ("view",)  # written by services only
        # The sweep's "decided lately" and "screened this year" read decisions across a county by date, for every
        # household of a township at once (a hashed subplan): by these, not by reading every application.
        indexes = [
            models.Index(fields=["decided_on"], name="monitoring_entry_decided"),
            models.Index(fields=["state", "updated_at"], name="monitoring_entry_state_updated"),
        ]
        constraints = [
            # One open application per household (SPEC §4.6 EN-0: a duplicate is merged, not opened twice).
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(state__in=sorted(OPEN_ENTRY_STATES)),
                name="monitoring_one_open_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:entry-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_ENTRY_STATES

    @property
    def risk_type_labels(self) -> list[str]:
        return [str(RiskType(value).label) for value in self.risk_types if value in RiskType.values]

    @property
    def trigger_labels(self) -> list[str]:
        return [str(TriggerCondition(code).label) for code in self.triggers if code in TriggerCondition.values]


class EntryEvent(StoredComment):
    """Append-only: who moved the application from which state to which, when and why (STYLE rule 6)."""

    application = models.ForeignKey(
        EntryApplication, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="events"
    )
    from_state = models.CharField(_("原状态"), max_length=32, choices=EntryState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, choices=EntryState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("为空表示系统自动办理"),
    )
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["application", "at", "pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class DemocraticReview(models.Model):
    """民主评议 (SPEC §4.6 EN-2, §4.8 EL-2): a record of its own, with the meeting, attendance and votes. It belongs
    to exactly one case: an entry application or a risk-elimination case (SPEC §4.6 "shared records")."""

    household = models.ForeignKey(
        "households.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(  # a returned case is reviewed again
        EntryApplication,
        verbose_name=_("申请"),
        on_delete=models.PROTECT,
        related_name="democratic_reviews",
        null=True,
        blank=True,
    )
    elimination = models.ForeignKey(
        "EliminationCase",
        verbose_name=_("风险消除"),
        on_delete=models.PROTECT,
        related_name="democratic_reviews",
        null=True,
        blank=True,
    )
    held_on = models.DateField(_("评议日期"))
    body = models.CharField(_("评议组织"), max_length=24, choices=ReviewBody.choices)
    participants_count = models.PositiveSmallIntegerField(_("参会人数"))
    representatives_present = models.PositiveSmallIntegerField(_("到会村民代表数"))
    attendees = models.TextField(_("参会人员及身份"), help_text=_("每行一人：姓名、身份（村干部/村民代表/驻村队员…）"))
    votes_for = models.PositiveSmallIntegerField(_("赞成票"))
    votes_against = models.PositiveSmallIntegerField(_("反对票"))
    objections = models.TextField(_("主要意见"), blank=True)
    minutes_file = models.FileField(_("会议记录"), upload_to="monitoring/minutes/%Y/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT)

    objects = HouseholdRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("民主评议")
        verbose_name_plural = _("民主评议")
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application__isnull=True) ^ models.Q(elimination__isnull=True),
                name="monitoring_review_one_case",
            ),
            models.CheckConstraint(
                condition=models.Q(votes_for__lte=models.F("participants_count"))
                & models.Q(votes_against__lte=models.F("participants_count")),
                name="monitoring_review_votes_le_participants",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.votes_for}:{self.votes_against}"


class PublicNotice(models.Model):
    """公示/公告 (SPEC §4.6 EN-3, §4.8 EL-2/EL-4/EL-6): a timed state. Objections received during it pause the clock
    until resolved. It belongs to exactly one case."""

    household = models.ForeignKey(
        "households.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        EntryApplication,
        verbose_name=_("申请"),
        on_delete=models.PROTECT,
        related_name="public_notices",
        null=True,
        blank=True,
    )
    elimination = models.ForeignKey(
        "EliminationCase",
        verbose_name=_("风险消除"),
        on_delete=models.PROTECT,
        related_name="public_notices",
        null=True,
        blank=True,
    )
    stage = models.CharField(_("环节"), max_length=24, choices=NoticeStage.choices, default=NoticeStage.ENTRY)
    places = models.CharField(_("公示地点"), max_length=200)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示结束"))
    photo = models.FileField(_("公示照片"), upload_to="monitoring/notices/%Y/", blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("张贴人"), on_delete=models.PROTECT)

    objects = HouseholdRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application__isnull=True) ^ models.Q(elimination__isnull=True),
                name="monitoring_notice_one_case",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="monitoring_notice_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} – {self.ends_on}"


class NoticeObjection(models.Model):
    """异议 received during a notice; while unresolved it pauses the notice clock."""

    notice = models.ForeignKey(
        PublicNotice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="objections"
    )
    received_on = models.DateField(_("收到日期"))
    content = models.TextField(_("异议内容"))
    resolved_on = models.DateField(_("处理日期"), null=True, blank=True)
    handling = models.TextField(_("处理情况"), blank=True)
    upheld = models.BooleanField(_("异议成立"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["notice", "received_on", "pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.received_on}: {self.content[:20]}"


class MonitoringSubject(StoredClosingReason):
    """监测对象 (SPEC §4.1): one household for one episode; at most one open episode per household."""

    household = models.ForeignKey(
        "households.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="monitoring_subjects"
    )
    application = models.OneToOneField(
        EntryApplication, verbose_name=_("纳入申请"), on_delete=models.PROTECT, related_name="subject"
    )
    category = models.CharField(_("监测类别"), max_length=24, choices=SubjectCategory.choices)
    risk_types = models.JSONField(_("风险类型"), default=list)
    triggers = models.JSONField(_("界定条件"), default=list)  # as approved (SPEC §4.2)
    status = models.CharField(_("状态"), max_length=24, choices=SubjectStatus.choices, default=SubjectStatus.MONITORED)
    entered_on = models.DateField(_("纳入日期"))
    previous_subject = models.ForeignKey(  # SPEC §4.10: a household back in monitoring links to its last episode
        "self",
        verbose_name=_("上次监测记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    eliminated_on = models.DateField(_("风险消除日期"), null=True, blank=True)
    # Entries into the national system are people's records: ``national.NationalEntry`` (SPEC §4.6 EN-6, §4.8 EL-7).
    # SPEC §4.11 ``closed_other``: the episode ended without elimination (the household left the registry).
    closed_on = models.DateField(_("退出日期"), null=True, blank=True)
    closing_reason = models.TextField(_("退出原因"), blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("监测对象")
        verbose_name_plural = _("监测对象")
        ordering = ["-entered_on", "-pk"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status__in=sorted(OPEN_SUBJECT_STATUSES)),
                name="monitoring_one_open_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:subject-detail", args=[self.pk])


class NegativeListHit(models.Model):
    """A negative-list item found during the procedure (SPEC §4.7); it never deletes the application. Each hit is
    answered by its own county override (who, when, why), so a hit recorded after an earlier override — at the
    township review, say — stops approval again until it too is answered."""

    application = models.ForeignKey(
        EntryApplication, verbose_name=_("申请"), on_delete=models.PROTECT, related_name="negative_hits"
    )
    item = models.CharField(_("负面清单情形"), max_length=8, choices=NegativeListItem.choices)
    evidence = models.TextField(_("情况及佐证"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    override_reason = models.TextField(_("放行理由"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("放行人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    overridden_at = models.DateTimeField(_("放行时间"), null=True, blank=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("负面清单命中")
        verbose_name_plural = _("负面清单命中")
        ordering = ["application", "recorded_at", "pk"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="monitoring_negative_hit_once_per_item"),
            # An override is whole — who, when and why — or absent.
            models.CheckConstraint(
                condition=(
                    models.Q(overridden_by__isnull=True, overridden_at__isnull=True, override_reason="")
                    | (
                        models.Q(overridden_by__isnull=False, overridden_at__isnull=False)
                        & ~models.Q(override_reason="")
                    )
                ),
                name="monitoring_negative_override_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.item

    @property
    def is_overridden(self) -> bool:
        return self.overridden_at is not None


class AssistanceMeasure(models.Model):
    """An assistance measure for a monitoring subject (帮扶措施, SPEC §5.2)."""

    subject = models.ForeignKey(
        MonitoringSubject, verbose_name=_("监测对象"), on_delete=models.PROTECT, related_name="measures"
    )
    measure_type = models.CharField(_("措施类型"), max_length=24, choices=MeasureType.choices)
    subtype = models.CharField(_("具体措施"), max_length=32, blank=True)
    timing = models.CharField(_("性质"), max_length=12, choices=MeasureTiming.choices)
    funding_source = models.CharField(_("资金来源"), max_length=20, choices=MeasureFunding.choices)
    responsible_department = models.CharField(_("责任部门"), max_length=32, choices=Department.choices)
    responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    amount_yuan = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    description = models.CharField(_("措施内容"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    outcome_note = models.TextField(_("帮扶成效"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT)
    history = HistoricalRecords()

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        ordering = ["subject", "started_on", "pk"]
        default_permissions = ("view",)
        # The sweep's housing and drinking-water rules read the running measures of one type across a county.
        indexes = [models.Index(fields=["measure_type", "status"], name="monitoring_measure_type_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="monitoring_measure_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_type_display()} {self.description}"

    @property
    def subtype_label(self) -> str:
        return str(MEASURE_SUBTYPES.get(self.measure_type, {}).get(self.subtype, ""))


class EliminationCase(StoredClosingReason):
    """A risk-elimination case (风险消除, SPEC §4.8, EL-0 … EL-7). Its ``state`` changes only in
    ``monitoring.services.elimination``; every change leaves an ``EliminationEvent``."""

    subject = models.ForeignKey(
        MonitoringSubject, verbose_name=_("监测对象"), on_delete=models.PROTECT, related_name="elimination_cases"
    )
    state = models.CharField(
        _("状态"), max_length=32, choices=EliminationState.choices, default=EliminationState.OPENED
    )
    proposal = models.TextField(_("发起理由"))
    prior_subject_status = models.CharField(  # where the subject returns if the case ends as not eliminated
        _("发起前监测状态"), max_length=24, choices=SubjectStatus.choices, default=SubjectStatus.MONITORED
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField(_("发起日期"))
    assessment = models.TextField(_("乡级综合研判意见"), blank=True)
    township_meeting_on = models.DateField(_("乡镇会议日期"), null=True, blank=True)
    township_minutes = models.FileField(_("乡镇会议记录"), upload_to="monitoring/elimination/%Y/", blank=True)
    township_opinion = models.TextField(_("乡镇会议审核意见"), blank=True)
    spot_check_required = models.BooleanField(_("抽中县级抽验"), default=False)
    screening = models.JSONField(_("县级信息筛查结果"), default=list, blank=True)
    per_capita_income = models.DecimalField(_("人均纯收入"), max_digits=12, decimal_places=2, null=True, blank=True)
    exit_line = models.DecimalField(_("风险消除收入标准"), max_digits=12, decimal_places=2, null=True, blank=True)
    county_meeting_on = models.DateField(_("专题会议日期"), null=True, blank=True)
    decision_no = models.CharField(_("审定文号"), max_length=100, blank=True)
    decided_on = models.DateField(_("审定日期"), null=True, blank=True)
    marked_on = models.DateField(_("标注日期"), null=True, blank=True)
    closing_reason = models.TextField(_("未消除原因"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EliminationRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("风险消除")
        verbose_name_plural = _("风险消除")
        ordering = ["-opened_on", "-pk"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=models.Q(state__in=sorted(OPEN_ELIMINATION_STATES)),
                name="monitoring_one_open_elimination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject.household} · {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:elimination-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_ELIMINATION_STATES

    @property
    def household(self) -> Any:
        return self.subject.household


class EliminationEvent(StoredComment):
    """Append-only trail of an elimination case (STYLE rule 6)."""

    case = models.ForeignKey(
        EliminationCase, verbose_name=_("风险消除"), on_delete=models.PROTECT, related_name="events"
    )
    from_state = models.CharField(_("原状态"), max_length=32, choices=EliminationState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, choices=EliminationState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("为空表示系统自动办理"),
    )
    comment = models.TextField(_("意见"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("风险消除办理记录")
        verbose_name_plural = _("风险消除办理记录")
        ordering = ["case", "at", "pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class LookbackReview(models.Model):
    """回头看 (SPEC §4.10): scheduled ``exit.lookback_months`` after marking; its outcome keeps the household
    eliminated, helps it again, or returns it to monitoring through a new entry application."""

    subject = models.ForeignKey(
        MonitoringSubject, verbose_name=_("监测对象"), on_delete=models.PROTECT, related_name="lookbacks"
    )
    due_on = models.DateField(_("应核查日期"))
    done_on = models.DateField(_("核查日期"), null=True, blank=True)
    outcome = models.CharField(_("核查结论"), max_length=24, choices=LookbackOutcome.choices, blank=True)
    note = models.TextField(_("核查情况"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    new_application = models.OneToOneField(
        EntryApplication,
        verbose_name=_("重新纳入申请"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lookback",
    )

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("回头看")
        verbose_name_plural = _("回头看")
        ordering = ["due_on", "pk"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done_on__isnull=True) | ~models.Q(outcome=""), name="monitoring_lookback_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.due_on}"


class MeasureTemplate(models.Model):
    """一户一策 catalogue (SPEC §5.1, §5.4): the measures suggested for a risk type, each
    with its responsible department and a target date. National rows have no area code; a county or province adds
    or replaces rows for its area (the most specific area wins, SPEC §5.4 "a table an administrator can edit")."""

    area_code = models.CharField(_("适用地区代码"), max_length=12, blank=True, db_index=True)
    risk_type = models.CharField(_("风险类型"), max_length=32, choices=RiskType.choices)
    measure_type = models.CharField(_("措施类型"), max_length=24, choices=MeasureType.choices)
    subtype = models.CharField(_("具体措施"), max_length=32, blank=True)
    timing = models.CharField(_("性质"), max_length=12, choices=MeasureTiming.choices, default=MeasureTiming.REMEDIAL)
    funding_source = models.CharField(_("资金来源"), max_length=20, choices=MeasureFunding.choices)
    responsible_department = models.CharField(_("责任部门"), max_length=32, choices=Department.choices)
    description = models.CharField(_("措施内容"), max_length=200)
    due_days = models.PositiveSmallIntegerField(_("落实时限（天）"), default=15)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("帮扶措施推荐目录")
        verbose_name_plural = _("帮扶措施推荐目录")
        ordering = ["risk_type", "measure_type", "subtype"]
        constraints = [
            models.UniqueConstraint(
                fields=["area_code", "risk_type", "measure_type", "subtype"], name="monitoring_template_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_risk_type_display()} → {self.description}"

    @property
    def subtype_label(self) -> str:
        return str(MEASURE_SUBTYPES.get(self.measure_type, {}).get(self.subtype, ""))
