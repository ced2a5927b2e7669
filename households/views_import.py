"""Pages of the Excel imports (docs/import-template.md): households and members, and yearly income (收入导入) —
upload, preview with errors, progress, commit, template. One job page for both kinds. A job is its uploader's
only: anyone else's is 404 (rule 11)."""

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import can_edit_households
from core.errors import DomainError
from core.stored import shown_item
from core.xlsx import excel_download
from geo.shortcuts import scoped_view
from households import selectors as registry
from households.choices import ImportJobStatus, ImportKind
from households.imports import selectors, services
from households.imports.forms import ImportUploadForm
from households.imports.income import income_template_workbook
from households.imports.template import template_workbook
from households.models import ImportJob
from households.services.income import COMPONENTS
from households.views_income import collected_year

ERRORS_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _detail_url(job: ImportJob) -> str:
    return reverse("households:household-import-detail", args=[job.pk])


@scoped_view
def household_import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a filled household template; validation starts in the background and the user lands on the job's
    page."""
    return _upload(request, ImportKind.HOUSEHOLDS)


@scoped_view
def income_import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """收入导入: upload a filled income template, validated in the background like the household import."""
    return _upload(request, ImportKind.INCOME)


def _upload(request: AuthenticatedHttpRequest, kind: ImportKind) -> HttpResponse:
    if not can_edit_households(request.user):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                actor=request.user, upload=form.cleaned_data["file"], area=form.cleaned_data["area"], kind=kind
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect(_detail_url(job))
    context = {"form": form, "kind": kind, "jobs": selectors.import_job_list(user=request.user, kind=kind)[:10]}
    return render(request, "households/import_upload.html", context)


@scoped_view(model=ImportJob)
def household_import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The preview: what a commit would create, update or leave alone, and every error by row and column."""
    job = selectors.import_job_get(user=request.user, pk=pk)
    context = {
        "job": job,
        "counts": _counts(job),
        "skipped": job.summary.get("incomes_skipped", 0),
        "upload_url": reverse(UPLOAD_PAGES[job.kind]),
        "errors_page": Paginator([shown_item(error) for error in job.errors], ERRORS_PER_PAGE).get_page(
            request.GET.get("page")
        ),
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


@scoped_view
def income_import_template(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The income template: blank, or with ``village`` (a village of the user's area, else 404) one row per open
    household of that village for ``year``, filled with what is recorded — the grid on paper."""
    code = request.GET.get("village", "")
    if not code:
        blank = income_template_workbook()[0]
        return FileResponse(io.BytesIO(blank), as_attachment=True, filename="年度收入导入模板.xlsx", content_type=XLSX)
    if not can_edit_households(request.user):
        raise PermissionDenied
    village = get_object_or_404(registry.income_grid_villages(user=request.user), code=code)
    year = collected_year(request.GET.get("year", ""))
    households = list(registry.income_grid_households(user=request.user, village=village))
    rows = [
        [
            line.household.household_no,
            line.household.head_name,
            None,  # the head's ID number is the user's to type (a cross-check); the system writes none out
            year,
            *(getattr(line.record, name) if line.record is not None else None for name in COMPONENTS),
        ]
        for line in registry.income_grid_rows(households, year=year)
    ]
    content, count = income_template_workbook(rows=rows)
    return excel_download(
        request,
        content,
        filename=f"{village.name}{year}年度收入表.xlsx",
        kind="INCOME",
        title=_("%(village)s %(year)s 年度收入表") % {"village": village.name, "year": year},
        area=village,
        rows=count,
        filters={"year": str(year)},
    )


UPLOAD_PAGES: dict[str, str] = {
    ImportKind.HOUSEHOLDS: "households:household-import-upload",
    ImportKind.INCOME: "households:income-import-upload",
}


# What the preview counts, by kind of import: a line per thing imported, its summary key and its label.
COUNTED: dict[str, tuple[tuple[str, str], ...]] = {
    ImportKind.HOUSEHOLDS: (("households", "农户"), ("members", "家庭成员")),
    ImportKind.INCOME: (("incomes", "年度收入（户·年）"),),
}


def _counts(job: ImportJob) -> list[dict[str, Any]]:
    summary = job.summary
    return [
        {
            "label": label,
            "created": summary.get(f"{key}_created", 0),
            # An income that differs is corrected (更正), its former figures kept in its history.
            "updated": summary.get(f"{key}_updated", summary.get(f"{key}_corrected", 0)),
            "unchanged": summary.get(f"{key}_unchanged", 0),
        }
        for key, label in COUNTED[job.kind]
    ]
