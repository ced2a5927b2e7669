"""The demo county's first centralized four-checks sweep (SPEC §7.4) and its rectification under way (§7.5): the
real services run the rules over every township, then township cadres assign some problems, villages work on
them and submit, and a township closes one — so every queue and status of the problem list has something."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from accounts.models import User
from demo.plan import COUNTY_CODE
from geo.models import AdminArea
from sweeps.choices import ProblemStatus
from sweeps.models import Problem
from sweeps.services import (
    problem_assign,
    problem_start,
    problem_submit,
    sweep_finish,
    sweep_run_chunk,
    sweep_start,
)

ASSIGNED: Final = 24  # of which the first STARTED are being worked on and the first SUBMITTED wait for verification
STARTED: Final = 12
SUBMITTED: Final = 5


@dataclass(frozen=True)
class SweepResult:
    problems: int
    assigned: int
    submitted: int


def demo_sweep_load() -> SweepResult:
    """Run the sweep inline (inside the demo loader's transaction) and move some problems along."""
    county = AdminArea.objects.get(code=COUNTY_CODE)
    reviewer = User.objects.get(username="county")
    run = sweep_start(county=county, kind="centralized", actor=reviewer)
    for chunk in run.chunks.all():
        sweep_run_chunk(chunk=chunk)  # the dispatch after commit finds every chunk done
    sweep_finish(run=run)
    cadres = {
        user.area.code: user
        for user in User.objects.filter(username__startswith="township").select_related("area")
        if user.area is not None
    }
    village_worker = User.objects.get(username="village")
    household_problems = Problem.objects.filter(household__isnull=False, status=ProblemStatus.OPEN).select_related(
        "area", "township"
    )
    assigned = 0
    submitted = 0
    for index, problem in enumerate(household_problems.order_by("rule_id", "pk")[:ASSIGNED]):
        cadre = cadres[problem.township.code]
        worker = village_worker if problem.area_id == village_worker.area_id else cadre
        problem_assign(problem=problem, actor=cadre, unit=f"{problem.area.name}村民委员会", person=worker)
        assigned += 1
        if index < STARTED:
            problem_start(problem=problem, actor=worker, comment="已入户核实，正在整改")
        if index < SUBMITTED:
            problem_submit(problem=problem, actor=worker, measures_taken="入户核实情况，已补录相关信息并落实政策")
            submitted += 1
    return SweepResult(problems=Problem.objects.count(), assigned=assigned, submitted=submitted)
