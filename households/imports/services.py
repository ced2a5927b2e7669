"""The Excel import job (docs/import-template.md): upload → validate → preview → commit, all or nothing. One job
lifecycle for every kind of import (``ImportJob.kind``): households and members (``plan``), or households' yearly
income (``income``); the kind chooses the file's layout, its plan and its write (``FORMATS``).

Validation and commit run in ``households.tasks.household_import_task``. Progress: reading the file and checking
each row happens outside any transaction, and ``processed_rows`` is written as rows are read (at most twice a
second: the page polls every second), so the progress bar moves. Validation reads the workbook once into a spill on
disk, by household (``households.imports.spill``), and checks it a bucket of households at a time; the commit reads
that spill, not the workbook, and does the database checks again and every write in one transaction, bucket by
bucket, so memory holds one bucket whatever the file's size. A progress UPDATE from inside that transaction would be
invisible until the end, so the page shows "正在写入" for that last step instead of a moving bar.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.permissions import can_edit_households
from core.bulk import analyze_on_commit, collector_paused
from core.dispatch import resend_unsent, send_after_commit
from core.errors import DomainError, TransitionNotAllowed
from core.stored import stored
from core.uploads import workbook_check
from geo.models import AdminArea
from households.choices import ImportJobStatus, ImportKind
from households.imports.columns import HOUSEHOLDS, Layout
from households.imports.income import EMPTY, INCOME, income_plan_apply, income_plan_build
from households.imports.plan import duplicate_ids, plan_apply, plan_build
from households.imports.reading import ImportFileError, RowError, RowsRefused, Sheet, row_error
from households.imports.spill import FileCheck, Spill, load_spill, spill_workbook
from households.models import Household, HouseholdFacts, HouseholdMember, ImportJob
from households.tasks import household_import_task

MAX_STORED_ERRORS: Final = 1000  # the preview shows these and the total; the rest repeat the same mistakes

S = ImportJobStatus
# Every legal move of an import job; the worker may re-run a step it was interrupted in (acks_late).
TRANSITIONS: Final[Mapping[ImportJobStatus, frozenset[ImportJobStatus]]] = {
    S.UPLOADED: frozenset({S.VALIDATING, S.FAILED}),
    S.VALIDATING: frozenset({S.VALIDATING, S.VALIDATED, S.INVALID, S.FAILED}),
    S.VALIDATED: frozenset({S.COMMITTING}),
    S.INVALID: frozenset(),
    S.COMMITTING: frozenset({S.COMMITTED, S.INVALID, S.FAILED}),
    S.COMMITTED: frozenset(),
    S.FAILED: frozenset(),
}


class _Plan(Protocol):
    errors: list[RowError]

    def summary(self) -> dict[str, int]: ...


@dataclass(frozen=True)
class Format:
    """What differs between kinds of import: the file's layout, a check across the whole file as it is read, the
    plan of one bucket of households (``build(sheet, actor=, area=, lock=)``), its write, and the refusal of a
    file without data rows."""

    layout: Layout
    check: FileCheck | None
    build: Callable[..., Any]
    apply: Callable[..., None]
    empty: str


FORMATS: Final[Mapping[ImportKind, Format]] = {
    ImportKind.HOUSEHOLDS: Format(
        HOUSEHOLDS,
        duplicate_ids,
        plan_build,
        plan_apply,
        gettext_noop("文件中没有成员数据：请从第 2 行起每行填写一名家庭成员"),
    ),
    ImportKind.INCOME: Format(INCOME, None, income_plan_build, income_plan_apply, EMPTY),
}


def _format(job: ImportJob) -> Format:
    return FORMATS[ImportKind(job.kind)]


def import_upload_check(upload: UploadedFile) -> None:
    """The upload rules the form shows and the service enforces: an .xlsx within the upload limits
    (``core.uploads.workbook_check``: its size, and what it would unpack to), checked before it is stored."""
    name = upload.name or ""
    if not name.lower().endswith(".xlsx"):
        message = _("请上传 .xlsx 格式的 Excel 文件（可在 Excel、WPS 或 LibreOffice 中“另存为 .xlsx”）")
        raise DomainError(message, field="file")
    workbook_check(upload)


def import_job_create(
    *, actor: User, upload: UploadedFile, area: AdminArea | None = None, kind: ImportKind = ImportKind.HOUSEHOLDS
) -> ImportJob:
    """Store an upload of ``kind`` for import into ``area`` (the user's area or a village within it) and schedule
    its validation once the upload is saved."""
    if not can_edit_households(actor):
        raise PermissionDenied
    area = area or actor.area
    if area is None:
        raise DomainError(_("您的账号未绑定行政区划，不能导入农户"), field="area")
    if not AdminArea.objects.visible_to(actor).filter(pk=area.pk).exists():
        raise PermissionDenied
    import_upload_check(upload)
    job = ImportJob.objects.create(
        created_by=actor, area=area, kind=kind, original_name=(upload.name or "")[-255:], file=upload
    )
    send_after_commit(household_import_task, job)
    return job


def import_job_run(*, job: ImportJob) -> str:
    """The task's one call: validate an uploaded job, commit one whose commit was requested; other states are
    finished, and a repeated delivery of the task does nothing."""
    if job.status in (S.UPLOADED, S.VALIDATING):
        import_job_validate(job=job)
    elif job.status == S.COMMITTING:
        import_job_commit(job=job)
    return job.status


def import_job_validate(*, job: ImportJob) -> ImportJob:
    """Check every row and count what a commit would create, update or leave alone; nothing is written."""
    _move(job, S.VALIDATING)
    job.processed_rows = 0
    job.save(update_fields=["status", "processed_rows"])
    try:
        spill = _read(job)
    except ImportFileError as exc:
        return _finish(job, S.INVALID, errors=[row_error(0, None, exc.stored)])
    fmt = _format(job)
    if not spill.rows and not spill.header_errors:  # a template with nothing filled in is not a successful import
        spill.remove()
        return _finish(job, S.INVALID, errors=[row_error(0, None, stored(fmt.empty))])
    if not can_edit_households(job.created_by):
        spill.remove()
        return _finish(job, S.INVALID, errors=[row_error(0, None, stored(gettext_noop("导入人已没有修改农户的权限")))])
    found = _Found(spill.header_errors)
    for sheet in spill.sheets() if not spill.header_errors else ():
        with collector_paused():  # a bucket's plan is made and dropped: its objects are freed as it goes
            found.add(fmt.build(sheet, actor=job.created_by, area=job.area))
    if found.errors:
        spill.remove()
        return _finish(job, S.INVALID, errors=found.errors, summary=found.summary(), error_count=found.error_count)
    return _finish(job, S.VALIDATED, errors=[], summary=found.summary())


class _Found:
    """The plans of a file's buckets added up: counts, the first errors in file order, how many in all."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors: list[RowError] = sorted(errors)[:MAX_STORED_ERRORS]
        self.error_count = len(errors)
        self.counts: dict[str, int] = {}

    def add(self, plan: _Plan) -> None:
        self.add_errors(plan.errors)
        for key, value in plan.summary().items():
            self.counts[key] = self.counts.get(key, 0) + value

    def add_errors(self, errors: list[RowError]) -> None:
        self.error_count += len(errors)
        self.errors = sorted(self.errors + errors)[:MAX_STORED_ERRORS]

    def summary(self) -> dict[str, int]:
        return dict(self.counts)


@transaction.atomic
def import_job_commit_request(*, job: ImportJob, actor: User) -> ImportJob:
    """The user confirms the preview: the commit runs in the background once this is saved."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if actor.pk != job.created_by_id or not can_edit_households(actor):
        raise PermissionDenied
    _move(job, S.COMMITTING)
    job.processed_rows = 0
    job.sent_at = None  # the commit step's task is still to be sent
    job.save(update_fields=["status", "processed_rows", "sent_at"])
    send_after_commit(household_import_task, job)
    return job


def import_job_commit(*, job: ImportJob) -> ImportJob:
    """Read and check the file again, then write every row in one transaction, or nothing. Idempotent: households
    match by 户编号, members by ID number within their household, incomes by 户编号 and year, and unchanged rows
    are not written, so importing the same file twice changes nothing the second time."""
    if job.status != S.COMMITTING:
        raise TransitionNotAllowed(_("导入当前为“%(status)s”，不能写入") % {"status": job.get_status_display()})
    fmt = _format(job)
    spill = load_spill(_spill_folder(job), layout=fmt.layout)
    if spill is None:  # cleaned away, or validated on another host: read the workbook again
        try:
            spill = _read(job)
        except ImportFileError as exc:
            return _finish(job, S.INVALID, errors=[row_error(0, None, exc.stored)])
    if not can_edit_households(job.created_by):
        spill.remove()
        return _finish(
            job,
            S.FAILED,
            errors=[row_error(0, None, stored(gettext_noop("导入人已没有修改农户的权限，未保存任何数据")))],
        )
    found = _Found(spill.header_errors)
    try:
        with transaction.atomic():
            # The database checks run again here, on locked rows: someone may have changed them since the preview.
            for sheet in spill.sheets():
                with collector_paused():
                    _commit_bucket(fmt, sheet, job, found)
            # A county's file is tens of thousands of rows: the lists that read them are planned on their numbers.
            counts = found.summary()
            analyze_on_commit(Household, added=counts.get("households_created", 0))
            analyze_on_commit(HouseholdMember, added=counts.get("members_created", 0))
            analyze_on_commit(HouseholdFacts, added=counts.get("households_created", 0))
    except _Refused:
        spill.remove()
        return _finish(job, S.INVALID, errors=found.errors, summary=found.summary(), error_count=found.error_count)
    except IntegrityError:
        # A concurrent edit took an ID number or a 户编号 between our checks and our writes; all was rolled back.
        spill.remove()
        message = stored(gettext_noop("保存时与他人同时进行的修改冲突，未保存任何数据；请重新上传该文件"))
        return _finish(job, S.FAILED, errors=[row_error(0, None, message)])
    spill.remove()
    return _finish(job, S.COMMITTED, errors=[], summary=found.summary())


def _commit_bucket(fmt: Format, sheet: Sheet, job: ImportJob, found: _Found) -> None:
    """Plan one bucket again on locked rows and write it; a bucket with errors refuses the whole commit."""
    plan = fmt.build(sheet, actor=job.created_by, area=job.area, lock=True)
    found.add(plan)
    if plan.errors:
        raise _Refused
    try:
        fmt.apply(plan, actor=job.created_by)
    except RowsRefused as exc:  # a row changed since the preview: its writer refused it
        found.add_errors(exc.errors)
        raise _Refused from exc


class _Refused(Exception):
    """A bucket found errors inside the commit's transaction: everything written so far is rolled back."""


def import_job_fail(*, job_id: int, message: str) -> None:
    """Mark a job failed after an unexpected error in the worker, so the page stops waiting."""
    job = ImportJob.objects.get(pk=job_id)
    if S.FAILED in TRANSITIONS[S(job.status)]:
        _finish(job, S.FAILED, errors=[row_error(0, None, message)])


def _move(job: ImportJob, to: ImportJobStatus) -> None:
    current = S(job.status)
    if to not in TRANSITIONS[current]:
        raise TransitionNotAllowed(
            _("导入当前为“%(label)s”，不能变为“%(label2)s”") % {"label": current.label, "label2": to.label}
        )
    job.status = to


def _spill_folder(job: ImportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / f"rows-{job.pk}"


def _read(job: ImportJob) -> Spill:
    def progress(read: int, total: int) -> None:
        # A short UPDATE of two columns, outside any transaction, so the page sees it at once (the reader reports at
        # most twice a second, and at the end).
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=read, total_rows=total)

    with job.file.open("rb") as source, collector_paused():  # the file streams past: nothing it makes is kept
        fmt = _format(job)
        spill = spill_workbook(source, _spill_folder(job), on_progress=progress, layout=fmt.layout, check=fmt.check)
    job.total_rows = job.processed_rows = spill.rows
    return spill


def _finish(
    job: ImportJob,
    status: ImportJobStatus,
    *,
    errors: list[RowError],
    summary: dict[str, int] | None = None,
    error_count: int | None = None,
) -> ImportJob:
    _move(job, status)
    ordered = sorted(errors)
    job.errors = [error.as_dict() for error in ordered[:MAX_STORED_ERRORS]]
    job.summary = {**(summary or {}), "error_count": len(ordered) if error_count is None else error_count}
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "summary", "total_rows", "processed_rows", "finished_at"])
    return job


def imports_resend_unsent() -> int:
    """The outbox of imports (every minute): a validation or a commit whose task the broker never received."""
    return resend_unsent(
        ImportJob, household_import_task, pending=Q(status__in=[S.UPLOADED, S.COMMITTING]),
        older_than=datetime.timedelta(minutes=1), created="created_at",
    )  # fmt: skip
