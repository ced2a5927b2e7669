from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.permissions import has_capability
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.shortcuts import scoped_view
from households.choices import MemberStatus
from households.models import Household, HouseholdMember
from ledgers.views import DASHBOARD_CAPABILITIES
from sweeps.selectors import centralized_sweep_missing
from web.queues import queue_for


@scoped_view
def home(request: HttpRequest) -> HttpResponse:
    """The user's own home page: their area, their roles, the numbers of their jurisdiction and their queue."""
    user = request.user
    households = Household.objects.visible_to(user).active()
    areas = AdminArea.objects.visible_to(user).active()
    context = {
        "queue": queue_for(user),
        "stats": {
            "households": households.count(),
            "people": HouseholdMember.objects.visible_to(user)
            .filter(member_status=MemberStatus.PRESENT, household__closed_on__isnull=True)
            .count(),
            "townships": areas.filter(level=AreaLevel.TOWNSHIP).count(),
            "villages": areas.filter(level=AreaLevel.VILLAGE).count(),
        },
        "roles": sorted(getattr(user, "roles", []), key=str),
        "sweep_missing": centralized_sweep_missing(user=user, today=timezone.localdate()),
        "dashboard": any(has_capability(user, c) for c in DASHBOARD_CAPABILITIES),
    }
    return render(request, "web/home.html", context)
