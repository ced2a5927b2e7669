"""Ledger pages: the ledgers a user may export with their filters, the export's progress (htmx), the download
(its owner only) — STYLE rule 18: thin views."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView
from openpyxl import Workbook

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from core.errors import DomainError
from core.forms import raise_first_error, run_command
from core.xlsx import XLSX, Column, Sheet, excel_download, workbook_bytes
from geo.codes import AreaLevel
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea
from geo.shortcuts import get_visible_or_404, scoped_view
from ledgers import audit, freezing, reconcile, services
from ledgers.base import Filters
from ledgers.catalogue import LEDGERS
from ledgers.dashboard import Dashboard, can_see_dashboard, dashboard_for, dashboard_page
from ledgers.forms import DisclosureFilterForm, ExportForm, FreezeForm, ReconcileForm, SignForm
from ledgers.models import ExportStatus, FrozenLedger, LedgerExport, Reconciliation


def _areas(user: User, levels: tuple[str, ...] = (AreaLevel.TOWNSHIP, AreaLevel.VILLAGE)) -> QuerySet[AdminArea]:
    """The places of the user's territory a form offers (the filter of an export, the place of a freeze)."""
    return (
        AdminArea.objects.visible_to(user).active().filter(level__in=levels).select_related("parent").order_by("code")
    )


@scoped_view
def ledger_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every ledger of SPEC §13.1 the user may export, each with its filters, and the user's recent exports."""
    if not has_capability(request.user, Capability.EXPORT_LEDGERS):
        raise PermissionDenied
    areas = list(_areas(request.user))
    ledgers = [
        (ledger, ExportForm(areas=areas, categories=ledger.categories, auto_id=f"id_{ledger.code}_%s"))
        for ledger in LEDGERS.values()
        if services.can_export(request.user, ledger.code)
    ]
    exports = LedgerExport.objects.visible_to(request.user).select_related("area")[:10]
    return render(request, "ledgers/index.html", {"ledgers": ledgers, "exports": exports})


@require_POST
@scoped_view(post_only=True)
def export_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    code = request.POST.get("ledger", "")
    if code not in LEDGERS or not services.can_export(request.user, code):
        raise PermissionDenied
    ledger = LEDGERS[code]
    form = ExportForm(request.POST, areas=_areas(request.user), categories=ledger.categories)
    try:
        raise_first_error(form)
        data = form.cleaned_data
        export = services.export_start(
            actor=request.user,
            code=code,
            filters=Filters(start=data["start"], end=data["end"], area=data["area"], category=data["category"]),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ledgers:index")
    return redirect(export)


class ExportDetailView(JurisdictionScopedMixin, DetailView[LedgerExport]):
    """An export: a progress bar while a worker writes it (htmx polls the partial), then the download."""

    model = LedgerExport
    template_name = "ledgers/export_detail.html"

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False):
            return ["ledgers/_progress.html"]
        return [self.template_name]


@scoped_view(model=LedgerExport)
def export_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    export = get_visible_or_404(LedgerExport, request.user, pk=pk)
    if export.status != ExportStatus.DONE or not export.file:
        raise Http404
    refusals = services.download_refusals(request.user, export)
    if refusals:
        messages.error(request, _("不能下载：%(why)s。请按您现在的权限重新导出。") % {"why": "；".join(refusals)})
        return redirect(export)
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"{export.area.name}{export.title}{export.created_at:%Y%m%d}.xlsx",
        content_type=XLSX,
    )


def _dashboard(request: AuthenticatedHttpRequest) -> Dashboard:
    if not can_see_dashboard(request.user):
        raise PermissionDenied
    return dashboard_for(request.user, today=timezone.localdate())


@scoped_view
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The level's dashboard (SPEC §13.2, §13.3): each panel a chart, the same numbers as a table, all as Excel.
    The panels are rendered once for everyone who would see the same ones (``dashboard_key``)."""
    if not can_see_dashboard(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    page = dashboard_page(request.user, today=today)
    return render(request, "ledgers/dashboard.html", {"area": request.user.area, "today": today, **page})


@scoped_view
def dashboard_xlsx(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The dashboard's numbers, one sheet per panel, exactly as the tables show them."""
    board = _dashboard(request)
    workbook = Workbook(write_only=True)
    for panel in board.panels:
        sheet = Sheet(workbook, panel.title, [Column(h, max(12, 2 * len(h) + 2)) for h in panel.headers])
        for row in panel.rows:
            sheet.append([str(v) if isinstance(v, Promise) else v for v in row])
    if not board.panels:
        Sheet(workbook, _("数据看板"), [Column(_("您的角色没有可查看的统计数据。"), 40)])
    place = board.area.name if board.area else ""
    return excel_download(
        request,
        workbook_bytes(workbook),
        filename=f"{place}数据看板{board.today:%Y%m%d}.xlsx",
        kind="BOARD",
        title="数据看板",
        area=board.area,
        rows=sum(len(panel.rows) for panel in board.panels),
    )


# ------------------------------------------------------------------------------------ frozen ledgers (SPEC §13.1, §12)


def _freezable_areas(user: User) -> QuerySet[AdminArea]:
    return _areas(user, (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE))


def _freeze_form(request: AuthenticatedHttpRequest, data: Any = None) -> FreezeForm:
    ledgers = [d for d in LEDGERS.values() if services.can_export(request.user, d.code)]
    return FreezeForm(data, ledgers=ledgers, areas=_freezable_areas(request.user))


