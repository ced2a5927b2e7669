from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("辖区与部门"), {"fields": ("area", "department", "unit_name", "phone")}),
    )
    list_display = ("username", "last_name", "area", "department", "is_active")
    list_filter = ("groups", "department", "is_active")
    raw_id_fields = ("area",)
