import re
from typing import Final

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from geo.codes import PREFIX_LENGTH, AreaLevel
from geo.querysets import AdminAreaQuerySet


class AdminArea(models.Model):
    """An administrative area (行政区划, SPEC §0 #1, §1.1). Areas are versioned, never deleted: a renamed area keeps
    its history, a merged one gets ``valid_to`` and ``replaced_by`` and keeps the records that point to it (§15 C-20).
    """

    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_to = models.DateField(_("停用日期"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", verbose_name=_("并入区划"), on_delete=models.PROTECT, null=True, blank=True, related_name="replaces"
    )
    # SPEC §1.1 village attribute: a former poor village (脱贫村) or a non-poor one (非贫困村); the fund caps of
    # §9.5 (NR-FUND-02) count what goes to non-poor villages.
    former_poor_village = models.BooleanField(_("脱贫村"), default=False)
    history = HistoricalRecords()

    objects = AdminAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["level", "code"]),
            # ``code LIKE '6403%'`` uses this index on PostgreSQL whatever the database collation (STYLE §5.1).
            models.Index(fields=["code"], name="geo_area_code_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=False) | models.Q(level=AreaLevel.PROVINCE),
                name="geo_area_parent_required_below_province",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        """Every code inside this area starts with these digits (county 6, township 9, village 12)."""
        return self.code[: PREFIX_LENGTH[self.level]]

    @property
    def is_active(self) -> bool:
        return self.valid_to is None


# The code of a province, a city or a county: its last six digits (township, village) are zeros.
COUNTY_OR_ABOVE: Final = r"^[1-9][0-9]{5}0{6}$"


class PolicyParameter(models.Model):
    """An effective-dated setting of SPEC §15.2 (``key``, value, area scope, validity, basis). The most specific
    area wins: a county row before its province's, a province row before the national default (no area code).
    Numbers of the policy are read from here, never written as literals (STYLE rule 5)."""

    key = models.CharField(_("参数"), max_length=64, db_index=True)
    area_code = models.CharField(
        _("适用区划代码"), max_length=15, blank=True, help_text=_("留空表示全国默认；填写省、市或县的区划代码")
    )
    value = models.JSONField(_("取值"))
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        ordering = ["key", "area_code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "area_code", "valid_from"], name="geo_parameter_unique_start"),
            # Settings are a county's at the finest (SPEC §15.2): a household's facts, its sweep, its queues and its
            # exit checks read one value whichever area below the county they ask from.
            models.CheckConstraint(
                condition=models.Q(area_code="") | models.Q(area_code__regex=COUNTY_OR_ABOVE),
                name="geo_parameter_county_or_above",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value} ({self.area_code or '全国'} {self.valid_from}起)"

    def clean(self) -> None:
        super().clean()
        if self.area_code and not re.fullmatch(COUNTY_OR_ABOVE, self.area_code):
            raise ValidationError(
                {"area_code": _("政策参数只能按全国、省、市或县设置：请填写省、市或县的 12 位区划代码，或留空")}
            )


class CalendarOverride(models.Model):
    """A day whose working status the administrator sets: the State Council's holiday and make-up working days of
    a year the ``chinesecalendar`` package does not know yet (it stops at 2026), or a local exception."""

    day = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("如：春节放假、国庆调休上班"))

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_workday else '放假'}"
