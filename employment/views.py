"""Employment assistance pages (SPEC §11.3): the roster of the area's workforce of the three groups, a person's
employment page with its forms, and the workshops (STYLE rule 18: thin views; every change is a service call)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from accounts.http import AuthenticatedHttpRequest
from core.errors import DomainError
from core.forms import raise_first_error, run_command
from employment import permissions, selectors, services
from employment.choices import EmploymentStatus, ServiceKind, SubsidyKind, TargetGroup
from employment.forms import (
    HireForm,
    LeaveForm,
    PaidForm,
    RecordForm,
    ServiceForm,
    TransportForm,
    WorkshopForm,
    WorkshopSubsidyForm,
)
from employment.models import EmploymentSubsidy, Workshop, WorkshopHire
from geo.codes import AreaLevel
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea
from geo.shortcuts import get_visible_or_404, scoped_view
from households.models import HouseholdMember
from households.paging import HouseholdPaginator
from households.selectors import household_narrowing
from households.selectors_life import current_only


def _require_view(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_view(request.user):
        raise PermissionDenied


def _roster_filter(request: AuthenticatedHttpRequest) -> selectors.RosterFilter:
    get = request.GET
    return selectors.RosterFilter(
        status=get.get("status", ""),
        group=get.get("group", "") if get.get("group", "") in TargetGroup.values else "",
        wish=get.get("wish", ""),
        lacking=get.get("lacking", "") == "1",
        query=get.get("q", "").strip(),
    )


class RosterView(JurisdictionScopedMixin, ListView[HouseholdMember]):
    """就业信息台账 of the area: the working-age people of the three groups and this year's employment."""

    model = HouseholdMember
    paginate_by = 30
    # Counted to the cap, as the household list is: a county's 50,000 people of the three groups, each tested for
    # their household's flags and monitoring, took 0.4 s to count in full on every page. Paged area by area, as the
    # household list is: in the order of their households' numbers, the first page of a late township walked the
    # province's members before it (1.0 s at 1,000,000 households).
    paginator_class = HouseholdPaginator
    template_name = "employment/roster.html"

    def get_paginator(
        self, queryset: Any, per_page: int, orphans: int = 0, allow_empty_first_page: bool = True, **kwargs: Any
    ) -> HouseholdPaginator:
        # a name or one household narrows the list to a few people: the plain slice reads them by their indexes
        narrowed = bool(_roster_filter(self.request).query) or self.narrowing.pk is not None
        areas = None if narrowed else HouseholdMember.objects.territory_ids(self.request.user)
        return HouseholdPaginator(
            queryset, per_page, orphans, allow_empty_first_page, areas=areas, household="household", **kwargs
        )

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            _require_view(request)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def narrowing(self) -> Any:
        return household_narrowing(self.request.user, self.request.GET)

    def scope_queryset(self, queryset: QuerySet[HouseholdMember]) -> QuerySet[HouseholdMember]:
        if self.narrowing.pk is not None:
            queryset = queryset.filter(household_id=self.narrowing.pk)
        # today's territory: the people of a household transferred away leave the roster, as it leaves the lists
        queryset = current_only(queryset, user=self.request.user)
        return selectors.roster(self.request.user, queryset, _roster_filter(self.request), on=timezone.localdate())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            chosen=_roster_filter(self.request),
            statuses=[*EmploymentStatus.choices, (selectors.NO_RECORD, _("未登记"))],
            groups=TargetGroup.choices,
            year=timezone.localdate().year,
            labels=dict(EmploymentStatus.choices),
            narrowing=self.narrowing,
        )
        return context


def _member(request: AuthenticatedHttpRequest, pk: int) -> HouseholdMember:
    member = get_visible_or_404(HouseholdMember, request.user, pk=pk)
    _require_view(request)
    return member


