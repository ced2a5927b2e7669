"""Subjects at each point of the national entries (SPEC §4.6 EN-6, §4.8 EL-7, §4.11), built directly: the workflows
that lead there are tested in tests/monitoring."""

import datetime

from monitoring.choices import EliminationState, SubjectStatus
from monitoring.models import EliminationCase, MonitoringSubject
from tests.worlds.monitoring import DAY, TODAY, monitored_subject


def subject_registered(county, *, days_ago: int = 190) -> MonitoringSubject:
    """Registered ``days_ago`` days ago (EN-6), nothing entered yet."""
    subject = monitored_subject(county, outcome=None)
    MonitoringSubject.objects.filter(pk=subject.pk).update(entered_on=TODAY - days_ago * DAY)
    subject.refresh_from_db()
    return subject


def _case(county, subject: MonitoringSubject, state: str, marked_on: datetime.date) -> EliminationCase:
    return EliminationCase.objects.create(
        subject=subject,
        state=state,
        proposal="收入稳定",
        opened_by=county.village_worker,
        opened_on=marked_on - 40 * DAY,
        decision_no="县乡振发〔2026〕12号",
        decided_on=marked_on - 6 * DAY,
        marked_on=marked_on,
    )


def marked(county, subject: MonitoringSubject, *, on: datetime.date = TODAY - 10 * DAY) -> EliminationCase:
    """EL-7 marked 风险消除 on ``on``."""
    case = _case(county, subject, EliminationState.MARKED, on)
    MonitoringSubject.objects.filter(pk=subject.pk).update(status=SubjectStatus.RISK_ELIMINATED, eliminated_on=on)
    subject.refresh_from_db()
    return case


def held(county, subject: MonitoringSubject, *, on: datetime.date = TODAY - 8 * DAY) -> EliminationCase:
    """EL-7 held: 暂不标注 (SPEC §4.9)."""
    case = _case(county, subject, EliminationState.HELD, on)
    MonitoringSubject.objects.filter(pk=subject.pk).update(status=SubjectStatus.ELIMINATION_HOLD)
    subject.refresh_from_db()
    return case


def closed(subject: MonitoringSubject, *, on: datetime.date = TODAY - 3 * DAY) -> MonitoringSubject:
    """The household left the registry: 其他原因退出 (SPEC §4.11)."""
    MonitoringSubject.objects.filter(pk=subject.pk).update(
        status=SubjectStatus.CLOSED_OTHER, closed_on=on, closing_reason="全户死亡"
    )
    subject.refresh_from_db()
    return subject
