"""Department screening pages (SPEC §6): batches with their upload and report, the template per department, and the
warnings the villages and townships verify (STYLE rule 18: thin views)."""

import datetime
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import has_capability
from accounts.roles import Capability, Department
from core.batch import BatchRefused
from core.errors import DomainError
from core.forms import raise_first_error, ticked_ids
from geo.mixins import JurisdictionScopedMixin
from geo.shortcuts import get_visible_or_404, not_place_bound, scoped_view
from sweeps import permissions, selectors, services
from sweeps.choices import BatchStatus, WarningDisposition, WarningStatus
from sweeps.exports import screening_template_xlsx
from sweeps.forms import DisposeForm, NoteForm, UploadForm
from sweeps.models import ScreeningBatch, ScreeningWarning
from sweeps.screening_catalogue import EVENT_TYPES
from sweeps.services.screening import period_of


def _upload_form() -> UploadForm:
    previous_quarter_day = timezone.localdate().replace(day=1) - datetime.timedelta(days=80)
    return UploadForm(initial={"period": period_of(previous_quarter_day)})


class BatchListView(JurisdictionScopedMixin, ListView[ScreeningBatch]):
    model = ScreeningBatch
    paginate_by = 20
    template_name = "sweeps/batch_list.html"

    def scope_queryset(self, queryset: QuerySet[ScreeningBatch]) -> QuerySet[ScreeningBatch]:
        return queryset.select_related("area", "uploaded_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        can_upload = has_capability(user, Capability.UPLOAD_SCREENING) and bool(getattr(user, "department", ""))
        context.update(can_upload=can_upload, form=_upload_form() if can_upload else None)
        return context


@require_POST
@scoped_view(post_only=True)
def batch_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Store the list and answer at once: a worker imports it while the batch's page shows its status."""
    if not has_capability(request.user, Capability.UPLOAD_SCREENING):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            batch = services.screening_upload(
                actor=request.user, period=form.cleaned_data["period"].strip().upper(), upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect(batch)
    return render(request, "sweeps/batch_upload.html", {"form": form})


@not_place_bound
def screening_template(request: AuthenticatedHttpRequest) -> FileResponse:
    """The list template of the user's department (or ``?department=``), with its event types on a second sheet."""
    department = request.GET.get("department") or getattr(request.user, "department", "")
    if department not in EVENT_TYPES:
        department = next(iter(EVENT_TYPES))
    return FileResponse(
        io.BytesIO(screening_template_xlsx(department)),
        as_attachment=True,
        filename=f"{Department(department).label}筛查名单模板.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


class BatchDetailView(JurisdictionScopedMixin, DetailView[ScreeningBatch]):
    """A list's status while a worker imports it (htmx polls the same URL for the partial, and the page reloads
    into the result once it is done), then its counts, unmatched rows and warnings, or its errors."""

    model = ScreeningBatch
    template_name = "sweeps/batch_detail.html"

    def scope_queryset(self, queryset: QuerySet[ScreeningBatch]) -> QuerySet[ScreeningBatch]:
        return queryset.select_related("area", "uploaded_by")

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False):
            return ["sweeps/_batch_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        batch: ScreeningBatch = self.object
        if batch.status == BatchStatus.DONE and not getattr(self.request, "htmx", False):
            warnings = ScreeningWarning.objects.visible_to(self.request.user).filter(batch=batch)
            context["warnings"] = warnings.select_related("household__managing_area")[:300]
            context["unmatched"] = batch.unmatched[:300]
        return context

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **response_kwargs)
        if getattr(self.request, "htmx", False) and not self.object.running:
            response["HX-Refresh"] = "true"  # done: the whole page shows the result
        return response


# The batch a warning list offers, by the status it lists: 核实处置 of those waiting for it, 办结 of those verified.
BATCH_ACTIONS: dict[str, str] = {WarningStatus.ASSIGNED: "dispose", WarningStatus.VERIFIED: "close"}


class WarningListView(JurisdictionScopedMixin, ListView[ScreeningWarning]):
    """The warnings to verify (SPEC §6.5), earliest feedback date first. A village or township ticks the warnings
    listed as waiting (or as verified) and disposes of (or closes) them in one batch (``POST``, all or nothing): a
    refusal comes back on the same page naming the warning, with the ticks and the fields as they were sent."""

    model = ScreeningWarning
    paginate_by = 30
    template_name = "sweeps/warning_list.html"

    def scope_queryset(self, queryset: QuerySet[ScreeningWarning]) -> QuerySet[ScreeningWarning]:
        get = self.request.GET
        status = get.get("status", WarningStatus.ASSIGNED)  # "all": every status
        if status in WarningStatus.values:
            queryset = queryset.filter(status=status)
        if get.get("department") in Department.values:
            queryset = queryset.filter(department=get["department"])
        if get.get("overdue") == "1":
            queryset = queryset.filter(ScreeningWarning.open_q(), feedback_due_on__lt=timezone.localdate())
        return queryset.select_related("household__managing_area__parent", "member").order_by("feedback_due_on", "pk")

    def _batch_action(self) -> str:
        """ "dispose", "close", or "" where the list offers no batch (every status, or a role that does not verify)."""
        if not permissions.can_dispose_warnings(self.request.user):
            return ""
        return BATCH_ACTIONS.get(self.request.GET.get("status", WarningStatus.ASSIGNED), "")

    def _batch_form(self, action: str, data: Any = None) -> DisposeForm | NoteForm:
        if action == "dispose":
            return DisposeForm(data, initial={"disposition": WarningDisposition.NO_RISK})
        return NoteForm(data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        action = self._batch_action()
        selectable = (
            {w.pk for w in context["object_list"] if permissions.can_dispose_warning(user, w)} if action else set()
        )
        context.update(
            status=self.request.GET.get("status", WarningStatus.ASSIGNED),
            statuses=WarningStatus.choices,
            departments=[(code, Department(code).label) for code in EVENT_TYPES],
            today=timezone.localdate(),
            batch_action=action if selectable else "",
            selectable=selectable,
        )
        context.setdefault("ticked", set())  # the rows a refused batch sent, ticked again
        context.setdefault("refused", None)  # the row the refusal names
        if selectable and "batch_form" not in context:
            context["batch_form"] = self._batch_form(action)
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Batch 核实处置 (each through ``warning_dispose``) or 办结 (each through ``warning_close``)."""
        if not permissions.can_dispose_warnings(request.user):
            raise PermissionDenied
        action = self._batch_action()
        if not action:
            raise Http404  # this list (every status) offers no batch
        ticked = ticked_ids(request, "warnings")
        warnings, missing = selectors.warnings_picked(user=request.user, pks=ticked)
        if missing:
            raise Http404  # a warning the user may not see, or none at all: the same answer
        form = self._batch_form(action, request.POST)
        try:
            raise_first_error(form)
            data = form.cleaned_data
            if action == "dispose":
                count = services.warnings_dispose(
                    warnings=warnings,
                    actor=request.user,
                    disposition=data["disposition"],
                    note=data["note"],
                    category=data["category"],
                    triggers=data["triggers"],
                )
                done = _("已核实处置 %(n)d 条预警")
            else:
                count = services.warnings_close(warnings=warnings, actor=request.user, note=data["note"])
                done = _("已办结 %(n)d 条预警")
        except DomainError as exc:
            self.object_list = self.get_queryset()
            context = self.get_context_data(
                batch_form=form,
                ticked=set(ticked),
                refusal=exc.message,
                refused=exc.pk if isinstance(exc, BatchRefused) else None,
            )
            return self.render_to_response(context)
        messages.success(request, done % {"n": count})
        return redirect(request.get_full_path())


class WarningDetailView(JurisdictionScopedMixin, DetailView[ScreeningWarning]):
    model = ScreeningWarning
    template_name = "sweeps/warning_detail.html"

    def scope_queryset(self, queryset: QuerySet[ScreeningWarning]) -> QuerySet[ScreeningWarning]:
        return queryset.select_related("household__managing_area__parent", "member", "batch", "entry_application")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        warning: ScreeningWarning = self.object
        user = self.request.user
        can_dispose = permissions.can_dispose_warning(user, warning)
        context.update(
            can_dispose=can_dispose and warning.status == WarningStatus.ASSIGNED,
            can_close=can_dispose and warning.status == WarningStatus.VERIFIED,
            dispose_form=DisposeForm(initial={"disposition": WarningDisposition.NO_RISK}),
            note_form=NoteForm(),
            shows_household=has_capability(user, Capability.BROWSE_HOUSEHOLDS),
        )
        return context


@require_POST
@scoped_view(model=ScreeningWarning, post_only=True)
def warning_dispose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    warning = get_visible_or_404(ScreeningWarning, request.user, pk=pk)
    form = DisposeForm(request.POST)
    try:
        raise_first_error(form)
        data = form.cleaned_data
        services.warning_dispose(
            warning=warning,
            actor=request.user,
            disposition=data["disposition"],
            note=data["note"],
            category=data["category"],
            triggers=data["triggers"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已记录核实处置结果"))
    return redirect(warning)


@require_POST
@scoped_view(model=ScreeningWarning, post_only=True)
def warning_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    warning = get_visible_or_404(ScreeningWarning, request.user, pk=pk)
    form = NoteForm(request.POST)
    try:
        services.warning_close(warning=warning, actor=request.user, note=form.data.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("预警已办结"))
    return redirect(warning)
