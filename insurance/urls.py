from django.urls import path

from insurance import views

app_name = "insurance"

urlpatterns = [
    path("", views.PolicyListView.as_view(), name="policy-list"),
    path("enrol/", views.enrol, name="policy-enrol"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
    path("members/<int:pk>/policies/new/", views.policy_create, name="policy-create"),
    path("policies/<int:pk>/claims/new/", views.claim_create, name="claim-create"),
    path("claims/", views.ClaimListView.as_view(), name="claim-list"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim-detail"),
    path("claims/<int:pk>/accept/", views.claim_accept, name="claim-accept"),
    path("claims/<int:pk>/pay/", views.claim_pay, name="claim-pay"),
    path("claims/<int:pk>/refuse/", views.claim_refuse, name="claim-refuse"),
    path("reports/", views.ReportListView.as_view(), name="report-list"),
    path("reports/new/", views.report_create, name="report-create"),
]
