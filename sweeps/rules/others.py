"""查损补失 (FC-LOSS), 查弱补强 (FC-WEAK) and 查短补齐 (FC-SHORT) of SPEC §7.3. Household rules are one query over a
township; village rules aggregate the township's households by village in one query. What needs people (SPEC marks
them manual, or the village data they read is not recorded in the system) is a checklist question of a campaign."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from geo.models import AdminArea
from households.choices import HouseholdFlagKind, HousingSafety, MigrantType
from households.facts import has_flag_q, has_open_risk_q
from sweeps.choices import FourChecksCategory, RuleMode, SubjectKind
from sweeps.rules.base import (
    Rule,
    Scope,
    count_where,
    exited_or_monitored,
    not_monitored,
    per_village,
    share_at_least,
)

LOSS, WEAK, SHORT = FourChecksCategory.LOSS_RECOVERY, FourChecksCategory.WEAKNESS, FourChecksCategory.SHORTFALL


# ------------------------------------------------------------------------------------------------- 查损补失 (LOSS)


def disaster_loss(scope: Scope) -> Q:
    """FC-LOSS-DISASTER-02: a disaster loss in the window or a disaster-damaged house; not monitored."""
    damaged = Q(disaster_loss__gt=0) | Q(household__housing_safety=HousingSafety.DISASTER_DAMAGED)
    return damaged & not_monitored()


def epidemic_loss(scope: Scope) -> Q:
    """FC-LOSS-EPIDEMIC-01: an epidemic expense in the window with a sharp income drop; not monitored."""
    return Q(epidemic_cost__gt=0, sharp_income_drop=True) & not_monitored()


def emergency_loss(scope: Scope) -> Q:
    """FC-LOSS-EMERGENCY-01: accident or major-change expenses above last year's income; not monitored."""
    return Q(net_last_year__isnull=False, emergency_cost__gt=F("net_last_year")) & not_monitored()


def market_swing(scope: Scope) -> QuerySet[AdminArea]:
    """FC-LOSS-MARKET-01: in a village, the share of business households whose net business income fell by at
    least ``income.sharp_drop_pct`` (the household fact ``business_loss``) reaches ``sweep.market_drop_share``."""
    villages = per_village(
        scope,
        scope.households(),
        business=count_where(Q(business_previous__gt=0, business_current__isnull=False)),
        fell=count_where(Q(business_loss=True)),
    )
    return villages.filter(share_at_least("fell", "business", scope.market_drop_share))


def scale_risk(scope: Scope) -> QuerySet[AdminArea]:
    """FC-LOSS-SCALE-01: in a village, the share of households that fell at risk in the last quarter — the earliest
    risk still open was found then (the household fact ``risk_open_since``) — reaches ``sweep.scale_risk_share``:
    review whether to open a large-scale risk event (SPEC §4.12)."""
    since = scope.on - datetime.timedelta(days=91)
    villages = per_village(
        scope,
        scope.households(),
        households=Count("pk"),
        risky=count_where(has_open_risk_q() & Q(risk_open_since__gte=since)),
    )
    return villages.filter(share_at_least("risky", "households", scope.scale_risk_share))


# ------------------------------------------------------------------------------------------------- 查弱补强 (WEAK)


def weak_income_growth(scope: Scope) -> Q:
    """FC-WEAK-INCOME-01: an exited or monitored household whose wage and net business income fell by at least
    ``income.sharp_drop_pct`` (the household fact ``work_income_drop``)."""
    return exited_or_monitored() & Q(work_income_drop=True)


def policy_dependence(scope: Scope) -> Q:
    """FC-WEAK-INCOME-03: last year's policy transfer income is at least ``sweep.policy_income_share`` of its net
    income."""
    return share_at_least("policy_last_year", "net_last_year", scope.policy_income_share)


