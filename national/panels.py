"""The national entries on a monitoring subject's page (``monitoring.panels``): what was entered, what awaits."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from monitoring.models import MonitoringSubject
from monitoring.panels import Panel
from national import facts, permissions
from national.forms import CorrectForm, RecordForm
from national.models import NationalEntry


def entries_panel(user: User, subject: MonitoringSubject) -> Panel:
    # The page already fetched ``subject`` through visible_to; its entries are visible wherever it is.
    entries = (
        NationalEntry.objects.visible_to(user)
        .filter(subject=subject)
        .select_related("recorded_by", "elimination_case", "superseded_by", "supersedes")
        .order_by("recorded_at", "pk")
    )
    pending = facts.pending_of(subject)
    can_record = permissions.can_record(user, subject)
    today = timezone.localdate()
    return Panel(
        template="national/_subject_panel.html",
        context={
            "subject": subject,
            "entries": entries,
            "pending": pending,
            "can_record": can_record,
            "record_form": RecordForm(kinds=[p.kind for p in pending], initial={"entered_on": today})
            if can_record and pending
            else None,
            "correct_form": CorrectForm(initial={"entered_on": today}) if can_record else None,
        },
    )