@scoped_view(model=HouseholdMember)
def member_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A person's employment: every year's record, the services of this year against "1, 3, 1", the subsidies."""
    member = _member(request, pk)
    today = timezone.localdate()
    page = selectors.member_page(request.user, member, on=today)
    can_manage = permissions.can_manage_member(request.user, member)
    context = {
        "member": member,
        "page": page,
        "year": today.year,
        "can_manage": can_manage,
        "service_form": ServiceForm(initial={"served_on": today}),
        "transport_form": TransportForm(initial={"year": today.year}),
        "paid_form": PaidForm(initial={"paid_on": today}),
        "service_kinds": ServiceKind.choices,
        "group_labels": [label for value, label in TargetGroup.choices if value in page.groups],
        "lacking_labels": [label for value, label in ServiceKind.choices if value in page.lacking],
    }
    return render(request, "employment/member_detail.html", context)


@scoped_view(model=HouseholdMember)
def record_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The person's employment record of the year: created, or updated with its history kept."""
    member = _member(request, pk)
    if not permissions.can_manage_member(request.user, member):
        raise PermissionDenied
    measures = list(selectors.employment_measures(member))
    current = member.employment_records.filter(year=timezone.localdate().year).first()
    initial: dict[str, Any] = {}
    if current is not None:
        initial = {f: getattr(current, f) for f in (
            "status", "place", "employer", "months_employed", "labour_contract", "social_insurance", "skills",
            "certificate", "wish_to_work", "wish_to_train",
        )}  # fmt: skip
        initial["measure"] = str(current.measure_id or "")
    form = RecordForm(request.POST or None, measures=measures, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("measure")
        measure = next((m for m in measures if str(m.pk) == chosen), None)
        try:
            services.record_save(actor=request.user, member=member, data=services.RecordInput(measure=measure, **data))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("就业信息已保存"))
            return redirect("employment:member-detail", pk=member.pk)
    return render(request, "employment/record_form.html", {"member": member, "form": form})


def _service(request: AuthenticatedHttpRequest, member: HouseholdMember) -> Any:
    form = ServiceForm(request.POST)
    raise_first_error(form)
    return services.service_record(actor=request.user, member=member, **form.cleaned_data)


def _transport(request: AuthenticatedHttpRequest, member: HouseholdMember) -> Any:
    form = TransportForm(request.POST)
    raise_first_error(form)
    return services.transport_subsidy_grant(
        actor=request.user, member=member, year=form.cleaned_data["year"], granted_on=timezone.localdate()
    )


MEMBER_COMMANDS = {
    "service": (_service, gettext_lazy("就业服务已登记")),
    "transport": (_transport, gettext_lazy("一次性交通补贴已核定")),
}


@scoped_view(model=HouseholdMember, post_only=True)
def member_command(request: AuthenticatedHttpRequest, pk: int, command: str) -> HttpResponse:
    member = get_visible_or_404(HouseholdMember, request.user, pk=pk)
    if request.method != "POST":
        return redirect("employment:member-detail", pk=member.pk)
    run, done = MEMBER_COMMANDS[command]
    target = redirect("employment:member-detail", pk=member.pk)
    try:
        run(request, member)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(done))
    return target


