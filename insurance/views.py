"""Pages of the insurance programme (乡村振兴健康保 / 防贫保, SPEC §11.2, §12): policies with their filters, bulk
enrolment, a person's policies and claims, the claim form and the claim page with its payout line by line, the
claims list with its overdue filter, and the insurer's monthly reports (STYLE rule 18: thin views)."""

from __future__ import annotations

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
from core.forms import raise_first_error, refusal_message, run_command
from geo.codes import AreaLevel
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea
from geo.selectors import counties_of
from geo.shortcuts import get_visible_or_404, scoped_view
from geo.workdays import WorkdayCalendar
from households.models import HouseholdMember
from households.selectors import household_narrowing
from insurance import facts, permissions, selectors, services
from insurance.choices import ClaimStatus, Product, TierMode, claim_kind_of
from insurance.forms import ClaimForm, EnrolForm, PolicyForm, RefuseForm, ReportForm, StepForm
from insurance.models import InsuranceClaim, InsurancePolicy, InsurerMonthlyReport
from insurance.reminders import last_month


def _require_view(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_view(request.user):
        raise PermissionDenied


def _filter(request: AuthenticatedHttpRequest) -> selectors.PolicyFilter:
    year = request.GET.get("year", "")
    return selectors.PolicyFilter(
        year=int(year) if year.isdigit() and len(year) == 4 else None,
        product=request.GET.get("product", ""),
        village=request.GET.get("village", ""),
    )


def _villages(user: Any) -> QuerySet[AdminArea]:
    return AdminArea.objects.visible_to(user).active().of_level(AreaLevel.VILLAGE).select_related("parent")


class PolicyListView(JurisdictionScopedMixin, ListView[InsurancePolicy]):
    """Policies of the user's territory, by year, product and village."""

    model = InsurancePolicy
    paginate_by = 50
    template_name = "insurance/policy_list.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            _require_view(request)
        return super().dispatch(request, *args, **kwargs)

    def scope_queryset(self, queryset: QuerySet[InsurancePolicy]) -> QuerySet[InsurancePolicy]:
        household = household_narrowing(self.request.user, self.request.GET).pk
        if household is not None:
            queryset = queryset.filter(member__household_id=household)
        return selectors.policy_list_narrow(queryset, user=self.request.user, chosen=_filter(self.request))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            chosen=_filter(self.request),
            products=Product.choices,
            villages=_villages(user),
            can_enrol=bool(_enrol_areas(user)),
            narrowing=household_narrowing(user, self.request.GET),
        )
        return context


def _enrol_areas(user: Any) -> list[AdminArea]:
    areas = AdminArea.objects.visible_to(user).active().filter(level__in=(AreaLevel.TOWNSHIP, AreaLevel.VILLAGE))
    return [a for a in areas.select_related("parent").order_by("code") if permissions.can_manage(user, a.code)]


@scoped_view
def enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Bulk enrolment of a village's or township's 脱贫户 and monitoring subjects for a year (SPEC §11.2)."""
    areas = _enrol_areas(request.user)
    if not areas:
        raise PermissionDenied
    today = timezone.localdate()
    form = EnrolForm(
        request.POST or None,
        areas=areas,
        initial={"starts_on": today.replace(month=1, day=1), "ends_on": today.replace(month=12, day=31)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = next(a for a in areas if a.code == data.pop("area"))
        try:
            result = services.policies_enrol(actor=request.user, area=area, **data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("已为 %(people)s 人新增 %(created)s 份保单，%(existing)s 份此前已参保")
                % {"people": result.people, "created": result.created, "existing": result.existing},
            )
            return redirect(f"{_list_url()}?year={data['year']}")
    return render(request, "insurance/enrol_form.html", {"form": form})


def _list_url() -> str:
    from django.urls import reverse

    return reverse("insurance:policy-list")


@scoped_view(model=HouseholdMember)
def member_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A person's policies and claims, and the form to add a policy."""
    member = get_visible_or_404(HouseholdMember, request.user, pk=pk)
    _require_view(request)
    policies = InsurancePolicy.objects.visible_to(request.user).filter(member=member).order_by("-year", "product")
    claims = (
        InsuranceClaim.objects.visible_to(request.user)
        .filter(policy__member=member)
        .select_related("policy")
        .order_by("-filed_on", "-pk")
    )
    can_manage = permissions.can_manage(request.user, member.household.managing_area.code)
    today = timezone.localdate()
    return render(
        request,
        "insurance/member_detail.html",
        {
            "member": member,
            "policies": policies,
            "claims": claims,
            "subsidised": selectors.is_subsidised(member, on=today),
            "form": PolicyForm(initial={"starts_on": today.replace(month=1, day=1),
                                        "ends_on": today.replace(month=12, day=31)}) if can_manage else None,
        },
    )  # fmt: skip


@require_POST
@scoped_view(model=HouseholdMember, post_only=True)
def policy_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(HouseholdMember, request.user, pk=pk)
    form = PolicyForm(request.POST)
    try:
        raise_first_error(form)
        services.policy_create(actor=request.user, data=services.PolicyInput(member=member, **form.cleaned_data))
    except DomainError as exc:
        messages.error(request, refusal_message(exc))
    else:
        messages.success(request, _("保单已登记"))
    return redirect("insurance:member-detail", pk=member.pk)


@scoped_view(model=InsurancePolicy)
def claim_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """报案 on a policy; the payout is computed by the service and shown on the claim's page."""
    policy = get_visible_or_404(InsurancePolicy, request.user, pk=pk)
    if not permissions.can_manage(request.user, policy.member.household.managing_area.code):
        raise PermissionDenied
    kind = claim_kind_of(policy.product)
    form = ClaimForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.claim_file(actor=request.user, policy=policy, data=services.ClaimInput(**data))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已报案，赔付金额已计算"))
            return redirect(claim)
    return render(request, "insurance/claim_form.html", {"form": form, "policy": policy})


