from django.urls import path

from sweeps import views

app_name = "sweeps"

urlpatterns = [
    path("", views.RunListView.as_view(), name="run-list"),
    path("start/", views.run_start, name="run-start"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run-detail"),
    path("rules/", views.rule_catalogue, name="rule-catalogue"),
    path("problems/", views.ProblemListView.as_view(), name="problem-list"),
    path("problems/export/", views.problem_export, name="problem-export"),
    path("problems/<int:pk>/", views.ProblemDetailView.as_view(), name="problem-detail"),
    *(
        path(f"problems/<int:pk>/{command}/", views.problem_command, {"command": command}, name=f"problem-{command}")
        for command in views.COMMANDS
    ),
]
