from django.urls import path

from ledgers import views
from ledgers.indicators import views as indicator_views

app_name = "ledgers"

urlpatterns = [
    path("", views.ledger_index, name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/xlsx/", views.dashboard_xlsx, name="dashboard-xlsx"),
    path("indicators/", indicator_views.indicator_table, name="indicators"),
    path("indicators/enter/", indicator_views.indicator_enter, name="indicator-enter"),
    path("exports/<int:pk>/", views.ExportDetailView.as_view(), name="export-detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("export/", views.export_start, name="export-start"),
    path("reconcile/", views.reconcile_page, name="reconcile"),
    path("reconcile/<int:pk>/", views.ReconcileDetailView.as_view(), name="reconcile-detail"),
    path("reconcile/<int:pk>/report/", views.reconcile_report, name="reconcile-report"),
    path("disclosures/", views.disclosure_log, name="disclosure-log"),
    path("frozen/", views.frozen_list, name="frozen-list"),
    path("frozen/new/", views.frozen_create, name="frozen-create"),
    path("frozen/<int:pk>/", views.FrozenDetailView.as_view(), name="frozen-detail"),
    path("frozen/<int:pk>/sign/", views.frozen_sign, name="frozen-sign"),
    path("frozen/<int:pk>/download/", views.frozen_download, name="frozen-download"),
]
