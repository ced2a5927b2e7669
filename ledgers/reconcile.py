"""Reconciliation with the national system (账账相符, SPEC §13.1 and §7.5 "对账销号"): a national-system extract in its
household and member layout (the import template, docs/import-template.md) is read as the import reads it and compared
with the registry of one area — households by 户编号, members by ID number — and the differences are reported: on one
side only, or the same household or member with a field that differs. Nothing is changed; the report is kept for its
owner as an Excel file.

The request only stores the extract (``reconciliation_start``: the right, the area, the file's size and zip
directory); a worker reads and compares it (``reconciliation_run``, from ``ledgers.tasks.reconcile_task``) within
``XLSX_PARSE_SECONDS``, with the owner's rights of the moment it runs, and the page polls its status: queued →
running → done, rejected (the file cannot be read as the template) or failed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from accounts.models import User
from accounts.permissions import can_view_identity, has_capability
from accounts.roles import Capability
from core import bulk
from core.dispatch import resend_unsent, send_after_commit
from core.errors import DomainError
from core.replica import reading_replica
from core.stored import stored
from core.uploads import workbook_check
from core.xlsx import Column, Sheet, workbook_bytes
from core.xlsx import Kind as CellKind
from geo.codes import village_of
from geo.models import AdminArea
from households.imports.columns import BY_KEY, FLAG_KEYS, Kind, choice_labels
from households.imports.reading import ImportFileError, RowError, read_workbook, row_error
from households.masking import mask_id_number
from households.models import HouseholdFlag, HouseholdMember
from ledgers.models import Reconciliation, ReconciliationStatus
from ledgers.tasks import reconcile_task

HOUSEHOLD_FIELDS = ("village_code", "hukou_code", "address", "phone", *FLAG_KEYS, "exit_year")
MEMBER_FIELDS = (
    "household_no", "name", "relationship", "ethnicity", "health_status", "labour_capacity", "schooling_status",
    "disability_grade", "medical_insurance_enrolled", "member_status",
)  # fmt: skip
LISTED = 200  # differences shown on the page; the Excel has them all


@dataclass(frozen=True)
class Difference:
    kind: str  # "户" or "成员"
    key: str  # 户编号, or the (masked) ID number
    name: str
    field: str  # the column header
    in_file: str
    in_registry: str
    row: int | None = None


@dataclass
class Report:
    file_households: int = 0
    file_members: int = 0
    registry_households: int = 0
    registry_members: int = 0
    only_in_file: list[Difference] = field(default_factory=list)
    only_in_registry: list[Difference] = field(default_factory=list)
    differing: list[Difference] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return not (self.only_in_file or self.only_in_registry or self.differing or self.errors)

    def summary(self) -> dict[str, int]:
        return {
            "file_households": self.file_households,
            "file_members": self.file_members,
            "registry_households": self.registry_households,
            "registry_members": self.registry_members,
            "only_in_file": len(self.only_in_file),
            "only_in_registry": len(self.only_in_registry),
            "differing": len(self.differing),
            "errors": len(self.errors),
        }


def _shown(key: str, value: Any) -> str:
    """A value as the file would say it: the Chinese label of a choice, 是/否, or （空）."""
    if value is None or value == "":
        return "（空）"
    column = BY_KEY[key]
    if column.kind == Kind.CHOICE and column.choices is not None:
        return dict(zip(column.choices.values, choice_labels(column.choices), strict=True)).get(value, str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _registry(actor: User, area: AdminArea) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The registry of ``area`` in the reader's representation: households by 户编号, members by ID number. What
    the actor sees (``visible_to``), narrowed to the households ``area`` manages — the national system's extract
    is by managing area too (SPEC §1.5)."""
    managed = {"household__managing_area__code__startswith": area.prefix}
    members = (
        HouseholdMember.objects.visible_to(actor)
        .filter(**managed, household__closed_on__isnull=True)
        .select_related("household__managing_area", "household__hukou_area")
        .order_by("household__household_no", "pk")
    )
    flags: dict[int, set[str]] = {}
    for household_id, kind in (
        HouseholdFlag.objects.visible_to(actor)
        .filter(**managed, valid_to__isnull=True, kind__in=FLAG_KEYS)
        .values_list("household_id", "kind")
    ):
        flags.setdefault(household_id, set()).add(kind)
    households: dict[str, dict[str, Any]] = {}
    people: dict[str, dict[str, Any]] = {}
    for m in members.iterator(chunk_size=2000):
        h = m.household
        if h.household_no not in households:
            households[h.household_no] = {
                "village_code": village_of(h.managing_area.code),
                "hukou_code": h.hukou_area.code if h.hukou_area else None,
                "address": h.address,
                "phone": h.phone,
                **{key: key in flags.get(h.pk, set()) for key in FLAG_KEYS},
                "exit_year": h.exit_year,
                "_name": h.head_name,
            }
        people[m.id_number] = {
            "household_no": h.household_no,
            "name": m.name,
            "relationship": m.relationship,
            "ethnicity": m.ethnicity,
            "health_status": m.health_status,
            "labour_capacity": m.labour_capacity,
            "schooling_status": m.schooling_status,
            "disability_grade": m.disability_grade,
            "medical_insurance_enrolled": m.medical_insurance_enrolled,
            "member_status": m.member_status,
        }
    return households, people


