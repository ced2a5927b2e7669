"""The indicator table page (SPEC §13.2, §13.3) and the command that enters a value: thin views over
``selectors.indicator_rows`` and ``services.kpi_value_enter``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from core.errors import DomainError
from core.forms import raise_first_error
from geo.shortcuts import scoped_view
from ledgers.counts import counted_for
from ledgers.dashboard import can_see_dashboard
from ledgers.indicators import selectors, services
from ledgers.indicators.forms import ValueForm, YearForm
from ledgers.models import KpiValue


def chosen_year(data: object) -> int:
    """The year asked for (``?year=``), or this year."""
    form = YearForm(data)
    if form.is_valid() and form.cleaned_data["year"]:
        return int(form.cleaned_data["year"])
    return timezone.localdate().year


@scoped_view
def indicator_table(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every indicator of the user's area and year: target, actual, met, source and freshness."""
    user = request.user
    if not can_see_dashboard(user):
        raise PermissionDenied
    today = timezone.localdate()
    year = chosen_year(request.GET)
    rows = selectors.indicator_rows(user, year=year, today=today, counted=counted_for(user))
    can_enter = services.can_enter_values(user)
    context = {
        "year": year,
        "years": list(range(today.year, today.year - 6, -1)),
        "groups": selectors.indicator_groups(rows),
        "tally": selectors.indicator_tally(rows),
        "form": ValueForm(indicators=services.enterable_indicators(user), initial={"period": str(year)})
        if can_enter
        else None,
        "entries": KpiValue.objects.visible_to(user)
        .filter(area=user.area)
        .select_related("indicator", "entered_by")[:10]
        if can_enter
        else [],
    }
    return render(request, "ledgers/indicators.html", context)


@require_POST
@scoped_view(post_only=True)
def indicator_enter(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enter the actual value of one indicator for the user's own area."""
    user = request.user
    if not services.can_enter_values(user):
        raise PermissionDenied
    form = ValueForm(request.POST, indicators=services.enterable_indicators(user))
    try:
        raise_first_error(form)
        data = form.cleaned_data
        services.kpi_value_enter(
            actor=user, indicator=data["indicator"], period=data["period"], value=data["value"], note=data["note"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已填报"))
    return redirect("ledgers:indicators")
