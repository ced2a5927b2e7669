"""Large-scale risk events (大规模风险事件, SPEC §4.12) and the sweep each one starts (SPEC §7.4 ``event``).

The county records an event over villages or townships of the county; that starts an event-triggered run of the
sweep machinery (``sweeps.services.runs``) over the townships it touches, with the one rule FC-LOSS-DISASTER-01.
The run's chunks first list the households managed in the covered areas as the event's affected households, then
reconcile the rule's problems as every run does (idempotent: one open problem per rule and household). A visit
recorded since the event's start closes the household's problem at once (``event_problems_close_on_visit``): the
visit *is* the rectification, so nobody has to submit and verify it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core.dispatch import attempt
from core.errors import DomainError, refusal_text
from core.stored import stored
from core.uploads import UploadRefused, size_check
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.parameters import parameter
from households.models import Visit
from sweeps import permissions
from sweeps.choices import DISASTER_EVENT_KINDS, ProblemStatus, RiskEventKind, RunStatus, SweepKind
from sweeps.models import Problem, RiskEvent, SweepChunk, SweepRun
from sweeps.rules import BY_ID
from sweeps.rules.events import RULE_ID, event_visit_due_on, event_visit_missed
from sweeps.services.problems import PROBLEM
from sweeps.services.runs import sweep_dispatch

COVERED_LEVELS = (AreaLevel.TOWNSHIP, AreaLevel.VILLAGE)


@transaction.atomic
def risk_event_record(
    *,
    actor: User,
    county: AdminArea,
    kind: str,
    name: str,
    areas: list[AdminArea],
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    estimated_loss: Decimal | None = None,
    description: str = "",
    plan: UploadedFile | None = None,
) -> RiskEvent:
    """Record an event of the county (SPEC §4.12) and start its sweep. A county reviewer of the county records it;
    every condition that fails is named in one refusal."""
    if not permissions.can_record_event(actor, county):
        raise PermissionDenied
    today = timezone.localdate()
    reasons: list[str] = []
    name = (name or "").strip()
    if county.level != AreaLevel.COUNTY:
        reasons.append(_("“%(name)s”不是县级区划，风险事件由县登记") % {"name": county.name})
    if kind not in RiskEventKind.values:
        reasons.append(_("请选择事件类型"))
    if not name:
        reasons.append(_("请填写事件名称"))
    if not areas:
        reasons.append(_("请选择受影响的乡镇或村"))
    outside = [area.name for area in areas if not area.code.startswith(county.prefix) or area.valid_to is not None]
    if outside:
        reasons.append(_("%(names)s不在%(county)s现有区划内") % {"names": "、".join(outside), "county": county.name})
    wrong_level = [area.name for area in areas if area.level not in COVERED_LEVELS]
    if wrong_level:
        reasons.append(_("影响范围只能选乡镇或村：%(names)s") % {"names": "、".join(wrong_level)})
    if starts_on > today:
        reasons.append(_("发生日期不能晚于今天"))
    if ends_on is not None and ends_on < starts_on:
        reasons.append(_("结束日期不能早于发生日期"))
    if estimated_loss is not None and estimated_loss < 0:
        reasons.append(_("估计损失不能为负数"))
    if plan is not None:
        try:
            size_check(plan, limit=settings.UPLOAD_FILE_MAX_BYTES, what=_("应急预案"), field="plan")
        except UploadRefused as exc:
            reasons.append(exc.message)
    if reasons:
        raise DomainError(refusal_text(reasons), field="areas" if not areas or outside or wrong_level else None)
    days = int(parameter("sweep.event_visit_days", area_code=county.code, on=starts_on))
    event = RiskEvent(
        kind=kind,
        name=name,
        county=county,
        starts_on=starts_on,
        ends_on=ends_on,
        visit_due_on=event_visit_due_on(starts_on, visit_days=days),
        estimated_loss=estimated_loss,
        description=(description or "").strip(),
        recorded_by=actor,
    )
    if plan is not None:
        event.plan.save(plan.name or "plan", plan, save=False)
    event.save()
    event.areas.set(areas)
    risk_event_sweep(event=event, actor=actor)
    return event


@transaction.atomic
def risk_event_sweep(*, event: RiskEvent, actor: User) -> SweepRun:
    """Start the event's sweep (SPEC §7.4 ``event``): one chunk per township the event touches, the one rule
    FC-LOSS-DISASTER-01; sent to the workers after commit. Safe to press again: the run is idempotent, and a
    second start while one is under way is refused."""
    if not permissions.can_record_event(actor, event.county):
        raise PermissionDenied
    event = RiskEvent.objects.select_for_update().select_related("county").get(pk=event.pk)
    if event.runs.filter(status__in=[RunStatus.PENDING, RunStatus.RUNNING]).exists():
        raise DomainError(_("本事件的排查正在进行，请等待完成"))
    areas = list(event.areas.all())
    township_ids = sorted({area.pk if area.level == AreaLevel.TOWNSHIP else area.parent_id or 0 for area in areas})
    rule = BY_ID[RULE_ID]
    run = SweepRun.objects.create(
        kind=SweepKind.EVENT,
        county=event.county,
        risk_event=event,
        started_by=actor,
        run_on=timezone.localdate(),
        rule_versions={rule.id: rule.version},
    )
    SweepChunk.objects.bulk_create([SweepChunk(run=run, township_id=pk) for pk in township_ids if pk])
    transaction.on_commit(lambda: attempt(lambda: sweep_dispatch(run=run)))
    return run


@transaction.atomic
def event_problems_close_on_visit(*, visit: Visit, actor: User) -> int:
    """A household visited after a disaster (SPEC §4.12, FC-LOSS-DISASTER-01): its open "灾后未及时走访" problem is
    closed when no disaster that hit it is still past due without a visit (the rule's Python face). Returns the
    problems closed."""
    household_id = visit.household_id
    problems = list(Problem.objects.filter(Problem.open_q(), rule_id=RULE_ID, household_id=household_id))
    if not problems:
        return 0
    today = timezone.localdate()
    visits = list(Visit.objects.filter(household_id=household_id).values_list("visited_on", flat=True))
    events = RiskEvent.objects.filter(affected_households=household_id, kind__in=sorted(DISASTER_EVENT_KINDS))
    if any(
        event_visit_missed(starts_on=event.starts_on, visit_due_on=event.visit_due_on, visits=visits, on=today)
        for event in events
    ):
        return 0
    comment = stored(gettext_noop("%(on)s 已入户走访，灾后走访问题自动销号"), on=visit.visited_on.isoformat())
    for problem in problems:
        problem = PROBLEM.lock(problem)
        if problem.status == ProblemStatus.CLOSED:
            continue
        PROBLEM.move(problem, to=ProblemStatus.CLOSED, actor=actor, comment=comment)
        problem.closed_at, problem.closed_by = timezone.now(), actor
        problem.no_longer_detected_on = problem.no_longer_detected_on or today
        problem.save(update_fields=["status", "closed_at", "closed_by", "no_longer_detected_on", "updated_at"])
    return len(problems)
