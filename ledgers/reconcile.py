"""Reconciliation with the national system (账账相符, SPEC §13.1 and §7.5 "对账销号"): a national-system extract in its
household and member layout (the import template, docs/import-template.md) is read as the import reads it and compared
with the registry of one area — households by 户编号, members by ID number — and the differences are reported: on one
side only, or the same household or member with a field that differs. Nothing is changed; the report is kept for its
owner as an Excel file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from openpyxl import Workbook

from accounts.models import User
from accounts.permissions import can_view_identity, has_capability
from accounts.roles import Capability
from core.errors import DomainError
from core.replica import reading_replica
from core.xlsx import Column, Sheet, workbook_bytes
from core.xlsx import Kind as CellKind
from geo.codes import village_of
from geo.models import AdminArea
from households.imports.columns import BY_KEY, FLAG_KEYS, Kind, choice_labels
from households.imports.reading import ImportFileError, read_workbook
from households.masking import mask_id_number
from households.models import HouseholdFlag, HouseholdMember
from ledgers.models import Reconciliation

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
    errors: list[str] = field(default_factory=list)

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


def compare(content: IO[bytes], *, actor: User, area: AdminArea, full_ids: bool) -> Report:
    try:
        # Read in the request, from the upload Django spooled to disk: the page's shorter time budget.
        sheet = read_workbook(content, seconds=settings.XLSX_PARSE_SECONDS_IN_REQUEST)
    except ImportFileError as exc:
        raise DomainError(str(exc), field="file") from exc
    if not sheet.columns:
        raise DomainError("；".join(str(e) for e in sheet.errors[:3]) or "文件没有可识别的列标题", field="file")
    show = (lambda n: n) if full_ids else mask_id_number
    report = Report(errors=[str(e) for e in sheet.errors])
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
            report.errors.append(f"第 {row.number} 行“村代码”：{village} 不在本次核对的{area.name}范围内")
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
    for message in report.errors:
        errors.append([message])
    return workbook_bytes(workbook)


def can_reconcile(user: User) -> bool:
    return has_capability(user, Capability.EXPORT_LEDGERS) and has_capability(user, Capability.BROWSE_HOUSEHOLDS)


def reconcile(*, actor: User, area: AdminArea, name: str, content: IO[bytes]) -> Reconciliation:
    """Compare the extract with the registry of ``area`` (the user's area or one within it) and keep the report."""
    if not can_reconcile(actor):
        raise PermissionDenied
    if not AdminArea.objects.visible_to(actor).filter(pk=area.pk).exists():
        raise DomainError("所选区划不在您的辖区内", field="area")
    full_ids = can_view_identity(actor)
    with reading_replica():  # the registry side from the replica, if any
        report = compare(content, actor=actor, area=area, full_ids=full_ids)
    with transaction.atomic():
        record = Reconciliation.objects.create(
            owner=actor, area=area, original_name=name[-255:], summary=report.summary(), full_ids=full_ids,
            listed=[d.__dict__ for d in (report.only_in_file + report.only_in_registry + report.differing)[:LISTED]],
            errors=report.errors[:LISTED],
        )  # fmt: skip
        record.report.save(f"reconcile-{record.pk}.xlsx", ContentFile(report_xlsx(report, area=area)), save=True)
    return record
