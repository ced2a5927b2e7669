"""Exporting a ledger (SPEC §13.1): the export is recorded first (the audit: who, which ledger, what
scope and filters, with or without full ID numbers), then written — in the request when it is small, as a Celery
task with progress when it is large — and kept for ``LEDGER_EXPORT_KEEP_HOURS``, downloadable by its owner only."""

from __future__ import annotations

import datetime
import hashlib
import logging
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can_view_identity, has_capability
from accounts.roles import Capability
from core.dispatch import resend_unsent, send_after_commit
from core.errors import DomainError
from core.replica import reading_replica
from geo.codes import AreaLevel
from geo.models import AdminArea
from ledgers.base import Context, Filters
from ledgers.catalogue import LEDGERS
from ledgers.models import ExportStatus, LedgerExport
from ledgers.writer import Header, period_label, write_ledger

logger = logging.getLogger(__name__)
ABOVE_COUNTY = (AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.COUNTY)


def can_export(user: User, code: str) -> bool:
    ledger = LEDGERS.get(code)
    return (
        ledger is not None
        and has_capability(user, Capability.EXPORT_LEDGERS)
        and has_capability(user, ledger.capability)
    )


# The files pages hand out at once (their audit rows' ``ledger`` code) and the right their page needs. None: the
# dashboard's numbers (one of several rights, which its page checks) and public notices (公示, posted in the village
# anyway; their ID numbers are masked) need no right beyond the place.
HANDED_OUT_RIGHTS: dict[str, Capability | None] = {
    "FUNDS": Capability.VIEW_FUNDS,
    "NOTICE": None,
    "PROBLEMS": Capability.VIEW_RECTIFICATION,
    "BOARD": None,
}


def download_refusals(user: User, export: LedgerExport) -> list[str]:
    """Why the owner may no longer download a finished export, checked at every download against their rights of
    now, not those of the day they exported: the ledger's right, the place (still in their territory) and, for a
    file with full ID numbers, the right to see them. A user moved to another township or demoted keeps no file of
    the old one. Empty: allowed."""
    right = HANDED_OUT_RIGHTS.get(export.ledger)
    if export.ledger in LEDGERS:
        allowed = can_export(user, export.ledger)
    else:  # a file a page handed out at once (core.xlsx.excel_download): the right of that page
        allowed = right is None or has_capability(user, right)
    reasons = [] if allowed else [_("您的角色已不能查看这份文件")]
    return reasons + file_refusals(user, area=export.area, full_ids=export.full_ids)


def file_refusals(user: User, *, area: AdminArea, full_ids: bool) -> list[str]:
    """The checks every kept file with people's data passes at download (an export, a reconciliation report): its
    place still in the user's territory, and full ID numbers only for a role that may see them now."""
    reasons = []
    if not AdminArea.objects.visible_to(user).filter(pk=area.pk).exists():
        reasons.append(_("“%(area)s”已不在您的辖区内") % {"area": area.name})
    if full_ids and not can_view_identity(user):
        reasons.append(_("文件含完整身份证号，您的角色已不能查看"))
    return reasons


def export_start(*, actor: User, code: str, filters: Filters, full_ids: bool | None = None) -> LedgerExport:
    """Record the export and write it: inline up to ``LEDGER_SYNC_MAX_ROWS`` rows, else in a Celery task.
    ``full_ids=False`` masks ID numbers even for a role that may see them (a frozen ledger is everyone's)."""
    if not can_export(actor, code):
        raise PermissionDenied
    ledger = LEDGERS[code]
    scope = actor.area
    if filters.area:
        scope = AdminArea.objects.visible_to(actor).filter(code=filters.area).first()
        if scope is None:
            raise DomainError(_("所选区划不存在，或不在您的辖区内"), field="area")
    if scope is None:
        raise DomainError(_("您的账号未绑定区划，不能导出台账"), field="area")
    if filters.start and filters.end and filters.end < filters.start:
        raise DomainError(_("结束日期不能早于开始日期"), field="end")
    if filters.category and filters.category not in dict(ledger.categories):
        raise DomainError(_("类别不存在"), field="category")
    with reading_replica():
        total = ledger.rows(actor, filters).count()
    export = LedgerExport.objects.create(
        owner=actor,
        ledger=code,
        title=ledger.form_title,
        area=scope,
        filters=filters.as_dict(),
        full_ids=can_view_identity(actor) if full_ids is None else (full_ids and can_view_identity(actor)),
        total=total,
    )
    if total <= settings.LEDGER_SYNC_MAX_ROWS:
        export_run(export=export)
    else:
        from ledgers.tasks import ledger_export_task

        send_after_commit(ledger_export_task, export)
    export.refresh_from_db()
    return export


