"""Post rows are shown read-only: posts, hires, attendance and payments change only through
``welfare_posts.services``, which hold the rules of SPEC §11.4 (positions, priority, NR-POST-01)."""

from django.contrib import admin

from geo.admin import ReadOnlyAdmin
from welfare_posts.models import PostAttendance, PostHire, PostPayment, WelfarePost


@admin.register(WelfarePost)
class WelfarePostAdmin(ReadOnlyAdmin):
    list_display = ("name", "post_type", "village", "funding_source", "monthly_subsidy", "positions", "active")
    list_filter = ("post_type", "funding_source", "active")
    search_fields = ("name",)


@admin.register(PostHire)
class PostHireAdmin(ReadOnlyAdmin):
    list_display = ("post", "member", "hired_on", "ended_on", "priority_basis", "exit_reason")
    list_filter = ("priority_basis", "exit_reason")


@admin.register(PostAttendance)
class PostAttendanceAdmin(ReadOnlyAdmin):
    list_display = ("hire", "month", "days_worked", "assessment")


@admin.register(PostPayment)
class PostPaymentAdmin(ReadOnlyAdmin):
    list_display = ("hire", "month", "amount", "paid_on")
