"""Included by households/urls.py under ``import/``; no app_name: the names live in the ``households`` namespace."""

from django.urls import path

from households import views_import

urlpatterns = [
    path("", views_import.household_import_upload, name="household-import-upload"),
    path("<int:pk>/", views_import.household_import_detail, name="household-import-detail"),
    path("<int:pk>/progress/", views_import.household_import_progress, name="household-import-progress"),
    path("<int:pk>/commit/", views_import.household_import_commit, name="household-import-commit"),
    path("template.xlsx", views_import.household_import_template, name="household-import-template"),
    path("income/", views_import.income_import_upload, name="income-import-upload"),
    path("income/template.xlsx", views_import.income_import_template, name="income-import-template"),
]
