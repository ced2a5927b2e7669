from django.urls import path

from sweeps import views, views_campaigns, views_events, views_screening

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
    path("campaigns/", views_campaigns.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/new/", views_campaigns.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views_campaigns.CampaignDetailView.as_view(), name="campaign-detail"),
    path("campaigns/<int:pk>/close/", views_campaigns.campaign_close, name="campaign-close"),
    path("campaigns/parts/<int:pk>/", views_campaigns.CampaignPartView.as_view(), name="campaign-part"),
    path("campaigns/parts/<int:pk>/sign/", views_campaigns.campaign_part_sign, name="campaign-part-sign"),
    path("campaigns/items/<int:pk>/answer/", views_campaigns.checklist_answer, name="checklist-answer"),
    path("events/", views_events.RiskEventListView.as_view(), name="risk-event-list"),
    path("events/new/", views_events.risk_event_create, name="risk-event-create"),
    path("events/<int:pk>/", views_events.RiskEventDetailView.as_view(), name="risk-event-detail"),
    path("events/<int:pk>/sweep/", views_events.risk_event_sweep_start, name="risk-event-sweep"),
    path("screening/", views_screening.BatchListView.as_view(), name="batch-list"),
    path("screening/upload/", views_screening.batch_upload, name="batch-upload"),
    path("screening/template/", views_screening.screening_template, name="screening-template"),
    path("screening/<int:pk>/", views_screening.BatchDetailView.as_view(), name="batch-detail"),
    path("warnings/", views_screening.WarningListView.as_view(), name="warning-list"),
    path("warnings/<int:pk>/", views_screening.WarningDetailView.as_view(), name="warning-detail"),
    path("warnings/<int:pk>/dispose/", views_screening.warning_dispose, name="warning-dispose"),
    path("warnings/<int:pk>/close/", views_screening.warning_close, name="warning-close"),
]
