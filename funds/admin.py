"""Fund rows are shown read-only: money moves only through ``funds.services``, which refuse banned uses, funding
outside the library and overspending (SPEC §9.4, NR-PRJ-02)."""

from django.contrib import admin

from funds.models import Disbursement, FundAllocation, FundBatch
from geo.admin import ReadOnlyAdmin


@admin.register(FundBatch)
class FundBatchAdmin(ReadOnlyAdmin):
    list_display = ("county", "year", "level", "source", "document_no", "amount", "issued_on")
    list_filter = ("year", "level", "source")
    search_fields = ("document_no",)


@admin.register(FundAllocation)
class FundAllocationAdmin(ReadOnlyAdmin):
    list_display = ("batch", "project", "use", "amount", "allocated_on")
    list_filter = ("use",)


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdmin):
    list_display = ("allocation", "paid_on", "amount", "payee", "voucher_no")
