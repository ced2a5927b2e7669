"""Department screening warnings (部门筛查预警, SPEC §6): a department uploads its quarterly list, rows are matched to
members by ID number, matched rows become warnings for the household's village and township to verify, and each
warning is disposed of in one of the classes of SPEC §6.6. Uploads are all or nothing.

The request only stores the list (``screening_upload``: the right, the period, the file's size and zip directory);
a worker reads and imports it (``screening_batch_run``, from ``sweeps.tasks.screening_batch_task``) with the full
``XLSX_PARSE_SECONDS`` budget, in one transaction, under the uploader's rights of the moment it runs. The batch's
page polls its status: queued → running → done, rejected (every bad row named, nothing saved) or failed.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability, Department, Role
from core import bulk
from core.dispatch import resend_unsent, send_after_commit
from core.errors import DomainError, TransitionNotAllowed
from core.stored import as_json, as_json_field, source_text, stored
from core.uploads import workbook_check
from geo.codes import AreaLevel, ancestor_code
from geo.parameters import parameter
from geo.querysets import in_territory
from households.choices import MemberStatus
from households.masking import mask_id_number
from households.models import Household, HouseholdMember
from households.services import risk_open_from_warning
from monitoring.choices import OPEN_SUBJECT_STATUSES, IdentificationChannel, RiskType, SubjectStatus
from monitoring.models import MonitoringSubject
from monitoring.services import entry_report
from notifications.selectors import users_who_take
from notifications.services import notify
from sweeps import permissions
from sweeps.choices import (
    FINAL_DISPOSITIONS,
    PENDING_BATCH_STATUSES,
    RISK_FOUND_DISPOSITIONS,
    BatchStatus,
    MatchKind,
    WarningDisposition,
    WarningStatus,
)
from sweeps.models import ScreeningBatch, ScreeningWarning
from sweeps.screening_reading import RowError, ScreeningFileError, ScreeningSheet, read_screening
from sweeps.tasks import screening_batch_task

PERIOD: Final = re.compile(r"^(\d{4})-Q([1-4])$")
MAX_STORED_ERRORS: Final = 500  # the page lists these and the total; the rest repeat the same mistakes


def _batches(items: list[str], size: int = 5000) -> list[list[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def quarter_end(period: str) -> datetime.date:
    """The last day of a "YYYY-Qn" period."""
    match = PERIOD.match(period)
    if match is None:
        raise DomainError(_("筛查期“%(period)s”格式不正确，应为 2026-Q3") % {"period": period}, field="period")
    year, quarter = int(match[1]), int(match[2])
    if quarter == 4:
        return datetime.date(year, 12, 31)
    return datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)


def period_of(day: datetime.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class _Target:
    member: HouseholdMember
    kind: str


def _match_kinds(household_ids: set[int]) -> dict[int, str]:
    """SPEC §6.4 match kinds of the households (one query per 5,000 households)."""
    kinds: dict[int, str] = dict.fromkeys(household_ids, MatchKind.CANDIDATE.value)
    ordered = sorted(household_ids)
    rows = []
    for start in range(0, len(ordered), 5000):
        subjects = MonitoringSubject.objects.filter(household_id__in=ordered[start : start + 5000])
        rows += list(subjects.order_by("entered_on", "pk").values_list("household_id", "status"))
    for household_id, status in rows:
        if status in OPEN_SUBJECT_STATUSES:
            kinds[household_id] = MatchKind.MONITORED
        elif status == SubjectStatus.RISK_ELIMINATED and kinds[household_id] != MatchKind.MONITORED:
            kinds[household_id] = MatchKind.ELIMINATED
    return kinds


@transaction.atomic
def screening_upload(*, actor: User, period: str, upload: UploadedFile) -> ScreeningBatch:
    """Store a department's list for a quarter (SPEC §6.3) and have a worker import it once the batch is saved.
    Only what is cheap is checked here: the right, the department and area, the period, and the file's size and
    zip directory (``core.uploads.workbook_check``); the rows are read by ``screening_batch_run``."""
    if not has_capability(actor, Capability.UPLOAD_SCREENING):
        raise PermissionDenied
    department, area = actor.department, actor.area
    if not department or area is None:
        raise DomainError(_("您的账号未设置所属部门或区划，不能上传筛查名单，请联系系统管理员"), field="department")
    today = timezone.localdate()
    if quarter_end(period) > today + datetime.timedelta(days=92):
        raise DomainError(_("筛查期 %(period)s 尚未开始") % {"period": period}, field="period")
    workbook_check(upload)
    batch = ScreeningBatch(
        department=department,
        area=area,
        period=period,
        uploaded_by=actor,
        original_name=(upload.name or "screening.xlsx")[-255:],
    )
    batch.file.save(f"{department}-{period}.xlsx", upload, save=False)
    batch.save()
    send_after_commit(screening_batch_task, batch)
    return batch


def screening_batch_run(*, batch: ScreeningBatch) -> str:
    """The task's one call: read the stored list within ``XLSX_PARSE_SECONDS`` and import it all or nothing
    (SPEC §6.3, §6.4): every bad row rejects the file with its row and column; matched rows become warnings, one
    per member, event type and period with its occurrence count; rows already warned this period are duplicates;
    people not in the registry (or outside the department's area) are listed on the batch for the county to look
    into. A finished batch is left as it is, so a task delivered again does nothing; a running one (its worker
    died) is read again, since nothing of it was saved."""
    pending = ScreeningBatch.objects.filter(pk=batch.pk, status__in=PENDING_BATCH_STATUSES)
    if not pending.update(status=BatchStatus.RUNNING, processed_rows=0):
        batch.refresh_from_db(fields=["status"])
        return batch.status
    batch.status = BatchStatus.RUNNING
    refusal = _uploader_refusal(batch)
    if refusal:
        return _finish(batch, BatchStatus.FAILED, message=refusal)
    today = timezone.localdate()

    def progress(read: int, total: int) -> None:
        # A short UPDATE outside any transaction, so that the polling page sees it at once.
        ScreeningBatch.objects.filter(pk=batch.pk).update(processed_rows=read, total_rows=total)

    try:
        # The list is held whole while it is read and checked: the cyclic garbage collector would only walk it again.
        with batch.file.open("rb") as source, bulk.collector_paused():
            sheet = read_screening(
                source,
                department=batch.department,
                today=today,
                seconds=settings.XLSX_PARSE_SECONDS,
                on_progress=progress,
            )
    except ScreeningFileError as exc:
        return _finish(batch, BatchStatus.REJECTED, message=exc.stored)
    if sheet.errors:
        message = stored(
            gettext_noop("筛查名单有 %(count)s 处错误，未导入任何数据：请更正后重新上传"), count=len(sheet.errors)
        )
        return _finish(batch, BatchStatus.REJECTED, message=message, errors=sheet.errors)
    if not sheet.rows:
        return _finish(batch, BatchStatus.REJECTED, message=stored(gettext_noop("名单中没有数据行，未导入任何数据")))
    try:
        with transaction.atomic():
            locked = ScreeningBatch.objects.select_for_update().select_related("area").get(pk=batch.pk)
            if locked.status != BatchStatus.RUNNING:
                return locked.status  # another delivery of the task finished it meanwhile
            with bulk.collector_paused():
                _import(locked, sheet, today=today)
    except IntegrityError:
        # Another list of the same department and quarter took a warning between our check and our insert; all
        # of this one was rolled back.
        message = stored(gettext_noop("与同时导入的另一份名单冲突，未导入任何数据；请重新上传"))
        return _finish(batch, BatchStatus.FAILED, message=message)
    return BatchStatus.DONE


def _uploader_refusal(batch: ScreeningBatch) -> str:
    """Why the uploader may no longer import this list, by their rights of now (they may have been moved or have
    changed department since the upload); empty: they may. The worker never imports for an area the uploader has
    left."""
    uploader = User.objects.select_related("area").get(pk=batch.uploaded_by_id)
    if not has_capability(uploader, Capability.UPLOAD_SCREENING):
        return stored(gettext_noop("上传人已没有上传筛查名单的权限，未导入任何数据"))
    if uploader.department != batch.department:
        return stored(
            gettext_noop("上传人已不在%(department)s，未导入任何数据；请由该部门人员重新上传"),
            labels=("department",),
            department=source_text(Department(batch.department).label),
        )
    if uploader.area is None or not in_territory(uploader, batch.area.code):
        return stored(
            gettext_noop("上传人已不负责%(area)s，未导入任何数据；请由该区划的部门人员重新上传"), area=batch.area.name
        )
    return ""


def _import(batch: ScreeningBatch, sheet: ScreeningSheet, *, today: datetime.date) -> None:
    """Match the rows and write the warnings and the batch's counts (inside the caller's transaction)."""
    department, period, area = batch.department, batch.period, batch.area
    members: dict[str, HouseholdMember] = {}
    inside: set[int] = set()
    already: set[tuple[int, str]] = set()
    for batch_ids in _batches(sorted({row.id_number for row in sheet.rows})):  # IN lists of bounded length
        found = HouseholdMember.objects.filter(
            id_number__in=batch_ids, member_status=MemberStatus.PRESENT, household__closed_on__isnull=True
        ).select_related("household__managing_area")
        found_members = {member.id_number: member for member in found}
        members.update(found_members)
        households = {member.household_id for member in found_members.values()}
        inside |= set(Household.objects.managed_in(area).filter(pk__in=households).values_list("pk", flat=True))
        already |= set(
            ScreeningWarning.objects.filter(
                department=department, period=period, member__in=[m.pk for m in found_members.values()]
            ).values_list("member_id", "event_type")
        )
    kinds = _match_kinds(inside)
    grouped: dict[tuple[int, str], list[Any]] = defaultdict(list)
    unmatched: list[dict[str, Any]] = []
    duplicates = 0
    for row in sheet.rows:
        member = members.get(row.id_number)
        if member is None or member.household_id not in inside:
            reason = stored(
                gettext_noop("不在防返贫监测农户档案中") if member is None else gettext_noop("该户不在本部门筛查范围内")
            )
            unmatched.append(
                {"row": row.number, "id_number": mask_id_number(row.id_number), "name": row.name,
                 "event": row.event.label, **as_json_field("reason", reason)}
            )  # fmt: skip
            continue
        key = (member.pk, row.event.code)
        if key in already:
            duplicates += 1
            continue
        if grouped[key]:
            duplicates += 1
        grouped[key].append((member, row))

    due = today + datetime.timedelta(days=int(parameter("warning.feedback_days", area_code=area.code, on=today)))
    warnings = []
    for (_member_id, _code), rows in grouped.items():
        member, first = rows[0]
        amounts = [row.amount for _member, row in rows if row.amount is not None]
        warnings.append(
            ScreeningWarning(
                batch=batch,
                department=department,
                period=period,
                member=member,
                household_id=member.household_id,
                event_type=first.event.code,
                event_label=first.event.label,
                risk_type=first.event.risk_type,
                event_date=first.event_date,
                amount=sum(amounts) if amounts else None,
                detail=first.detail,
                department_ref=first.department_ref,
                occurrences=len(rows),
                match_kind=kinds[member.household_id],
                issued_on=today,
                feedback_due_on=due,
            )
        )
    ScreeningWarning.objects.bulk_create(warnings)
    batch.row_count, batch.duplicate_count, batch.unmatched = len(sheet.rows), duplicates, unmatched
    batch.warning_count = len(warnings)
    batch.status, batch.finished_at = BatchStatus.DONE, timezone.now()
    batch.save(update_fields=["row_count", "duplicate_count", "unmatched", "warning_count", "status", "finished_at"])
    _tell_villages(batch, [w.member for w in warnings])


def _finish(batch: ScreeningBatch, status: BatchStatus, *, message: str, errors: list[RowError] | None = None) -> str:
    """End a batch that imported nothing: rejected with its errors, or failed. Only a batch still pending moves, so
    a late failure never overwrites a finished import."""
    ordered = sorted(errors or [])
    fields = {
        "status": status,
        **ScreeningBatch.message_fields(message),
        "errors": [{"row": e.row, "column": e.column, **as_json(e.message)} for e in ordered[:MAX_STORED_ERRORS]],
        "error_count": len(ordered),
        "finished_at": timezone.now(),
    }
    moved = ScreeningBatch.objects.filter(pk=batch.pk, status__in=PENDING_BATCH_STATUSES).update(**fields)
    if not moved:
        return ScreeningBatch.objects.values_list("status", flat=True).get(pk=batch.pk)
    for name, value in fields.items():
        setattr(batch, name, value)
    return status


def screening_batch_fail(*, batch_id: int, message: str) -> None:
    """Mark a batch failed after an unexpected error in the worker, so that its page stops waiting."""
    batch = ScreeningBatch.objects.get(pk=batch_id)
    _finish(batch, BatchStatus.FAILED, message=message)


def screening_resend_unsent() -> int:
    """The outbox of screening lists (every minute): a list whose task the broker never received is sent now."""
    return resend_unsent(
        ScreeningBatch, screening_batch_task, pending=Q(status=BatchStatus.QUEUED),
        older_than=datetime.timedelta(minutes=1), created="uploaded_at",
    )  # fmt: skip


def _tell_villages(batch: ScreeningBatch, members: list[HouseholdMember]) -> None:
    """One notification per village (its workers) and per township (its cadres) with the number of warnings."""
    by_village: dict[str, int] = defaultdict(int)
    for member in members:
        by_village[member.household.managing_area.code] += 1
    by_township: dict[str, int] = defaultdict(int)
    for code, count in by_village.items():
        by_township[ancestor_code(code, AreaLevel.TOWNSHIP)] += count
    department = Department(batch.department).label
    for code, count in [*by_village.items(), *by_township.items()]:
        level = AreaLevel.TOWNSHIP if code.endswith("000") else AreaLevel.VILLAGE
        notify(
            recipients=users_who_take(capability=Capability.DISPOSE_WARNING, area_code=code, levels=[level]),
            topic="warning",
            title=f"{department}筛查预警（{batch.period}）{count} 条待核实",
            url=reverse("sweeps:warning-list") + "?status=assigned",
            area_code=code,
        )


def _require_dispose(actor: User, warning: ScreeningWarning) -> None:
    if not permissions.can_dispose_warning(actor, warning):
        raise PermissionDenied


@transaction.atomic
def warning_dispose(
    *,
    warning: ScreeningWarning,
    actor: User,
    disposition: str,
    note: str,
    category: str = "",
    triggers: list[str] | None = None,
) -> ScreeningWarning:
    """Verify a warning after a visit and choose its class (SPEC §6.5, §6.6). A class that confirms a risk opens
    the warning's typed risk on the household (SPEC §4.3; "其他" when the department's event maps to none), and
    ``start_entry`` opens an entry application with channel 部门筛查预警 (a household already applying is merged,
    SPEC §4.6 EN-0)."""
    warning = (
        ScreeningWarning.objects.select_for_update(of=("self",))
        .select_related("household__managing_area", "member")
        .get(pk=warning.pk)
    )
    _require_dispose(actor, warning)
    if warning.status != WarningStatus.ASSIGNED:
        raise TransitionNotAllowed(_("预警当前为“%(status)s”，已核实过") % {"status": warning.get_status_display()})
    if disposition not in WarningDisposition.values:
        raise DomainError(_("请选择处置结果"), field="disposition")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("请填写核实情况"), field="note")
    if not warning.household.visits.filter(visited_on__gte=warning.issued_on).exists():
        raise DomainError(_("请先登记一次入户核实走访，再填写处置结果"), field="visit")  # SPEC §6.5
    risk = warning.risk_type if warning.risk_type in RiskType.values else RiskType.OTHER
    if disposition in RISK_FOUND_DISPOSITIONS:
        department = Department(warning.department).label
        risk_open_from_warning(
            actor=actor,
            household=warning.household,
            risk_type=risk,
            found_on=timezone.localdate(),
            evidence=note,
            warning_id=warning.pk,
            warning_label=f"{department}{warning.period}：{warning.event_label}",
        )
    if disposition == WarningDisposition.START_ENTRY:
        warning.entry_application = entry_report(
            actor=actor,
            household=warning.household,
            channel=IdentificationChannel.DEPARTMENT_WARNING,
            sub_channel=f"{Department(warning.department).label}{warning.period}",
            proposed_category=category,
            risk_types=[risk],
            triggers=list(triggers or []),
            reason=note,
        )
    now = timezone.now()
    warning.disposition, warning.disposition_note = disposition, note
    warning.verified_by, warning.verified_at = actor, now
    warning.status = WarningStatus.CLOSED if disposition in FINAL_DISPOSITIONS else WarningStatus.VERIFIED
    if warning.status == WarningStatus.CLOSED:
        warning.closed_at = now
    warning.save()
    return warning


@transaction.atomic
def warning_close(*, warning: ScreeningWarning, actor: User, note: str) -> ScreeningWarning:
    """The follow-up of a verified warning is done (a measure fixed, the department took it over …)."""
    warning = (
        ScreeningWarning.objects.select_for_update(of=("self",))
        .select_related("household__managing_area")
        .get(pk=warning.pk)
    )
    _require_dispose(actor, warning)
    if warning.status != WarningStatus.VERIFIED:
        raise TransitionNotAllowed(_("预警当前为“%(status)s”，不能办结") % {"status": warning.get_status_display()})
    note = (note or "").strip()
    if not note:
        raise DomainError(_("请填写跟进情况"), field="note")
    warning.disposition_note = f"{warning.disposition_note}\n{timezone.localdate():%Y-%m-%d} 办结：{note}"
    warning.status, warning.closed_at = WarningStatus.CLOSED, timezone.now()
    warning.save(update_fields=["disposition_note", "status", "closed_at"])
    return warning


def screening_reminders(*, today: datetime.date) -> int:
    """The quarterly reminder (SPEC §6.2, beat job, daily): ``warning.upload_due_days`` after a quarter ends,
    every department screener whose department has not uploaded that quarter for their area is reminded once."""
    previous_end = datetime.date(today.year, ((today.month - 1) // 3) * 3 + 1, 1) - datetime.timedelta(days=1)
    period = period_of(previous_end)
    told = 0
    screeners = User.objects.filter(is_active=True, groups__name=Role.DEPARTMENT_SCREENER.value).exclude(department="")
    for screener in screeners.select_related("area").distinct():
        if screener.area is None:
            continue
        due_days = int(parameter("warning.upload_due_days", area_code=screener.area.code, on=today))
        if today != previous_end + datetime.timedelta(days=due_days):
            continue
        uploaded = ScreeningBatch.objects.filter(
            department=screener.department,
            period=period,
            area=screener.area,
            status__in=[BatchStatus.DONE, *PENDING_BATCH_STATUSES],  # a rejected list is not an upload
        )
        if uploaded.exists():
            continue
        notify(
            recipients=[screener],
            topic="screening",
            title=f"请上传{Department(screener.department).label}{period}筛查名单（季度部门筛查，已到期）",
            url=reverse("sweeps:batch-list"),
            area_code=screener.area.code,
        )
        told += 1
    return told
