"""The county's page of procedures past their target (SPEC §4.14, ``entry.total_target_days``): each township with
its applications whose whole procedure EN-0 → EN-6 has used more working days than the target, for the county's
reviewers and the supervisors above them."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.generic import ListView

from accounts.http import AuthenticatedHttpRequest
from geo.codes import AreaLevel
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea
from monitoring import permissions
from monitoring.models import EntryApplication
from monitoring.selectors import overdue, queues


class EntryOverdueView(JurisdictionScopedMixin, ListView[EntryApplication]):
    """Applications past the procedure's target, by township; ``?township=`` keeps one township of the territory."""

    model = EntryApplication
    template_name = "monitoring/entry_overdue.html"
    request: AuthenticatedHttpRequest

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = self.request.user
        if not permissions.can_read_overdue_procedures(user):
            raise PermissionDenied
        self.today = timezone.localdate()
        self.waiting = queues.WaitingContext()
        self.township = request.GET.get("township", "")
        if self.township and not (
            AdminArea.objects.visible_to(user).filter(code=self.township, level=AreaLevel.TOWNSHIP).exists()
        ):
            raise Http404
        return super().get(request, *args, **kwargs)

    def scope_queryset(self, queryset: QuerySet[EntryApplication]) -> QuerySet[EntryApplication]:
        return overdue.procedures_overdue_for(
            queryset, user=self.request.user, today=self.today, context=self.waiting, township=self.township
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["townships"] = overdue.by_township(context["object_list"], today=self.today, context=self.waiting)
        context["township"] = self.township
        return context
