from django.urls import include, path

from households import views, views_income, views_life, views_pairing, views_risks

app_name = "households"
urlpatterns = [
    path("", views.HouseholdListView.as_view(), name="household-list"),
    path("new/", views.household_create, name="household-create"),
    path("visits/overdue/", views.visits_overdue, name="visits-overdue"),
    path("income/", views_income.income_grid, name="income-grid"),
    path("pairings/", views_pairing.pairing_list, name="pairing-list"),
    path("pairings/mine/", views_pairing.my_pairings, name="pairing-mine"),
    path("pairings/cadres/", views_pairing.cadre_suggestions, name="pairing-cadres"),
    path("pairings/cadres/paired/", views_pairing.paired_cadre_suggestions, name="pairing-cadres-paired"),
    path("pairings/<int:pk>/end/", views_pairing.pairing_end_view, name="pairing-end"),
    path("<int:pk>/", views.HouseholdDetailView.as_view(), name="household-detail"),
    path("transfers/", views_life.transfer_list, name="transfer-list"),
    path("village-merges/", views_life.village_merge_list, name="village-merge-list"),
    path("village-merges/<int:pk>/", views_life.village_merge_view, name="village-merge"),
    path("<int:pk>/areas/", views_life.household_areas, name="household-areas"),
    path("<int:pk>/split/", views_life.household_split_view, name="household-split"),
    path("<int:pk>/merge/", views_life.household_merge_view, name="household-merge"),
    path("import/", include("households.urls_import")),
    path("<int:pk>/edit/", views.household_edit, name="household-edit"),
    path("<int:pk>/close/", views.household_close_view, name="household-close"),
    path("<int:pk>/members/new/", views.member_create, name="member-create"),
    path("<int:pk>/income/", views.income_edit, name="income-edit"),
    path("<int:pk>/rigid-expenses/new/", views.rigid_expense_create, name="rigid-expense-create"),
    path("<int:pk>/flags/new/", views.flag_create, name="flag-create"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit-create"),
    path("<int:pk>/risks/", views_risks.risk_list, name="risk-list"),
    path("risks/<int:pk>/resolve/", views_risks.risk_resolve_view, name="risk-resolve"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("members/<int:pk>/leave/", views.member_leave_view, name="member-leave"),
    path("flags/<int:pk>/end/", views.flag_end, name="flag-end"),
    path("photos/<int:pk>/", views.visit_photo, name="visit-photo"),
]
