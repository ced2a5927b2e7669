"""A county of Ningxia codes with its three reviewers, and the steps that walk an entry application and an
elimination case through the roles SPEC §4.6 and §4.8 assign: shared by the monitoring, notification and sweep
tests."""

import datetime
from decimal import Decimal

from accounts.roles import Role
from geo.models import PolicyParameter
from households.choices import HouseholdFlagKind, LabourCapacity, VisitKind
from households.models import GuaranteeCheck, HouseholdFlag, IncomeRecord, Visit
from monitoring.choices import EntryState, SubjectCategory
from monitoring.models import EntryApplication, MonitoringSubject, PublicNotice
from monitoring.services import (
    elimination_assess,
    elimination_decide,
    elimination_notice_post,
    elimination_open,
    elimination_review,
    elimination_screen,
    elimination_township_meeting,
    elimination_township_notice_complete,
    elimination_verify,
    elimination_village_notice_complete,
    entry_notice_complete,
    entry_notice_post,
    entry_report,
    entry_review,
    entry_township_review,
    entry_verify,
    measure_add,
)
from tests.factories import HouseholdFactory, MemberFactory, UserFactory, VillageFactory

TODAY = datetime.date(2026, 11, 23)


def meeting(**votes):
    """A villager-representative meeting held today (the democratic review of EN-2 and EL-2), with ``votes``."""
    return {
        "held_on": TODAY,
        "body": "representatives",
        "participants_count": 15,
        "representatives_present": 12,
        "attendees": "马某 村民代表\n李某 村干部",
        **votes,
    }


class County:
    """Ningxia codes, so the seeded 6000-yuan line of 2021 applies (carried forward to 2026)."""

    def __init__(self) -> None:
        self.village = VillageFactory(
            code="640324100201",
            parent__code="640324100000",
            parent__parent__code="640324000000",
            parent__parent__parent__code="640300000000",
            parent__parent__parent__parent__code="640000000000",
        )
        self.township = self.village.parent
        self.county = self.township.parent
        self.village_worker = UserFactory(roles=[Role.VILLAGE_WORKER], area=self.village)
        self.township_cadre = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=self.township)
        self.county_reviewer = UserFactory(roles=[Role.COUNTY_REVIEWER], area=self.county)

    def household(self, *, per_capita: Decimal, size: int = 4, exited: bool = False):
        household = HouseholdFactory(managing_area=self.village)
        for _ in range(size - 1):
            MemberFactory(household=household)
        for year in (2025, 2026):
            IncomeRecord.objects.create(household=household, year=year, wage_income=per_capita * size)
        if exited:
            HouseholdFlag.objects.create(
                household=household, kind=HouseholdFlagKind.EXITED_POOR, valid_from=datetime.date(2019, 12, 31)
            )
        return household


# One trigger of each category (SPEC §4.2, Ningxia profile).
TRIGGER = {
    SubjectCategory.UNSTABLE_EXITED: "UE-1",
    SubjectCategory.MARGINAL_AT_RISK: "MA-1",
    SubjectCategory.SUDDEN_HARDSHIP: "SH-1",
}


def report_entry(county, household, category=SubjectCategory.MARGINAL_AT_RISK):
    return entry_report(
        actor=county.village_worker,
        household=household,
        channel="cadre_screening",
        proposed_category=category,
        risk_types=["illness"],
        triggers=[TRIGGER[category]],
        reason="户主患病住院，医疗支出大",
    )


def through_village(county, application, *, notice_start=TODAY - datetime.timedelta(days=6)):
    Visit.objects.create(
        household=application.household,
        visited_on=TODAY,
        kind=VisitKind.VERIFICATION,
        recorded_by=county.village_worker,
    )
    entry_verify(application=application, actor=county.village_worker)
    entry_review(application=application, actor=county.village_worker, **meeting(votes_for=14, votes_against=1))
    notice = entry_notice_post(
        application=application,
        actor=county.village_worker,
        places="村委会公示栏",
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=4),
    )
    type(notice).objects.filter(pk=notice.pk).update(
        starts_on=notice_start, ends_on=notice_start + datetime.timedelta(days=4)
    )
    return notice


def walk_to_county(county, household, category=SubjectCategory.MARGINAL_AT_RISK):
    application = report_entry(county, household, category)
    through_village(county, application)
    entry_notice_complete(application=application, actor=county.village_worker)
    entry_township_review(application=application, actor=county.township_cadre, comment="情况属实，同意上报")
    return application


