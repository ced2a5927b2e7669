"""Monitoring's part of a household's life (SPEC §2.6, §4.6, §4.11): the registry (below this app) announces a
merge (并户, ``households.services.life``); the absorbed household's open cases — its entry application, its
monitoring episode with the elimination case, measures and notices that hang on it — move to the survivor in the
same transaction, each case recording the move as one more event. Closed cases stay with the absorbed household as
its history. A transfer needs nothing here: every case reads its place through its household.

One open application and one open episode per household (SPEC §4.6 EN-0, §4.1): a merge of two households that
both have open monitoring is refused before anything moves (``merge_checks``)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core.stored import stored
from households.models import Household
from monitoring.choices import OPEN_ELIMINATION_STATES, OPEN_ENTRY_STATES, OPEN_SUBJECT_STATUSES
from monitoring.models import (
    DemocraticReview,
    EliminationCase,
    EliminationEvent,
    EntryApplication,
    EntryEvent,
    MonitoringSubject,
    PublicNotice,
)


def _open_monitoring(household: Household) -> list[str]:
    found = []
    if EntryApplication.objects.filter(household=household, state__in=sorted(OPEN_ENTRY_STATES)).exists():
        found.append(_("在办的纳入监测申请"))
    if MonitoringSubject.objects.filter(household=household, status__in=sorted(OPEN_SUBJECT_STATUSES)).exists():
        found.append(_("未结束的监测"))
    return found


def merge_checks(absorbed: Household, survivor: Household) -> list[str]:
    """SPEC §4.6 EN-0, §4.1: refused when both households have open monitoring, naming what each has."""
    mine, theirs = _open_monitoring(absorbed), _open_monitoring(survivor)
    if not (mine and theirs):
        return []
    return [
        _("两户都有在办的监测事项（%(a)s：%(a_open)s；%(b)s：%(b_open)s），请先办结其中一户的再并户")
        % {"a": absorbed, "a_open": "、".join(mine), "b": survivor, "b_open": "、".join(theirs)}
    ]


@transaction.atomic
def cases_follow_merge(*, absorbed: Household, survivor: Household, actor: User) -> dict[str, Any]:
    """Move the open cases of ``absorbed`` to ``survivor``; returns their ids for the registry's events."""
    comment = stored(
        gettext_noop("并户：随%(absorbed)s并入%(survivor)s"), absorbed=str(absorbed), survivor=str(survivor)
    )
    applications = list(
        EntryApplication.objects.select_for_update().filter(household=absorbed, state__in=sorted(OPEN_ENTRY_STATES))
    )
    for application in applications:
        application.household = survivor
        application.save(update_fields=["household", "updated_at"])
        EntryEvent.objects.create(
            application=application,
            from_state=application.state,
            to_state=application.state,
            actor=actor,
            comment=comment,
        )
    subjects = list(
        MonitoringSubject.objects.select_for_update().filter(
            household=absorbed, status__in=sorted(OPEN_SUBJECT_STATUSES)
        )
    )
    cases: list[EliminationCase] = []
    for subject in subjects:
        subject.household = survivor
        subject.save(update_fields=["household"])
        for case in EliminationCase.objects.filter(subject=subject, state__in=sorted(OPEN_ELIMINATION_STATES)):
            EliminationEvent.objects.create(
                case=case, from_state=case.state, to_state=case.state, actor=actor, comment=comment
            )
            cases.append(case)
    # The review and notice records of the moved cases belong to them, and are read where their household is.
    for model in (DemocraticReview, PublicNotice):
        model.objects.filter(household=absorbed, application__in=applications).update(household=survivor)
        model.objects.filter(household=absorbed, elimination__in=cases).update(household=survivor)
    return {
        "entry_applications": [application.pk for application in applications],
        "monitoring_subjects": [subject.pk for subject in subjects],
        "elimination_cases": [case.pk for case in cases],
    }
