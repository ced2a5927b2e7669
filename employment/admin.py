"""Employment rows are shown read-only and scoped: they change only through ``employment.services``, which compute
the subsidies from the rules (SPEC §11.3)."""

from django.contrib import admin

from employment.models import EmploymentRecord, EmploymentService, EmploymentSubsidy, Workshop, WorkshopHire
from geo.admin import ReadOnlyAdmin


@admin.register(EmploymentRecord)
class EmploymentRecordAdmin(ReadOnlyAdmin):
    list_display = ("member", "year", "status", "months_employed", "stably_employed")
    list_filter = ("year", "status")


@admin.register(EmploymentService)
class EmploymentServiceAdmin(ReadOnlyAdmin):
    list_display = ("member", "kind", "served_on")
    list_filter = ("kind",)


@admin.register(Workshop)
class WorkshopAdmin(ReadOnlyAdmin):
    list_display = ("name", "area", "operator", "recognised_on")


@admin.register(WorkshopHire)
class WorkshopHireAdmin(ReadOnlyAdmin):
    list_display = ("workshop", "member", "hired_on", "left_on", "disabled_or_guardian")


@admin.register(EmploymentSubsidy)
class EmploymentSubsidyAdmin(ReadOnlyAdmin):
    list_display = ("kind", "member", "workshop", "year", "amount", "paid_on")
    list_filter = ("kind", "year")