def compare(
    content: IO[bytes],
    *,
    actor: User,
    area: AdminArea,
    full_ids: bool,
    on_progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Read the extract (in the worker, within ``XLSX_PARSE_SECONDS``) and compare it with what ``actor`` sees of
    ``area``; ``DomainError`` when the file cannot be read as the template at all."""
    try:
        sheet = read_workbook(content, seconds=settings.XLSX_PARSE_SECONDS, on_progress=on_progress)
    except ImportFileError as exc:
        raise DomainError(exc.stored, field="file") from exc
    if not sheet.columns:
        # Not the template at all: the header lacks the columns the comparison needs (their names are the file's own).
        missing = "、".join(dict.fromkeys(error.column for error in sheet.errors if error.column))
        raise DomainError(
            stored(
                gettext_noop("文件缺少这些列：%(columns)s；请上传全国系统导出的成员表，第 1 行为列标题"),
                columns=missing,
            )
            if missing
            else stored(gettext_noop("文件没有可识别的列标题")),
            field="file",
        )
    show = (lambda n: n) if full_ids else mask_id_number
    report = Report(errors=list(sheet.errors))
    households, people = _registry(actor, area)
    report.registry_households, report.registry_members = len(households), len(people)
    seen_households: dict[str, int] = {}
    seen_people: set[str] = set()
    prefix = area.prefix
    for row in sheet.rows:
        number, id_number = row["household_no"], row["id_number"]
        if not row.ok("household_no", "id_number") or not number or not id_number:
            continue  # already among the errors
        village = row["village_code"] or ""
        if row.ok("village_code") and village and not village.startswith(prefix):
            message = stored(gettext_noop("%(code)s 不在本次核对的%(area)s范围内"), code=village, area=area.name)
            report.errors.append(row_error(row.number, BY_KEY["village_code"], message))
            continue
        report.file_members += 1
        seen_people.add(id_number)
        if number not in seen_households:
            seen_households[number] = row.number
            registry = households.get(number)
            if registry is None:
                report.only_in_file.append(Difference("户", number, row["name"] or "", "", "有", "无", row.number))
            else:
                for key in HOUSEHOLD_FIELDS:
                    if sheet.has(key) and row.ok(key) and row[key] != registry[key]:
                        report.differing.append(Difference(
                            "户", number, registry["_name"], BY_KEY[key].header, _shown(key, row[key]),
                            _shown(key, registry[key]), row.number,
                        ))  # fmt: skip
        person = people.get(id_number)
        if person is None:
            report.only_in_file.append(
                Difference("成员", show(id_number), row["name"] or "", "", "有", "无", row.number)
            )
            continue
        for key in MEMBER_FIELDS:
            present = key == "household_no" or sheet.has(key)
            if present and row.ok(key) and row[key] != person[key]:
                report.differing.append(Difference(
                    "成员", show(id_number), person["name"], BY_KEY[key].header, _shown(key, row[key]),
                    _shown(key, person[key]), row.number,
                ))  # fmt: skip
    report.file_households = len(seen_households)
    for number, registry in households.items():
        if number not in seen_households:
            report.only_in_registry.append(Difference("户", number, registry["_name"], "", "无", "有"))
    for id_number, person in people.items():
        if id_number not in seen_people:
            report.only_in_registry.append(Difference("成员", show(id_number), person["name"], "", "无", "有"))
    return report


DIFFERENCE_COLUMNS = (
    Column("类别", 6), Column("户编号或身份证号", 22, CellKind.ID), Column("姓名", 10), Column("项目", 16),
    Column("全国系统文件", 22), Column("本系统", 22), Column("文件行号", 8),
)  # fmt: skip


def report_xlsx(report: Report, *, area: AdminArea) -> bytes:
    workbook = Workbook(write_only=True)
    summary = Sheet(workbook, "汇总", (Column("项目", 24), Column("数量", 12)))
    for label, value in (
        ("核对范围", area.name), ("文件中的户数", report.file_households), ("文件中的成员数", report.file_members),
        ("系统中的户数", report.registry_households), ("系统中的成员数", report.registry_members),
        ("仅文件中有", len(report.only_in_file)), ("仅系统中有", len(report.only_in_registry)),
        ("字段不一致", len(report.differing)), ("文件中有误的行", len(report.errors)),
    ):  # fmt: skip
        summary.append([label, value])
    for title, rows in (("仅文件中有", report.only_in_file), ("仅系统中有", report.only_in_registry),
                        ("字段不一致", report.differing)):  # fmt: skip
        sheet = Sheet(workbook, title, DIFFERENCE_COLUMNS)
        for d in rows:
            sheet.append([d.kind, d.key, d.name, d.field, d.in_file, d.in_registry, d.row])
    errors = Sheet(workbook, "文件中有误的行", (Column("问题", 80),))
    for error in report.errors:
        errors.append([str(error)])
    return workbook_bytes(workbook)


def can_reconcile(user: User) -> bool:
    return has_capability(user, Capability.EXPORT_LEDGERS) and has_capability(user, Capability.BROWSE_HOUSEHOLDS)


S = ReconciliationStatus
PENDING = (S.QUEUED, S.RUNNING)


@transaction.atomic
def reconciliation_start(*, actor: User, area: AdminArea, upload: UploadedFile) -> Reconciliation:
    """Store an extract to compare with the registry of ``area`` (the user's area or one within it) and have a
    worker compare it once the record is saved. Only what is cheap is checked here: the right, the area, and the
    file's size and zip directory (``core.uploads.workbook_check``)."""
    if not can_reconcile(actor):
        raise PermissionDenied
    if not AdminArea.objects.visible_to(actor).filter(pk=area.pk).exists():
        raise DomainError(_("所选区划不在您的辖区内"), field="area")
    workbook_check(upload)
    record = Reconciliation(owner=actor, area=area, original_name=(upload.name or "")[-255:])
    record.file.save("extract.xlsx", upload, save=False)
    record.save()
    send_after_commit(reconcile_task, record)
    return record


def reconciliation_run(*, record: Reconciliation) -> str:
    """The task's one call: compare the stored extract with the registry and keep the report. The owner's rights
    are those of now: a user moved out of the area gets no report of it, and full ID numbers only if their role
    may see them now. A finished record is left as it is, so a task delivered again does nothing."""
    if not Reconciliation.objects.filter(pk=record.pk, status__in=PENDING).update(status=S.RUNNING, processed_rows=0):
        record.refresh_from_db(fields=["status"])
        return record.status
    record.status = S.RUNNING
    owner = User.objects.select_related("area").get(pk=record.owner_id)
    if not can_reconcile(owner):
        return _finish(
            record, S.FAILED, message=stored(gettext_noop("核对人已没有与全国系统核对的权限，未生成核对结果"))
        )
    if not AdminArea.objects.visible_to(owner).filter(pk=record.area_id).exists():
        message = stored(
            gettext_noop("核对人已不负责%(area)s，未生成核对结果；请由该区划的人员重新核对"), area=record.area.name
        )
        return _finish(record, S.FAILED, message=message)
    full_ids = can_view_identity(owner)

    def progress(read: int, total: int) -> None:
        # A short UPDATE outside any transaction, so that the polling page sees it at once.
        Reconciliation.objects.filter(pk=record.pk).update(processed_rows=read, total_rows=total)

    # The extract, the registry and the differences are held whole, and made of nothing that points back at itself:
    # the cyclic garbage collector would only walk them again and again (a county's extract: 39 s -> 32 s).
    try:
        # The registry side from the replica, if any.
        with bulk.collector_paused(), record.file.open("rb") as content, reading_replica():
            report = compare(content, actor=owner, area=record.area, full_ids=full_ids, on_progress=progress)
            workbook = report_xlsx(report, area=record.area)
    except DomainError as exc:
        return _finish(record, S.REJECTED, message=exc.stored)
    with transaction.atomic():
        locked = Reconciliation.objects.select_for_update().get(pk=record.pk)
        if locked.status != S.RUNNING:
            return locked.status  # another delivery of the task finished it meanwhile
        locked.summary, locked.full_ids = report.summary(), full_ids
        locked.listed = [
            d.__dict__ for d in (report.only_in_file + report.only_in_registry + report.differing)[:LISTED]
        ]
        locked.errors = [error.as_dict() for error in report.errors[:LISTED]]
        locked.status, locked.finished_at = S.DONE, timezone.now()
        locked.report.save(f"reconcile-{locked.pk}.xlsx", ContentFile(workbook), save=False)
        locked.save(update_fields=["summary", "full_ids", "listed", "errors", "status", "finished_at", "report"])
    _drop_extract(record)
    return S.DONE


def _finish(record: Reconciliation, status: ReconciliationStatus, *, message: str) -> str:
    """End a record that produced no report. Only a pending record moves, so a late failure never overwrites a
    finished report."""
    stored = Reconciliation.message_fields(message)
    moved = Reconciliation.objects.filter(pk=record.pk, status__in=PENDING).update(
        status=status, finished_at=timezone.now(), **stored
    )
    _drop_extract(record)
    if not moved:
        return Reconciliation.objects.values_list("status", flat=True).get(pk=record.pk)
    record.status = status
    for name, value in stored.items():
        setattr(record, name, value)
    return status


def _drop_extract(record: Reconciliation) -> None:
    """The extract holds the personal data of a whole area: once read, only the report is kept."""
    if record.file:
        record.file.delete(save=False)
        Reconciliation.objects.filter(pk=record.pk).update(file="")


def reconciliation_fail(*, record_id: int, message: str) -> None:
    """Mark a record failed after an unexpected error in the worker, so that its page stops waiting."""
    _finish(Reconciliation.objects.get(pk=record_id), S.FAILED, message=message)


def reconciliations_resend_unsent() -> int:
    """The outbox of reconciliations (every minute): a comparison whose task the broker never received."""
    return resend_unsent(
        Reconciliation, reconcile_task, pending=Q(status=S.QUEUED),
        older_than=datetime.timedelta(minutes=1), created="created_at",
    )  # fmt: skip
