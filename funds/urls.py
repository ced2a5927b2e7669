from django.urls import path

from funds import views

app_name = "funds"

urlpatterns = [
    path("", views.funds_overview, name="overview"),
    path("ledger/", views.ledger_export, name="ledger-export"),
    path("disclosure/", views.disclosure, name="disclosure"),
    path("batches/new/", views.batch_create, name="batch-create"),
    path("batches/<int:pk>/", views.BatchDetailView.as_view(), name="batch-detail"),
    path("batches/<int:pk>/allocate/", views.allocation_create, name="allocation-create"),
    path("allocations/<int:pk>/", views.AllocationDetailView.as_view(), name="allocation-detail"),
    path("allocations/<int:pk>/pay/", views.payment_create, name="payment-create"),
]
