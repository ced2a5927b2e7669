from django.urls import path

from monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.EntryQueueView.as_view(), name="entry-queue"),
    path("report/<int:pk>/", views.entry_create, name="entry-create"),
    path("<int:pk>/", views.EntryDetailView.as_view(), name="entry-detail"),
    path("subjects/<int:pk>/", views.SubjectDetailView.as_view(), name="subject-detail"),
    path("subjects/<int:pk>/measures/new/", views.measure_create, name="measure-create"),
    path("subjects/<int:pk>/measures/status/", views.measure_status, name="measure-status"),
    *[
        path(f"<int:pk>/{command}/", views.entry_command, {"command": command}, name=f"entry-{command}")
        for command in views.COMMANDS
    ],
]
