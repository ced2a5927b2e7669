"""Loans are shown read-only: they change only through ``credit.services``, which check NR-LOAN-01…12."""

from django.contrib import admin

from credit.models import LoanRepayment, MicroLoan
from geo.admin import ReadOnlyAdmin


@admin.register(MicroLoan)
class MicroLoanAdmin(ReadOnlyAdmin):
    list_display = ("contract_no", "bank", "household", "kind", "amount", "signed_on", "maturity", "status")
    list_filter = ("status", "kind")
    search_fields = ("contract_no", "household__household_no")


@admin.register(LoanRepayment)
class LoanRepaymentAdmin(ReadOnlyAdmin):
    list_display = ("loan", "paid_on", "principal", "interest")