def relocation_without_work(scope: Scope) -> Q:
    """FC-WEAK-RELOC-01 = NR-EMP-06 (SPEC §11.3; 003 L126): a relocated household with labour capacity and no
    stably employed member — by the year's employment records (``employment.facts``), the register where a person
    has none."""
    from employment.facts import EmploymentSettings, has_stable_worker_q

    settings = EmploymentSettings.of(scope.township.code, on=scope.on)
    no_stable_worker = ~has_stable_worker_q(settings, path="household__")
    return has_flag_q(HouseholdFlagKind.RELOCATED) & Q(can_work__gt=0) & no_stable_worker


def relocation_legacy(scope: Scope) -> Q:
    """FC-WEAK-RELOC-02 (semi): a relocated or migrant household whose land rights are unconfirmed, or with neither
    its hukou moved nor a residence permit (004 L308)."""
    moved = has_flag_q(HouseholdFlagKind.RELOCATED) | ~Q(household__migrant_type=MigrantType.NONE)
    legacy = Q(household__land_rights_confirmed=False) | Q(
        household__hukou_moved=False, household__has_residence_permit=False
    )
    return moved & legacy


def vulnerable_exited(scope: Scope) -> QuerySet[AdminArea]:
    """FC-WEAK-INCOME-02: in a village, old, weak, sick or disabled people (the member fact ``vulnerable``) are at
    least ``sweep.vulnerable_share`` of the exited-poverty population. One GROUP BY over the village's household
    facts: at a province's scale a membership test over every exited member did not finish."""
    exited = scope.households().filter(has_flag_q(HouseholdFlagKind.EXITED_POOR))
    villages = per_village(scope, exited, people=Sum("present"), vulnerable=Sum("vulnerable"))
    return villages.filter(share_at_least("vulnerable", "people", scope.vulnerable_share))


def _manual(rule_id: str, category: str, subject: str, title: StrOrPromise, basis: str) -> Rule:
    return Rule(rule_id, 1, category, subject, RuleMode.MANUAL, title, basis)  # type: ignore[arg-type]


