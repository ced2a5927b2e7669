"""The API under /api/v1/ (STYLE rule 18): sealed, scoped viewsets registered on one router."""

from django.urls import path
from rest_framework.routers import DefaultRouter

import credit.api
import employment.api
import insurance.api
import welfare_posts.api
from accounts.tokens import TokenView
from funds.api.views import FundAllocationViewSet, FundBatchViewSet
from geo.api import AdminAreaViewSet
from geo.shortcuts import scoped_view
from households.api.imports import HouseholdImportViewSet, IncomeImportViewSet
from households.api.views import HouseholdViewSet, IncomeRecordViewSet, MemberViewSet, RiskFlagViewSet, VisitViewSet
from ledgers.api import DashboardView, FrozenLedgerViewSet, LedgerExportViewSet
from ledgers.indicators.api import IndicatorTableView
from monitoring.api.views import EliminationCaseViewSet, EntryApplicationViewSet, MonitoringSubjectViewSet
from national.api.views import NationalEntryViewSet
from notifications.api import NotificationViewSet
from offline.api import OfflineHouseholdsView, OfflineSessionView, OfflineVisitView
from projects.api.views import AssetViewSet, ProjectViewSet
from sweeps.api.campaigns import CampaignPartViewSet, CampaignViewSet, ChecklistItemViewSet
from sweeps.api.events import RiskEventViewSet
from sweeps.api.views import ProblemViewSet, ScreeningBatchViewSet, ScreeningWarningViewSet, SweepRunViewSet

router = DefaultRouter()
router.register("areas", AdminAreaViewSet, basename="area")
router.register("households", HouseholdViewSet, basename="household")
router.register("members", MemberViewSet, basename="member")
router.register("incomes", IncomeRecordViewSet, basename="income")
router.register("household-imports", HouseholdImportViewSet, basename="household-import")
router.register("income-imports", IncomeImportViewSet, basename="income-import")
router.register("visits", VisitViewSet, basename="visit")
router.register("risks", RiskFlagViewSet, basename="risk")
router.register("entries", EntryApplicationViewSet, basename="entry")
router.register("subjects", MonitoringSubjectViewSet, basename="subject")
router.register("eliminations", EliminationCaseViewSet, basename="elimination")
router.register("national-entries", NationalEntryViewSet, basename="national-entry")
router.register("sweep-runs", SweepRunViewSet, basename="sweep-run")
router.register("problems", ProblemViewSet, basename="problem")
router.register("screening-batches", ScreeningBatchViewSet, basename="screening-batch")
router.register("warnings", ScreeningWarningViewSet, basename="warning")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("campaign-parts", CampaignPartViewSet, basename="campaign-part")
router.register("risk-events", RiskEventViewSet, basename="risk-event")
router.register("checklist-items", ChecklistItemViewSet, basename="checklist-item")
router.register("projects", ProjectViewSet, basename="project")
router.register("assets", AssetViewSet, basename="asset")
router.register("fund-batches", FundBatchViewSet, basename="fund-batch")
router.register("fund-allocations", FundAllocationViewSet, basename="fund-allocation")
router.register("ledger-exports", LedgerExportViewSet, basename="ledger-export")
router.register("frozen-ledgers", FrozenLedgerViewSet, basename="frozen-ledger")
router.register("notifications", NotificationViewSet, basename="notification")
for programme in (credit.api, insurance.api, employment.api, welfare_posts.api):
    programme.register(router)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("dashboard/", scoped_view(DashboardView.as_view()), name="dashboard"),
    path("indicators/", scoped_view(IndicatorTableView.as_view()), name="indicators"),
    # The phone app (offline visits): every answer for the caller's jurisdiction at the moment of the call.
    path("offline/session/", scoped_view(OfflineSessionView.as_view()), name="offline-session"),
    path("offline/households/", scoped_view(OfflineHouseholdsView.as_view()), name="offline-households"),
    path("offline/visits/", scoped_view(OfflineVisitView.as_view(), post_only=True), name="offline-visits"),
    *router.urls,
]
