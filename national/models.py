from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from monitoring.choices import SubjectStatus
from national.choices import NationalEntryKind
from national.querysets import NationalEntryQuerySet

K = NationalEntryKind


class NationalEntry(models.Model):
    """One entry a person made in the national system (全国防返贫监测信息系统, SPEC §4.6 EN-6, §4.8 EL-7, §4.11):
    what was entered, its record number there, the day, and who. Append-only: a mistake is corrected by a new row
    that ``supersedes`` it, never by an edit, so the row is its own event (written by ``national.services`` only)."""

    kind = models.CharField(_("录入类型"), max_length=16, choices=NationalEntryKind.choices)
    subject = models.ForeignKey(
        "monitoring.MonitoringSubject",
        verbose_name=_("监测对象"),
        on_delete=models.PROTECT,
        related_name="national_entries",
    )
    elimination_case = models.ForeignKey(
        "monitoring.EliminationCase",
        verbose_name=_("风险消除"),
        on_delete=models.PROTECT,
        related_name="national_entries",
        null=True,
        blank=True,
    )
    # The subject status a change entry reported (暂不标注 or 其他原因退出); blank for the other kinds.
    reported_status = models.CharField(_("变更后状态"), max_length=24, choices=SubjectStatus.choices, blank=True)
    # Unique to one item: a correction of the day alone keeps its item's number (constraint below, and the service).
    national_record_no = models.CharField(_("全国系统记录编号"), max_length=64, db_index=True)
    entered_on = models.DateField(_("录入日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    note = models.TextField(_("备注"), blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("更正的录入"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )

    objects = NationalEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("全国系统录入")
        verbose_name_plural = _("全国系统录入")
        ordering = ["subject", "recorded_at", "pk"]
        default_permissions = ("view",)  # written by services only
        constraints = [
            # An elimination entry belongs to its case; the other kinds to the subject alone.
            models.CheckConstraint(
                condition=models.Q(kind=K.ELIMINATION, elimination_case__isnull=False)
                | (~models.Q(kind=K.ELIMINATION) & models.Q(elimination_case__isnull=True)),
                name="national_case_iff_elimination",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=K.CHANGE) & ~models.Q(reported_status="")
                | ~models.Q(kind=K.CHANGE) & models.Q(reported_status=""),
                name="national_status_iff_change",
            ),
            models.CheckConstraint(condition=~models.Q(national_record_no=""), name="national_record_no_given"),
            models.UniqueConstraint(
                fields=["national_record_no"],
                condition=models.Q(supersedes__isnull=True),
                name="national_record_no_once",
            ),
            # Each pending item is entered once; a correction (``supersedes`` set) repeats it.
            models.UniqueConstraint(
                fields=["subject"],
                condition=models.Q(kind=K.SUBJECT_ENTRY, supersedes__isnull=True),
                name="national_subject_entry_once",
            ),
            models.UniqueConstraint(
                fields=["elimination_case"],
                condition=models.Q(kind=K.ELIMINATION, supersedes__isnull=True),
                name="national_elimination_entry_once",
            ),
            models.UniqueConstraint(
                fields=["subject", "reported_status"],
                condition=models.Q(kind=K.CHANGE, supersedes__isnull=True),
                name="national_change_entry_once_per_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.national_record_no}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:subject-detail", args=[self.subject_id])

    @property
    def is_live(self) -> bool:
        """No correction supersedes it (reads the reverse one-to-one: select or prefetch ``superseded_by``)."""
        return not hasattr(self, "superseded_by")
