"""A household that leaves the registry leaves monitoring with it (SPEC §4.11 ``closed_other``: household dissolved,
all members deceased, moved out of the region). ``households.services.household_close`` sends ``household_closed``
inside its transaction; this app, above households, ends what it holds of the household in the same transaction:
each open entry application is withdrawn, each open elimination case ends as not eliminated, and the open
monitoring episode becomes ``closed_other`` with the day and the reason. Nothing is deleted: every case keeps its
events, and the ending is one more event.

The closing is the registry's decision, already checked there (a household editor of its area), so no workflow
right is asked of the actor here: a village worker who records a death ends a case waiting for the county too.
"""

from django.db import transaction
from django.utils.translation import gettext_noop

from accounts.models import User
from core.stored import Stored, source_text, stored
from households.models import Household
from monitoring.choices import (
    OPEN_ELIMINATION_STATES,
    OPEN_ENTRY_STATES,
    OPEN_SUBJECT_STATUSES,
    EliminationState,
    EntryState,
    SubjectStatus,
)
from monitoring.models import EliminationCase, EntryApplication, MonitoringSubject
from monitoring.services.elimination import ELIMINATION
from monitoring.services.entry import ENTRY


def closing_reason_of(household: Household) -> Stored:
    """The reason each ending records: the registry's own (全户死亡, 整户迁出 …)."""
    return stored(
        gettext_noop("农户已注销（%(reason)s）"),
        labels=("reason",),
        reason=source_text(household.get_closed_reason_display()),
    )


@transaction.atomic
def subject_close_for_household(*, household: Household, actor: User) -> MonitoringSubject | None:
    """SPEC §4.11: end the monitoring of a closed household — open applications withdrawn, open elimination cases
    not eliminated, the open subject ``closed_other`` — and return the subject ended, if there was one."""
    reason = closing_reason_of(household)
    applications = EntryApplication.objects.filter(household=household, state__in=sorted(OPEN_ENTRY_STATES))
    for pk in applications.values_list("pk", flat=True):
        application = ENTRY.lock(EntryApplication(pk=pk))
        kept = application.keep_closing_reason(reason)
        ENTRY.move(application, to=EntryState.WITHDRAWN, actor=actor, comment=reason)
        application.save(update_fields=["state", *kept, "updated_at"])
    subject = (
        MonitoringSubject.objects.select_for_update()
        .filter(household=household, status__in=sorted(OPEN_SUBJECT_STATUSES))
        .first()
    )
    if subject is None:
        return None
    cases = EliminationCase.objects.filter(subject=subject, state__in=sorted(OPEN_ELIMINATION_STATES))
    for pk in cases.values_list("pk", flat=True):
        case = ELIMINATION.lock(EliminationCase(pk=pk))
        kept = case.keep_closing_reason(reason)
        ELIMINATION.move(case, to=EliminationState.NOT_ELIMINATED, actor=actor, comment=reason)
        case.save(update_fields=["state", *kept, "updated_at"])
    subject.status = SubjectStatus.CLOSED_OTHER
    subject.closed_on = household.closed_on
    kept = subject.keep_closing_reason(reason)
    subject.save(update_fields=["status", "closed_on", *kept])
    return subject
