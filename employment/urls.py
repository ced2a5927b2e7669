from django.urls import path

from employment import views

app_name = "employment"

urlpatterns = [
    path("", views.RosterView.as_view(), name="roster"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
    path("members/<int:pk>/record/", views.record_edit, name="record-edit"),
    *(
        path(f"members/<int:pk>/{command}/", views.member_command, {"command": command}, name=f"member-{command}")
        for command in views.MEMBER_COMMANDS
    ),
    path("subsidies/<int:pk>/paid/", views.subsidy_paid, name="subsidy-paid"),
    path("workshops/", views.WorkshopListView.as_view(), name="workshop-list"),
    path("workshops/new/", views.workshop_create, name="workshop-create"),
    path("workshops/<int:pk>/", views.WorkshopDetailView.as_view(), name="workshop-detail"),
    *(
        path(f"workshops/<int:pk>/{command}/", views.workshop_command, {"command": command}, name=f"workshop-{command}")
        for command in views.WORKSHOP_COMMANDS
    ),
    path("hires/<int:pk>/end/", views.hire_end, name="hire-end"),
]
