import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from geo.admin import JurisdictionScopedAdminMixin
from geo.codes import AreaCodeError, level_of
from geo.parameters import parameter
from households import rules
from households.models import Household, HouseholdMember, IdentityDisclosure, IncomeRecord, MonitoringThreshold


class MemberInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0
    fields = ("name", "id_number", "relationship", "member_status")
    readonly_fields = fields
    can_delete = False


@admin.register(Household)
class HouseholdAdmin(JurisdictionScopedAdminMixin, GuardedModelAdmin, SimpleHistoryAdmin):  # type: ignore[misc]
    list_display = ("household_no", "head_name", "managing_area", "closed_on")
    search_fields = ("=household_no", "head_name")
    raw_id_fields = ("managing_area", "residence_area", "hukou_area", "co_managing_area", "head")
    inlines = [MemberInline]

    def has_delete_permission(self, request, obj=None):
        return False  # households leave the registry with a reason, never deleted (SPEC §2.6)


@admin.register(HouseholdMember)
class HouseholdMemberAdmin(JurisdictionScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "household", "relationship", "member_status")
    search_fields = ("=id_number", "name")
    raw_id_fields = ("household",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IncomeRecord)
class IncomeRecordAdmin(JurisdictionScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("household", "year")
    raw_id_fields = ("household",)


@admin.register(IdentityDisclosure)
class IdentityDisclosureAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "household", "channel")
    readonly_fields = ("at", "user", "household", "channel")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MonitoringThresholdForm(forms.ModelForm):
    class Meta:
        model = MonitoringThreshold
        fields = ["area_code", "year", "amount", "national_line", "basis_text", "document_ref"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code, amount, line = data.get("area_code", ""), data.get("amount"), data.get("national_line")
        try:
            level_of(code)
        except AreaCodeError as exc:
            self.add_error("area_code", str(exc))
            return data
        if amount is not None and data.get("year"):
            day = datetime.date(data["year"], 1, 1)
            factor = Decimal(str(parameter("threshold.floor_factor", area_code=code, on=day)))
            if line is not None and not rules.threshold_respects_floor(amount, line, factor):
                self.add_error("amount", f"监测标准不得低于国家扶贫标准的 {factor} 倍（{line * factor:.2f} 元）")
        return data


@admin.register(MonitoringThreshold)
class MonitoringThresholdAdmin(SimpleHistoryAdmin):
    """The monitoring line per area and year (SPEC §3.4); the most specific area of the decision year wins."""

    form = MonitoringThresholdForm
    list_display = ("area_code", "year", "amount", "national_line", "document_ref")
    list_filter = ("year",)
    search_fields = ("area_code",)

    def has_delete_permission(self, request, obj=None):
        return False
