from django.urls import path

from monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.EntryQueueView.as_view(), name="entry-queue"),
    path("report/<int:pk>/", views.entry_create, name="entry-create"),
    path("<int:pk>/", views.EntryDetailView.as_view(), name="entry-detail"),
    *[
        path(f"<int:pk>/{command}/", views.entry_command, {"command": command}, name=f"entry-{command}")
        for command in views.COMMANDS
    ],
]
