"""National entries in the admin are read-only: they are written by ``national.services`` and never edited (a
correction is a new entry)."""

from django.contrib import admin

from geo.admin import ReadOnlyAdmin
from national.models import NationalEntry


@admin.register(NationalEntry)
class NationalEntryAdmin(ReadOnlyAdmin):
    list_display = ("subject", "kind", "national_record_no", "entered_on", "recorded_by", "recorded_at")
    list_filter = ("kind",)
    raw_id_fields = ("subject", "elimination_case", "supersedes")
