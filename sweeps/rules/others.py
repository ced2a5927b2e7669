"""查损补失 (FC-LOSS), 查弱补强 (FC-WEAK) and 查短补齐 (FC-SHORT) of SPEC §7.3. Household rules are one query over a
township; village rules aggregate the township's households by village in one query. What needs people (SPEC marks
them manual, or the village data they read is not recorded in the system) is a checklist question of a campaign."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Value

from geo.models import AdminArea
from households.choices import (
    EmploymentStatus,
    HealthStatus,
    HouseholdFlagKind,
    HousingSafety,
    LabourCapacity,
    MemberStatus,
    MigrantType,
    RigidExpenseKind,
)
from households.models import Household, HouseholdMember
from sweeps.choices import FourChecksCategory, RuleMode, SubjectKind
from sweeps.rules.base import (
    MONEY,
    WORK_AND_BUSINESS,
    Rule,
    Scope,
    exited_or_monitored,
    has_flag,
    member_exists,
    not_monitored,
    rigid_in_window,
    sharp_drop,
    with_income,
    year_amount,
)

LOSS, WEAK, SHORT = FourChecksCategory.LOSS_RECOVERY, FourChecksCategory.WEAKNESS, FourChecksCategory.SHORTFALL
CAN_WORK = [LabourCapacity.SKILLED, LabourCapacity.ORDINARY, LabourCapacity.WEAK_OR_PARTIAL]
WORKING = [
    EmploymentStatus.EMPLOYED,
    EmploymentStatus.SELF_EMPLOYED,
    EmploymentStatus.FLEXIBLE,
    EmploymentStatus.PUBLIC_WELFARE_POST,
]
STABLE_MONTHS = 6  # "stably employed": working at least half of the year [design, SPEC §7.3 FC-WEAK-RELOC-01]


def _share_at_least(part: str, whole: str, pct: Decimal) -> Q:
    """``part`` / ``whole`` ≥ pct %, without division: part × 100 ≥ pct × whole (whole > 0)."""
    return Q(**{f"{whole}__gt": 0}) & Q(**{f"{part}__gte": F(whole) * Value(pct / 100, output_field=MONEY)})


# ------------------------------------------------------------------------------------------------- 查损补失 (LOSS)


def disaster_loss(scope: Scope) -> QuerySet[Household]:
    """FC-LOSS-DISASTER-02: a disaster loss in the window or a disaster-damaged house; not monitored."""
    losses = with_income(scope.households(), scope).annotate(
        disaster=rigid_in_window(scope, [RigidExpenseKind.DISASTER_LOSS])
    )
    return losses.filter(Q(disaster__gt=0) | Q(housing_safety=HousingSafety.DISASTER_DAMAGED)).filter(not_monitored())


def epidemic_loss(scope: Scope) -> QuerySet[Household]:
    """FC-LOSS-EPIDEMIC-01: an epidemic expense in the window with a sharp income drop; not monitored."""
    losses = with_income(scope.households(), scope).annotate(
        epidemic=rigid_in_window(scope, [RigidExpenseKind.EPIDEMIC])
    )
    return losses.filter(epidemic__gt=0).filter(sharp_drop(scope), not_monitored())


def emergency_loss(scope: Scope) -> QuerySet[Household]:
    """FC-LOSS-EMERGENCY-01: accident or major-change expenses above last year's income; not monitored."""
    losses = with_income(scope.households(), scope).annotate(
        emergency=rigid_in_window(scope, [RigidExpenseKind.ACCIDENT, RigidExpenseKind.MAJOR_CHANGE])
    )
    return losses.filter(net_last__isnull=False, emergency__gt=F("net_last")).filter(not_monitored())


def market_swing(scope: Scope) -> QuerySet[AdminArea]:
    """FC-LOSS-MARKET-01: in a village, the share of business households whose business income fell by at least
    ``income.sharp_drop_pct`` year on year reaches ``sweep.market_drop_share``."""
    business_last = year_amount(F("business_income") - F("business_expense"), scope.last_year)
    business_before = year_amount(F("business_income") - F("business_expense"), scope.last_year - 1)
    households = scope.households().annotate(b_last=business_last, b_before=business_before)
    business = households.filter(b_before__gt=0, b_last__isnull=False)
    fell = business.filter(sharp_drop(scope, "b_last", "b_before"))
    return (
        scope.villages()
        .annotate(
            business=Count("managed_households", filter=Q(managed_households__in=business.values("pk"))),
            fell=Count("managed_households", filter=Q(managed_households__in=fell.values("pk"))),
        )
        .filter(_share_at_least("fell", "business", scope.market_drop_share))
    )


