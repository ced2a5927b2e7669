"""The demo county's centralized four-checks campaign (SPEC §7.4) and its rectification under way (§7.5), last
summer's flood with its event sweep (§4.12), and a health department's quarterly screening list (§6): the real
services run the rules over every township, township cadres assign some problems, villages work on them and submit,
the demo village answers part of its checklist, and the warnings wait for the villages to verify — so every queue and
status has something. Each step is taken on its day by ``demo.clock.Timeline``: the campaign opened a week ago, the
problems assigned, started and submitted on the working days after."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from accounts.models import User
from demo.clock import Story, Workdays, at, steps_story
from demo.plan import COUNTY_CODE
from geo.codes import AreaLevel, prefix_of
from geo.models import AdminArea
from households.choices import HealthStatus
from households.idnumbers import build
from households.models import HouseholdMember
from sweeps.choices import ProblemStatus, RiskEventKind
from sweeps.models import CampaignPart, Problem, ScreeningBatch, SweepRun
from sweeps.services import (
    campaign_open,
    checklist_answer,
    problem_assign,
    problem_start,
    problem_submit,
    screening_batch_run,
    screening_upload,
    sweep_finish,
    sweep_run_chunk,
)
from sweeps.services.events import risk_event_record, risk_event_sweep
from sweeps.services.screening import period_of

ASSIGNED: Final = 24  # of which the first STARTED are being worked on and the first SUBMITTED wait for verification
STARTED: Final = 12
SUBMITTED: Final = 5


@dataclass(frozen=True)
class SweepResult:
    problems: int
    assigned: int
    submitted: int
    warnings: int


def sweep_stories(*, today: datetime.date, days: Workdays) -> list[tuple[str, Story]]:
    """The campaign opened a week ago and its sweep run inline (inside the demo loader's transaction); the township
    cadres assign problems the next working day, villages start and submit them on the days after, the demo village
    answers part of its checklist; the health department's list was uploaded a few days before."""
    opened = days.before(today, 5)
    return [
        ("risk event flood", _flood(_last_summer(today), days)),
        ("sweep campaign", _campaign(opened, days)),
        ("sweep screening", steps_story([(at(days.before(today, 8), 10, 30), _screening)])),
    ]


def _last_summer(today: datetime.date) -> datetime.date:
    """The day the flood began: 8 July of this year once summer is over, else of last year."""
    year = today.year if today >= datetime.date(today.year, 8, 1) else today.year - 1
    return datetime.date(year, 7, 8)


def _flood(starts_on: datetime.date, days: Workdays) -> Story:
    """A summer flood over the demo village and its neighbour (SPEC §4.12): the county records it two days after it
    began, which starts its sweep (run inline, as the campaign's) and lists the households it hit; the day after
    the visits fell due the county runs the sweep again, which lists those not yet visited (FC-LOSS-DISASTER-01)."""
    county = AdminArea.objects.get(code=COUNTY_CODE)
    reviewer = User.objects.get(username="county")
    home = User.objects.get(username="village").area
    assert home is not None
    assert home.parent is not None
    villages = list(AdminArea.objects.filter(parent=home.parent, level=AreaLevel.VILLAGE).order_by("code"))
    neighbour = next((village for village in villages if village != home), home)
    yield at(days.on_or_after(starts_on + datetime.timedelta(days=2)), 9, 30)
    event = risk_event_record(
        actor=reviewer,
        county=county,
        kind=RiskEventKind.FLOOD_DROUGHT,
        name=f"{starts_on.year}年夏季洪涝",
        areas=[home, neighbour],
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=3),
        estimated_loss=Decimal("1860000"),
        description="连续强降雨引发山洪，部分农房、日光温室和农田受损",
    )
    _run_inline(event.runs.get())
    yield at(days.on_or_after(event.visit_due_on + datetime.timedelta(days=1)), 9, 0)
    _run_inline(risk_event_sweep(event=event, actor=reviewer))


def _run_inline(run: SweepRun) -> None:
    """A run's chunks done here, inside the loader's transaction: the dispatch after commit finds them done."""
    for chunk in run.chunks.all():
        sweep_run_chunk(chunk=chunk)
    sweep_finish(run=run)


