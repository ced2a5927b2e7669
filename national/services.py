"""Entries into the national system (全国防返贫监测信息系统) become a person's record (SPEC §4.6 EN-6, §4.8 EL-7,
§4.11): who entered what, under which record number there, on which day. Nothing here sets a time by itself.

A record answers one pending item (``national.facts``); a batch records several, each with its own record number,
all or nothing (``core.batch``); a correction is a new record superseding the old one, never an edit."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.batch import batch_check, batch_each, batch_refusal_text
from core.errors import DomainError, refusal_text, required_text
from core.workflow import require
from monitoring.models import MonitoringSubject
from national import facts, permissions
from national.choices import NationalEntryKind
from national.models import NationalEntry

K = NationalEntryKind

_SINCE_LABEL = {
    K.SUBJECT_ENTRY: gettext_lazy("纳入监测日期"),
    K.ELIMINATION: gettext_lazy("标注风险消除日期"),
    K.CHANGE: gettext_lazy("状态变更日期"),
}


def _lock(subject: MonitoringSubject) -> MonitoringSubject:
    return (
        MonitoringSubject.objects.select_for_update(of=("self",))
        .select_related("household__managing_area")
        .get(pk=subject.pk)
    )


def _record_no_refusals(record_no: str, *, item_of: NationalEntry | None = None) -> list[str]:
    """A record number names one item in the national system: used by any other item, it is a typing error. A
    correction (``item_of``: the entry it supersedes) may keep its own item's number."""
    if not record_no:
        return [_("请填写全国系统记录编号")]
    taken = NationalEntry.objects.filter(national_record_no=record_no)
    if item_of is not None:
        taken = taken.exclude(
            subject=item_of.subject_id,
            kind=item_of.kind,
            elimination_case=item_of.elimination_case_id,
            reported_status=item_of.reported_status,
        )
    if taken.exists():
        return [_("全国系统记录编号“%(no)s”已登记过，请核对") % {"no": record_no}]
    return []


def _date_refusals(entered_on: datetime.date, *, since: datetime.date | None, kind: str) -> list[str]:
    if entered_on > timezone.localdate():
        return [_("录入日期不能晚于今天")]
    if since is not None and entered_on < since:
        label = str(_SINCE_LABEL[NationalEntryKind(kind)])
        return [_("录入日期不能早于%(label)s %(since)s") % {"label": label, "since": since.isoformat()}]
    return []


def _create(**fields: object) -> NationalEntry:
    """The row, or the refusal a concurrent record of the same number or item leaves (the constraints decide)."""
    try:
        with transaction.atomic():
            return NationalEntry.objects.create(**fields)
    except IntegrityError as exc:
        raise DomainError(_("该记录编号或待录入事项刚已由他人登记，请刷新后核对"), field="record_no") from exc


@transaction.atomic
def national_entry_record(
    *,
    subject: MonitoringSubject,
    kind: str,
    record_no: str,
    entered_on: datetime.date,
    actor: User,
    note: str = "",
) -> NationalEntry:
    """Record that ``actor`` entered ``subject``'s pending item of ``kind`` into the national system on
    ``entered_on`` under ``record_no`` (SPEC §4.6 EN-6, §4.8 EL-7, §4.11). Refuses, naming every failing condition:
    a blank or already used record number, nothing of that kind pending, a day in the future or before the item
    arose. A township cadre or county reviewer of the managing area records (``permissions.can_record``)."""
    subject = _lock(subject)
    require(permissions.can_record(actor, subject))
    if kind not in K.values:
        raise DomainError(_("请选择录入类型"), field="kind")
    kind = K(kind)
    record_no = (record_no or "").strip()
    item = next((p for p in facts.pending_of(subject) if p.kind == kind), None)
    refusals = _record_no_refusals(record_no)
    if item is None:
        refusals.append(_("该户没有待录入的“%(kind)s”") % {"kind": kind.label})
    refusals += _date_refusals(entered_on, since=item.since if item else None, kind=kind)
    if refusals:
        raise DomainError(refusal_text(refusals), field="record_no")
    assert item is not None
    return _create(
        kind=kind,
        subject=subject,
        elimination_case=item.case,
        reported_status=item.status,
        national_record_no=record_no,
        entered_on=entered_on,
        recorded_by=actor,
        note=(note or "").strip(),
    )


@transaction.atomic
def national_entry_correct(
    *, entry: NationalEntry, record_no: str, entered_on: datetime.date, actor: User, note: str
) -> NationalEntry:
    """Correct an entry (a wrong record number or day): a new record of the same item supersedes it, with the
    reason; the old record stays as it was. Only the latest record of an item can be corrected."""
    subject = _lock(entry.subject)
    require(permissions.can_record(actor, subject))
    entry = NationalEntry.objects.select_for_update(of=("self",)).select_related("elimination_case").get(pk=entry.pk)
    entry.subject = subject
    if not entry.is_live:
        raise DomainError(_("这条录入已被更正过，请更正最新的一条"), field="entry")
    reason = required_text(note, "note", _("更正原因"))
    record_no = (record_no or "").strip()
    refusals = _record_no_refusals(record_no, item_of=entry)
    refusals += _date_refusals(entered_on, since=facts.event_on(entry), kind=entry.kind)
    if refusals:
        raise DomainError(refusal_text(refusals), field="record_no")
    return _create(
        kind=entry.kind,
        subject=subject,
        elimination_case=entry.elimination_case,
        reported_status=entry.reported_status,
        national_record_no=record_no,
        entered_on=entered_on,
        recorded_by=actor,
        note=reason,
        supersedes=entry,
    )


@dataclass(frozen=True)
class BatchItem:
    """One subject of a batch and the record number the national system gave its entry."""

    subject: MonitoringSubject
    record_no: str


def _name(subject: MonitoringSubject) -> str:
    household = subject.household
    return _("%(area)s%(head)s户") % {"area": household.managing_area.name, "head": household.head_name}


def _refusal(position: int, item: BatchItem, reason: str) -> str:
    name = _name(item.subject)
    return batch_refusal_text(position=position, counter=_("户"), name=name, reason=reason, nothing=_("录入"))


@transaction.atomic
def national_entries_record(
    *, items: Sequence[BatchItem], kind: str, entered_on: datetime.date, actor: User, note: str = ""
) -> int:
    """Record several entries of one kind made on one day, each with its own record number, each through
    ``national_entry_record``; all or nothing, the first refusal naming its household. Returns the count."""
    batch_check(
        [item.subject.pk for item in items],
        empty=_("请至少填写一户的全国系统记录编号"),
        twice=_("同一户在本批中出现了两次"),
        field="items",
    )
    return batch_each(
        items,
        model=MonitoringSubject,
        pk=lambda item: item.subject.pk,
        step=lambda item, locked: national_entry_record(
            subject=locked, kind=kind, record_no=item.record_no, entered_on=entered_on, actor=actor, note=note
        ),
        refusal=_refusal,
        forbidden=_("您无权为该户录入（须由该户所在地的乡镇或县级人员录入）"),
    )