def scale_risk(scope: Scope) -> QuerySet[AdminArea]:
    """FC-LOSS-SCALE-01: in a village, the share of households with a risk found in the last quarter reaches
    ``sweep.scale_risk_share``: review whether to open a large-scale risk event (SPEC §4.12)."""
    since = scope.on - datetime.timedelta(days=91)
    households = scope.households()
    risky = households.filter(risk_flagged_on__gte=since)
    return (
        scope.villages()
        .annotate(
            households=Count("managed_households", filter=Q(managed_households__in=households.values("pk"))),
            risky=Count("managed_households", filter=Q(managed_households__in=risky.values("pk"))),
        )
        .filter(_share_at_least("risky", "households", scope.scale_risk_share))
    )


# ------------------------------------------------------------------------------------------------- 查弱补强 (WEAK)


def weak_income_growth(scope: Scope) -> QuerySet[Household]:
    """FC-WEAK-INCOME-01: an exited or monitored household whose wage and net business income fell by at least
    ``income.sharp_drop_pct`` year on year."""
    households = scope.households().annotate(
        w_last=year_amount(WORK_AND_BUSINESS, scope.last_year),
        w_before=year_amount(WORK_AND_BUSINESS, scope.last_year - 1),
    )
    return households.filter(exited_or_monitored(scope)).filter(sharp_drop(scope, "w_last", "w_before"))


def policy_dependence(scope: Scope) -> QuerySet[Household]:
    """FC-WEAK-INCOME-03: policy transfer income is at least ``sweep.policy_income_share`` of net income."""
    households = with_income(scope.households(), scope).annotate(
        policy=year_amount(F("policy_transfer_income"), scope.last_year)
    )
    return households.filter(_share_at_least("policy", "net_last", scope.policy_income_share))


def relocation_without_work(scope: Scope) -> QuerySet[Household]:
    """FC-WEAK-RELOC-01: a relocated household with labour capacity and no stably employed member (003 L126)."""
    stable = member_exists(employment_status__in=WORKING, employment_months_this_year__gte=STABLE_MONTHS)
    return (
        scope.households()
        .filter(has_flag([HouseholdFlagKind.RELOCATED], scope))
        .filter(member_exists(labour_capacity__in=CAN_WORK))
        .exclude(stable)
    )


def relocation_legacy(scope: Scope) -> QuerySet[Household]:
    """FC-WEAK-RELOC-02 (semi): a relocated or migrant household whose land rights are unconfirmed, or with neither
    its hukou moved nor a residence permit (004 L308)."""
    moved = Q(has_flag([HouseholdFlagKind.RELOCATED], scope)) | ~Q(migrant_type=MigrantType.NONE)
    legacy = Q(land_rights_confirmed=False) | Q(hukou_moved=False, has_residence_permit=False)
    return scope.households().filter(moved).filter(legacy)


def vulnerable_exited(scope: Scope) -> QuerySet[AdminArea]:
    """FC-WEAK-INCOME-02: in a village, old, weak, sick or disabled people are at least ``sweep.vulnerable_share``
    of the exited-poverty population."""
    exited = HouseholdMember.objects.filter(
        household__in=scope.households().filter(has_flag([HouseholdFlagKind.EXITED_POOR], scope)),
        member_status=MemberStatus.PRESENT,
    )
    oldest_birth = scope.years_ago(scope.elderly_age)
    vulnerable = exited.filter(
        Q(birth_date__lte=oldest_birth)
        | Q(labour_capacity__in=[LabourCapacity.WEAK_OR_PARTIAL, LabourCapacity.LOST])
        | ~Q(health_status=HealthStatus.HEALTHY)
        | ~Q(disability_category="")
    )
    return (
        scope.villages()
        .annotate(
            people=Count("managed_households__members", filter=Q(managed_households__members__in=exited.values("pk"))),
            vulnerable=Count(
                "managed_households__members", filter=Q(managed_households__members__in=vulnerable.values("pk"))
            ),
        )
        .filter(_share_at_least("vulnerable", "people", scope.vulnerable_share))
    )


def _manual(rule_id: str, category: str, subject: str, title: str, basis: str) -> Rule:
    return Rule(rule_id, 1, category, subject, RuleMode.MANUAL, title, basis)  # type: ignore[arg-type]


