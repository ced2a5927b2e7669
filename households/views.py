"""Registry pages: thin views over selectors and services (STYLE rule 18). Place-bound rows are fetched only
through the sealed mixin or ``get_visible_or_404``; outside the jurisdiction is 404, a missing capability 403."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from accounts.grants import pairings
from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import can_view_identity, has_capability
from accounts.roles import Capability
from core.errors import DomainError
from core.pagination import page_context
from geo.codes import AreaLevel
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea
from geo.shortcuts import get_visible_or_404, scoped_view
from households import selectors, selectors_life
from households.choices import DisclosureChannel, HouseholdFlagKind, Relationship, VisitKind
from households.facts import awaiting_identification_q, has_flag_q, has_open_risk_q, visit_overdue_q
from households.forms import (
    CloseForm,
    FlagForm,
    HouseholdCreateForm,
    HouseholdForm,
    IncomeForm,
    MemberAddForm,
    MemberFields,
    MemberLeaveForm,
    RigidExpenseForm,
    RiskResolveForm,
    VisitForm,
)
from households.masking import mask_id_number, mask_phone, shown_birth
from households.models import Household, HouseholdFlag, HouseholdMember, RigidExpense, Visit, VisitPhoto
from households.paging import HouseholdPaginator
from households.permissions import can_manage_pairings, can_manage_risks
from households.services import (
    MemberInput,
    VisitInput,
    household_close,
    household_flag_end,
    household_flag_set,
    household_register,
    household_update,
    identity_disclose,
    income_record_save,
    member_add,
    member_leave,
    member_update,
    photo_uploads,
    rigid_expense_add,
    visit_record,
)
from households.services.income import COMPONENTS


def _apply_error(form: Any, exc: DomainError) -> None:
    """A service's refusal shown on the field it names, or above the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _require(request: AuthenticatedHttpRequest, capability: Capability) -> None:
    if not has_capability(request.user, capability):
        raise PermissionDenied


class HouseholdListView(JurisdictionScopedMixin, ListView[Household]):
    """Search and browse the registry (name, ID number, household number; village, flag, risk; sortable). The
    count stops at ``LIST_COUNT_CAP``: a county or a province narrows by village or name instead."""

    model = Household
    paginate_by = 25
    paginator_class = HouseholdPaginator
    template_name = "households/household_list.html"

    def get_paginator(
        self, queryset: Any, per_page: int, orphans: int = 0, allow_empty_first_page: bool = True, **kwargs: Any
    ) -> HouseholdPaginator:
        # a search narrows the list to a few households: the plain slice reads them by the search's indexes
        searching = bool(self.request.GET.get("q", "").strip())
        areas = None if searching else Household.objects.territory_ids(self.request.user)
        return HouseholdPaginator(queryset, per_page, orphans, allow_empty_first_page, areas=areas, **kwargs)

    def scope_queryset(self, queryset: QuerySet[Household]) -> QuerySet[Household]:
        params = self.request.GET
        found = selectors.household_search(
            queryset,
            q=params.get("q", ""),
            area_code=params.get("area", ""),
            sort=params.get("sort", ""),
            by_id_number=can_view_identity(self.request.user),
        )
        flag = params.get("flag", "")
        if flag in HouseholdFlagKind.values:
            found = found.filter(has_flag_q(flag, path="facts__"))
        risk = params.get("risk", "")
        if risk == "flagged":  # an open risk no monitoring episode or application has taken up (the home queue)
            found = found.filter(awaiting_identification_q(path="facts__"))
        elif risk == "open":
            found = found.filter(has_open_risk_q(path="facts__"))
        elif risk == "overdue":
            found = found.filter(visit_overdue_q(timezone.localdate(), path="facts__"))
        if params.get("income") == "missing":  # last year's income not fully recorded (the home page's card)
            # joined as every other fact is (a household gets its facts when it is written): by key, not a hash of
            # every facts row of the province that a household without one would need
            found = found.filter(facts__isnull=False, facts__net_last_year__isnull=True)
        if params.get("head") == "missing":  # no present head (the home page's card)
            found = found.filter(facts__heads=0)
        cadre = params.get("cadre", "")
        if cadre.isdigit():  # the households paired with one cadre (the overdue-visits page)
            found = found.filter(pk__in=pairings().filter(cadre_id=int(cadre)).values("household_id"))
        elif cadre == "none":
            found = found.filter(facts__paired_cadre__isnull=True)
        found = selectors_life.current_only(found, user=self.request.user)  # not the households that left
        if params.get("closed") != "1":
            found = found.filter(closed_on__isnull=True)
        return found

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["households/_household_rows.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        context["villages"] = (
            AdminArea.objects.visible_to(self.request.user).filter(level=AreaLevel.VILLAGE).select_related("parent")
        )
        context.update(
            q=params.get("q", ""),
            area=params.get("area", ""),
            sort=params.get("sort", ""),
            flag=params.get("flag", ""),
            risk=params.get("risk", ""),
            flag_choices=HouseholdFlagKind.choices,
            can_create=has_capability(self.request.user, Capability.EDIT_HOUSEHOLD),
            # A role that sees ID numbers masked may not look a household up by a full one (selectors).
            id_search_refused=selectors.searches_by_id_number(params.get("q", ""))
            and not can_view_identity(self.request.user),
        )
        query = params.copy()
        query.pop("page", None)
        query.pop("sort", None)
        context["query_no_sort"] = query.urlencode()
        query = params.copy()
        query.pop("page", None)
        context["query_no_page"] = query.urlencode()
        context["object_list"] = selectors.with_facts(list(context["object_list"]))
        for household in context["object_list"]:
            household.phone_display = mask_phone(household.phone)
        return context