def export_run(*, export: LedgerExport) -> LedgerExport:
    """Write the file (idempotent: a delivered-again task of a finished export does nothing)."""
    if export.status in (ExportStatus.DONE, ExportStatus.EXPIRED):
        return export
    ledger = LEDGERS[export.ledger]
    owner = export.owner
    filters = Filters.from_dict(export.filters)
    LedgerExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, done=0)
    today = timezone.localdate()
    scope = export.area
    header = Header(
        place=scope.name,
        unit=owner.unit_name or scope.name,
        period=period_label(filters.start, filters.end),
        by=str(owner),
    )

    def progress(done: int) -> None:
        LedgerExport.objects.filter(pk=export.pk).update(done=done)

    ledger.heal(scope.prefix)
    split = scope.level in ABOVE_COUNTY and ledger.area_path != "county__code" and not ledger.plain
    try:
        with tempfile.TemporaryDirectory() as folder, reading_replica():  # the rows from the replica, if any
            path = Path(folder) / f"{export.pk}.xlsx"
            rows = write_ledger(
                ledger,
                ledger.rows(owner, filters).iterator(chunk_size=2000),
                ctx=Context(user=owner, full_ids=export.full_ids, today=today),
                header=header,
                split_by_township=split,
                out=str(path),
                progress=progress,
                scope_prefix=scope.prefix,
            )
            with path.open("rb") as handle:
                export.file.save(f"{ledger.code}-{export.pk}.xlsx", File(handle), save=False)
            export.size = path.stat().st_size
            export.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    except Exception as exc:
        LedgerExport.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, error=repr(exc)[:2000])
        raise
    now = timezone.now()
    export.status = ExportStatus.DONE
    export.done = rows
    export.total = rows
    export.finished_at = now
    export.expires_at = now + datetime.timedelta(hours=settings.LEDGER_EXPORT_KEEP_HOURS)
    export.save(update_fields=["file", "size", "sha256", "status", "done", "total", "finished_at", "expires_at"])
    logger.info("ledger %s for %s: %d rows", ledger.code, owner.username, rows)
    return export


def export_record_handed_out(
    sender: Any,
    *,
    user: User,
    kind: str,
    title: str,
    area: AdminArea | None,
    rows: int,
    filters: dict[str, str],
    content: bytes,
    filename: str,
    **kwargs: Any,
) -> LedgerExport:
    """An Excel file a page handed out at once (``core.xlsx.excel_download``) joins the export list of its owner as
    a finished export: the same audit row as a ledger export, and the same download until it expires."""
    now = timezone.now()
    export = LedgerExport(
        owner=user,
        ledger=kind[:8],
        title=title[:100],
        area=area if area is not None else _widest_area(user),
        filters=filters,
        full_ids=False,  # these sheets carry no full ID numbers (notices mask them)
        status=ExportStatus.DONE,
        total=rows,
        done=rows,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        finished_at=now,
        expires_at=now + datetime.timedelta(hours=settings.LEDGER_EXPORT_KEEP_HOURS),
    )
    export.file.save(filename, ContentFile(content), save=False)
    export.save()
    logger.info("%s handed out to %s: %d rows", kind, getattr(user, "username", ""), rows)
    return export


def _widest_area(user: User) -> AdminArea:
    """The place an export covers when the page names none: the user's area, or (an administrator without one)
    the first province."""
    if user.area is not None:
        return user.area
    found = AdminArea.objects.filter(parent__isnull=True).order_by("code").first()
    if found is None:
        raise DomainError(_("尚未建立行政区划，无法导出"), field="area")
    return found


def exports_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files kept past their time; the audit rows stay (beat job, hourly). A frozen ledger's file is
    never deleted."""
    now = now or timezone.now()
    expired = 0
    for export in LedgerExport.objects.filter(status=ExportStatus.DONE, expires_at__lt=now, frozen__isnull=True):
        export.file.delete(save=False)
        export.status = ExportStatus.EXPIRED
        export.save(update_fields=["file", "status"])
        expired += 1
    return expired


def exports_resend_unsent() -> int:
    """The outbox of exports (every minute): a large export whose task the broker never received is sent now."""
    from ledgers.tasks import ledger_export_task

    return resend_unsent(
        LedgerExport, ledger_export_task, pending=Q(status=ExportStatus.QUEUED),
        older_than=datetime.timedelta(minutes=1), created="created_at",
    )  # fmt: skip
