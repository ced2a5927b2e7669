from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project-list"),
    path("new/", views.project_create, name="project-create"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("<int:pk>/assets/new/", views.asset_register, name="asset-register"),
    *(
        path(f"<int:pk>/{command}/", views.project_command, {"command": command}, name=f"project-{command}")
        for command in views.COMMANDS
    ),
    path("targets/<int:pk>/remove/", views.target_remove, name="target-remove"),
    path("beneficiaries/<int:pk>/remove/", views.beneficiary_remove, name="beneficiary-remove"),
    path("notices/<int:pk>/print/", views.notice_print, name="notice-print"),
    path("assets/", views.AssetListView.as_view(), name="asset-list"),
    path("assets/<int:pk>/", views.AssetDetailView.as_view(), name="asset-detail"),
    *(
        path(f"assets/<int:pk>/{command}/", views.asset_command, {"command": command}, name=f"asset-{command}")
        for command in views.ASSET_COMMANDS
    ),
    path("incomes/<int:pk>/distribute/", views.distribution_add, name="distribution-add"),
]
