"""Insurance rows are shown read-only: policies, claims and reports change only through ``insurance.services``,
which compute payouts and keep the claim trail (SPEC §11.2)."""

from django.contrib import admin

from geo.admin import ReadOnlyAdmin
from insurance.models import InsuranceClaim, InsurancePolicy, InsurerMonthlyReport


@admin.register(InsurancePolicy)
class InsurancePolicyAdmin(ReadOnlyAdmin):
    list_display = ("member", "year", "product", "premium_individual", "premium_county", "sum_insured", "insurer")
    list_filter = ("year", "product", "subsidised")
    search_fields = ("policy_no",)


@admin.register(InsuranceClaim)
class InsuranceClaimAdmin(ReadOnlyAdmin):
    list_display = ("policy", "kind", "filed_on", "status", "payout")
    list_filter = ("kind", "status", "simple")


@admin.register(InsurerMonthlyReport)
class InsurerMonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ("county", "month", "insurer", "premium_total", "payout_total", "submitted_on")
