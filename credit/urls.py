from django.urls import path

from credit import views

app_name = "credit"

urlpatterns = [
    path("", views.LoanListView.as_view(), name="loan-list"),
    path("loans/<int:pk>/", views.LoanDetailView.as_view(), name="loan-detail"),
    path("loans/<int:pk>/repay/", views.repayment_create, name="repayment-create"),
    path("loans/<int:pk>/convert/", views.loan_convert, name="loan-convert"),
    path("loans/<int:pk>/write-off/", views.loan_write_off, name="loan-write-off"),
    path("loans/<int:pk>/blacklist/", views.loan_blacklist, name="loan-blacklist"),
    path("households/<int:pk>/", views.household_loans, name="household-loans"),
    path("households/<int:pk>/sign/", views.loan_create, name="loan-create"),
]