V = SubjectKind.VILLAGE
RULES = (
    Rule("FC-LOSS-DISASTER-02", 1, LOSS, SubjectKind.HOUSEHOLD, RuleMode.AUTO, "因灾受损（财产损失或住房受损）但未纳入监测",
         "SPEC §7.3; 003 L252", disaster_loss, "", ("disaster", "net_last")),
    Rule("FC-LOSS-EPIDEMIC-01", 1, LOSS, SubjectKind.HOUSEHOLD, RuleMode.AUTO, "因疫支出且收入大幅缩减但未纳入监测",
         "SPEC §7.3; 003 L252", epidemic_loss, "", ("epidemic", "net_last", "net_before")),
    Rule("FC-LOSS-EMERGENCY-01", 1, LOSS, SubjectKind.HOUSEHOLD, RuleMode.AUTO, "意外事故、重大变故支出超过上年度收入但未纳入监测",
         "SPEC §7.3; 003 L252", emergency_loss, "", ("emergency", "net_last")),
    Rule("FC-LOSS-MARKET-01", 1, LOSS, V, RuleMode.AUTO, "市场波动致本村较多农户经营收入大幅下降",
         "SPEC §7.3; 003 L252", market_swing, "", ("business", "fell")),
    Rule("FC-LOSS-SCALE-01", 1, LOSS, V, RuleMode.AUTO, "本村近一季度新发现风险农户比例较高，需研判规模性返贫风险",
         "SPEC §7.3, §4.12; 003 L226", scale_risk, "", ("households", "risky")),
    Rule("FC-WEAK-INCOME-01", 1, WEAK, SubjectKind.HOUSEHOLD, RuleMode.AUTO, "脱贫户、监测户工资性和经营性收入大幅下降",
         "SPEC §7.3; 003 L264", weak_income_growth, "", ("w_last", "w_before")),
    Rule("FC-WEAK-INCOME-02", 1, WEAK, V, RuleMode.AUTO, "本村脱贫人口中老弱病残比例较高",
         "SPEC §7.3; 003 L264", vulnerable_exited, "", ("people", "vulnerable")),
    Rule("FC-WEAK-INCOME-03", 1, WEAK, SubjectKind.HOUSEHOLD, RuleMode.AUTO, "政策性收入占比过高，内生发展能力弱",
         "SPEC §7.3; 003 L264", policy_dependence, "", ("policy", "net_last")),
    Rule("FC-WEAK-RELOC-01", 1, WEAK, SubjectKind.HOUSEHOLD, RuleMode.AUTO, "易地搬迁户有劳动力但无稳定就业",
         "SPEC §7.3; 003 L126; 002 L53", relocation_without_work),
    Rule("FC-WEAK-RELOC-02", 1, WEAK, SubjectKind.HOUSEHOLD, RuleMode.SEMI, "搬迁、移民户确权、落户等遗留问题未解决",
         "SPEC §7.3; 004 L308", relocation_legacy),
    # What needs people, or village data the system does not record yet: checklist questions of a campaign, each asked
# so that "否" is the problem a village records.
    _manual("FC-SHORT-INFRA-01", SHORT, V, "较大人口规模自然村（组）是否通硬化路", "SPEC §7.3; 003 L260"),
    _manual("FC-SHORT-INFRA-02", SHORT, V, "产业配套基础设施是否满足需要", "SPEC §7.3; 003 L260"),
    _manual("FC-SHORT-INFRA-03", SHORT, V, "农村电网、移动网络是否覆盖", "SPEC §7.3; 003 L260"),
    _manual("FC-SHORT-INFRA-04", SHORT, V, "厕所、垃圾、污水等人居环境是否达标", "SPEC §7.3; 003 L260"),
    _manual("FC-SHORT-SERVICE-01", SHORT, V, "学校布局、师资和办学条件是否满足需要", "SPEC §7.3; 003 L262"),
    _manual("FC-SHORT-SERVICE-02", SHORT, V, "是否有标准化村卫生室和合格村医、常用药品", "SPEC §7.3; 003 L540"),
    _manual("FC-SHORT-SERVICE-04", SHORT, V, "养老、公租房等兜底服务设施是否满足需要", "SPEC §7.3; 003 L836"),
    _manual("FC-SHORT-SERVICE-05", SHORT, V, "是否有村级文化体育活动场所", "SPEC §7.3; 003 L262"),
    _manual("FC-SHORT-GOV-01", SHORT, V, "村党组织是否坚强有力（不存在软弱涣散）", "SPEC §7.3; 003 L1152"),
    _manual("FC-SHORT-GOV-02", SHORT, V, "村集体经济年收入是否达到规定标准", "SPEC §7.3; 001 L348"),
    _manual("FC-SHORT-GOV-03", SHORT, V, "驻村第一书记和工作队是否按要求选派、在岗", "SPEC §7.3; 003 L1220, L1282"),
    _manual("FC-SHORT-GOV-04", SHORT, V, "村级活动场所和便民服务是否完善", "SPEC §7.3; 003 L262"),
    _manual("FC-SHORT-GOV-05", SHORT, V, "网格化管理是否覆盖全部农户", "SPEC §7.3; 003 L1174"),
    _manual("FC-GAP-MISSED-AID-04", FourChecksCategory.GAP_FILLING, V, "消费帮扶是否以市场化方式为主（不过度依赖政府采购）", "SPEC §7.3; 003 L256"),
    _manual("FC-GAP-MISSED-AID-07", FourChecksCategory.GAP_FILLING, V, "东西部协作产业、就业帮扶是否精准到户", "SPEC §7.3; 003 L256"),
    _manual("FC-WEAK-KEYAREA-01", WEAK, V, "重点帮扶村的薄弱环节是否补齐", "SPEC §7.3; 003 L264"),
    _manual("FC-WEAK-SELFDRIVE-01", WEAK, V, "村风民俗是否文明（无高价彩礼、大操大办等陈规陋习）", "SPEC §7.3; 003 L264, L450"),
)  # fmt: skip
