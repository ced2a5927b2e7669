"""Large-scale risk event pages (SPEC §4.12): the county records an event over villages or townships, which starts its
sweep; everyone in the county follows the visits it calls for and the households it suggests identifying (STYLE rule
18: thin views)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from accounts.http import AuthenticatedHttpRequest
from core.errors import DomainError
from core.forms import raise_first_error
from geo.codes import AreaLevel
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea
from geo.selectors import counties_of
from geo.shortcuts import get_visible_or_404, scoped_view
from sweeps import permissions, selectors
from sweeps.choices import DISASTER_EVENT_KINDS, RunStatus
from sweeps.forms import RiskEventForm
from sweeps.models import RiskEvent
from sweeps.services.events import risk_event_record, risk_event_sweep


def _may_record(user: Any) -> bool:
    """A county reviewer (or an administrator) with a county in their territory (``can_record_event``)."""
    return permissions.can_start_sweep(user) and counties_of(user).exists()


def _event_form(user: Any, data: Any = None, files: Any = None) -> RiskEventForm:
    counties = counties_of(user)
    areas = (
        AdminArea.objects.visible_to(user)
        .active()
        .filter(level__in=[AreaLevel.TOWNSHIP, AreaLevel.VILLAGE])
        .select_related("parent")
        .order_by("code")
    )
    today = timezone.localdate()
    return RiskEventForm(data, files, counties=counties, areas=areas, initial={"starts_on": today})


class RiskEventListView(JurisdictionScopedMixin, ListView[RiskEvent]):
    """The county's risk events, newest first; the county records a new one here."""

    model = RiskEvent
    paginate_by = 20
    template_name = "sweeps/risk_event_list.html"

    def scope_queryset(self, queryset: QuerySet[RiskEvent]) -> QuerySet[RiskEvent]:
        return selectors.risk_event_rows(queryset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_record"] = _may_record(self.request.user)
        return context


@scoped_view()
def risk_event_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record an event and start its sweep (a county reviewer of the county)."""
    if not _may_record(request.user):
        raise PermissionDenied
    form = _event_form(request.user, request.POST or None, request.FILES or None)
    if request.method == "POST":
        try:
            raise_first_error(form)
            data = form.cleaned_data
            county = counties_of(request.user).filter(code=data["county"]).first()
            if county is None:
                raise PermissionDenied
            areas = list(AdminArea.objects.visible_to(request.user).filter(code__in=data["areas"]))
            event = risk_event_record(
                actor=request.user,
                county=county,
                kind=data["kind"],
                name=data["name"],
                areas=areas,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                estimated_loss=data["estimated_loss"],
                description=data["description"],
                plan=data["plan"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("风险事件已登记，受影响区域的排查已开始"))
            return redirect(event)
    return render(request, "sweeps/risk_event_form.html", {"form": form, "title": _("登记大规模风险事件")})


class RiskEventDetailView(JurisdictionScopedMixin, DetailView[RiskEvent]):
    """One event: what, where, when; the visits it calls for and the households suggested for identification."""

    model = RiskEvent
    template_name = "sweeps/risk_event_detail.html"

    def scope_queryset(self, queryset: QuerySet[RiskEvent]) -> QuerySet[RiskEvent]:
        return queryset.select_related("county", "recorded_by").prefetch_related("areas")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        event: RiskEvent = self.object
        user = self.request.user
        today = timezone.localdate()
        runs = list(event.runs.order_by("-started_at")[:5])
        context.update(
            progress=selectors.risk_event_progress(event, user=user, today=today),
            runs=runs,
            running=any(run.status in (RunStatus.PENDING, RunStatus.RUNNING) for run in runs),
            is_disaster=event.kind in DISASTER_EVENT_KINDS,
            past_due=event.visit_due_on < today,
            can_sweep=permissions.can_record_event(user, event.county),
        )
        return context


@require_POST
@scoped_view(model=RiskEvent, post_only=True)
def risk_event_sweep_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Run the event's sweep again (a county reviewer): once the visits fall due, it lists who was missed."""
    event = get_visible_or_404(RiskEvent, request.user, pk=pk)
    try:
        risk_event_sweep(event=event, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已重新排查受影响区域"))
    return redirect(event)
