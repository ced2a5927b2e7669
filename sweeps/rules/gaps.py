"""查漏补缺 — the four omissions (SPEC §7.3, FC-GAP; 003 L254–L258): 漏统 missed registration, 漏项 missed guarantee
item, 漏扶 missed assistance, 漏管 missed management. Each ``find`` is one set-based query over a township."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from core.lookups import day_start
from funds.models import FundAllocation
from funds.selectors import LINKAGE_SOURCES
from households.choices import (
    DestituteMode,
    HouseholdFlagKind,
    VisitKind,
)
from households.facts import flag_in_force_q, has_flag_q, member_fact_q, visit_overdue_q
from households.models import HouseholdFlag, IncomeRecord
from households.models import Visit as HouseholdVisit
from monitoring.choices import EntryState, IdentificationChannel, MeasureStatus, MeasureType
from monitoring.facts import elimination_candidate_q, without_measures_q
from monitoring.models import AssistanceMeasure, EntryApplication, NegativeListHit
from projects.choices import AssetStatus, ProjectStatus
from projects.models import Project, ProjectAsset, ProjectBeneficiary
from sweeps.choices import FourChecksCategory, GapType, RuleMode, SubjectKind
from sweeps.rules.base import (
    Rule,
    Scope,
    exited_or_monitored,
    monitored,
    not_monitored,
    per_capita_below,
)

GAP = FourChecksCategory.GAP_FILLING
REG, ITEM, AID, MGMT = (
    GapType.MISSED_REGISTRATION,
    GapType.MISSED_ITEM,
    GapType.MISSED_ASSISTANCE,
    GapType.MISSED_MANAGEMENT,
)
OPEN_MEASURE = [MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS, MeasureStatus.ADJUSTED]
INCOME_EVIDENCE = ("net_income", "size", "per_capita")


def _decided_lately(scope: Scope) -> Q:
    """An entry decision in the last 12 months: rejected, or a negative-list item recorded (FC-GAP-MISSED-REG-01
    "no negative-list decision in 12 months")."""
    since = scope.years_ago(1)
    rejected = EntryApplication.objects.filter(
        household=OuterRef("household_id"), state=EntryState.REJECTED, updated_at__gte=day_start(since)
    )
    hit = NegativeListHit.objects.filter(
        application__household=OuterRef("household_id"), recorded_at__gte=day_start(since)
    )
    return Q(Exists(rejected)) | Q(Exists(hit))


def _screened_this_year(scope: Scope) -> Q:
    """SPEC §7.3 "screened": a verification visit or an entry decision in the current year."""
    first_day = datetime.date(scope.on.year, 1, 1)
    visit = HouseholdVisit.objects.filter(
        household=OuterRef("household_id"), kind=VisitKind.VERIFICATION, visited_on__gte=first_day
    )
    decided = EntryApplication.objects.filter(household=OuterRef("household_id")).filter(
        Q(decided_on__gte=first_day) | Q(state=EntryState.REJECTED, updated_at__gte=day_start(first_day))
    )
    return Q(Exists(visit)) | Q(Exists(decided))


# ----------------------------------------------------------------------------------------------------- 漏统 (REG)


def missed_below_line(scope: Scope) -> Q:
    """FC-GAP-MISSED-REG-01: per-capita income below the line, not monitored, no decision lately."""
    return Q(line_position="below") & not_monitored() & ~_decided_lately(scope)


def missed_serious_illness(scope: Scope) -> Q:
    """FC-GAP-MISSED-REG-02: a member with a serious illness, or a chronic disease with large self-paid costs;
    income under F × the line or rigid spending above last year's income; not monitored."""
    ill = Q(seriously_ill__gt=0) | Q(chronically_ill__gt=0, large_medical_oop=True)
    poor = per_capita_below(scope, scope.focus_factor) | Q(rigid_exceeds_income=True)
    return ill & poor & not_monitored()


