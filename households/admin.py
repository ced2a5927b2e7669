from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from geo.admin import JurisdictionScopedAdminMixin
from households.models import Household, HouseholdMember, IdentityDisclosure, IncomeRecord


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

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # households leave the registry with a reason, never deleted (SPEC §2.6)


@admin.register(HouseholdMember)
class HouseholdMemberAdmin(JurisdictionScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "household", "relationship", "member_status")
    search_fields = ("=id_number", "name")
    raw_id_fields = ("household",)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(IncomeRecord)
class IncomeRecordAdmin(JurisdictionScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("household", "year")
    raw_id_fields = ("household",)


@admin.register(IdentityDisclosure)
class IdentityDisclosureAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "household", "channel")
    readonly_fields = ("at", "user", "household", "channel")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