@scoped_view
def frozen_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The frozen ledgers of the user's territory, what waits for their signature, and (for those who export) the
    form that freezes one."""
    frozen = list(
        FrozenLedger.objects.visible_to(request.user)
        .select_related("area__parent__parent", "export", "frozen_by")
        .prefetch_related("signoffs")[:200]
    )
    rows = [(f, freezing.next_signature(f), freezing.may_sign(request.user, f)) for f in frozen]
    can_freeze = has_capability(request.user, Capability.EXPORT_LEDGERS)
    return render(
        request,
        "ledgers/frozen_list.html",
        {"rows": rows, "form": _freeze_form(request) if can_freeze else None},
    )


@require_POST
@scoped_view(post_only=True)
def frozen_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not has_capability(request.user, Capability.EXPORT_LEDGERS):
        raise PermissionDenied
    form = _freeze_form(request, request.POST)
    try:
        raise_first_error(form)
        area = _freezable_areas(request.user).get(code=form.cleaned_data["area"])
        frozen = freezing.freeze(
            actor=request.user, code=form.cleaned_data["ledger"], period=form.cleaned_data["period"], area=area
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ledgers:frozen-list")
    messages.success(request, _("已冻结，等待逐级签核"))
    return redirect(frozen)


class FrozenDetailView(JurisdictionScopedMixin, DetailView[FrozenLedger]):
    model = FrozenLedger
    template_name = "ledgers/frozen_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        frozen = self.object
        signed = {s.level: s for s in frozen.signoffs.select_related("signed_by")}
        context["chain"] = [(level, area, signed.get(level)) for level, area in freezing.chain_of(frozen.area)]
        context["may_sign"] = freezing.may_sign(self.request.user, frozen)
        context["sign_form"] = SignForm()
        return context


def _sign(request: AuthenticatedHttpRequest, frozen: FrozenLedger) -> None:
    form = SignForm(request.POST)
    raise_first_error(form)
    freezing.sign(actor=request.user, frozen=frozen, note=form.cleaned_data["note"])


@require_POST
@scoped_view(model=FrozenLedger, post_only=True)
def frozen_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    frozen = get_visible_or_404(FrozenLedger, request.user, pk=pk)
    return run_command(request, frozen, (_sign, _("已签核")))


@scoped_view(model=FrozenLedger)
def frozen_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse | FileResponse:
    frozen = get_visible_or_404(FrozenLedger, request.user, pk=pk)
    try:
        content = freezing.frozen_bytes(frozen)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(frozen)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"{frozen.area.name}{frozen.title}{frozen.period}.xlsx",
        content_type=XLSX,
    )


# ------------------------------------------------------------------------- reconciliation with the national system


@scoped_view
def reconcile_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a national-system extract: it is stored and a worker compares it while the record's page shows its
    status."""
    if not reconcile.can_reconcile(request.user):
        raise PermissionDenied
    areas = _freezable_areas(request.user)
    form = ReconcileForm(request.POST or None, request.FILES or None, areas=areas)
    if request.method == "POST":
        try:
            raise_first_error(form)
            record = reconcile.reconciliation_start(
                actor=request.user, area=areas.get(code=form.cleaned_data["area"]), upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect(record)
    past = Reconciliation.objects.visible_to(request.user).select_related("area")[:10]
    return render(request, "ledgers/reconcile.html", {"form": form, "past": past})


class ReconcileDetailView(JurisdictionScopedMixin, DetailView[Reconciliation]):
    """A reconciliation's status while a worker compares (htmx polls the same URL for the partial, and the page
    reloads into the report once it is done), then the report."""

    model = Reconciliation
    template_name = "ledgers/reconcile_detail.html"

    def scope_queryset(self, queryset: QuerySet[Reconciliation]) -> QuerySet[Reconciliation]:
        return queryset.select_related("area")

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False):
            return ["ledgers/_reconcile_progress.html"]
        return [self.template_name]

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **response_kwargs)
        if getattr(self.request, "htmx", False) and not self.object.running:
            response["HX-Refresh"] = "true"  # finished: the whole page shows the report
        return response


@scoped_view(model=Reconciliation)
def reconcile_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    record = get_visible_or_404(Reconciliation, request.user, pk=pk)
    if not record.report:
        raise Http404
    refusals = [] if reconcile.can_reconcile(request.user) else [_("您的角色已不能与全国系统核对")]
    refusals += services.file_refusals(request.user, area=record.area, full_ids=record.full_ids)
    if refusals:
        messages.error(request, _("不能下载：%(why)s。请按您现在的权限重新核对。") % {"why": "；".join(refusals)})
        return redirect(record)
    return FileResponse(
        record.report.open("rb"),
        as_attachment=True,
        filename=f"{record.area.name}与全国系统核对{record.created_at:%Y%m%d}.xlsx",
        content_type=XLSX,
    )


# ----------------------------------------------------------------- who saw full ID numbers (SPEC §1.3 rule 4)


@scoped_view
def disclosure_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The log of full ID numbers shown in the auditor's territory: who, whose household, when, through what."""
    if not audit.can_audit_disclosures(request.user):
        raise PermissionDenied
    form = DisclosureFilterForm(request.GET or None)
    chosen = audit.DisclosureFilter()
    if form.is_valid():
        data = form.cleaned_data
        chosen = audit.DisclosureFilter(
            who=data["who"].strip(), channel=data["channel"], start=data["start"], end=data["end"]
        )
    page = Paginator(audit.disclosures(request.user, chosen), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ledgers/disclosure_log.html",
        {
            "form": form,
            "page": page,
            "files": audit.full_id_files(request.user, chosen),
            "query": query.urlencode(),
        },
    )