def missed_disability(scope: Scope) -> Q:
    """FC-GAP-MISSED-REG-03: a member with a grade 1–2 disability, or a newly or multiply disabled household;
    income under F × the line; not monitored."""
    disabled = Q(severely_disabled__gt=0) | has_flag_q(
        HouseholdFlagKind.NEWLY_DISABLED, HouseholdFlagKind.MULTI_DISABLED
    )
    return disabled & per_capita_below(scope, scope.focus_factor) & not_monitored()


def missed_disabled_elderly(scope: Scope) -> Q:
    """FC-GAP-MISSED-REG-04: a member who has lost self-care (失能); income under F × the line; not monitored."""
    return Q(lost_self_care__gt=0) & per_capita_below(scope, scope.focus_factor) & not_monitored()


def missed_migrants(scope: Scope) -> Q:
    """FC-GAP-MISSED-REG-05: a policy migrant or self-migrant household; income under F × the line or a failed
    item on its latest guarantee check; not monitored."""
    migrant = has_flag_q(HouseholdFlagKind.POLICY_MIGRANT, HouseholdFlagKind.SELF_MIGRANT)
    poor = per_capita_below(scope, scope.focus_factor) | Q(latest_check_ok=False)
    return migrant & poor & not_monitored()


def missed_rigid_or_drop(scope: Scope) -> Q:
    """FC-GAP-MISSED-REG-06: rigid spending above last year's income or a sharp income drop; not monitored."""
    return (Q(rigid_exceeds_income=True) | Q(sharp_income_drop=True)) & not_monitored()


def missed_repeatedly_warned(scope: Scope) -> Q:
    """FC-GAP-MISSED-REG-07 (SPEC §6.7, 004 L199): warned by departments at least ``warning.repeat_threshold`` times
    in 12 months, not monitored."""
    from sweeps.models import ScreeningWarning

    warned = (
        ScreeningWarning.objects.filter(household=OuterRef("household_id"), issued_on__gt=scope.years_ago(1))
        .order_by()
        .values("household")
        .annotate(times=Sum("occurrences"))
        .filter(times__gte=scope.repeat_threshold)
    )
    return Q(Exists(warned)) & not_monitored()


def missed_new_assistance(scope: Scope) -> Q:
    """FC-GAP-MISSED-REG-08: 低保 or dispersed 特困 support begun this year; not screened this year."""
    first_day = datetime.date(scope.on.year, 1, 1)

    def begun(kind: str) -> Q:
        flags = HouseholdFlag.objects.filter(household=OuterRef("household_id"), kind=kind, valid_from__gte=first_day)
        return Q(Exists(flags.filter(flag_in_force_q(scope.on))))

    new_destitute = begun(HouseholdFlagKind.DESTITUTE_SUPPORT) & Q(household__destitute_mode=DestituteMode.DISPERSED)
    return (begun(HouseholdFlagKind.SUBSISTENCE_ALLOWANCE) | new_destitute) & ~_screened_this_year(scope)


def missed_special_identities(scope: Scope) -> Q:
    """FC-GAP-MISSED-REG-09: two or more special identities (脱贫户, 低保, 特困, 残疾户, 大病户, 004 L199);
    not screened this year."""
    return Q(special_identities__gte=2) & ~_screened_this_year(scope)


def missed_many_students(scope: Scope) -> Q:
    """FC-GAP-MISSED-REG-10: two or more members in higher vocational or undergraduate schooling (or the flag
    多子女上学); not monitored."""
    many = Q(college_students__gte=2) | has_flag_q(HouseholdFlagKind.MANY_CHILDREN_IN_SCHOOL)
    return many & not_monitored()


def missed_self_declaration(scope: Scope) -> Q:
    """FC-GAP-MISSED-REG-11: a self-declaration still without an entry decision after ``entry.total_target_days``."""
    late = scope.on - datetime.timedelta(days=scope.total_target_days)
    waiting = EntryApplication.objects.filter(
        household=OuterRef("household_id"),
        channel=IdentificationChannel.SELF_DECLARATION,
        state__in=[
            EntryState.REPORTED,
            EntryState.HOME_VERIFIED,
            EntryState.DEMOCRATICALLY_REVIEWED,
            EntryState.NOTICE_COMPLETED,
            EntryState.TOWNSHIP_REVIEWED,
        ],
        reported_on__lt=late,
    )
    return Q(entry_open=True) & Q(Exists(waiting))


