"""The classification is reference data administrators maintain (SPEC §8.2: the provincial list, banned types);
projects and assets are shown read-only, so the admin cannot skip a gate of SPEC §8.4 (a banned type, a project
without performance targets, funding before library entry)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from geo.admin import ReadOnlyAdmin
from projects.models import (
    AssetIncome,
    PerformanceTarget,
    Project,
    ProjectAsset,
    ProjectCategory,
    ProjectEvent,
    ProjectFunding,
)


@admin.register(ProjectCategory)
class ProjectCategoryAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "parent", "is_industry", "requires_benefit_linkage", "banned", "active")
    list_filter = ("banned", "is_industry", "active")
    search_fields = ("code", "name")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # projects keep their class; retire a class with ``active``


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FundingInline(ReadOnlyInline):
    model = ProjectFunding


class TargetInline(ReadOnlyInline):
    model = PerformanceTarget


class EventInline(ReadOnlyInline):
    model = ProjectEvent


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "year", "category", "area", "status")
    list_filter = ("status", "year")
    search_fields = ("code", "name")
    inlines = [FundingInline, TargetInline, EventInline]


@admin.register(ProjectAsset)
class ProjectAssetAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "asset_class", "nature", "area", "status", "value")
    list_filter = ("asset_class", "nature", "status")
    search_fields = ("code", "name", "owner_name")


@admin.register(AssetIncome)
class AssetIncomeAdmin(ReadOnlyAdmin):
    list_display = ("asset", "period", "amount", "received_on")
