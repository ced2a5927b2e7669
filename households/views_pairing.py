"""Pairing pages (帮扶责任人结对, SPEC §1.6): the township's list with its form, the end command, and a cadre's own
households. Thin: selectors read through ``visible_to``, services decide."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from core.errors import DomainError
from core.forms import SuggestInput, raise_first_error
from core.pagination import page_context
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.shortcuts import get_visible_or_404, scoped_view
from households import selectors
from households.forms import PairingEndForm, PairingForm
from households.models import AssistancePairing, Household
from households.paging import HouseholdPaginator
from households.permissions import can_manage_pairings
from households.services.pairing import pairing_end, pairing_start

STATES = {"in_force", "ended"}
PER_PAGE = 30


def _filters(request: AuthenticatedHttpRequest, cadres: QuerySet[User]) -> selectors.PairingFilters:
    params = request.GET
    cadre = params.get("cadre", "").strip()
    state = params.get("state", "in_force")
    return selectors.PairingFilters(
        village=params.get("village", ""),
        # a cadre typed by name or user name (several may share a name)
        cadres=[named.pk for named in selectors.cadres_named(cadres, cadre)] if cadre else None,
        state=state if state in STATES else "",
    )


def _start(request: AuthenticatedHttpRequest, form: PairingForm) -> AssistancePairing | None:
    """The form's pairing through the service, or None with the refusal on the field it names."""
    data = form.cleaned_data
    household = Household.objects.visible_to(request.user).filter(household_no=data["household_no"].strip()).first()
    if household is None:
        form.add_error("household_no", _("未找到户编号为“%(no)s”的农户") % {"no": data["household_no"]})
        return None
    try:
        return pairing_start(
            actor=request.user,
            cadre=data["cadre"],
            household=household,
            unit=data["unit"],
            valid_from=data["valid_from"],
        )
    except PermissionDenied:
        form.add_error("household_no", _("该户不归您管理，不能为其结对"))
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return None


@scoped_view
def pairing_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The pairings of the user's area, filtered by village, cadre and whether in force; the form to pair."""
    if not has_capability(request.user, Capability.BROWSE_HOUSEHOLDS):
        raise PermissionDenied
    today = timezone.localdate()
    can_pair = can_manage_pairings(request.user)
    form = None
    if can_pair:  # the cadres the user may pair are read (the county's area first) only to resolve a posted name
        initial: dict[str, Any] = {}
        household_pk = request.GET.get("household", "")
        if household_pk.isdigit():
            chosen = Household.objects.visible_to(request.user).filter(pk=int(household_pk)).first()
            if chosen is not None:
                initial["household_no"] = chosen.household_no
        form = PairingForm(
            request.POST or None, cadres=lambda: selectors.pairing_cadres(user=request.user), initial=initial
        )
        if request.method == "POST" and form.is_valid():
            pairing = _start(request, form)
            if pairing is not None:
                messages.success(
                    request,
                    _("已将“%(household)s”与帮扶责任人%(cadre)s结对")
                    % {"household": pairing.household, "cadre": pairing.cadre},
                )
                return redirect("households:pairing-list")
    elif request.method == "POST":
        raise PermissionDenied
    filters = _filters(request, selectors.paired_cadres(user=request.user))
    villages = AdminArea.objects.visible_to(request.user).filter(level=AreaLevel.VILLAGE).order_by("code")
    pairings = selectors.pairing_list(user=request.user, filters=filters, on=today)
    # Counted area by area: no index reaches a township's pairings but through its households, and counted plainly,
    # a township's were found by scanning the province's 350,000 (in parallel, 17–21 ms; 11 ms by area). The page,
    # newest first, is a plain slice.
    areas = AssistancePairing.objects.territory_ids(request.user)
    paginator = HouseholdPaginator(pairings, PER_PAGE, areas=areas, household="household")
    page = paginator.get_page(request.GET.get("page"))
    # A county's cadres are thousands (a county of 60,000 households pairs 3,000 or more): typed, with suggestions.
    attrs = {"id": "f-cadre", "class": "form-control form-control-sm", "placeholder": _("姓名或用户名")}
    cadre_input = SuggestInput(reverse("households:pairing-cadres-paired"), attrs=attrs)
    return render(
        request,
        "households/pairing_list.html",
        {
            "rows": [(row, row.in_force_on(today)) for row in page.object_list],
            **page_context(page),
            "filters": filters,
            "villages": villages,
            "cadre_input": cadre_input.render("cadre", request.GET.get("cadre", "")),
            "form": form,
            "end_form": PairingEndForm(),
            "can_pair": can_pair,
            "today": today,
        },
    )


def _suggestions(request: AuthenticatedHttpRequest, cadres: QuerySet[User]) -> HttpResponse:
    # what was typed: the one value sent, under the input's name (whatever its form's prefix)
    typed = str(request.GET[next(iter(request.GET))]) if len(request.GET) == 1 else ""
    found = selectors.cadres_matching(cadres, typed)
    return render(request, "households/_cadre_options.html", {"cadres": found})


@scoped_view
def cadre_suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The pairing form's suggestions as a cadre's name is typed: the first cadres the user may pair
    (``pairing_cadres``) whose name or user name begins with it, as the options of the input's datalist."""
    if not can_manage_pairings(request.user):
        raise PermissionDenied
    return _suggestions(request, selectors.pairing_cadres(user=request.user))


@scoped_view
def paired_cadre_suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The pairing list filter's suggestions: the cadres of the pairings the user may see (``paired_cadres``)."""
    if not has_capability(request.user, Capability.BROWSE_HOUSEHOLDS):
        raise PermissionDenied
    return _suggestions(request, selectors.paired_cadres(user=request.user))


@require_POST
@scoped_view(model=AssistancePairing, post_only=True)
def pairing_end_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pairing = get_visible_or_404(AssistancePairing, request.user, pk=pk)
    if not can_manage_pairings(request.user, pairing.household):
        raise PermissionDenied
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    form = PairingEndForm(request.POST)
    try:
        raise_first_error(form)
        pairing_end(
            actor=request.user,
            pairing=pairing,
            valid_to=form.cleaned_data["valid_to"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(cadre)s与“%(household)s”的结对已结束") % {"cadre": pairing.cadre, "household": pairing.household},
        )
    return HttpResponseRedirect(back or reverse("households:pairing-list"))


@scoped_view
def my_pairings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """我的结对农户: the households a cadre's pairings open today."""
    today = timezone.localdate()
    rows = selectors.my_paired_households(user=request.user, on=today)
    return render(request, "households/pairing_mine.html", {"rows": rows, "today": today})
