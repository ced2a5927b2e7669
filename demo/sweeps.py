"""The demo county's centralized four-checks campaign (SPEC §7.4) and its rectification under way (§7.5), and a
health department's quarterly screening list (§6): the real services run the rules over every township, township
cadres assign some problems, villages work on them and submit, the demo village answers part of its checklist, and
the warnings wait for the villages to verify — so every queue and status has something."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Final

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from accounts.models import User
from demo.plan import COUNTY_CODE
from geo.models import AdminArea
from households.choices import HealthStatus
from households.idnumbers import build
from households.models import HouseholdMember
from sweeps.choices import ProblemStatus
from sweeps.models import CampaignPart, Problem
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


def demo_sweep_load() -> SweepResult:
    """Open the campaign, run its sweep inline (inside the demo loader's transaction), move some problems along,
    answer part of the demo village's checklist and upload a screening list."""
    county = AdminArea.objects.get(code=COUNTY_CODE)
    reviewer = User.objects.get(username="county")
    today = timezone.localdate()
    campaign = campaign_open(
        actor=reviewer,
        county=county,
        kind="centralized",
        name=f"{today.year}年四查四补集中全面排查",
        starts_on=today - datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=23),
    )
    run = campaign.run
    assert run is not None
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
    part = CampaignPart.objects.get(campaign=campaign, area=village_worker.area)
    for index, item in enumerate(part.items.order_by("rule_id")[:10]):
        answer = "no" if index == 3 else "yes"
        checklist_answer(
            item=item, actor=village_worker, answer=answer, note="部分村民小组未通硬化路" if index == 3 else ""
        )
    warnings = _screening(county, today)
    return SweepResult(problems=Problem.objects.count(), assigned=assigned, submitted=submitted, warnings=warnings)


def _screening(county: AdminArea, today: datetime.date) -> int:
    """Last quarter's list of the health department: members with a serious illness, and two people the registry
    does not know (the county looks them up)."""
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
    batch.refresh_from_db()
    return batch.warning_count