# ------------------------------------------------------------------------------------------------------ 漏项 (ITEM)


def dropout(scope: Scope) -> Q:
    """FC-GAP-MISSED-ITEM-01: a member of compulsory-school age (``school.compulsory_age``) not in school and not
    taught at home or exempt for health reasons: the member fact ``school_age_out``."""
    return member_fact_q("school_age_out", scope.facts)


def uninsured_low_income(scope: Scope) -> Q:
    """FC-GAP-MISSED-ITEM-02: a member of an exited, monitored, 低保 or 特困 household without basic medical
    insurance."""
    kinds = (
        HouseholdFlagKind.EXITED_POOR,
        HouseholdFlagKind.SUBSISTENCE_ALLOWANCE,
        HouseholdFlagKind.DESTITUTE_SUPPORT,
    )
    low_income = has_flag_q(*kinds, path="household__facts__") | monitored("household__facts__")
    return member_fact_q("uninsured", scope.facts) & low_income


def medical_tiers_missing(scope: Scope) -> Q:
    """FC-GAP-MISSED-ITEM-03: a member of a 特困, 低保 or 返贫致贫 household without critical-illness insurance or
    without medical-assistance eligibility recorded (the three tiers of medical coverage)."""
    kinds = (
        HouseholdFlagKind.DESTITUTE_SUPPORT,
        HouseholdFlagKind.SUBSISTENCE_ALLOWANCE,
        HouseholdFlagKind.RETURNED_TO_POVERTY,
    )
    missing = Q(critical_illness_insurance=False) | Q(medical_assistance_eligible=False)
    return has_flag_q(*kinds, path="household__facts__") & missing


def _open_measure(measure_type: str) -> Q:
    return Q(
        Exists(
            AssistanceMeasure.objects.filter(
                subject__household=OuterRef("household_id"), measure_type=measure_type, status__in=OPEN_MEASURE
            )
        )
    )


def unsafe_house(scope: Scope) -> Q:
    """FC-GAP-MISSED-ITEM-04: a house graded not safe and no open housing measure (an ungraded house is a data
    problem, not this one)."""
    return Q(housing_ok=False) & ~Q(household__housing_safety="") & ~_open_measure(MeasureType.HOUSING)


def unsafe_water(scope: Scope) -> Q:
    """FC-GAP-MISSED-ITEM-05: the latest guarantee check found drinking water unsafe and no open water measure."""
    return Q(latest_water_ok=False) & ~_open_measure(MeasureType.DRINKING_WATER)


def guarantee_unchecked(scope: Scope) -> Q:
    """FC-GAP-MISSED-ITEM-06: an exited or monitored household with no guarantee check within
    ``guarantee.max_age_days``."""
    since = scope.on - datetime.timedelta(days=scope.guarantee_max_age_days)
    return exited_or_monitored() & (Q(latest_check_on__isnull=True) | Q(latest_check_on__lt=since))


# ------------------------------------------------------------------------------------------------------- 漏扶 (AID)


def without_measures(scope: Scope) -> Q:
    """FC-GAP-MISSED-AID-01: a subject without any measure ``measure.plan_due_days`` after entry (one definition
    with the home queue: ``monitoring.facts.without_measures``)."""
    return without_measures_q(on=scope.on)


def _has_measure() -> Q:
    return Q(Exists(AssistanceMeasure.objects.filter(subject=OuterRef("pk"))))