def _campaign(opened: datetime.date, days: Workdays) -> Story:
    """The county opens the campaign in the morning of ``opened``; its problems are worked on the days after."""
    county = AdminArea.objects.get(code=COUNTY_CODE)
    reviewer = User.objects.get(username="county")
    yield at(opened, 9, 0)
    campaign = campaign_open(
        actor=reviewer,
        county=county,
        kind="centralized",
        name=f"{opened.year}年四查四补集中全面排查",
        starts_on=opened,
        ends_on=opened + datetime.timedelta(days=30),
    )
    run = campaign.run
    assert run is not None
    _run_inline(run)
    cadres = {
        user.area.code: user
        for user in User.objects.filter(username__startswith="township").select_related("area")
        if user.area is not None
    }
    village_worker = User.objects.get(username="village")
    household_problems = Problem.objects.filter(household__isnull=False, status=ProblemStatus.OPEN).select_related(
        "area", "township"
    )
    chosen = list(household_problems.order_by("rule_id", "pk")[:ASSIGNED])

    def worker_of(problem: Problem) -> User:
        return village_worker if problem.area_id == village_worker.area_id else cadres[problem.township.code]

    yield at(days.after(opened, 1), 10, 0)
    for problem in chosen:
        cadre = cadres[problem.township.code]
        problem_assign(problem=problem, actor=cadre, unit=f"{problem.area.name}村民委员会", person=worker_of(problem))
    yield at(days.after(opened, 1), 15, 0)
    part = CampaignPart.objects.get(campaign=campaign, area=village_worker.area)
    for index, item in enumerate(part.items.order_by("rule_id")[:10]):
        answer = "no" if index == 3 else "yes"
        checklist_answer(
            item=item, actor=village_worker, answer=answer, note="部分村民小组未通硬化路" if index == 3 else ""
        )
    yield at(days.after(opened, 2), 9, 30)
    for problem in chosen[:STARTED]:
        problem_start(problem=problem, actor=worker_of(problem), comment="已入户核实，正在整改")
    yield at(days.after(opened, 3), 16, 0)
    for problem in chosen[:SUBMITTED]:
        problem_submit(
            problem=problem, actor=worker_of(problem), measures_taken="入户核实情况，已补录相关信息并落实政策"
        )


def sweep_result() -> SweepResult:
    """What the replay left: the problems found, assigned and submitted, and the warnings to verify."""
    batch = ScreeningBatch.objects.order_by("-pk").first()
    problems = Problem.objects.filter(area_code__startswith=prefix_of(COUNTY_CODE, AreaLevel.COUNTY))
    touched = problems.exclude(status=ProblemStatus.OPEN)
    return SweepResult(
        problems=problems.count(),
        assigned=touched.count(),
        submitted=touched.filter(status=ProblemStatus.SUBMITTED).count(),
        warnings=batch.warning_count if batch else 0,
    )


def _screening() -> None:
    """Last quarter's list of the health department: members with a serious illness, and two people the registry
    does not know (the county looks them up), uploaded and imported the same morning."""
    county = AdminArea.objects.get(code=COUNTY_CODE)
    today = timezone.localdate()
    ill = HouseholdMember.objects.filter(
        household__managing_area__code__startswith=county.prefix,
        member_status="present",
        health_status=HealthStatus.SERIOUS_ILLNESS,
    ).order_by("pk")[:25]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["身份证号", "姓名", "预警类型", "发生日期", "金额（元）", "详情"])
    for member in ill:
        sheet.append(
            [member.id_number, member.name, "确诊大病重病", today - datetime.timedelta(days=40), 8600, "县人民医院住院"]
        )
    for number in (1, 2):
        stranger = build("640324", datetime.date(1968, 4, number), 900 + number, male=True)
        sheet.append([stranger, "马某", "确诊大病重病", today - datetime.timedelta(days=35), 12000, "市医院确诊"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    screener = User.objects.get(username="screener")
    quarter = period_of(today.replace(day=1) - datetime.timedelta(days=80))
    batch = screening_upload(
        actor=screener, period=quarter, upload=SimpleUploadedFile("卫健筛查.xlsx", buffer.getvalue())
    )
    screening_batch_run(batch=batch)  # inline, as the sweep: the task sent after commit finds the list imported
