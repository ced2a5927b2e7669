"""Enumerations of monitoring (SPEC §4). Members are the SPEC values upper-cased; labels Chinese."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

# The risk types are a household fact (a RiskFlag's type, SPEC §4.3): their home is the registry; monitoring reads
# them from there for applications, subjects and the measure catalogue.
from households.choices import RiskType as RiskType


class SubjectCategory(models.TextChoices):
    """SPEC §4.1, the three categories (三类户)."""

    UNSTABLE_EXITED = "unstable_exited", _("脱贫不稳定户")
    MARGINAL_AT_RISK = "marginal_at_risk", _("边缘易致贫户")
    SUDDEN_HARDSHIP = "sudden_hardship", _("突发严重困难户")


class TriggerCondition(models.TextChoices):
    """SPEC §4.2 trigger conditions (界定条件). Codes are fixed; a region profile (setting
    ``monitoring.trigger_profile``) enables its set per category (``TRIGGER_SETS``)."""

    UE_1 = "UE-1", _("UE-1 因大病重病（以医疗机构确诊为准）")
    UE_2 = "UE-2", _("UE-2 因灾")
    UE_3 = "UE-3", _("UE-3 因突发事件（重大变故、疫情影响）")
    UE_4 = "UE-4", _("UE-4 家庭主要劳动力因残完全或部分丧失劳动力")
    UE_5 = "UE-5", _("UE-5 因经营亏损（产业失败）")
    MA_1 = "MA-1", _("MA-1 患大病重病或长期慢性病，合规自费开支较大")
    MA_2 = "MA-2", _("MA-2 供养 2 个及以上全日制高校在校生，常规开支较大")
    MA_3 = "MA-3", _("MA-3 遇重大灾害、突发事件（意外事故、疫情影响）")
    MA_4 = "MA-4", _("MA-4 家庭主要劳动力因残完全或部分丧失劳动力")
    SH_1 = "SH-1", _("SH-1 因病因灾因意外事故等刚性支出较大或收入大幅缩减，基本生活出现严重困难")
    UE_L1 = "UE-L1", _("UE-L1 内生动力不足、就业不稳增收乏力")
    UE_L2 = "UE-L2", _("UE-L2 因大病重病")
    UE_L3 = "UE-L3", _("UE-L3 因突发事件")
    UE_L4 = "UE-L4", _("UE-L4 因重大灾害")
    UE_L5 = "UE-L5", _("UE-L5 因经营亏损（产业失败）")
    UE_L6 = "UE-L6", _("UE-L6 家庭主要劳动力因残完全或部分丧失劳动力")
    MA_L1 = "MA-L1", _("MA-L1 大病重病或长期慢性病，合规自费开支较大")
    MA_L2 = "MA-L2", _("MA-L2 供养 2 个及以上全日制高校在校生，未享受助学政策或花费较大")
    MA_L3 = "MA-L3", _("MA-L3 重大灾害、突发事件引发刚性支出超过上年度收入和收入大幅缩减")
    MA_L4 = "MA-L4", _("MA-L4 家庭主要劳动力因残丧失劳动能力，就业或收入来源不稳定")
    MA_L5 = "MA-L5", _("MA-L5 出现负面清单个别现象但“两不愁三保障”实现程度不高")


_T, _C = TriggerCondition, SubjectCategory
# SPEC §4.2: the triggers each profile enables per category (Ningxia 003 L218–L224; Longde 002 L295–L299).
TRIGGER_SETS: dict[str, dict[str, tuple[TriggerCondition, ...]]] = {
    "ningxia": {
        _C.UNSTABLE_EXITED: (_T.UE_1, _T.UE_2, _T.UE_3, _T.UE_4, _T.UE_5),
        _C.MARGINAL_AT_RISK: (_T.MA_1, _T.MA_2, _T.MA_3, _T.MA_4),
        _C.SUDDEN_HARDSHIP: (_T.SH_1,),
    },
    "longde": {
        _C.UNSTABLE_EXITED: (_T.UE_L1, _T.UE_L2, _T.UE_L3, _T.UE_L4, _T.UE_L5, _T.UE_L6),
        _C.MARGINAL_AT_RISK: (_T.MA_L1, _T.MA_L2, _T.MA_L3, _T.MA_L4, _T.MA_L5),
        _C.SUDDEN_HARDSHIP: (_T.SH_1,),
    },
}
# NR-INC-06 / SPEC §15 C-08: Ningxia asks rigid spending above last year's income OR a sharp drop; Longde AND.
RIGID_TEST_REQUIRES_BOTH: dict[str, bool] = {"ningxia": False, "longde": True}


class IdentificationChannel(models.TextChoices):
    """SPEC §4.5."""

    SELF_DECLARATION = "self_declaration", _("农户自主申报")
    CADRE_SCREENING = "cadre_screening", _("基层干部排查")
    DEPARTMENT_WARNING = "department_warning", _("部门筛查预警")
    PETITION_WARNING = "petition_warning", _("舆情信访预警")
    PAIRING_WARNING = "pairing_warning", _("帮扶结对预警")
    LOOKBACK = "lookback", _("回头看")
    HISTORICAL = "historical", _("历史数据")


class EntryState(models.TextChoices):
    """SPEC §4.6, EN-0 … EN-6 and the terminal states. A state names the last step completed."""

    REPORTED = "reported", _("已申报，待入户核实")
    HOME_VERIFIED = "home_verified", _("已入户核实，待民主评议")
    DEMOCRATICALLY_REVIEWED = "democratically_reviewed", _("已民主评议，待公示")
    NOTICE_COMPLETED = "notice_completed", _("公示期满，待乡镇审核")
    TOWNSHIP_REVIEWED = "township_reviewed", _("乡镇已审核，待县级批准")
    APPROVED = "approved", _("县级已批准，待纳入监测")
    REGISTERED = "registered", _("已纳入监测")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")
    MERGED = "merged", _("已合并")


# The applicant may withdraw only while the village steps are under way; the service refuses later, and the case page
# offers the step only here.
APPLICANT_MAY_WITHDRAW = (EntryState.REPORTED, EntryState.HOME_VERIFIED, EntryState.DEMOCRATICALLY_REVIEWED)


OPEN_ENTRY_STATES = frozenset(
    {
        EntryState.REPORTED,
        EntryState.HOME_VERIFIED,
        EntryState.DEMOCRATICALLY_REVIEWED,
        EntryState.NOTICE_COMPLETED,
        EntryState.TOWNSHIP_REVIEWED,
        EntryState.APPROVED,
    }
)


class SubjectStatus(models.TextChoices):
    """SPEC §4.11."""

    MONITORED = "monitored", _("监测中")
    ELIMINATION_IN_PROGRESS = "elimination_in_progress", _("风险消除办理中")
    RISK_ELIMINATED = "risk_eliminated", _("风险已消除")
    ELIMINATION_HOLD = "elimination_hold", _("暂不标注风险消除")
    CLOSED_OTHER = "closed_other", _("其他原因退出")


OPEN_SUBJECT_STATUSES = frozenset(
    {
        SubjectStatus.MONITORED,
        SubjectStatus.ELIMINATION_IN_PROGRESS,
        SubjectStatus.ELIMINATION_HOLD,
    }
)


class ReviewBody(models.TextChoices):
    REPRESENTATIVES = "representatives", _("村民代表会议")
    REVIEW_GROUP = "review_group", _("民主评议小组")


class NegativeListItem(models.TextChoices):
    """SPEC §4.7 (003 L236): any of these → not included, unless a county reviewer overrides with a reason."""

    NL_1 = "NL-1", _("虚报家庭开支、隐瞒家庭资产财产、自费出国、高消费")
    NL_2 = "NL-2", _("单人户、老人户但其直系亲属家庭条件好")
    NL_3 = "NL-3", _("过度医疗治疗、超范围使用报销目录外营养类、进口类药物和材料")
    NL_4 = "NL-4", _("民主评议或公示中群众意见较大且当事人不能提供佐证")
    NL_5 = "NL-5", _("存在违法行为及其家属故意行为造成伤害")
    NL_6 = "NL-6", _("不按规定使用政策补贴")
    NL_7 = "NL-7", _("其它不符合国家法律规定和相关政策")


class NegativeListMode(models.TextChoices):
    """Setting ``entry.negative_list_mode`` (SPEC §4.7, §15 C-05)."""

    BLOCK = "block", _("命中即不得批准")
    OVERRIDE = "override", _("命中须县级说明理由后放行")
    WARN = "warn", _("仅提示")


class MeasureType(models.TextChoices):
    """SPEC §5.1."""

    INDUSTRY = "industry", _("产业帮扶")
    EMPLOYMENT = "employment", _("就业帮扶")
    PUBLIC_WELFARE_POST = "public_welfare_post", _("公益岗位帮扶")
    EDUCATION = "education", _("教育帮扶")
    HEALTH = "health", _("健康帮扶")
    HOUSING = "housing", _("住房安全保障")
    DRINKING_WATER = "drinking_water", _("饮水安全保障")
    SOCIAL_SECURITY = "social_security", _("综合保障")
    FINANCE = "finance", _("金融帮扶")
    CONSUMPTION = "consumption", _("消费帮扶")
    SOCIAL_INTEGRATION = "social_integration", _("社会融入")
    RELOCATION_FOLLOWUP = "relocation_followup", _("搬迁后扶")
    SOCIAL_SUPPORT = "social_support", _("社会帮扶")
    OTHER = "other", _("其他")


# SPEC §5.1 subtypes per type (design codes); a type without subtypes takes none.
MEASURE_SUBTYPES: dict[str, dict[str, StrOrPromise]] = {
    MeasureType.INDUSTRY: {
        "production_support": _("产业支持"),
        "reward_subsidy": _("以奖代补/生产经营奖补"),
        "livestock_feed_subsidy": _("饲草料补贴/见犊补母"),
        "benefit_linkage": _("利益联结"),
        "asset_income_share": _("资产收益帮扶"),
    },
    MeasureType.EMPLOYMENT: {
        "transfer_employment": _("外出务工"),
        "local_employment": _("就近就业"),
        "work_relief": _("以工代赈"),
        "workshop": _("帮扶车间"),
        "entrepreneurship": _("创业"),
        "skills_training": _("技能培训"),
        "transport_subsidy": _("交通补贴"),
        "job_retention_subsidy": _("稳岗补助"),
        "job_services": _("职业指导/岗位信息"),
    },
    MeasureType.PUBLIC_WELFARE_POST: {
        "rural_post": _("乡村公益性岗位"),
        "forest_ranger": _("生态护林员"),
        "other_post": _("其他岗位"),
    },
    MeasureType.EDUCATION: {
        "boarding_subsidy": _("寄宿生生活补助"),
        "preschool_aid": _("学前教育资助"),
        "two_exemptions_one_subsidy": _("两免一补"),
        "senior_high_aid": _("普通高中资助"),
        "vocational_tuition_waiver": _("中职免学费"),
        "national_grant": _("国家助学金"),
        "student_loan": _("助学贷款"),
        "nutrition": _("营养改善计划"),
        "rain_dew": _("雨露计划"),
        "new_undergraduate_aid": _("本科新生资助"),
        "home_teaching": _("送教上门"),
    },
    MeasureType.HEALTH: {
        "premium_subsidy": _("资助参保"),
        "critical_illness_tilt": _("大病保险倾斜"),
        "medical_assistance": _("医疗救助"),
        "family_doctor": _("家庭医生签约"),
        "special_treatment_37": _("大病专项救治"),
        "treat_first_pay_later": _("先诊疗后付费"),
    },
    MeasureType.HOUSING: {
        "dangerous_house_renovation": _("危房改造"),
        "seismic_renovation": _("抗震宜居改造"),
        "public_rental": _("公租房"),
    },
    MeasureType.DRINKING_WATER: {
        "supply_connection": _("供水入户"),
        "facility_repair": _("设施维修"),
        "cistern": _("水窖"),
    },
    MeasureType.SOCIAL_SECURITY: {
        "subsistence_allowance": _("低保"),
        "destitute_support": _("特困供养"),
        "temporary_assistance": _("临时救助"),
        "special_assistance": _("专项救助"),
        "pension_premium_paid": _("养老保险代缴"),
        "disability_two_subsidies": _("残疾人两项补贴"),
        "orphan_allowance": _("孤儿生活补助"),
        "elderly_allowance": _("高龄/失能老人补贴"),
        "care_service": _("访视照料"),
    },
    MeasureType.FINANCE: {
        "microcredit": _("小额信贷"),
        "interest_subsidy": _("贴息"),
        "guarantee_loan": _("创业担保贷款"),
        "anti_poverty_insurance": _("防贫保"),
        "industry_insurance": _("产业保险"),
    },
    MeasureType.CONSUMPTION: {
        "purchase": _("消费帮扶采购"),
    },
}


class MeasureTiming(models.TextChoices):
    """SPEC §5.2 (003 L242)."""

    PREVENTIVE = "preventive", _("预防性措施")
    REMEDIAL = "remedial", _("事后帮扶")


class MeasureFunding(models.TextChoices):
    """SPEC §5.3."""

    SECTOR_POLICY = "sector_policy", _("行业政策")
    LINKAGE_FUND = "linkage_fund", _("衔接资金")
    INTEGRATED_AGRI = "integrated_agri", _("整合涉农资金")
    OTHER_FISCAL = "other_fiscal", _("其他财政资金")
    EAST_WEST = "east_west", _("东西部协作")
    SOCIAL = "social", _("社会帮扶")
    BANK_CREDIT = "bank_credit", _("银行信贷")
    HOUSEHOLD_OWN = "household_own", _("农户自筹")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    IN_PROGRESS = "in_progress", _("实施中")
    DELIVERED = "delivered", _("已落实")
    ADJUSTED = "adjusted", _("已调整")
    STOPPED = "stopped", _("已停止")


class EliminationState(models.TextChoices):
    """SPEC §4.8, EL-0 … EL-7 (Ningxia six steps, 003 L238) and the endings. A state names the last step done."""

    OPENED = "opened", _("已发起，待村级入户核实")
    VILLAGE_VERIFIED = "village_verified", _("村级已入户核实，待村民代表评议公示")
    VILLAGE_REVIEWED_NOTICED = "village_reviewed_noticed", _("村级评议公示期满，待乡级综合研判")
    TOWNSHIP_ASSESSED = "township_assessed", _("乡级已研判，待乡镇会议审核公示")
    TOWNSHIP_REVIEWED_NOTICED = "township_reviewed_noticed", _("乡镇审核公示期满，待县级筛查抽验")
    COUNTY_SCREENED = "county_screened", _("县级已筛查抽验，待专题会议审定")
    COUNTY_DECIDED = "county_decided", _("县级已审定公告，待标注风险消除")
    MARKED = "marked", _("已标注风险消除")
    HELD = "held", _("无劳动能力，暂不标注风险消除")
    NOT_ELIMINATED = "not_eliminated", _("未消除，继续监测")


OPEN_ELIMINATION_STATES = frozenset(
    {
        EliminationState.OPENED,
        EliminationState.VILLAGE_VERIFIED,
        EliminationState.VILLAGE_REVIEWED_NOTICED,
        EliminationState.TOWNSHIP_ASSESSED,
        EliminationState.TOWNSHIP_REVIEWED_NOTICED,
        EliminationState.COUNTY_SCREENED,
        EliminationState.COUNTY_DECIDED,
    }
)


class NoticeStage(models.TextChoices):
    """Which step a public notice belongs to (SPEC §4.6 EN-3, §4.8 EL-2/EL-4/EL-6)."""

    ENTRY = "entry", _("纳入监测村级公示")
    ELIMINATION_VILLAGE = "elimination_village", _("风险消除村级公示")
    ELIMINATION_TOWNSHIP = "elimination_township", _("风险消除乡镇公示")
    ELIMINATION_COUNTY = "elimination_county", _("风险消除县级公告")


class HoldScope(models.TextChoices):
    """Setting ``exit.hold_scope`` (SPEC §4.9)."""

    WHOLE_HOUSEHOLD = "whole_household", _("整户无劳动力")
    MAIN_LABOURER = "main_labourer", _("主要劳动力无劳动能力")


class LookbackOutcome(models.TextChoices):
    """SPEC §4.10: the outcome of a look-back (回头看)."""

    STABLE = "stable", _("稳定")
    HELP_AGAIN = "help_again", _("回头帮：补充措施，保持风险消除")
    RETURN_TO_MONITORING = "return_to_monitoring", _("风险未稳定消除：重新纳入监测")
