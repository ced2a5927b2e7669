from django.urls import path

from households import views

app_name = "households"
urlpatterns = [
    path("", views.HouseholdListView.as_view(), name="household-list"),
    path("<int:pk>/", views.HouseholdDetailView.as_view(), name="household-detail"),
]
