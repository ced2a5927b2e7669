"""A township for the four-checks tests: households, members, cases and projects built to trip or pass each rule, and
the rule's hits read the way the sweep reads them (SPEC §7)."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from households.facts import facts_refresh_area
from households.models import GuaranteeCheck, HouseholdFlag, IncomeRecord, RigidExpense, Visit
from monitoring.models import AssistanceMeasure, EntryApplication, MonitoringSubject
from sweeps.rules import BY_ID, Scope
from sweeps.services import (
    rule_hits,
)
from tests.factories import HouseholdFactory, MemberFactory
from tests.worlds.monitoring import TODAY, County

DAY = datetime.timedelta(days=1)
LAST, BEFORE = TODAY.year - 1, TODAY.year - 2  # 2025 and 2024: the calendar years the sweep reads


class World(County):
    """The Ningxia county of the monitoring tests (line 6000), with builders for the sweep's subjects."""

    def income(self, household, year, **amounts):
        return IncomeRecord.objects.create(household=household, year=year, **amounts)

    def family(self, *, per_capita=Decimal("5000"), size=4, before=None, **fields):
        """A household with last year's income (and the year before's when given), head included."""
        household = HouseholdFactory(managing_area=self.village, **fields)
        for _ in range(size - 1):
            MemberFactory(household=household)
        self.income(household, LAST, wage_income=per_capita * size)
        if before is not None:
            self.income(household, BEFORE, wage_income=before * size)
        return household

    def flag(self, household, kind, since=datetime.date(2019, 12, 31)):
        HouseholdFlag.objects.create(household=household, kind=kind, valid_from=since)

    def subject(self, household, *, entered_on=TODAY - 100 * DAY, **fields):
        application = EntryApplication.objects.create(
            household=household,
            channel="cadre_screening",
            proposed_category="marginal_at_risk",
            risk_types=["illness"],
            triggers=["MA-1"],
            reason="因病",
            reported_by=self.village_worker,
            reported_on=entered_on - 10 * DAY,
            state="registered",
            category="marginal_at_risk",
        )
        return MonitoringSubject.objects.create(
            household=household,
            application=application,
            category="marginal_at_risk",
            risk_types=fields.pop("risk_types", ["illness"]),
            triggers=["MA-1"],
            entered_on=entered_on,
            **fields,
        )

    def measure(self, subject, measure_type="health", subtype="medical_assistance", status="in_progress"):
        return AssistanceMeasure.objects.create(
            subject=subject,
            measure_type=measure_type,
            subtype=subtype,
            timing="remedial",
            funding_source="sector_policy",
            responsible_department="medical_security",
            description="措施",
            started_on=subject.entered_on + DAY,
            status=status,
            recorded_by=self.village_worker,
        )

    def check(self, household, on=TODAY, **items):
        visit = Visit.objects.create(household=household, visited_on=on, recorded_by=self.village_worker)
        return GuaranteeCheck.objects.create(
            household=household, visit=visit, checked_on=on, checked_by=self.village_worker, **items
        )

    def bill(self, household, kind, gross, on=TODAY - 60 * DAY, reimbursed=0):
        RigidExpense.objects.create(
            household=household, incurred_on=on, kind=kind, gross_amount=gross, reimbursed_amount=reimbursed
        )


def hits(world, rule_id, on=TODAY):
    """The rule's hits over the township, its household facts refreshed first as the sweep does."""
    facts_refresh_area(world.township, on=on)
    return set(rule_hits(BY_ID[rule_id], Scope.of(world.township, on=on)))


def key(obj):
    kinds = {
        "Household": "household", "HouseholdMember": "member", "MonitoringSubject": "subject", "Project": "project",
        "ProjectAsset": "asset",
    }  # fmt: skip
    kind = kinds.get(type(obj).__name__, "village")
    return f"{kind}:{obj.pk}"


def assert_rule(world, rule_id, trips, passes, on=TODAY):
    found = hits(world, rule_id, on)
    for obj in trips:
        assert key(obj) in found, f"{rule_id} should find {key(obj)}"
    for obj in passes:
        assert key(obj) not in found, f"{rule_id} should not find {key(obj)}"


HEADER = ["身份证号", "姓名", "区划代码", "预警类型", "发生日期", "金额（元）", "详情", "部门编号"]


def xlsx(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("卫健筛查.xlsx", buffer.getvalue())