def exit_ready(scope: Scope) -> Q:
    """FC-GAP-MISSED-AID-02: a subject the home queue has suggested for risk elimination (exit preconditions 1–3 of
    SPEC §4.8: ``monitoring.facts.elimination_candidate_q``) for ``sweep.exit_ready_months`` without a case."""
    ready_since = scope.on - datetime.timedelta(days=30 * scope.exit_ready_months)
    return elimination_candidate_q() & Q(entered_on__lte=ready_since)


def measures_ended_while_at_risk(scope: Scope) -> Q:
    """FC-GAP-MISSED-AID-10 (SPEC §7.3, design): a subject still monitored whose measures have all ended
    (delivered or stopped) — the risk persists and nothing is running (应帮尽帮, 004 L199)."""
    running = AssistanceMeasure.objects.filter(subject=OuterRef("pk"), status__in=OPEN_MEASURE)
    return Q(status="monitored") & _has_measure() & ~Q(Exists(running))


def unpaired(scope: Scope) -> Q:
    """FC-GAP-MISSED-AID-08: a subject whose household has no paired assistance cadre (000 L83; the household fact
    ``paired_cadre``, SPEC §1.6)."""
    return Q(household__facts__paired_cadre__isnull=True)


def welfare_dependency(scope: Scope) -> Q:
    """FC-GAP-MISSED-AID-09 / NR-MEAS-02 (004 L205): a household with labour capacity whose only measures are
    social-security ones."""
    running = AssistanceMeasure.objects.filter(subject=OuterRef("pk")).exclude(status=MeasureStatus.STOPPED)
    return (
        Q(household__facts__can_work__gt=0)
        & Q(Exists(running.filter(measure_type=MeasureType.SOCIAL_SECURITY)))
        & ~Q(Exists(running.exclude(measure_type=MeasureType.SOCIAL_SECURITY)))
    )


def industry_without_linkage(scope: Scope) -> QuerySet[Project]:
    """FC-GAP-MISSED-AID-03 (003 L1488, NR-PRJ-03/04): an industry project of the township that received linkage
    funds and has no exited household among its beneficiaries."""
    funded = FundAllocation.objects.filter(project=OuterRef("pk"), batch__source__in=sorted(LINKAGE_SOURCES))
    exited = ProjectBeneficiary.objects.filter(project=OuterRef("pk")).filter(
        has_flag_q(HouseholdFlagKind.EXITED_POOR, path="household__facts__")
    )
    return (
        Project.objects.filter(area__code__startswith=scope.township.prefix, category__is_industry=True)
        .exclude(status__in=[ProjectStatus.REJECTED, ProjectStatus.WITHDRAWN, ProjectStatus.CANCELLED])
        .filter(Exists(funded))
        .exclude(Exists(exited))
        .annotate(project_code=F("code"), project_name=F("name"))
        .order_by()
    )


def idle_or_undistributed(scope: Scope) -> QuerySet[ProjectAsset]:
    """FC-GAP-MISSED-AID-06 (003 L130, L256; SPEC §10): an asset of the township that is idle, or operating with no
    income for 12 months, or with income not distributed within ``asset.distribution_due_days`` (180)."""
    from projects.selectors import asset_attention

    attention = asset_attention(scope.on, area_code=scope.township.code)
    return (
        ProjectAsset.objects.filter(area__code__startswith=scope.township.prefix)
        .exclude(status=AssetStatus.DISPOSED)
        .filter(attention["idle"] | attention["undistributed"])
        .annotate(asset_code=F("code"), asset_name=F("name"))
        .order_by()
    )


# ------------------------------------------------------------------------------------------------------ 漏管 (MGMT)


def self_migrant_unmanaged(scope: Scope) -> Q:
    """FC-GAP-MISSED-MGMT-01: a self-migrant or registration–residence split household, exited or monitored, with
    no co-managing area or no residence area (SPEC §1.5 dual management)."""
    split = Q(household__hukou_area__isnull=False) & ~Q(household__hukou_area=F("household__residence_area"))
    migrant = has_flag_q(HouseholdFlagKind.SELF_MIGRANT) | split
    unmanaged = Q(household__co_managing_area__isnull=True) | Q(household__residence_area__isnull=True)
    return migrant & unmanaged & exited_or_monitored()


