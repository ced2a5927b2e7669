"""Rectification of four-checks problems (整改, SPEC §7.5): open → assigned → in_progress → submitted → closed
(销号); submitted → returned → in_progress. Declared once as ``PROBLEM`` (``core.workflow``): every change is one
transaction that locks the problem, re-checks the actor's right, checks the transition table and writes an append-only
``ProblemEvent`` (STYLE rule 6).

Who: the township or county assigns (交办) and verifies (核验销号); the responsible unit (the village, or the
township for its own problems) works and submits. Closing needs a reviewer of a level above the problem's place,
and for an automatic rule the condition must no longer hold for the subject when it is closed."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Final

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.models import User
from core.errors import DomainError, TransitionNotAllowed, required_text
from core.stored import stored
from core.workflow import Workflow, require
from geo.codes import AreaLevel
from geo.parameters import parameter
from households.facts import context_for, facts_refresh, facts_refresh_households
from households.models import Household
from notifications.selectors import users_who_take
from notifications.services import notify
from sweeps import permissions
from sweeps.choices import ProblemStatus, RuleMode, SubjectKind
from sweeps.models import Problem, ProblemEvent
from sweeps.rules import BY_ID, Scope

P = ProblemStatus

# Every legal move of a problem (SPEC §7.5); anything else is refused.
TRANSITIONS: Final[Mapping[ProblemStatus, frozenset[ProblemStatus]]] = {
    P.OPEN: frozenset({P.ASSIGNED, P.IN_PROGRESS, P.CLOSED}),
    P.ASSIGNED: frozenset({P.IN_PROGRESS, P.CLOSED}),
    P.IN_PROGRESS: frozenset({P.SUBMITTED, P.CLOSED}),
    P.SUBMITTED: frozenset({P.CLOSED, P.RETURNED}),
    P.RETURNED: frozenset({P.IN_PROGRESS, P.CLOSED}),
    P.CLOSED: frozenset(),
}


PROBLEM: Final = Workflow(
    model=Problem,
    states=ProblemStatus,
    transitions=TRANSITIONS,
    noun=gettext_lazy("问题"),
    event_model=ProblemEvent,
    event_case="problem",
    state_field="status",
    lock_related=("area", "township"),
)


def _tell(problem: Problem, *, recipients: Any, title: str, actor: User) -> None:
    notify(
        recipients=recipients,
        topic="problem",
        title=f"{title}：{problem.title}（{problem.area.name}）",
        url=problem.get_absolute_url(),
        area_code=problem.area_code,
        actor=actor,
    )


@transaction.atomic
def problem_assign(
    *,
    problem: Problem,
    actor: User,
    unit: str,
    person: User | None = None,
    deadline: datetime.date | None = None,
    comment: str = "",
) -> Problem:
    """交办: name the responsible unit and person, optionally a new deadline (SPEC §7.5 owner unit, deadline)."""
    problem = PROBLEM.lock(problem)
    require(permissions.can_verify(actor, problem))
    unit = required_text(unit, "unit", _("责任单位"))
    if person is not None and not permissions.can_work_on(person, problem):
        raise DomainError(
            _("“%(person)s”不能办理%(name)s的整改（不在其辖区或没有整改权限）")
            % {"person": person, "name": problem.area.name},
            field="person",
        )
    if deadline is not None and deadline < timezone.localdate():
        raise DomainError(_("整改期限不能早于今天"), field="deadline")
    PROBLEM.move(
        problem, to=P.ASSIGNED, actor=actor, comment=comment or stored(gettext_noop("交办%(unit)s"), unit=unit)
    )
    problem.responsible_unit, problem.responsible_person = unit, person
    if deadline is not None:
        problem.deadline = deadline
    problem.save(update_fields=["status", "responsible_unit", "responsible_person", "deadline", "updated_at"])
    if person is not None:
        _tell(problem, recipients=[person], title="整改任务已交办给您", actor=actor)
    return problem


@transaction.atomic
def problem_start(*, problem: Problem, actor: User, comment: str = "") -> Problem:
    """The responsible unit starts rectifying (from open, assigned or returned)."""
    problem = PROBLEM.lock(problem)
    require(permissions.can_work_on(actor, problem))
    PROBLEM.move(problem, to=P.IN_PROGRESS, actor=actor, comment=comment or stored(gettext_noop("开始整改")))
    problem.save(update_fields=["status", "updated_at"])
    return problem


@transaction.atomic
def problem_submit(
    *, problem: Problem, actor: User, measures_taken: str, evidence: UploadedFile | None = None
) -> Problem:
    """整改完成，提交核验: the measures taken and the evidence (no paper rectification, 003 L918)."""
    problem = PROBLEM.lock(problem)
    require(permissions.can_work_on(actor, problem))
    problem.measures_taken = required_text(measures_taken, "measures_taken", _("整改措施及成效"))
    PROBLEM.move(problem, to=P.SUBMITTED, actor=actor, comment=problem.measures_taken, attachment=evidence)
    problem.submitted_at = timezone.now()
    problem.save(update_fields=["status", "measures_taken", "submitted_at", "updated_at"])
    reviewers = users_who_take(
        capability=permissions.VERIFY, area_code=problem.area_code, levels=permissions.LEVELS_ABOVE[problem.area.level]
    )
    _tell(problem, recipients=reviewers, title="整改已提交待核验", actor=actor)
    return problem


@transaction.atomic
def problem_return(*, problem: Problem, actor: User, comment: str) -> Problem:
    """Not good enough: back to the unit with the reason."""
    problem = PROBLEM.lock(problem)
    require(permissions.can_verify(actor, problem))
    PROBLEM.move(problem, to=P.RETURNED, actor=actor, comment=required_text(comment, "comment", _("退回原因")))
    problem.save(update_fields=["status", "updated_at"])
    _tell(problem, recipients=[e.actor for e in problem.events.filter(to_status=P.SUBMITTED)], title="整改被退回",
          actor=actor)  # fmt: skip
    return problem


def still_detected(problem: Problem, *, on: datetime.date) -> bool:
    """Whether the problem's automatic rule still finds its subject today (SPEC §7.5 closing condition)."""
    rule = BY_ID.get(problem.rule_id)
    if rule is None or rule.find is None or problem.mode == RuleMode.MANUAL:
        return False
    # The rule reads household facts: those of the problem's household (or of the village's households) first,
    # as they are today; then the rule is asked about this one subject.
    if problem.household_id is not None:
        facts_refresh_households([problem.household_id], on=on)
    elif problem.subject_kind == SubjectKind.VILLAGE:
        facts_refresh(Household.objects.managed_in(problem.area), ctx=context_for(problem.area.code, on=on))
    subject_pk = int(problem.subject_key.split(":", 1)[1])
    return rule.query(Scope.of(problem.township, on=on)).filter(pk=subject_pk).exists()


