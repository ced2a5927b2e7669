"""What awaits entry into the national system (全国防返贫监测信息系统), defined once with its two faces side by side
(STYLE §5.7): ``pending_of`` for one subject's page, ``pending_annotations`` for the queue, the API and the ledgers.
tests/national/test_facts.py holds them together.

A subject awaits, of each kind (SPEC §4.6 EN-6, §4.8 EL-7, §4.11):

* 纳入监测录入 (``subject_entry``): it was registered (EN-6) and no subject-entry record exists;
* 风险消除录入 (``elimination``): one of its elimination cases was marked 风险消除 (EL-7) and that case has no
  elimination record;
* 信息变更录入 (``change``): its status is one the national system learns only by a change — 暂不标注风险消除 after
  EL-7 (§4.9) or 其他原因退出 (§4.11) — its subject entry was recorded (a change follows the last record), and no
  change record reports that very status. A status the national system already holds needs nothing new: a held
  subject whose new case ended as not eliminated is held again, as the national system already says.

The day each item arose (``since``) is the registration day, the marking day, the day of the hold (the held case's
marking) or the day the household left the registry. A record may not be dated before it."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from monitoring.choices import EliminationState, SubjectStatus
from monitoring.models import EliminationCase, MonitoringSubject
from national.choices import CHANGE_STATUSES, NationalEntryKind
from national.models import NationalEntry

K = NationalEntryKind
_NEVER = datetime.date(9999, 12, 31)  # "no item of this kind" when the queue orders by the oldest item


@dataclass(frozen=True)
class Pending:
    """One item awaiting entry: its kind, the day it arose, the marked case (elimination) or the status (change)."""

    kind: NationalEntryKind
    since: datetime.date
    case: EliminationCase | None = None
    status: str = ""

    @property
    def status_label(self) -> str:
        return str(SubjectStatus(self.status).label) if self.status else ""


def _held_since(cases: list[EliminationCase]) -> datetime.date | None:
    held = [c.marked_on for c in cases if c.state == EliminationState.HELD and c.marked_on is not None]
    return max(held) if held else None


def change_since(subject: MonitoringSubject, cases: list[EliminationCase] | None = None) -> datetime.date | None:
    """The day the subject took the status a change entry reports: when it left the registry, or its latest hold."""
    if subject.status == SubjectStatus.CLOSED_OTHER:
        return subject.closed_on or subject.entered_on
    if subject.status == SubjectStatus.ELIMINATION_HOLD:
        return _held_since(list(subject.elimination_cases.all()) if cases is None else cases)
    return None


def pending_of(subject: MonitoringSubject) -> list[Pending]:
    """The row face: what ``subject`` awaits, oldest kind first (prefetch ``national_entries`` and
    ``elimination_cases`` for a list)."""
    entries = list(subject.national_entries.all())
    cases = list(subject.elimination_cases.all())
    found: list[Pending] = []
    entered = any(e.kind == K.SUBJECT_ENTRY for e in entries)
    if not entered:
        found.append(Pending(K.SUBJECT_ENTRY, subject.entered_on))
    for case in sorted(cases, key=lambda c: (c.marked_on or _NEVER, c.pk)):
        if case_awaits_entry(case, entries):
            found.append(Pending(K.ELIMINATION, case.marked_on or subject.entered_on, case=case))
    reported = {e.reported_status for e in entries if e.kind == K.CHANGE}
    if subject.status in CHANGE_STATUSES and entered and subject.status not in reported:
        since = change_since(subject, cases) or subject.entered_on
        found.append(Pending(K.CHANGE, since, status=subject.status))
    return found


def case_awaits_entry(case: EliminationCase, entries: Iterable[NationalEntry]) -> bool:
    """The row face of ``awaits_elimination`` for one case: marked (EL-7) and no elimination record of it among
    ``entries`` (the subject's or the case's own, prefetched)."""
    return case.state == EliminationState.MARKED and not any(
        e.kind == K.ELIMINATION and e.elimination_case_id == case.pk for e in entries
    )


def pending_annotations() -> dict[str, Any]:
    """The set face: ``MonitoringSubject.objects.annotate(**pending_annotations())`` gives each subject
    ``awaits_subject_entry``, ``awaits_elimination``, ``awaits_change`` (booleans), ``subject_entry_since``,
    ``elimination_since``, ``change_since`` (dates, or null), ``elimination_case_id`` and ``waiting_since`` (the
    oldest item's day, or 9999-12-31 when nothing awaits)."""
    entries = NationalEntry.objects.filter(subject=OuterRef("pk"))
    entered = Exists(entries.filter(kind=K.SUBJECT_ENTRY))
    marked = EliminationCase.objects.filter(subject=OuterRef("pk"), state=EliminationState.MARKED).filter(
        ~Exists(NationalEntry.objects.filter(kind=K.ELIMINATION, elimination_case=OuterRef("pk")))
    )
    marked = marked.order_by("marked_on", "pk")
    held_on = (
        EliminationCase.objects.filter(subject=OuterRef("pk"), state=EliminationState.HELD, marked_on__isnull=False)
        .order_by("-marked_on")
        .values("marked_on")[:1]
    )
    reported = Exists(entries.filter(kind=K.CHANGE, reported_status=OuterRef("status")))
    change_on = Case(
        When(status=SubjectStatus.CLOSED_OTHER, then=Coalesce(F("closed_on"), F("entered_on"))),
        When(status=SubjectStatus.ELIMINATION_HOLD, then=Coalesce(Subquery(held_on), F("entered_on"))),
        default=Value(None),
        output_field=DateField(),
    )
    awaits_entry = Q(~entered)
    awaits_elimination = Q(Exists(marked))
    awaits_change = Q(status__in=sorted(CHANGE_STATUSES)) & Q(entered) & Q(~reported)

    def flag(condition: Q) -> Case:
        return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())

    def day_if(condition: Q, day: Any) -> Case:
        return Case(When(condition, then=day), default=Value(None), output_field=DateField())

    entry_since = day_if(awaits_entry, F("entered_on"))
    elimination_since = day_if(awaits_elimination, Subquery(marked.values("marked_on")[:1]))
    change_since_ = day_if(awaits_change, change_on)
    never = Value(_NEVER, output_field=DateField())
    return {
        "awaits_subject_entry": flag(awaits_entry),
        "awaits_elimination": flag(awaits_elimination),
        "awaits_change": flag(awaits_change),
        "subject_entry_since": entry_since,
        "elimination_since": elimination_since,
        "change_since": change_since_,
        "elimination_case_id": Subquery(marked.values("pk")[:1], output_field=IntegerField()),
        "waiting_since": Least(
            Coalesce(entry_since, never), Coalesce(elimination_since, never), Coalesce(change_since_, never)
        ),
    }