def living_away_unrecorded(scope: Scope) -> Q:
    """FC-GAP-MISSED-MGMT-02: an exited or monitored household living outside its hukou county with no income
    record for last year and no guarantee check this year."""
    first_day = datetime.date(scope.on.year, 1, 1)
    incomes = IncomeRecord.objects.filter(household=OuterRef("household_id"), year__gte=scope.on.year - 1)
    same_county: Exact[Any] = Exact(
        Substr("household__hukou_area__code", 1, 6), Substr("household__residence_area__code", 1, 6)
    )
    away = Q(household__hukou_area__isnull=False, household__residence_area__isnull=False) & ~Q(same_county)
    unchecked = Q(latest_check_on__isnull=True) | Q(latest_check_on__lt=first_day)
    return away & exited_or_monitored() & ~Q(Exists(incomes)) & unchecked


def not_followed(scope: Scope) -> Q:
    """FC-GAP-MISSED-MGMT-04: a subject whose household's visit is overdue (the household fact ``visit_due_on``,
    by ``visit.interval_days``: monitored and held 30 days)."""
    return visit_overdue_q(scope.on, path="household__facts__")


RULES = (
    Rule("FC-GAP-MISSED-REG-01", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("收入低于监测标准但未纳入监测"),
         "SPEC §7.3; 003 L254", missed_below_line, REG, INCOME_EVIDENCE),
    Rule("FC-GAP-MISSED-REG-02", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("有大病重病或慢性病高额自付成员但未纳入监测"),
         "SPEC §7.3; 003 L254; 000 L187", missed_serious_illness, REG, (*INCOME_EVIDENCE, "rigid_total", "net_last_year")),
    Rule("FC-GAP-MISSED-REG-03", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("有重度残疾或新致残、一户多残成员但未纳入监测"),
         "SPEC §7.3; 004 L199", missed_disability, REG, INCOME_EVIDENCE),
    Rule("FC-GAP-MISSED-REG-04", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("有失能老人的低收入户未纳入监测"),
         "SPEC §7.3; 003 L254", missed_disabled_elderly, REG, INCOME_EVIDENCE),
    Rule("FC-GAP-MISSED-REG-05", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("生活困难的政策性移民、自主迁徙户未纳入监测"),
         "SPEC §7.3; 003 L254; 000 L189", missed_migrants, REG, INCOME_EVIDENCE),
    Rule("FC-GAP-MISSED-REG-06", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("刚性支出超过上年度收入或收入大幅缩减但未纳入监测"),
         "SPEC §7.3; 003 L218, L222", missed_rigid_or_drop, REG, ("net_current", "net_previous", "rigid_total", "net_last_year")),
    Rule("FC-GAP-MISSED-REG-07", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("多次被部门预警但未纳入监测"),
         "SPEC §7.3, §6.7; 004 L199", missed_repeatedly_warned, REG),
    Rule("FC-GAP-MISSED-REG-08", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("当年新增低保户、分散供养特困户未开展核查"),
         "SPEC §7.3; 004 L199", missed_new_assistance, REG),
    Rule("FC-GAP-MISSED-REG-09", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("具有两种以上特殊身份的农户未开展核查"),
         "SPEC §7.3; 004 L199", missed_special_identities, REG),
    Rule("FC-GAP-MISSED-REG-10", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("多子女接受非义务教育的农户未纳入监测"),
         "SPEC §7.3; 004 L199", missed_many_students, REG),
    Rule("FC-GAP-MISSED-REG-11", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("农户自主申报超过时限未作出认定"),
         "SPEC §7.3; 003 L230", missed_self_declaration, REG),
    Rule("FC-GAP-MISSED-ITEM-01", 1, GAP, SubjectKind.MEMBER, RuleMode.AUTO, _("义务教育阶段适龄儿童少年失学辍学"),
         "SPEC §7.3; 003 L256, L510", dropout, ITEM),
    Rule("FC-GAP-MISSED-ITEM-02", 1, GAP, SubjectKind.MEMBER, RuleMode.AUTO, _("脱贫、监测、低保、特困人口未参加基本医疗保险"),
         "SPEC §7.3; 003 L256", uninsured_low_income, ITEM),
    Rule("FC-GAP-MISSED-ITEM-03", 1, GAP, SubjectKind.MEMBER, RuleMode.AUTO, _("特困、低保、返贫致贫人口三重医疗保障未落实"),
         "SPEC §7.3; 003 L256", medical_tiers_missing, ITEM),
    Rule("FC-GAP-MISSED-ITEM-04", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("住房不安全且无住房保障措施"),
         "SPEC §7.3; 003 L256", unsafe_house, ITEM),
    Rule("FC-GAP-MISSED-ITEM-05", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("饮水不安全且无饮水保障措施"),
         "SPEC §7.3; 003 L256", unsafe_water, ITEM),
    Rule("FC-GAP-MISSED-ITEM-06", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("脱贫户、监测户超过一年未核查两不愁三保障"),
         "SPEC §7.3 (design)", guarantee_unchecked, ITEM),
    Rule("FC-GAP-MISSED-AID-01", 1, GAP, SubjectKind.SUBJECT, RuleMode.AUTO, _("纳入监测后超过规定天数未落实帮扶措施"),
         "SPEC §7.3, §4.14; 003 L256", without_measures, AID),
    Rule("FC-GAP-MISSED-AID-02", 1, GAP, SubjectKind.SUBJECT, RuleMode.AUTO, _("已达风险消除条件但未开展风险消除"),
         "SPEC §7.3, §4.8; 003 L256", exit_ready, AID),
    Rule("FC-GAP-MISSED-AID-03", 1, GAP, SubjectKind.PROJECT, RuleMode.AUTO, _("产业项目使用衔接资金但未与脱贫户建立利益联结"),
         "SPEC §7.3, §8.4; 003 L1488", industry_without_linkage, AID, ("project_code", "project_name")),
    Rule("FC-GAP-MISSED-AID-06", 1, GAP, SubjectKind.ASSET, RuleMode.AUTO, _("项目资产闲置或收益未及时分配"),
         "SPEC §7.3, §10; 003 L130", idle_or_undistributed, AID, ("asset_code", "asset_name", "status")),
    Rule("FC-GAP-MISSED-AID-08", 1, GAP, SubjectKind.SUBJECT, RuleMode.AUTO, _("监测对象未落实结对帮扶责任人"),
         "SPEC §7.3; 000 L83", unpaired, AID),
    Rule("FC-GAP-MISSED-AID-09", 1, GAP, SubjectKind.SUBJECT, RuleMode.AUTO, _("有劳动能力但仅落实兜底保障措施"),
         "SPEC §7.3, §5.5; 004 L205", welfare_dependency, AID),
    Rule("FC-GAP-MISSED-AID-10", 1, GAP, SubjectKind.SUBJECT, RuleMode.AUTO, _("帮扶措施均已结束但仍在监测、风险未消除"),
         "SPEC §7.3 (design); 004 L199", measures_ended_while_at_risk, AID),
    Rule("FC-GAP-MISSED-MGMT-01", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("自主迁徙、人户分离的脱贫户或监测户未落实双重管理"),
         "SPEC §7.3, §1.5; 003 L256, L412", self_migrant_unmanaged, MGMT),
    Rule("FC-GAP-MISSED-MGMT-02", 1, GAP, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("外出居住的脱贫户或监测户本年度无收入和三保障信息"),
         "SPEC §7.3; 003 L256–L258", living_away_unrecorded, MGMT),
    Rule("FC-GAP-MISSED-MGMT-04", 1, GAP, SubjectKind.SUBJECT, RuleMode.AUTO, _("监测对象超过走访周期未跟踪走访"),
         "SPEC §7.3, §4.13", not_followed, MGMT),
)  # fmt: skip
