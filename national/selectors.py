"""Reads of the national entries and of what awaits entry (STYLE rule 2): every read starts from
``visible_to(user)``; what awaits is ``national.facts``, never re-derived here."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from geo.workdays import WorkdayCalendar
from monitoring.models import EliminationCase, MonitoringSubject
from national import facts, permissions
from national.choices import NationalEntryKind
from national.models import NationalEntry


def pending_narrow(queryset: QuerySet[MonitoringSubject], *, kind: str = "") -> QuerySet[MonitoringSubject]:
    """The subjects of ``queryset`` (already ``visible_to``) awaiting ``kind`` (any when blank), oldest first."""
    if kind not in NationalEntryKind.values:
        kind = ""
    return (
        queryset.annotate(**facts.pending_annotations())
        .filter(facts.awaiting_q(kind))
        .select_related("household__managing_area__parent")
        .prefetch_related(
            Prefetch("national_entries", queryset=NationalEntry.objects.order_by("recorded_at", "pk")),
            Prefetch("elimination_cases", queryset=EliminationCase.objects.order_by("pk")),
        )
        .order_by("waiting_since", "pk")
    )


def pending_list(*, user: User, kind: str = "") -> QuerySet[MonitoringSubject]:
    """The subjects ``user`` may see that await an entry of ``kind`` (any when blank), oldest item first."""
    return pending_narrow(MonitoringSubject.objects.visible_to(user), kind=kind)


def entry_list(*, user: User) -> QuerySet[NationalEntry]:
    """The entries ``user`` may see, newest first, with who recorded them and what corrected them."""
    return (
        NationalEntry.objects.visible_to(user)
        .select_related("subject__household__managing_area", "recorded_by", "elimination_case", "superseded_by")
        .order_by("-recorded_at", "-pk")
    )


@dataclass(frozen=True)
class QueueRow:
    """A subject on the queue: what it awaits, each with the working days it has waited, and whether the reader
    may record for it."""

    subject: MonitoringSubject
    items: list[tuple[facts.Pending, int]]
    can_record: bool


def queue_rows(subjects: list[MonitoringSubject], *, user: User, today: datetime.date) -> list[QueueRow]:
    """The rows of one queue page (its subjects come from ``pending_narrow``, prefetched)."""
    calendar = WorkdayCalendar()
    return [
        QueueRow(
            subject=subject,
            items=[(item, calendar.workdays_between(item.since, today)) for item in facts.pending_of(subject)],
            can_record=permissions.can_record(user, subject),
        )
        for subject in subjects
    ]


def pending_counts(*, user: User) -> dict[str, int]:
    """How many subjects ``user`` may see await each kind, and any kind (``all``)."""
    annotated = MonitoringSubject.objects.visible_to(user).annotate(**facts.pending_annotations())
    return annotated.aggregate(
        all=Count("pk", filter=facts.awaiting_q()),
        **{kind: Count("pk", filter=Q(**{flag: True})) for kind, flag in facts.AWAITS.items()},
    )
