from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from geo.models import AdminArea, CalendarOverride, PolicyParameter


class JurisdictionScopedAdminMixin:
    """The admin obeys the same jurisdiction as pages and API: a staff user bound to a province sees that
    province, not the whole country (superusers see everything, as in ``visible_to``)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        scoped: QuerySet[Any] = super().get_queryset(request).visible_to(request.user)  # type: ignore[misc]
        return scoped


class ReadOnlyAdmin(JurisdictionScopedAdminMixin, admin.ModelAdmin[Any]):
    """Workflow rows change only through their services (STYLE rule 6): the admin shows them, scoped, and no admin
    form can make an illegal move or skip a gate."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AdminArea)
class AdminAreaAdmin(JurisdictionScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "parent", "valid_to")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "replaced_by")
    readonly_fields = ("code", "level", "parent", "valid_to", "replaced_by")  # changed through geo.services only

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # areas are created by code (geo.services.area_create), which validates the code tree

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # areas are never deleted (SPEC §15 C-20)


@admin.register(PolicyParameter)
class PolicyParameterAdmin(SimpleHistoryAdmin):
    """System administrators override the SPEC §15.2 defaults per province or county and per period."""

    list_display = ("key", "area_code", "value", "valid_from", "valid_to", "basis")
    list_filter = ("key",)
    search_fields = ("key", "area_code")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # end a value with valid_to instead, so past decisions stay explainable


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    """Enter each coming year's holidays and make-up working days here once the State Council publishes them."""

    list_display = ("day", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "day"