AWAITS: dict[str, str] = {
    K.SUBJECT_ENTRY: "awaits_subject_entry",
    K.ELIMINATION: "awaits_elimination",
    K.CHANGE: "awaits_change",
}


def awaiting_q(kind: str = "") -> Q:
    """Over annotated subjects: those awaiting ``kind`` (any kind when blank)."""
    if kind:
        return Q(**{AWAITS[kind]: True})
    return Q(awaits_subject_entry=True) | Q(awaits_elimination=True) | Q(awaits_change=True)


def event_on(entry: NationalEntry) -> datetime.date | None:
    """The day of what ``entry`` recorded, which a correction may not predate either."""
    subject = entry.subject
    if entry.kind == K.SUBJECT_ENTRY:
        return subject.entered_on
    if entry.kind == K.ELIMINATION:
        return entry.elimination_case.marked_on if entry.elimination_case is not None else None
    if entry.reported_status == SubjectStatus.CLOSED_OTHER:
        return subject.closed_on
    return _held_since(list(subject.elimination_cases.all()))


def live_entry(entries: list[NationalEntry], kind: str, *, case_id: int | None = None) -> NationalEntry | None:
    """Of one subject's (or case's) entries, prefetched, the one of ``kind`` no correction superseded: what the
    national system holds now (for an elimination, of the case ``case_id`` when given)."""
    superseded = {e.supersedes_id for e in entries if e.supersedes_id is not None}
    found = [
        e
        for e in entries
        if e.kind == kind and e.pk not in superseded and (case_id is None or e.elimination_case_id == case_id)
    ]
    return max(found, key=lambda e: (e.recorded_at, e.pk)) if found else None
