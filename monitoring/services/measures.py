"""Assistance measures for monitoring subjects (帮扶措施, SPEC §5). A measure names the household's open risks it
answers (SPEC §4.3); when it is delivered with its effect, those risks are resolved with that effect as the reason —
the risks live in the registry, which keeps the measure as its id and label."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability, Department
from core.errors import DomainError
from households.services import risks_answer, risks_resolve_by_measure
from monitoring import rules
from monitoring.choices import (
    MEASURE_SUBTYPES,
    OPEN_SUBJECT_STATUSES,
    MeasureFunding,
    MeasureStatus,
    MeasureTiming,
    MeasureType,
)
from monitoring.models import AssistanceMeasure, MonitoringSubject
from monitoring.permissions import can_record_measures
from monitoring.selectors import queues

# The statuses a measure may move to from each status; a stopped measure stays stopped.
MEASURE_TRANSITIONS = {
    MeasureStatus.PLANNED: {
        MeasureStatus.IN_PROGRESS,
        MeasureStatus.DELIVERED,
        MeasureStatus.ADJUSTED,
        MeasureStatus.STOPPED,
    },
    MeasureStatus.IN_PROGRESS: {MeasureStatus.DELIVERED, MeasureStatus.ADJUSTED, MeasureStatus.STOPPED},
    MeasureStatus.ADJUSTED: {MeasureStatus.IN_PROGRESS, MeasureStatus.DELIVERED, MeasureStatus.STOPPED},
    MeasureStatus.DELIVERED: {MeasureStatus.ADJUSTED},
    MeasureStatus.STOPPED: set(),
}


def _require_measures_right(actor: User, subject: MonitoringSubject) -> None:
    if not has_capability(actor, Capability.MANAGE_MEASURES):
        raise PermissionDenied
    if not MonitoringSubject.objects.visible_to(actor).filter(pk=subject.pk).exists():
        raise PermissionDenied


@transaction.atomic
def measure_add(
    *,
    actor: User,
    subject: MonitoringSubject,
    measure_type: str,
    subtype: str,
    timing: str,
    funding_source: str,
    responsible_department: str,
    description: str,
    started_on: datetime.date,
    responsible_person: str = "",
    amount_yuan: Decimal | None = None,
    risks: Sequence[int] = (),
) -> AssistanceMeasure:
    """Add a measure to an open subject; NR-MEAS-01 refuses linkage funds for original-channel benefits. ``risks``
    are the ids of the household's open risks the measure answers: its effect resolves them."""
    _require_measures_right(actor, subject)
    if subject.status not in OPEN_SUBJECT_STATUSES and not queues.helping_again(subject):
        raise DomainError(
            _("监测对象状态为“%(status)s”，不能新增措施") % {"status": subject.get_status_display()}, field="subject"
        )
    if measure_type not in MeasureType.values:
        raise DomainError(_("请选择措施类型"), field="measure_type")
    allowed = MEASURE_SUBTYPES.get(measure_type, {})
    if subtype and subtype not in allowed:
        raise DomainError(
            _("“%(label)s”下没有“%(subtype)s”这项措施")
            % {"label": MeasureType(measure_type).label, "subtype": subtype},
            field="subtype",
        )
    if allowed and not subtype:
        raise DomainError(_("请选择具体措施"), field="subtype")
    if timing not in MeasureTiming.values:
        raise DomainError(_("请选择措施性质（预防性/事后帮扶）"), field="timing")
    if funding_source not in MeasureFunding.values:
        raise DomainError(_("请选择资金来源"), field="funding_source")
    if responsible_department not in Department.values:
        raise DomainError(_("请选择责任部门"), field="responsible_department")
    if not rules.linkage_fund_allowed(funding_source, subtype):
        raise DomainError(
            _("“%(get)s”须从原渠道解决，不能使用衔接资金（宁财（农）发〔2021〕268号）")
            % {"get": allowed.get(subtype, subtype)},
            field="funding_source",
        )
    if started_on > timezone.localdate() + datetime.timedelta(days=366):
        raise DomainError(_("开始日期不合理"), field="started_on")
    if amount_yuan is not None and amount_yuan < 0:
        raise DomainError(_("金额不能为负数"), field="amount_yuan")
    if not description.strip():
        raise DomainError(_("请填写措施内容"), field="description")
    measure = AssistanceMeasure.objects.create(
        subject=subject,
        measure_type=measure_type,
        subtype=subtype,
        timing=timing,
        funding_source=funding_source,
        responsible_department=responsible_department,
        responsible_person=responsible_person.strip(),
        description=description.strip(),
        started_on=started_on,
        amount_yuan=amount_yuan,
        recorded_by=actor,
    )
    risks_answer(
        actor=actor, household=subject.household, risk_ids=risks, measure_id=measure.pk, measure_label=_label(measure)
    )
    return measure


def _label(measure: AssistanceMeasure) -> str:
    kind = measure.subtype_label or measure.get_measure_type_display()
    return f"{kind}：{measure.description}"


@transaction.atomic
def measure_update_status(
    *, actor: User, measure: AssistanceMeasure, status: str, outcome_note: str, ended_on: datetime.date | None = None
) -> AssistanceMeasure:
    """Record progress and effect; the former values stay in the measure's history."""
    _require_measures_right(actor, measure.subject)
    measure = AssistanceMeasure.objects.select_for_update().get(pk=measure.pk)
    current = MeasureStatus(measure.status)
    if status not in MeasureStatus.values or MeasureStatus(status) not in MEASURE_TRANSITIONS[current]:
        raise DomainError(
            _("措施当前为“%(label)s”，不能改为“%(status)s”") % {"label": current.label, "status": status},
            field="status",
        )
    if status in (MeasureStatus.DELIVERED, MeasureStatus.STOPPED, MeasureStatus.ADJUSTED) and not outcome_note.strip():
        raise DomainError(_("请填写帮扶成效或调整、停止的原因"), field="outcome_note")
    if ended_on is not None and ended_on < measure.started_on:
        raise DomainError(_("结束日期不能早于开始日期"), field="ended_on")
    measure.status = status
    measure.outcome_note = outcome_note.strip()
    if ended_on is not None:
        measure.ended_on = ended_on
    measure.save(update_fields=["status", "outcome_note", "ended_on"])
    if status == MeasureStatus.DELIVERED:  # the effect is recorded: the risks the measure answers are resolved
        today = timezone.localdate()
        risks_resolve_by_measure(
            actor=actor,
            measure_id=measure.pk,
            measure_label=_label(measure),
            outcome=measure.outcome_note,
            resolved_on=min(measure.ended_on or today, today),
        )
    return measure


def measure_start(*, actor: User, measure_id: int | None) -> AssistanceMeasure | None:
    """A programme record shows its measure being carried out (a loan signed, a person at work, a post filled): a
    planned measure moves to in progress through ``measure_update_status``. Nothing happens for a measure already
    under way or closed, or for an actor without the measures right (the monitoring cadre moves it on its page).
    Answers the measure as it now is, or None without one."""
    if measure_id is None:
        return None
    measure = AssistanceMeasure.objects.select_for_update().select_related("subject").get(pk=measure_id)
    if measure.status != MeasureStatus.PLANNED or not can_record_measures(actor):
        return measure
    return measure_update_status(actor=actor, measure=measure, status=MeasureStatus.IN_PROGRESS, outcome_note="")
