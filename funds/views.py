"""Linkage-fund pages: the county funds page with its compliance checks, batches with their allocations, allocations
with their payments, the Excel ledger and the three-level disclosure (STYLE rule 18: thin views)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import has_capability
from accounts.roles import Capability
from core.errors import DomainError
from core.forms import raise_first_error
from core.posted import in_posted_language
from core.xlsx import excel_download
from funds import exports, permissions, rules, selectors, services
from funds.forms import AllocationForm, BatchForm, PaymentForm
from funds.models import FundAllocation, FundBatch
from geo.codes import AreaLevel
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea
from geo.selectors import counties_of
from geo.shortcuts import get_visible_or_404, scoped_view
from projects.choices import ProjectStatus
from projects.models import Project


def _year(request: AuthenticatedHttpRequest) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and int(value) in rules.FUND_YEARS else timezone.localdate().year


def _county(request: AuthenticatedHttpRequest, counties: list[AdminArea] | None = None) -> AdminArea | None:
    """The county the page shows, of ``counties`` (the user's, read here when not given)."""
    if counties is None:
        counties = list(counties_of(request.user))
    code = request.GET.get("county", "")
    # Looked up among the user's counties only: a code from elsewhere falls back instead of opening that county.
    return next((county for county in counties if county.code == code), None) or next(iter(counties), None)


@scoped_view
def funds_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The county funds page: the checks of SPEC §9.5 and §8.7 computed now, money by source, projects
    behind the payment milestone, and the batches of the year."""
    if not permissions.can_view(request.user):
        raise PermissionDenied
    counties = list(counties_of(request.user))
    county = _county(request, counties)
    year = _year(request)
    context: dict[str, Any] = {"county": county, "year": year, "counties": counties}
    if county is not None:
        compliance = selectors.county_compliance(county, year, on=timezone.localdate())
        context.update(
            compliance=compliance,
            # The county is one of the user's and they see its money (can_view): every batch of it, as the checks
            # read them (``FundBatch.objects.visible_to`` gives the same rows at two more queries).
            batches=compliance.batches,
            can_record=permissions.can_record_funds(request.user, county.code),
        )
    return render(request, "funds/overview.html", context)


@scoped_view
def ledger_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The fund ledger of a county-year as Excel: checks, batches, allocations, payments, each with exact totals."""
    if not permissions.can_view(request.user):
        raise PermissionDenied
    county = _county(request)
    if county is None:
        raise PermissionDenied
    year = _year(request)
    # From visible_to(): the Excel file never holds a row the user could not open on the page.
    ledger = selectors.fund_ledger(FundBatch.objects.visible_to(request.user).filter(county=county, year=year))
    compliance = selectors.county_compliance(county, year, on=timezone.localdate())
    return excel_download(
        request,
        exports.ledger_xlsx(ledger, compliance),
        filename=_("%(county)s%(year)s年衔接资金台账.xlsx") % {"county": county.name, "year": year},
        kind="FUNDS",
        title=_("%(year)s年衔接资金台账") % {"year": year},
        area=county,
        rows=len(ledger.batches),
        filters={"year": str(year)},
    )


@scoped_view
def batch_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """资金下达: register money issued to the county."""
    counties = [c for c in counties_of(request.user) if permissions.can_record_funds(request.user, c.code)]
    if not counties:
        raise PermissionDenied
    form = BatchForm(request.POST or None, counties=counties, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        county = next(c for c in counties if c.code == data.pop("county"))
        try:
            batch = services.batch_register(actor=request.user, data=services.BatchInput(county=county, **data))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("资金下达已登记"))
            return redirect(batch)
    return render(request, "funds/batch_form.html", {"form": form})


def _fundable_projects(batch: FundBatch) -> QuerySet[Project]:
    # Projects not yet in the library stay listed: allocation_create refuses them by naming NR-PRJ-02, and sources
    # outside that rule may fund them. Closed and handed-over projects take no new money.
    closed = (
        ProjectStatus.REJECTED,
        ProjectStatus.WITHDRAWN,
        ProjectStatus.CANCELLED,
        ProjectStatus.ASSETS_TRANSFERRED,
    )
    return Project.objects.in_county(batch.county.code).exclude(status__in=closed).order_by("-year", "code")


class BatchDetailView(JurisdictionScopedMixin, DetailView[FundBatch]):
    model = FundBatch
    template_name = "funds/batch_detail.html"

    def scope_queryset(self, queryset: QuerySet[FundBatch]) -> QuerySet[FundBatch]:
        return queryset.select_related("county", "created_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        batch: FundBatch = self.object
        # The batch passed scoping in get_object(); the ledger selector gives the page the Excel file's totals.
        ledger = selectors.fund_ledger(FundBatch.objects.filter(pk=batch.pk))
        can_record = permissions.can_record_funds(self.request.user, batch.county.code)
        context.update(
            row=ledger.batches[0],
            history=selectors.batch_changes(batch),
            can_record=can_record,
            form=AllocationForm(projects=_fundable_projects(batch), initial={"allocated_on": timezone.localdate()})
            if can_record
            else None,
        )
        return context


@require_POST
@scoped_view(model=FundBatch, post_only=True)
def allocation_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """资金分配 to a library project (NR-PRJ-02) for an allowed use (NR-FUND-01)."""
    batch = get_visible_or_404(FundBatch, request.user, pk=pk)
    projects = _fundable_projects(batch)
    form = AllocationForm(request.POST, projects=projects)
    try:
        raise_first_error(form)
        data = form.cleaned_data
        # The posted id is looked up among this county's projects only, so a forged id cannot reach another county.
        project = projects.filter(pk=data.pop("project")).first()
        if project is None:
            raise DomainError(_("请选择本县的项目"), field="project")
        services.allocation_create(actor=request.user, batch=batch, project=project, **data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("资金已分配"))
    return redirect(batch)


class AllocationDetailView(JurisdictionScopedMixin, DetailView[FundAllocation]):
    model = FundAllocation
    template_name = "funds/allocation_detail.html"

    def scope_queryset(self, queryset: QuerySet[FundAllocation]) -> QuerySet[FundAllocation]:
        return queryset.select_related("batch__county", "project__area")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        allocation: FundAllocation = self.object
        payments = list(allocation.disbursements.select_related("created_by").order_by("paid_on", "pk"))
        # The same total the service checks a payment against, so the page shows the balance it will enforce.
        paid = services.paid_total(allocation)
        can_pay = permissions.can_record_payment(self.request.user, allocation.project.area.code)
        context.update(
            payments=payments,
            paid=paid,
            unpaid=allocation.amount - paid,
            form=PaymentForm(initial={"paid_on": timezone.localdate()}) if can_pay else None,
        )
        return context


@require_POST
@scoped_view(model=FundAllocation, post_only=True)
def payment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    allocation = get_visible_or_404(FundAllocation, request.user, pk=pk)
    form = PaymentForm(request.POST)
    try:
        raise_first_error(form)
        services.disbursement_record(actor=request.user, allocation=allocation, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("支付已登记"))
    return redirect("funds:allocation-detail", pk=allocation.pk)


@scoped_view
def disclosure(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Project and fund notices at county, township and village level (SPEC §8.8, §9.7), printable and as Excel."""
    # The notices are posted in public (SPEC §9.7), so the right to see projects suffices; no funds right needed.
    if not has_capability(request.user, Capability.VIEW_PROJECTS):
        raise PermissionDenied
    areas = list(  # read once: the choice and the select
        AdminArea.objects.visible_to(request.user)
        .active()
        .filter(level__in=(AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE))
        .select_related("parent")
        .order_by("code")
    )
    code = request.GET.get("area", "")
    area = next((a for a in areas if a.code == code), None) or next(iter(areas), None)
    year = _year(request)
    with in_posted_language():  # posted for villagers: Chinese whatever the reader's language
        sheet = selectors.disclosure_sheet(area=area, year=year, user=request.user) if area else None
        workbook = exports.disclosure_xlsx(sheet) if sheet is not None and request.GET.get("format") == "xlsx" else None
    if sheet is not None and workbook is not None:
        return excel_download(
            request, workbook, filename=f"{sheet.title}.xlsx", kind="NOTICE",
            title=sheet.title, area=sheet.area, rows=len(sheet.rows), filters={"year": str(year)},
        )  # fmt: skip
    return render(request, "funds/disclosure.html", {"sheet": sheet, "areas": areas, "year": year})