class HouseholdDetailView(JurisdictionScopedMixin, DetailView[Household]):
    model = Household
    template_name = "households/household_detail.html"

    def scope_queryset(self, queryset: QuerySet[Household]) -> QuerySet[Household]:
        return (
            queryset.select_related("managing_area__parent__parent", "residence_area", "hukou_area", "co_managing_area")
            .prefetch_related(
                # One Prefetch per call: the stubs type a call's lookups as one queryset type.
                Prefetch("members", queryset=HouseholdMember.objects.order_by("member_status", "birth_date")),
                "incomes",
            )
            .prefetch_related(Prefetch("flags", queryset=HouseholdFlag.objects.order_by("valid_to", "kind")))
            .prefetch_related(Prefetch("rigid_expenses", queryset=RigidExpense.objects.order_by("-incurred_on", "-pk")))
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        household: Household = self.object
        user = self.request.user
        today = timezone.localdate()
        unmasked = identity_disclose(user=user, household=household, channel=DisclosureChannel.PAGE)
        # Each member with the ID number and the birth date as this user may see them.
        members = [
            (m, m.id_number if unmasked else mask_id_number(m.id_number), shown_birth(m.birth_date, full=unmasked))
            for m in household.members.all()
        ]
        try:
            income = selectors.household_income_summary(household, on=today)
            income_error = ""
        except DomainError as exc:
            income, income_error = None, exc.message
        visits = (
            Visit.objects.filter(household=household)
            .select_related("recorded_by", "guarantee_check")
            .prefetch_related("photos")[:30]
        )
        life = selectors_life.household_life(user=user, household=household)  # a village it left only reads
        can_edit = has_capability(user, Capability.EDIT_HOUSEHOLD) and household.closed_on is None and life.current
        open_risks, resolved_risks = selectors.household_risks(household)
        context.update(
            members=members,
            phone_display=household.phone if unmasked else mask_phone(household.phone),
            unmasked=unmasked,
            income=income,
            income_error=income_error,
            guarantee=selectors.household_guarantee_status(household, on=today),
            hardship=selectors.household_hardship(household, on=today) if income is not None else None,
            visits=visits,
            history=selectors.household_changes(household),
            can_edit=can_edit,
            can_visit=has_capability(user, Capability.RECORD_VISIT) and household.closed_on is None and life.current,
            life=life,
            open_flags=[f for f in household.flags.all() if f.valid_to is None],
            past_flags=[f for f in household.flags.all() if f.valid_to is not None],
            pairings=[(p, p.in_force_on(today)) for p in selectors.household_pairings(household)],
            can_pair=can_manage_pairings(user, household) and household.closed_on is None,
            open_risks=open_risks,
            resolved_risks=resolved_risks,
            can_manage_risks=can_manage_risks(user, household) and household.closed_on is None,
            resolve_form=RiskResolveForm(),
            today=today,
        )
        return context


OVERDUE_CADRES_PER_PAGE = 50


@scoped_view
def visits_overdue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who is behind with their visits (SPEC §4.13): for a township or a county, each responsible cadre with their
    overdue households, one click from the list of them."""
    _require(request, Capability.BROWSE_HOUSEHOLDS)
    today = timezone.localdate()
    total, rows = selectors.overdue_by_cadre(user=request.user, on=today)
    # a county's cadres are thousands: most behind first, a page at a time
    page = Paginator(rows, OVERDUE_CADRES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"total": total, "rows": page.object_list, "today": today, **page_context(page)}
    return render(request, "households/visits_overdue.html", context)


@scoped_view
def household_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, Capability.EDIT_HOUSEHOLD)
    villages = AdminArea.objects.visible_to(request.user).filter(level=AreaLevel.VILLAGE, valid_to__isnull=True)
    villages = villages.select_related("parent")
    form = HouseholdCreateForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = villages.filter(pk=data["village"]).first()
        flags: list[tuple[str, datetime.date]] = []
        if data["exited_poor_year"]:
            flags.append((HouseholdFlagKind.EXITED_POOR, datetime.date(data["exited_poor_year"], 12, 31)))
        try:
            household = household_register(
                actor=request.user,
                household_no=data["household_no"],
                residence_area=village,  # type: ignore[arg-type]
                address=data["address"],
                phone=data["phone"],
                members=[
                    MemberInput(
                        name=data["head_name"],
                        id_number=data["head_id_number"],
                        relationship=Relationship.HEAD,
                        labour_capacity=data["head_labour_capacity"],
                        schooling_status=data["head_schooling_status"],
                    )
                ],
                flags=flags,
            )
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("已建档：%(household)s") % {"household": household})
            return redirect(household)
    return render(request, "households/form_page.html", {"form": form, "title": _("新建农户档案")})


def _form_page(
    request: AuthenticatedHttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    back: Any,
    success: str | Callable[[Any], str],
) -> HttpResponse:
    """The one shape of every registry form: validate, call the service, show its refusal on the field it
    names, or redirect back with a message."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(back)
    return render(request, "households/form_page.html", {"form": form, "title": title, "back": back})


@scoped_view(model=Household)
def household_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household, request.user, pk=pk)
    _require(request, Capability.EDIT_HOUSEHOLD)
    if request.method == "GET":  # the form shows the full phone (and bank account): an audited view like the page
        identity_disclose(user=request.user, household=household, channel=DisclosureChannel.EDIT)
    form = HouseholdForm(request.POST or None, instance=household)
    return _form_page(
        request,
        form,
        lambda data: household_update(
            actor=request.user,
            household=Household.objects.get(pk=household.pk),  # the form changed the instance in memory
            changes={name: data[name] for name in form.changed_data},
        ),
        title=_("编辑农户信息"),
        back=household,
        success=_("已保存"),
    )


