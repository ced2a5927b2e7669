"""Indicators and their targets are data (SPEC §13.2): administrators who maintain the policy parameters
(``edit_parameters``) keep the indicators and set each year's targets, by default or for a province or county of
their territory (the most specific area's target wins). Entered values are shown, never edited: a correction is a
newer entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from accounts.permissions import has_capability
from accounts.roles import Capability
from geo.codes import AreaLevel
from geo.models import AdminArea
from ledgers.indicators.registry import COMPUTATIONS, computation_choices
from ledgers.models import KpiIndicator, KpiSource, KpiTarget, KpiValue

TARGET_LEVELS = (AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.COUNTY)


def _may_edit(request: HttpRequest) -> bool:
    return has_capability(request.user, Capability.EDIT_PARAMETERS)  # type: ignore[arg-type]


class ParameterAdmin(SimpleHistoryAdmin):
    """Open to the holders of ``edit_parameters``; nothing is deleted (an indicator is switched off, a target is
    changed), so past tables stay explainable."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_edit(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _may_edit(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class IndicatorForm(forms.ModelForm[KpiIndicator]):
    computation = forms.ChoiceField(label=gettext_lazy("计算方法"), required=False)

    class Meta:
        model = KpiIndicator
        fields = [
            "code", "name", "category", "unit", "comparator", "level", "period", "attribute", "source", "computation",
            "baseline", "baseline_year", "basis", "on_dashboard", "order", "is_active",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["computation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("（填报，无需计算）")), *computation_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        computed = data.get("source") == KpiSource.COMPUTED
        if computed and data.get("computation") not in COMPUTATIONS:
            self.add_error("computation", _("系统计算的指标须选择计算方法"))
        if not computed and data.get("computation"):
            self.add_error("computation", _("填报的指标不选择计算方法"))
        return data


def _target_areas(request: HttpRequest) -> QuerySet[AdminArea]:
    return AdminArea.objects.visible_to(request.user).filter(level__in=TARGET_LEVELS).order_by("code")


class TargetInline(admin.TabularInline[KpiTarget, KpiIndicator]):
    model = KpiTarget
    extra = 1
    fields = ("year", "area", "value", "note")

    def get_queryset(self, request: HttpRequest) -> QuerySet[KpiTarget]:
        return _targets_of(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "area":
            kwargs["queryset"] = _target_areas(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _targets_of(request: HttpRequest, queryset: QuerySet[KpiTarget]) -> QuerySet[KpiTarget]:
    """The defaults and the targets of areas in the administrator's territory (a superuser's: all)."""
    user = request.user
    if user.is_superuser:
        return queryset
    area = getattr(user, "area", None)
    if area is None:
        return queryset.filter(area__isnull=True)
    return queryset.filter(Q(area__isnull=True) | Q(area__code__startswith=area.prefix))


@admin.register(KpiIndicator)
class KpiIndicatorAdmin(ParameterAdmin):
    form = IndicatorForm
    inlines = [TargetInline]
    list_display = ("code", "name", "category", "unit", "comparator", "level", "attribute", "source", "on_dashboard",
                    "is_active")  # fmt: skip
    list_filter = ("category", "source", "attribute", "level", "on_dashboard", "is_active")
    search_fields = ("code", "name")


@admin.register(KpiTarget)
class KpiTargetAdmin(ParameterAdmin):
    list_display = ("indicator", "year", "area", "value", "note")
    list_filter = ("year", "indicator__category")
    search_fields = ("indicator__code", "indicator__name", "area__code", "area__name")
    list_select_related = ("indicator", "area")

    def get_queryset(self, request: HttpRequest) -> QuerySet[KpiTarget]:
        return _targets_of(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "area":
            kwargs["queryset"] = _target_areas(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(KpiValue)
class KpiValueAdmin(admin.ModelAdmin[KpiValue]):
    list_display = ("indicator", "area", "period", "value", "entered_by", "entered_at")
    list_filter = ("period", "indicator__category")
    list_select_related = ("indicator", "area", "entered_by")
    readonly_fields = ("indicator", "area", "period", "value", "note", "entered_by", "entered_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[KpiValue]:
        return KpiValue.objects.visible_to(request.user).select_related("indicator", "area", "entered_by")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_edit(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_edit(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
