"""Monitoring in the admin is read-only: states change only through the transition services (SPEC §4.6), so no
admin form can make an illegal move."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from geo.admin import ReadOnlyAdmin
from monitoring.models import EliminationCase, EntryApplication, EntryEvent, MeasureTemplate, MonitoringSubject


class EventInline(admin.TabularInline):
    model = EntryEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "from_state", "to_state", "actor", "comment")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EntryApplication)
class EntryApplicationAdmin(ReadOnlyAdmin):
    list_display = ("household", "state", "proposed_category", "channel", "reported_on")
    list_filter = ("state", "proposed_category", "channel")
    raw_id_fields = ("household",)
    inlines = [EventInline]


@admin.register(MonitoringSubject)
class MonitoringSubjectAdmin(ReadOnlyAdmin):
    list_display = ("household", "category", "status", "entered_on")
    list_filter = ("status", "category")
    raw_id_fields = ("household",)


@admin.register(EliminationCase)
class EliminationCaseAdmin(ReadOnlyAdmin):
    list_display = ("subject", "state", "opened_on", "marked_on")
    list_filter = ("state",)
    raw_id_fields = ("subject",)


@admin.register(MeasureTemplate)
class MeasureTemplateAdmin(admin.ModelAdmin):
    """The 一户一策 catalogue is reference data administrators maintain per area (SPEC §5.4)."""

    list_display = ("risk_type", "measure_type", "subtype", "responsible_department", "due_days", "area_code", "active")
    list_filter = ("risk_type", "measure_type", "active")
    search_fields = ("description", "area_code")
