from django.urls import path

from monitoring import views, views_batches, views_overdue

app_name = "monitoring"
urlpatterns = [
    path("", views.EntryQueueView.as_view(), name="entry-queue"),
    path("batch/", views_batches.entry_batch_page, name="entry-batch"),
    path("overdue/", views_overdue.EntryOverdueView.as_view(), name="entry-overdue"),
    path("report/<int:pk>/", views.entry_create, name="entry-create"),
    path("<int:pk>/", views.EntryDetailView.as_view(), name="entry-detail"),
    path("subjects/", views.SubjectListView.as_view(), name="subject-list"),
    path("subjects/<int:pk>/", views.SubjectDetailView.as_view(), name="subject-detail"),
    path("subjects/<int:pk>/measures/new/", views.measure_create, name="measure-create"),
    path("subjects/<int:pk>/measures/status/", views.measure_status, name="measure-status"),
    path("subjects/<int:pk>/eliminate/", views.elimination_create, name="elimination-create"),
    path("subjects/<int:pk>/lookback/", views.lookback_create, name="lookback-record"),
    path("notices/<int:pk>/", views.notice_sheet, name="notice-sheet"),
    path("elimination/", views.EliminationQueueView.as_view(), name="elimination-queue"),
    path("elimination/batch/", views_batches.elimination_batch_page, name="elimination-batch"),
    path("elimination/<int:pk>/", views.EliminationDetailView.as_view(), name="elimination-detail"),
    *[
        path(
            f"elimination/<int:pk>/{command}/",
            views.elimination_command,
            {"command": command},
            name=f"elimination-{command}",
        )
        for command in views.ELIMINATION_COMMANDS
    ],
    *[
        path(f"<int:pk>/{command}/", views.entry_command, {"command": command}, name=f"entry-{command}")
        for command in views.COMMANDS
    ],
]