class ClaimDetailView(JurisdictionScopedMixin, DetailView[InsuranceClaim]):
    """A claim with its payout computed line by line, its due date and the steps open to the user."""

    model = InsuranceClaim
    template_name = "insurance/claim_detail.html"

    def scope_queryset(self, queryset: QuerySet[InsuranceClaim]) -> QuerySet[InsuranceClaim]:
        return queryset.select_related("policy__member__household__managing_area")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        claim: InsuranceClaim = self.object
        calendar = WorkdayCalendar()
        is_open = claim.status in (ClaimStatus.FILED, ClaimStatus.ACCEPTED)
        can_act = is_open and permissions.can_manage(
            self.request.user, claim.policy.member.household.managing_area.code
        )
        context.update(
            payout=selectors.claim_payout(claim),
            tier_mode_label=TierMode(claim.tier_mode).label if claim.tier_mode in TierMode.values else "",
            due_on=facts.due_on(claim, calendar=calendar),
            overdue=facts.is_overdue(claim, today=timezone.localdate(), calendar=calendar),
            events=claim.events.select_related("actor"),
            can_accept=can_act and claim.status == ClaimStatus.FILED,
            can_pay=can_act and claim.status == ClaimStatus.ACCEPTED,
            step_form=StepForm() if can_act else None,
            refuse_form=RefuseForm() if can_act else None,
        )
        return context


class ClaimListView(JurisdictionScopedMixin, ListView[InsuranceClaim]):
    """Claims of the territory; ``?overdue=1`` lists the simple claims past their 5 working days."""

    model = InsuranceClaim
    paginate_by = 50
    template_name = "insurance/claim_list.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            _require_view(request)
        return super().dispatch(request, *args, **kwargs)

    def scope_queryset(self, queryset: QuerySet[InsuranceClaim]) -> QuerySet[InsuranceClaim]:
        household = household_narrowing(self.request.user, self.request.GET).pk
        if household is not None:
            queryset = queryset.filter(policy__member__household_id=household)
        return selectors.claim_list_narrow(
            queryset,
            user=self.request.user,
            status=self.request.GET.get("status", ""),
            overdue=self.request.GET.get("overdue") == "1",
            today=timezone.localdate(),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        calendar = WorkdayCalendar()
        today = timezone.localdate()
        context.update(
            statuses=ClaimStatus.choices,
            status=self.request.GET.get("status", ""),
            overdue=self.request.GET.get("overdue") == "1",
            narrowing=household_narrowing(self.request.user, self.request.GET),
            rows=[
                (claim, facts.due_on(claim, calendar=calendar), facts.is_overdue(claim, today=today, calendar=calendar))
                for claim in context["object_list"]
            ],
        )
        return context


def _step_command(service: Any, form_class: type[StepForm], done: str) -> Any:
    def run(request: AuthenticatedHttpRequest, claim: InsuranceClaim) -> None:
        form = form_class(request.POST)
        raise_first_error(form)
        service(actor=request.user, claim=claim, **form.cleaned_data)

    return run, done


@require_POST
@scoped_view(model=InsuranceClaim, post_only=True)
def claim_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = get_visible_or_404(InsuranceClaim, request.user, pk=pk)
    return run_command(request, claim, _step_command(services.claim_accept, StepForm, _("理赔已受理")))


@require_POST
@scoped_view(model=InsuranceClaim, post_only=True)
def claim_pay(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = get_visible_or_404(InsuranceClaim, request.user, pk=pk)
    return run_command(request, claim, _step_command(services.claim_pay, StepForm, _("已赔付，理赔结案")))


@require_POST
@scoped_view(model=InsuranceClaim, post_only=True)
def claim_refuse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = get_visible_or_404(InsuranceClaim, request.user, pk=pk)
    return run_command(request, claim, _step_command(services.claim_refuse, RefuseForm, _("已拒赔，理赔结案")))


class ReportListView(JurisdictionScopedMixin, ListView[InsurerMonthlyReport]):
    """The insurer's monthly reports (SPEC §12), and which of the user's counties still lack last month's."""

    model = InsurerMonthlyReport
    paginate_by = 50
    template_name = "insurance/report_list.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            _require_view(request)
        return super().dispatch(request, *args, **kwargs)

    def scope_queryset(self, queryset: QuerySet[InsurerMonthlyReport]) -> QuerySet[InsurerMonthlyReport]:
        return queryset.select_related("county")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        month = last_month(timezone.localdate())
        counties = list(counties_of(user))
        reported = set(
            InsurerMonthlyReport.objects.visible_to(user).filter(month=month).values_list("county_id", flat=True)
        )
        context.update(
            month=month,
            missing=[c for c in counties if c.pk not in reported],
            can_record=any(permissions.can_record_report(user, c.code) for c in counties),
        )
        return context


@scoped_view
def report_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record the insurer's report of a month (due before the 10th of the next, SPEC §12)."""
    counties = [c for c in counties_of(request.user) if permissions.can_record_report(request.user, c.code)]
    if not counties:
        raise PermissionDenied
    today = timezone.localdate()
    form = ReportForm(request.POST or None, counties=counties, initial={"month": last_month(today),
                                                                       "submitted_on": today})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        county = next(c for c in counties if c.code == data.pop("county"))
        try:
            services.report_record(actor=request.user, data=services.ReportInput(county=county, **data))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("月报已登记"))
            return redirect("insurance:report-list")
    return render(request, "insurance/report_form.html", {"form": form})
