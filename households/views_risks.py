"""A household's risks page (风险, SPEC §4.3): its open and resolved risks with their steps, the form to record one by
hand and the resolve command. Thin: reads through ``visible_to``, the services decide."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from core.errors import DomainError
from core.forms import raise_first_error
from geo.shortcuts import get_visible_or_404, scoped_view
from households import selectors
from households.forms import RiskOpenForm, RiskResolveForm
from households.models import Household, RiskFlag
from households.permissions import can_manage_risks
from households.services.risks import risk_open, risk_resolve


def risks_url(household: Household) -> str:
    return reverse("households:risk-list", args=[household.pk])


@scoped_view(model=Household)
def risk_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The household's risks, open first; a village worker or township cadre of the managing area records one."""
    household = get_visible_or_404(Household, request.user, pk=pk)
    can_manage = can_manage_risks(request.user, household) and household.closed_on is None
    form = None
    if can_manage:
        form = RiskOpenForm(request.POST or None, initial={"found_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                risk, new = risk_open(actor=request.user, household=household, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                if new:
                    messages.success(request, _("已登记风险：%(risk)s") % {"risk": risk.get_risk_type_display()})
                else:
                    messages.warning(
                        request,
                        _("该户已有未消除的“%(risk)s”风险（%(on)s 发现），已记为再次发现")
                        % {"risk": risk.get_risk_type_display(), "on": risk.found_on},
                    )
                return redirect(risks_url(household))
    elif request.method == "POST":
        raise PermissionDenied
    open_risks, resolved = selectors.household_risks(household)
    return render(
        request,
        "households/risk_list.html",
        {
            "household": household,
            "open_risks": open_risks,
            "resolved_risks": resolved,
            "form": form,
            "resolve_form": RiskResolveForm(),
            "can_manage": can_manage,
        },
    )


@require_POST
@scoped_view(model=RiskFlag, post_only=True)
def risk_resolve_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    risk = get_visible_or_404(RiskFlag, request.user, pk=pk)
    if not can_manage_risks(request.user, risk.household):
        raise PermissionDenied
    form = RiskResolveForm(request.POST)
    try:
        raise_first_error(form)
        risk_resolve(
            actor=request.user,
            risk=risk,
            resolution=form.cleaned_data["resolution"],
            resolved_on=form.cleaned_data.get("resolved_on"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("风险“%(risk)s”已消除") % {"risk": risk.get_risk_type_display()})
    return redirect(risks_url(risk.household))
