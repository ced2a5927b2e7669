"""Closed enumerations of the registry (SPEC §2.3, §2.4). Members are the SPEC values upper-cased; labels Chinese."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Relationship(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("之子")
    DAUGHTER = "daughter", _("之女")
    SON_IN_LAW = "son_in_law", _("之女婿")
    DAUGHTER_IN_LAW = "daughter_in_law", _("之儿媳")
    GRANDSON = "grandson", _("之孙子")
    GRANDDAUGHTER = "granddaughter", _("之孙女")
    GRANDCHILD_VIA_DAUGHTER = "grandchild_via_daughter", _("之外孙子女")
    FATHER = "father", _("之父")
    MOTHER = "mother", _("之母")
    PARENT_IN_LAW = "parent_in_law", _("之岳父母/公婆")
    GRANDPARENT = "grandparent", _("之祖父母")
    SIBLING = "sibling", _("之兄弟姐妹")
    OTHER = "other", _("其他")


class MemberStatus(models.TextChoices):
    PRESENT = "present", _("在户")
    MOVED_OUT = "moved_out", _("迁出/分户")
    MARRIED_OUT = "married_out", _("嫁出")
    DECEASED = "deceased", _("死亡")
    ENLISTED = "enlisted", _("服兵役")
    IMPRISONED = "imprisoned", _("服刑")


class EducationLevel(models.TextChoices):
    ILLITERATE = "illiterate", _("文盲或半文盲")
    PRIMARY = "primary", _("小学")
    JUNIOR_SECONDARY = "junior_secondary", _("初中")
    SENIOR_SECONDARY = "senior_secondary", _("高中")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中专/中职")
    COLLEGE_PLUS = "college_plus", _("大专及以上")


class SchoolingStatus(models.TextChoices):
    NOT_SCHOOL_AGE = "not_school_age", _("未到学龄")
    PRESCHOOL = "preschool", _("学前教育")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("普通高中")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中职")
    HIGHER_VOCATIONAL = "higher_vocational", _("高职/大专")
    UNDERGRADUATE_PLUS = "undergraduate_plus", _("本科及以上")
    HOME_TEACHING = "home_teaching", _("送教上门")
    SPECIAL_SCHOOL = "special_school", _("特教学校")
    DROPOUT = "dropout", _("失学辍学")
    EXEMPT_PHYSICAL = "exempt_physical", _("因身体原因不具备学习条件")
    LEFT_SCHOOL = "left_school", _("已离校")


# In school, or lawfully taught otherwise: a compulsory-age child in none of these is an education risk (SPEC §2.5).
IN_SCHOOL = frozenset(
    {
        SchoolingStatus.PRESCHOOL,
        SchoolingStatus.PRIMARY,
        SchoolingStatus.JUNIOR,
        SchoolingStatus.SENIOR,
        SchoolingStatus.SECONDARY_VOCATIONAL,
        SchoolingStatus.HIGHER_VOCATIONAL,
        SchoolingStatus.UNDERGRADUATE_PLUS,
        SchoolingStatus.HOME_TEACHING,
        SchoolingStatus.SPECIAL_SCHOOL,
        SchoolingStatus.EXEMPT_PHYSICAL,
    }
)


class HealthStatus(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC_DISEASE = "chronic_disease", _("长期慢性病")
    SERIOUS_ILLNESS = "serious_illness", _("大病重病")
    DISABLED = "disabled", _("残疾")


class ChronicCondition(models.TextChoices):
    HYPERTENSION = "hypertension", _("高血压")
    DIABETES = "diabetes", _("糖尿病")
    TUBERCULOSIS = "tuberculosis", _("结核病")
    SEVERE_MENTAL_DISORDER = "severe_mental_disorder", _("严重精神障碍")
    OTHER = "other", _("其他")


class DisabilityCategory(models.TextChoices):
    VISUAL = "visual", _("视力")
    HEARING = "hearing", _("听力")
    SPEECH = "speech", _("言语")
    PHYSICAL = "physical", _("肢体")
    INTELLECTUAL = "intellectual", _("智力")
    MENTAL = "mental", _("精神")
    MULTIPLE = "multiple", _("多重")


class SelfCare(models.TextChoices):
    INDEPENDENT = "independent", _("能自理")
    PARTLY_DISABLED = "partly_disabled", _("半失能/部分失能")
    DISABLED = "disabled", _("失能")


class LabourCapacity(models.TextChoices):
    SKILLED = "skilled", _("技能劳动力")
    ORDINARY = "ordinary", _("普通劳动力")
    WEAK_OR_PARTIAL = "weak_or_partial", _("弱劳动力/部分丧失劳动能力")
    LOST = "lost", _("完全丧失劳动能力")
    NONE_AGE = "none_age", _("无劳动力")


class EmploymentStatus(models.TextChoices):
    NOT_WORKING = "not_working", _("未就业")
    EMPLOYED = "employed", _("务工")
    SELF_EMPLOYED = "self_employed", _("自主创业/经营")
    FLEXIBLE = "flexible", _("灵活就业")
    PUBLIC_WELFARE_POST = "public_welfare_post", _("公益岗位")
    FARMING = "farming", _("务农")
    STUDENT = "student", _("在校学生")
    RETIRED_ELDERLY = "retired_elderly", _("老年/退休")


class EmploymentPlace(models.TextChoices):
    IN_TOWNSHIP = "in_township", _("乡镇内")
    IN_COUNTY = "in_county", _("县内乡镇外")
    CROSS_COUNTY_IN_PROVINCE = "cross_county_in_province", _("区内跨县（市）")
    CROSS_PROVINCE = "cross_province", _("跨省（区）")


class PremiumSubsidy(models.TextChoices):
    FULL = "full", _("全额资助")
    FIXED_AMOUNT = "fixed_amount", _("定额资助")
    RATIO = "ratio", _("按比例资助")
    TRANSITIONAL = "transitional", _("逐步调整")
    NONE = "none", _("不资助")


class ChildStatus(models.TextChoices):
    NONE = "none", _("无")
    ORPHAN_INSTITUTIONAL = "orphan_institutional", _("机构内孤弃儿童")
    ORPHAN_SCATTERED = "orphan_scattered", _("社会散居孤儿")
    DE_FACTO_UNSUPPORTED = "de_facto_unsupported", _("事实无人抚养儿童")
    DISTRESSED = "distressed", _("困境儿童")


class DestituteMode(models.TextChoices):
    DISPERSED = "dispersed", _("分散供养")
    CENTRALIZED = "centralized", _("集中供养")


class RelocationBatch(models.TextChoices):
    FYP11 = "fyp11", _("十一五")
    FYP12 = "fyp12", _("十二五")
    FYP13 = "fyp13", _("十三五")


class MigrantType(models.TextChoices):
    NONE = "none", _("非移民")
    POLICY_MIGRANT = "policy_migrant", _("政策性移民")
    LABOUR_MIGRANT = "labour_migrant", _("劳务移民")
    SELF_MIGRANT = "self_migrant", _("自主迁徙")
    LEFT_BEHIND_AT_SITE = "left_behind_at_site", _("安置点遗留人口")


class HousingSafety(models.TextChoices):
    SAFE = "safe", _("安全")
    UNSAFE_C = "unsafe_c", _("C级危房")
    UNSAFE_D = "unsafe_d", _("D级危房")
    SEISMIC_SUBSTANDARD = "seismic_substandard", _("抗震不达标")
    DISASTER_DAMAGED = "disaster_damaged", _("因灾受损")


class HousingRemedy(models.TextChoices):
    REBUILD_ON_SITE = "rebuild_on_site", _("原址翻建")
    REBUILD_ELSEWHERE = "rebuild_elsewhere", _("异地迁建")
    EXCHANGE = "exchange", _("房屋置换")
    REINFORCE = "reinforce", _("加固改造")
    TEMPORARY_HOUSING = "temporary_housing", _("周转安置")
    COMPENSATED_EXIT = "compensated_exit", _("补偿退出")
    PUBLIC_RENTAL = "public_rental", _("公租房")


class WaterSupplyType(models.TextChoices):
    CENTRALIZED = "centralized", _("集中供水")
    DISPERSED = "dispersed", _("分散供水")
    CISTERN = "cistern", _("集雨场+水窖")


class ToiletType(models.TextChoices):
    SEWER = "sewer", _("完整下水道水冲式")
    INDOOR_FLUSH_SMALL_PLANT = "indoor_flush_small_plant", _("室内水冲+小型污水处理")
    THREE_COMPARTMENT = "three_compartment", _("三格式化粪池")
    BIOGAS = "biogas", _("净化沼气池")
    NONE_OR_DRY = "none_or_dry", _("无/旱厕")


class ConsentChannel(models.TextChoices):
    PAPER = "paper", _("纸质授权书")
    ELECTRONIC = "electronic", _("电子签名")
    VERBAL_RECORDED = "verbal_recorded", _("口头授权（有记录）")


class HouseholdFlagKind(models.TextChoices):
    """Effective-dated household flags, several at once (SPEC §2.4)."""

    EXITED_POOR = "exited_poor", _("脱贫户")
    STABLY_EXITED = "stably_exited", _("稳定脱贫户")
    RETURNED_TO_POVERTY = "returned_to_poverty", _("返贫致贫户")
    SUBSISTENCE_ALLOWANCE = "subsistence_allowance", _("低保户")
    DESTITUTE_SUPPORT = "destitute_support", _("特困供养户")
    NEAR_SUBSISTENCE = "near_subsistence", _("低保边缘家庭")
    RELOCATED = "relocated", _("易地扶贫搬迁户")
    POLICY_MIGRANT = "policy_migrant", _("政策性移民")
    LABOUR_MIGRANT = "labour_migrant", _("劳务移民")
    SELF_MIGRANT = "self_migrant", _("自主迁徙户")
    ZERO_EMPLOYMENT = "zero_employment", _("零就业家庭")
    DISABLED_HOUSEHOLD = "disabled_household", _("残疾户")
    MULTI_DISABLED = "multi_disabled", _("一户多残")
    NEWLY_DISABLED = "newly_disabled", _("新致残")
    SERIOUS_ILLNESS_HOUSEHOLD = "serious_illness_household", _("大病户")
    ILLNESS_THIS_YEAR = "illness_this_year", _("当年出现过疾病")
    MANY_CHILDREN_IN_SCHOOL = "many_children_in_school", _("多子女上学")
    SAND_FIELD_WITHDRAWAL = "sand_field_withdrawal", _("压砂地退出种植区域")


# SPEC §2.4 derived: a household with two or more of these is a monitoring focus (004 L199).
SPECIAL_IDENTITIES = frozenset(
    {
        HouseholdFlagKind.EXITED_POOR,
        HouseholdFlagKind.SUBSISTENCE_ALLOWANCE,
        HouseholdFlagKind.DESTITUTE_SUPPORT,
        HouseholdFlagKind.DISABLED_HOUSEHOLD,
        HouseholdFlagKind.SERIOUS_ILLNESS_HOUSEHOLD,
    }
)


class ClosedReason(models.TextChoices):
    """Why a household left the registry; it is never deleted (SPEC §2.6)."""

    ALL_DECEASED = "all_deceased", _("全户死亡")
    MOVED_OUT = "moved_out", _("整户迁出")
    MERGED = "merged", _("并户")
    SPLIT = "split", _("分户注销")
    REGISTRATION_ERROR = "registration_error", _("登记错误")


class RigidExpenseKind(models.TextChoices):
    """SPEC §3.3."""

    MEDICAL_OUT_OF_POCKET = "medical_out_of_pocket", _("合规医疗个人自付")
    EDUCATION = "education", _("教育（全日制大学生等）")
    DISASTER_LOSS = "disaster_loss", _("因灾损失")
    ACCIDENT = "accident", _("意外事故")
    MAJOR_CHANGE = "major_change", _("重大变故")
    EPIDEMIC = "epidemic", _("疫情影响")
    OTHER = "other", _("其他")


class VisitKind(models.TextChoices):
    """SPEC §4.13 plus the visit of a centralized four-checks sweep (SPEC §7.2)."""

    ROUTINE = "routine", _("日常走访")
    CENTRALIZED_SWEEP = "centralized_sweep", _("集中排查")
    LOOKBACK = "lookback", _("回头看")
    VERIFICATION = "verification", _("入户核实")
    ELIMINATION = "elimination", _("风险消除入户核实")
    SPOT_CHECK = "spot_check", _("抽查")
    LEFT_BEHIND_CARE = "left_behind_care", _("三留守关爱")


class GuaranteeSource(models.TextChoices):
    VISIT = "visit", _("走访")
    SWEEP = "sweep", _("排查")
    DEPARTMENT = "department", _("部门比对")
    APPLICATION = "application", _("申报")


class ImportJobStatus(models.TextChoices):
    """uploaded → validating → validated | invalid; validated → committing → committed | failed | invalid."""

    UPLOADED = "uploaded", _("已上传")
    VALIDATING = "validating", _("校验中")
    VALIDATED = "validated", _("校验通过")
    INVALID = "invalid", _("校验未通过")
    COMMITTING = "committing", _("导入中")
    COMMITTED = "committed", _("已导入")
    FAILED = "failed", _("导入失败")


class ImportKind(models.TextChoices):
    """What an Excel import brings in: the registry's households and members, or households' yearly income."""

    HOUSEHOLDS = "households", _("农户和家庭成员")
    INCOME = "income", _("年度收入")


class DisclosureChannel(models.TextChoices):
    """Where full ID or phone numbers were shown (SPEC §1.3 scoping rule 4): each showing is one audit row."""

    PAGE = "page", _("农户页面")
    EDIT = "edit", _("编辑表单")
    API = "api", _("接口")
    OFFLINE = "offline", _("离线下载到手机")


class RiskType(models.TextChoices):
    """SPEC §4.3: the closed list of the risks of returning to or falling into poverty (返贫致贫风险) a household
    may carry, several at once (``RiskFlag``)."""

    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    EDUCATION = "education", _("因学")
    DISASTER = "disaster", _("因灾")
    ACCIDENT = "accident", _("因意外事故")
    EPIDEMIC = "epidemic", _("因疫")
    MAJOR_CHANGE = "major_change", _("突发重大变故")
    BUSINESS_FAILURE = "business_failure", _("因经营亏损")
    UNSTABLE_EMPLOYMENT = "unstable_employment", _("因务工就业不稳")
    WEAK_MOTIVATION = "weak_motivation", _("内生动力不足")
    MARKET_FLUCTUATION = "market_fluctuation", _("因市场波动")
    LACK_OF_LABOUR = "lack_of_labour", _("因缺劳动力")
    HOUSING = "housing", _("因住房安全问题")
    DRINKING_WATER = "drinking_water", _("因饮水安全问题")
    COMPULSORY_EDUCATION = "compulsory_education", _("因义务教育保障问题")
    MEDICAL_SECURITY = "medical_security", _("医疗保障风险")
    OTHER = "other", _("其他")


class RiskSource(models.TextChoices):
    """Where a risk was found (SPEC §4.5 channels, as they reach a household's file): a visit (§4.13), a department
    warning verified as a risk (§6.6), a sweep (§7), or the household's own report."""

    VISIT = "visit", _("走访发现")
    DEPARTMENT_WARNING = "department_warning", _("部门预警核实")
    SWEEP = "sweep", _("排查发现")
    SELF_REPORT = "self_report", _("农户自报")


# The sources a person records by hand on a household's risks page; visits and warnings open theirs in their own steps.
RISK_SOURCES_BY_HAND = [
    (RiskSource.SELF_REPORT.value, RiskSource.SELF_REPORT.label),
    (RiskSource.SWEEP.value, RiskSource.SWEEP.label),
]


class RiskEventKind(models.TextChoices):
    """The steps of a risk's life (``RiskFlagEvent``)."""

    OPENED = "opened", _("发现")
    FOUND_AGAIN = "found_again", _("再次发现")
    ANSWERED = "answered", _("安排帮扶措施")
    RESOLVED = "resolved", _("消除")


class AreaField(models.TextChoices):
    """The four areas of a household (SPEC §2.1, §1.5) a life event may change."""

    MANAGING = "managing_area", _("管理地")
    RESIDENCE = "residence_area", _("居住地")
    HUKOU = "hukou_area", _("户籍地")
    CO_MANAGING = "co_managing_area", _("协同管理地")


class LifeEventKind(models.TextChoices):
    """What happened in a household's life (``HouseholdEvent``): an area changed (a change of the managing area to
    another place is a transfer), or members moved in a split (分户) or a merge (并户)."""

    AREA_CHANGE = "area_change", _("区划变更")
    TRANSFER = "transfer", _("迁转（变更管理地）")
    SPLIT_OUT = "split_out", _("分户：分出新户")
    SPLIT_FROM = "split_from", _("分户：由原户分出")
    MERGED_IN = "merged_in", _("并户：并入本户")
    ABSORBED = "absorbed", _("并户：并入他户")
