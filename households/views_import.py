"""Pages of the household Excel import (docs/import-template.md): upload, preview with errors, progress, commit,
blank template. A job outside the user's jurisdiction is 404; a colleague's job inside it is 403 (rule 11)."""

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import can_edit_households
from core.errors import DomainError
from geo.shortcuts import scoped_view
from households.choices import ImportJobStatus
from households.imports import selectors, services
from households.imports.forms import ImportUploadForm
from households.imports.template import template_workbook
from households.models import ImportJob

ERRORS_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _detail_url(job: ImportJob) -> str:
    return reverse("households:household-import-detail", args=[job.pk])


@scoped_view
def household_import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a filled template; validation starts in the background and the user lands on the job's page."""
    if not can_edit_households(request.user):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                actor=request.user, upload=form.cleaned_data["file"], area=form.cleaned_data["area"]
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect(_detail_url(job))
    context = {"form": form, "jobs": selectors.import_job_list(user=request.user)[:10]}
    return render(request, "households/import_upload.html", context)


@scoped_view(model=ImportJob)
def household_import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The preview: what a commit would create, update or leave alone, and every error by row and column."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    context = {
        "job": job,
        "counts": _counts(job.summary),
        "errors_page": Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page")),
        "error_count": job.summary.get("error_count", len(job.errors)),
        "can_commit": job.status == ImportJobStatus.VALIDATED and can_edit_households(request.user),
    }
    return render(request, "households/import_detail.html", context)


@scoped_view(model=ImportJob)
def household_import_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx while the job runs; once it is done the page reloads into the preview."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    response = render(request, "households/_import_progress.html", {"job": job})
    if request.htmx and not job.is_running:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"
    return response


@scoped_view(model=ImportJob, post_only=True)
@require_POST
def household_import_commit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm a validated preview: the commit runs in the background."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    try:
        services.import_job_commit_request(job=job, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_detail_url(job))


@scoped_view
def household_import_template(request: AuthenticatedHttpRequest) -> FileResponse:
    """The blank template, generated for the user: it lists the village codes of their jurisdiction."""
    content = template_workbook(villages=selectors.import_template_villages(user=request.user))
    return FileResponse(io.BytesIO(content), as_attachment=True, filename="农户成员导入模板.xlsx", content_type=XLSX)


def _counts(summary: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "label": label,
            "created": summary.get(f"{key}_created", 0),
            "updated": summary.get(f"{key}_updated", 0),
            "unchanged": summary.get(f"{key}_unchanged", 0),
        }
        for key, label in (("households", "农户"), ("members", "家庭成员"))
    ]
