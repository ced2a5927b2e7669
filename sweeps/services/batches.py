"""Batches of problems and warnings: a township or county assigns many four-checks problems at once (交办, SPEC
§7.5), a village or township verifies many department warnings at once (核实处置 and 办结, SPEC §6.5, §6.6). Not
to be confused with a department's screening list (``ScreeningBatch``), which is an upload.

A batch adds no rule of its own: each problem goes through ``problem_assign``, each warning through
``warning_dispose`` or ``warning_close``, which check the actor's right, the state and the step's conditions as on
the item's page. The batch is one transaction, locks its rows in primary-key order first, and stops at the first
refusal naming the item — nothing of the batch is saved (``core.batch``). The notifications the steps send are
gathered: a person assigned forty problems gets one notification, not forty (``notifications_summarised``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core.batch import batch_check, batch_each, batch_refusal_text
from notifications.services import Held, Summarise, notifications_summarised
from sweeps.models import Problem, ScreeningWarning
from sweeps.services.problems import problem_assign
from sweeps.services.screening import warning_close, warning_dispose


def _place(household: object | None, area_name: str) -> str:
    """Where an item is: its village and household ("红星村张三户"), or the village alone (a problem of the village)."""
    head = getattr(household, "head_name", "")
    return _("%(area)s%(head)s户") % {"area": area_name, "head": head} if head else area_name


def _problem_name(problem: Problem) -> str:
    """How a refusal or a summary names a problem: its village and household and its title — the rule's title,
    never its code ("红星村张三户「收入低于监测标准但未纳入监测」")."""
    return f"{_place(problem.household, problem.area.name)}「{problem.title_shown}」"


def problem_refusal(position: int, problem: Problem, reason: str) -> str:
    """Which problem stopped the batch (its place in the batch and its name), why, and that nothing was done."""
    return batch_refusal_text(
        position=position, counter=_("个问题"), name=_problem_name(problem), reason=reason, nothing=_("问题")
    )


def warning_refusal(position: int, warning: ScreeningWarning, reason: str) -> str:
    """Which warning stopped the batch — its household and village, its department and event — and why."""
    household = warning.household
    event = f"{warning.get_department_display()}·{warning.event_label}"
    name = f"{_place(household, household.managing_area.name)}「{event}」"
    return batch_refusal_text(position=position, counter=_("条预警"), name=name, reason=reason, nothing=_("预警"))


def _problems_summary(problems: Sequence[Problem]) -> Summarise:
    """The person assigned hears of the batch once, with a line naming each problem (its own notification's title
    would not say which household it is)."""
    names = {problem.get_absolute_url(): _problem_name(problem) for problem in problems}

    def summarise(topic: str, held: Sequence[Held]) -> tuple[str, str, list[str]]:
        lines = [names.get(one.url, one.title) for one in held]
        title = _("%(n)s 个整改任务已交办给您") % {"n": len(held)}
        return title, reverse("sweeps:problem-list") + "?status=rectifying&mine=1", lines

    return summarise


def _warnings_summary(topic: str, held: Sequence[Held]) -> tuple[str, str, list[str]]:
    if topic == "entry":  # "启动纳入监测" reported an application per household, for the village to verify
        title = _("部门筛查预警：%(n)s 户已申报纳入监测，待入户核实") % {"n": len(held)}
        return title, reverse("monitoring:entry-queue"), []
    title = _("部门筛查预警批量处置：%(n)s 条通知") % {"n": len(held)}
    return title, reverse("sweeps:warning-list") + "?status=all", []


@transaction.atomic
def problems_assign(
    *,
    problems: Sequence[Problem],
    actor: User,
    unit: str,
    person: User | None = None,
    deadline: datetime.date | None = None,
    comment: str = "",
) -> int:
    """交办 many problems to one responsible unit (and person, and deadline) with one comment (SPEC §7.5), each
    through ``problem_assign``; all or nothing. Returns the number of problems."""
    batch_check(
        [problem.pk for problem in problems],
        empty=_("请至少选择一个问题"),
        twice=_("同一个问题在本批中出现了两次"),
        field="problems",
    )
    with notifications_summarised(_problems_summary(problems)):
        return batch_each(
            problems,
            model=Problem,
            pk=lambda problem: problem.pk,
            step=lambda problem, _locked: problem_assign(
                problem=problem, actor=actor, unit=unit, person=person, deadline=deadline, comment=comment
            ),
            refusal=problem_refusal,
            forbidden=_("您无权交办该问题（须由问题所在地的上级乡镇或县级人员交办）"),
        )


def _warnings_batch(
    warnings: Sequence[ScreeningWarning], step: Callable[[ScreeningWarning], object], *, forbidden: str
) -> int:
    """What both warning batches do: check the selection, then run ``step`` on each warning, all or nothing, with
    one summary notification per recipient."""
    batch_check(
        [warning.pk for warning in warnings],
        empty=_("请至少选择一条预警"),
        twice=_("同一条预警在本批中出现了两次"),
        field="warnings",
    )
    with notifications_summarised(_warnings_summary):
        return batch_each(
            warnings,
            model=ScreeningWarning,
            pk=lambda warning: warning.pk,
            step=lambda warning, _locked: step(warning),
            refusal=warning_refusal,
            forbidden=forbidden,
        )


@transaction.atomic
def warnings_dispose(
    *,
    warnings: Sequence[ScreeningWarning],
    actor: User,
    disposition: str,
    note: str,
    category: str = "",
    triggers: list[str] | None = None,
) -> int:
    """核实处置 of many warnings with one disposition and note (SPEC §6.5, §6.6), each through ``warning_dispose``
    (its visit after the warning, its entry application for "启动纳入监测"); all or nothing. Returns the number of
    warnings."""
    return _warnings_batch(
        warnings,
        lambda warning: warning_dispose(
            warning=warning, actor=actor, disposition=disposition, note=note, category=category, triggers=triggers
        ),
        forbidden=_("您无权处置该预警（须由农户所在村或乡镇处置）"),
    )


@transaction.atomic
def warnings_close(*, warnings: Sequence[ScreeningWarning], actor: User, note: str) -> int:
    """办结 many verified warnings with one note on their follow-up (SPEC §6.6), each through ``warning_close``; all
    or nothing. Returns the number of warnings."""
    return _warnings_batch(
        warnings,
        lambda warning: warning_close(warning=warning, actor=actor, note=note),
        forbidden=_("您无权办结该预警（须由农户所在村或乡镇办结）"),
    )
