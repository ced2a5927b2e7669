from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from geo.models import AdminArea


@admin.register(AdminArea)
class AdminAreaAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "parent", "valid_to")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "replaced_by")