V = SubjectKind.VILLAGE
RULES = (
    Rule("FC-LOSS-DISASTER-02", 1, LOSS, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("因灾受损（财产损失或住房受损）但未纳入监测"),
         "SPEC §7.3; 003 L252", disaster_loss, "", ("disaster_loss", "net_last_year")),
    Rule("FC-LOSS-EPIDEMIC-01", 1, LOSS, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("因疫支出且收入大幅缩减但未纳入监测"),
         "SPEC §7.3; 003 L252", epidemic_loss, "", ("epidemic_cost", "net_current", "net_previous")),
    Rule("FC-LOSS-EMERGENCY-01", 1, LOSS, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("意外事故、重大变故支出超过上年度收入但未纳入监测"),
         "SPEC §7.3; 003 L252", emergency_loss, "", ("emergency_cost", "net_last_year")),
    Rule("FC-LOSS-MARKET-01", 1, LOSS, V, RuleMode.AUTO, _("市场波动致本村较多农户经营收入大幅下降"),
         "SPEC §7.3; 003 L252", market_swing, "", ("business", "fell")),
    Rule("FC-LOSS-SCALE-01", 1, LOSS, V, RuleMode.AUTO, _("本村近一季度新发现风险农户比例较高，需研判规模性返贫风险"),
         "SPEC §7.3, §4.12; 003 L226", scale_risk, "", ("households", "risky")),
    Rule("FC-WEAK-INCOME-01", 1, WEAK, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("脱贫户、监测户工资性和经营性收入大幅下降"),
         "SPEC §7.3; 003 L264", weak_income_growth, "", ("work_current", "work_previous")),
    Rule("FC-WEAK-INCOME-02", 1, WEAK, V, RuleMode.AUTO, _("本村脱贫人口中老弱病残比例较高"),
         "SPEC §7.3; 003 L264", vulnerable_exited, "", ("people", "vulnerable")),
    Rule("FC-WEAK-INCOME-03", 1, WEAK, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("政策性收入占比过高，内生发展能力弱"),
         "SPEC §7.3; 003 L264", policy_dependence, "", ("policy_last_year", "net_last_year")),
    Rule("FC-WEAK-RELOC-01", 2, WEAK, SubjectKind.HOUSEHOLD, RuleMode.AUTO, _("易地搬迁户有劳动力但无稳定就业"),
         "SPEC §7.3; 003 L126; 002 L53", relocation_without_work),
    Rule("FC-WEAK-RELOC-02", 1, WEAK, SubjectKind.HOUSEHOLD, RuleMode.SEMI, _("搬迁、移民户确权、落户等遗留问题未解决"),
         "SPEC §7.3; 004 L308", relocation_legacy),
    # What needs people, or village data the system does not record yet: checklist questions of a campaign, each asked
# so that "否" is the problem a village records.
    _manual("FC-SHORT-INFRA-01", SHORT, V, _("较大人口规模自然村（组）是否通硬化路"), "SPEC §7.3; 003 L260"),
    _manual("FC-SHORT-INFRA-02", SHORT, V, _("产业配套基础设施是否满足需要"), "SPEC §7.3; 003 L260"),
    _manual("FC-SHORT-INFRA-03", SHORT, V, _("农村电网、移动网络是否覆盖"), "SPEC §7.3; 003 L260"),
    _manual("FC-SHORT-INFRA-04", SHORT, V, _("厕所、垃圾、污水等人居环境是否达标"), "SPEC §7.3; 003 L260"),
    _manual("FC-SHORT-SERVICE-01", SHORT, V, _("学校布局、师资和办学条件是否满足需要"), "SPEC §7.3; 003 L262"),
    _manual("FC-SHORT-SERVICE-02", SHORT, V, _("是否有标准化村卫生室和合格村医、常用药品"), "SPEC §7.3; 003 L540"),
    _manual("FC-SHORT-SERVICE-04", SHORT, V, _("养老、公租房等兜底服务设施是否满足需要"), "SPEC §7.3; 003 L836"),
    _manual("FC-SHORT-SERVICE-05", SHORT, V, _("是否有村级文化体育活动场所"), "SPEC §7.3; 003 L262"),
    _manual("FC-SHORT-GOV-01", SHORT, V, _("村党组织是否坚强有力（不存在软弱涣散）"), "SPEC §7.3; 003 L1152"),
    _manual("FC-SHORT-GOV-02", SHORT, V, _("村集体经济年收入是否达到规定标准"), "SPEC §7.3; 001 L348"),
    _manual("FC-SHORT-GOV-03", SHORT, V, _("驻村第一书记和工作队是否按要求选派、在岗"), "SPEC §7.3; 003 L1220, L1282"),
    _manual("FC-SHORT-GOV-04", SHORT, V, _("村级活动场所和便民服务是否完善"), "SPEC §7.3; 003 L262"),
    _manual("FC-SHORT-GOV-05", SHORT, V, _("网格化管理是否覆盖全部农户"), "SPEC §7.3; 003 L1174"),
    _manual("FC-GAP-MISSED-AID-04", FourChecksCategory.GAP_FILLING, V, _("消费帮扶是否以市场化方式为主（不过度依赖政府采购）"), "SPEC §7.3; 003 L256"),
    _manual("FC-GAP-MISSED-AID-07", FourChecksCategory.GAP_FILLING, V, _("东西部协作产业、就业帮扶是否精准到户"), "SPEC §7.3; 003 L256"),
    _manual("FC-WEAK-KEYAREA-01", WEAK, V, _("重点帮扶村的薄弱环节是否补齐"), "SPEC §7.3; 003 L264"),
    _manual("FC-WEAK-SELFDRIVE-01", WEAK, V, _("村风民俗是否文明（无高价彩礼、大操大办等陈规陋习）"), "SPEC §7.3; 003 L264, L450"),
)  # fmt: skip