DAY = datetime.timedelta(days=1)


def monitored_subject(
    county, *, per_capita=Decimal("7000"), labour=LabourCapacity.ORDINARY, outcome="医疗费用已报销，收入恢复"
):
    """A monitored household, now above the exit line, with one measure whose effect is recorded and a recent,
    all-OK guarantee check from an elimination visit."""
    household = county.household(per_capita=per_capita)
    household.members.update(labour_capacity=labour)
    application = EntryApplication.objects.create(
        household=household,
        channel="cadre_screening",
        proposed_category="marginal_at_risk",
        risk_types=["illness"],
        triggers=["MA-1"],
        reason="因病",
        reported_by=county.village_worker,
        reported_on=TODAY - 200 * DAY,
        state=EntryState.REGISTERED,
        category="marginal_at_risk",
    )
    subject = MonitoringSubject.objects.create(
        household=household,
        application=application,
        category="marginal_at_risk",
        risk_types=["illness"],
        triggers=["MA-1"],
        entered_on=TODAY - 190 * DAY,
    )
    if outcome is not None:
        measure = measure_with(county, subject)
        measure.outcome_note = outcome
        measure.save()
    return subject


def measure_with(county, subject, **change):
    data = {
        "measure_type": "health",
        "subtype": "medical_assistance",
        "timing": "remedial",
        "funding_source": "sector_policy",
        "responsible_department": "medical_security",
        "description": "申请医疗救助",
        "started_on": TODAY - 100 * DAY,
    }
    return measure_add(actor=county.village_worker, subject=subject, **{**data, **change})


def elimination_visit(county, household, kind=VisitKind.ELIMINATION, *, on=TODAY, **check):
    visit = Visit.objects.create(household=household, visited_on=on, kind=kind, recorded_by=county.village_worker)
    GuaranteeCheck.objects.create(
        household=household, visit=visit, checked_on=on, checked_by=county.village_worker, **check
    )
    return visit


def age_notice(notice: PublicNotice, days_ago: int = 6) -> None:
    """The notice ran in the past (its period is over today)."""
    start = TODAY - days_ago * DAY
    PublicNotice.objects.filter(pk=notice.pk).update(starts_on=start, ends_on=start + 4 * DAY)


def open_elimination(county, subject):
    case = elimination_open(subject=subject, actor=county.village_worker, proposal="收入稳定，两不愁三保障达标")
    elimination_visit(county, subject.household)
    return case


def village_steps(county, case):
    elimination_verify(case=case, actor=county.village_worker)
    elimination_review(case=case, actor=county.village_worker, **meeting(votes_for=15, votes_against=0))
    return elimination_notice_post(
        case=case, actor=county.village_worker, places="村委会公示栏", starts_on=TODAY, ends_on=TODAY + 4 * DAY
    )


def township_steps(county, case):
    elimination_assess(case=case, actor=county.township_cadre, comment="收入稳定，措施到位，建议消除")
    elimination_township_meeting(case=case, actor=county.township_cadre, meeting_on=TODAY, opinion="同意")
    return elimination_notice_post(
        case=case, actor=county.township_cadre, places="乡政府公示栏", starts_on=TODAY, ends_on=TODAY + 4 * DAY
    )


def to_county(county, subject, *, spot_check_pct=0):
    """EL-0 … EL-4, with both notices run to their end; drawn for the county's spot check at ``spot_check_pct``."""
    case = open_elimination(county, subject)
    age_notice(village_steps(county, case))
    elimination_village_notice_complete(case=case, actor=county.village_worker)
    age_notice(township_steps(county, case))
    set_spot_check_pct(spot_check_pct)
    elimination_township_notice_complete(case=case, actor=county.township_cadre)
    return case


def set_spot_check_pct(pct: int) -> None:
    PolicyParameter.objects.update_or_create(
        key="exit.spot_check_pct", area_code="640324000000", valid_from=TODAY, defaults={"value": pct}
    )


def county_decides(county, case):
    elimination_screen(case=case, actor=county.county_reviewer)
    elimination_decide(
        case=case,
        actor=county.county_reviewer,
        meeting_on=TODAY,
        decision_no="县乡振发〔2026〕12号",
        places="县政府网站",
        starts_on=TODAY,
        ends_on=TODAY + 4 * DAY,
    )
    age_notice(PublicNotice.objects.get(elimination=case, stage="elimination_county"))