@transaction.atomic
def problem_close(*, problem: Problem, actor: User, comment: str, evidence: UploadedFile | None = None) -> Problem:
    """销号 by a reviewer of a level above the problem's place: after a submission, or directly for a problem the
    last sweep no longer detected. An automatic rule must no longer find the subject."""
    problem = PROBLEM.lock(problem)
    require(permissions.can_verify(actor, problem))
    comment = required_text(comment, "comment", _("核验意见"))
    if problem.status != P.SUBMITTED and problem.no_longer_detected_on is None:
        raise TransitionNotAllowed(_("整改尚未提交核验：只有提交后、或最近一次排查已不再检出的问题才能销号"))
    today = timezone.localdate()
    if still_detected(problem, on=today):
        raise DomainError(_("按规则核查，该问题仍然存在，不能销号：请继续整改"), field="comment")
    PROBLEM.move(problem, to=P.CLOSED, actor=actor, comment=comment, attachment=evidence)
    problem.closed_at, problem.closed_by = timezone.now(), actor
    problem.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    return problem


def problems_escalate(*, today: datetime.date) -> int:
    """The daily job (SPEC §7.5 escalation): problems past their deadline go to the level above the place, and
    after ``rect.escalate_after_days`` more to the county (and its dashboard). Each problem once per stage; one
    notification per township and per county a day, with the count, so a bad week does not flood an inbox.
    Returns the problems escalated."""
    due = Problem.objects.filter(Problem.overdue_q(today), escalated_on__isnull=True)
    per_township = dict(due.order_by().values_list("township__code").annotate(n=Count("pk")))
    told = due.update(escalated_on=today)
    for code, count in per_township.items():
        _tell_area(code, AreaLevel.TOWNSHIP, f"{count} 个排查问题已超过整改期限", overdue=True)
    counties = (
        Problem.objects.filter(Problem.open_q(), escalated_on__isnull=False)
        .values_list("township__parent__code", flat=True)
        .distinct()
    )
    for county_code in counties:
        days = int(parameter("rect.escalate_after_days", area_code=county_code, on=today))
        late = Problem.objects.filter(
            Problem.open_q(),
            township__parent__code=county_code,
            escalated_on=today - datetime.timedelta(days=days),
        ).count()
        if late:
            _tell_area(
                county_code, AreaLevel.COUNTY, f"{late} 个排查问题逾期超过 {days} 天，提请县级督办", overdue=True
            )
            told += late
    return told


def _tell_area(code: str, level: str, title: str, *, overdue: bool) -> None:
    notify(
        recipients=users_who_take(capability=permissions.VERIFY, area_code=code, levels=[level]),
        topic="problem",
        title=title,
        url=reverse("sweeps:problem-list") + ("?overdue=1" if overdue else ""),
        area_code=code,
    )