@scoped_view(model=Household)
def member_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household, request.user, pk=pk)
    _require(request, Capability.EDIT_HOUSEHOLD)
    named = ("name", "relationship", "labour_capacity", "schooling_status", "health_status", "ethnicity")

    def save(data: dict[str, Any]) -> Any:
        extra = {name: data[name] for name in MemberFields.Meta.fields if name in data and name not in named}
        member_input = MemberInput(id_number=data["id_number"], extra=extra, **{name: data[name] for name in named})
        return member_add(actor=request.user, household=household, data=member_input)

    return _form_page(
        request,
        MemberAddForm(request.POST or None),
        save,
        title=_("添加家庭成员"),
        back=household,
        success=lambda member: _("已添加成员 %(name)s") % {"name": member.name},
    )


@scoped_view(model=HouseholdMember)
def member_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(HouseholdMember, request.user, pk=pk)
    _require(request, Capability.EDIT_HOUSEHOLD)
    form = MemberFields(request.POST or None, instance=member)
    return _form_page(
        request,
        form,
        lambda data: member_update(
            actor=request.user,
            member=HouseholdMember.objects.get(pk=member.pk),  # the form changed the instance in memory
            changes={name: data[name] for name in form.changed_data},
        ),
        title=_("编辑成员：%s") % member.name,
        back=member.household,
        success=_("已保存"),
    )


