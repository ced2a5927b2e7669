"""The API under /api/v1/ (STYLE rule 18): sealed, scoped viewsets registered on one router."""

from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from geo.api import AdminAreaViewSet
from households.api.views import HouseholdViewSet, IncomeRecordViewSet, MemberViewSet, VisitViewSet


class TokenView(ObtainAuthToken):
    """``POST {"username", "password"}`` → ``{"token": …}`` for API clients."""

    not_place_bound = True


router = DefaultRouter()
router.register("areas", AdminAreaViewSet, basename="area")
router.register("households", HouseholdViewSet, basename="household")
router.register("members", MemberViewSet, basename="member")
router.register("incomes", IncomeRecordViewSet, basename="income")
router.register("visits", VisitViewSet, basename="visit")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    *router.urls,
]