@scoped_view(model=EmploymentSubsidy, post_only=True)
def subsidy_paid(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subsidy = get_visible_or_404(EmploymentSubsidy, request.user, pk=pk)

    def run(request: AuthenticatedHttpRequest, subsidy: EmploymentSubsidy) -> Any:
        form = PaidForm(request.POST)
        raise_first_error(form)
        return services.subsidy_mark_paid(actor=request.user, subsidy=subsidy, paid_on=form.cleaned_data["paid_on"])

    if request.method != "POST":
        return redirect(subsidy)
    return run_command(request, subsidy, (run, _("已登记发放")))


# ----------------------------------------------------------------------------------------------- workshops


class WorkshopListView(JurisdictionScopedMixin, ListView[Workshop]):
    """就业帮扶车间 of the area, with the people each employs today."""

    model = Workshop
    paginate_by = 30
    template_name = "employment/workshop_list.html"

    def scope_queryset(self, queryset: QuerySet[Workshop]) -> QuerySet[Workshop]:
        return selectors.workshops(queryset, on=timezone.localdate(), query=self.request.GET.get("q", "").strip())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(query=self.request.GET.get("q", "").strip(), can_register=bool(_workshop_areas(self.request)))
        return context


def _workshop_areas(request: AuthenticatedHttpRequest) -> list[AdminArea]:
    areas = (
        AdminArea.objects.visible_to(request.user)
        .active()
        .filter(level__in=(AreaLevel.TOWNSHIP, AreaLevel.VILLAGE))
        .select_related("parent")
        .order_by("code")
    )
    return [a for a in areas if permissions.can_manage_workshop(request.user, a.code)]


@scoped_view
def workshop_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Register a workshop recognised by the county."""
    areas = _workshop_areas(request)
    if not areas:
        raise PermissionDenied
    form = WorkshopForm(request.POST or None, areas=areas, initial={"recognised_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("area")
        area = next(a for a in areas if a.code == code)
        try:
            workshop = services.workshop_register(actor=request.user, data=services.WorkshopInput(area=area, **data))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("帮扶车间已登记"))
            return redirect(workshop)
    return render(request, "employment/workshop_form.html", {"form": form})


class WorkshopDetailView(JurisdictionScopedMixin, DetailView[Workshop]):
    """A workshop: its people, today's count and the subsidies the rules give it."""

    model = Workshop
    template_name = "employment/workshop_detail.html"

    def scope_queryset(self, queryset: QuerySet[Workshop]) -> QuerySet[Workshop]:
        return queryset.select_related("area__parent")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        workshop = self.object
        today = timezone.localdate()
        page = selectors.workshop_page(self.request.user, workshop, on=today)
        granted = {s.kind for s in page.subsidies}
        context.update(
            page=page,
            due_rows=[
                (kind, label, page.due[kind], kind in granted)
                for kind, label in SubsidyKind.choices
                if kind in page.due
            ],
            can_manage=permissions.can_manage_workshop(self.request.user, workshop.area.code),
            hire_form=HireForm(initial={"hired_on": today}),
            leave_form=LeaveForm(initial={"left_on": today}),
            paid_form=PaidForm(initial={"paid_on": today}),
            today=today,
        )
        return context


def _hire(request: AuthenticatedHttpRequest, workshop: Workshop) -> Any:
    form = HireForm(request.POST)
    raise_first_error(form)
    member = selectors.find_member(request.user, form.cleaned_data["id_number"])
    if member is None:
        raise DomainError(_("身份证号：查无此人，或不在您的辖区内"), field="id_number")
    return services.hire_add(
        actor=request.user, workshop=workshop, member=member, hired_on=form.cleaned_data["hired_on"],
        disabled_or_guardian=form.cleaned_data["disabled_or_guardian"],
    )  # fmt: skip


def _subsidy(request: AuthenticatedHttpRequest, workshop: Workshop) -> Any:
    form = WorkshopSubsidyForm(request.POST)
    raise_first_error(form)
    return services.workshop_subsidy_grant(
        actor=request.user, workshop=workshop, kind=form.cleaned_data["kind"], granted_on=timezone.localdate()
    )


WORKSHOP_COMMANDS = {"hire": (_hire, gettext_lazy("用工已登记")), "subsidy": (_subsidy, gettext_lazy("车间奖补已核定"))}


@scoped_view(model=Workshop, post_only=True)
def workshop_command(request: AuthenticatedHttpRequest, pk: int, command: str) -> HttpResponse:
    workshop = get_visible_or_404(Workshop, request.user, pk=pk)
    if request.method != "POST":
        return redirect(workshop)
    return run_command(request, workshop, WORKSHOP_COMMANDS[command])


@scoped_view(model=WorkshopHire, post_only=True)
def hire_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hire = get_visible_or_404(WorkshopHire, request.user, pk=pk)

    def run(request: AuthenticatedHttpRequest, hire: WorkshopHire) -> Any:
        form = LeaveForm(request.POST)
        raise_first_error(form)
        return services.hire_end(actor=request.user, hire=hire, left_on=form.cleaned_data["left_on"])

    if request.method != "POST":
        return redirect(hire)
    return run_command(request, hire, (run, _("已登记离职")))