@scoped_view(model=HouseholdMember)
def member_leave_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(HouseholdMember, request.user, pk=pk)
    _require(request, Capability.EDIT_HOUSEHOLD)
    return _form_page(
        request,
        MemberLeaveForm(request.POST or None, member=member),
        lambda data: member_leave(
            actor=request.user, member=member, status=data["status"], on=data["on"], new_head=data.get("new_head")
        ),
        title=_("成员离户：%s") % member.name,
        back=member.household,
        success=_("已办理 %(name)s 离户") % {"name": member.name},
    )


@scoped_view(model=Household)
def income_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household, request.user, pk=pk)
    _require(request, Capability.EDIT_HOUSEHOLD)
    return _form_page(
        request,
        IncomeForm(request.POST or None, initial={"year": timezone.localdate().year - 1}),
        lambda data: income_record_save(
            actor=request.user,
            household=household,
            year=data["year"],
            month=data["month"],
            amounts={name: data[name] or Decimal(0) for name in COMPONENTS},
            note=data["note"],
        ),
        title=_("录入家庭收入"),
        back=household,
        success=lambda saved: _("收入已录入") if saved[1] else _("收入已更正，原数据保留在变更记录中"),
    )


@scoped_view(model=Household)
def rigid_expense_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household, request.user, pk=pk)
    _require(request, Capability.EDIT_HOUSEHOLD)
    return _form_page(
        request,
        RigidExpenseForm(request.POST or None, initial={"incurred_on": timezone.localdate()}),
        lambda data: rigid_expense_add(
            actor=request.user,
            household=household,
            incurred_on=data["incurred_on"],
            kind=data["kind"],
            gross_amount=data["gross_amount"],
            reimbursed_amount=data["reimbursed_amount"] or Decimal(0),
            note=data["note"],
        ),
        title=_("登记刚性支出"),
        back=household,
        success=_("刚性支出已登记"),
    )


@scoped_view(model=Household)
def flag_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household, request.user, pk=pk)
    _require(request, Capability.EDIT_HOUSEHOLD)
    return _form_page(
        request,
        FlagForm(request.POST or None),
        lambda data: household_flag_set(actor=request.user, household=household, **data),
        title=_("添加农户标识"),
        back=household,
        success=lambda flag: _("已添加“%(flag)s”标识") % {"flag": flag.get_kind_display()},
    )


@require_POST
@scoped_view(model=HouseholdFlag, post_only=True)
def flag_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    flag = get_visible_or_404(HouseholdFlag, request.user, pk=pk)
    _require(request, Capability.EDIT_HOUSEHOLD)
    try:
        household_flag_end(actor=request.user, flag=flag, valid_to=timezone.localdate())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%(flag)s”标识已终止") % {"flag": flag.get_kind_display()})
    return HttpResponseRedirect(flag.household.get_absolute_url())


@scoped_view(model=Household)
def household_close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household, request.user, pk=pk)
    _require(request, Capability.EDIT_HOUSEHOLD)
    return _form_page(
        request,
        CloseForm(request.POST or None),
        lambda data: household_close(actor=request.user, household=household, **data),
        title=_("注销农户"),
        back=household,
        success=_("该户已注销，档案和历史记录保留"),
    )


@scoped_view(model=Household)
def visit_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The phone form: one screen, large controls, the checklist first."""
    household = get_visible_or_404(Household, request.user, pk=pk)
    _require(request, Capability.RECORD_VISIT)
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "visited_on": timezone.localdate(),
            "housing_safety": household.housing_safety,
            # A refusal elsewhere links here for the visit it needs (a county spot check).
            "kind": request.GET.get("kind") if request.GET.get("kind") in VisitKind.values else VisitKind.ROUTINE,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "photos"}
        try:
            photos = photo_uploads(request.FILES.getlist("photos"))
            visit_record(actor=request.user, household=household, data=VisitInput(**data), photos=photos)
        except DomainError as exc:
            _apply_error(form, exc)
        except PermissionDenied:
            raise
        else:
            messages.success(request, _("走访已登记"))
            return redirect(f"{household.get_absolute_url()}#visits")
    return render(request, "households/visit_form.html", {"form": form, "household": household})


@scoped_view(model=VisitPhoto)
def visit_photo(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """Photos are served only to users who may see the household (never as public media files)."""
    photo = get_visible_or_404(VisitPhoto, request.user, pk=pk)
    return FileResponse(photo.image.open("rb"), content_type=photo.content_type)
