"""Roles (SPEC §1.2) and the permission matrix (SPEC §1.3) in one reviewable table.

Roles are Django groups named by their role code; each capability is a permission ``accounts.<codename>``.
``sync_role_groups`` writes this table into the database; it runs from a data migration, and a test checks that
the database and this table agree, so a change here needs a migration that calls it again.
"""

from typing import Any, Final

from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.codes import AreaLevel


class Role(models.TextChoices):
    VILLAGE_WORKER = "village_worker", _("村干部/驻村工作队")
    ASSISTANCE_CADRE = "assistance_cadre", _("帮扶责任人")
    TOWNSHIP_CADRE = "township_cadre", _("乡镇干部")
    COUNTY_REVIEWER = "county_reviewer", _("县乡村振兴局审核人员")
    DEPARTMENT_SCREENER = "department_screener", _("行业部门筛查人员")
    COUNTY_FINANCE = "county_finance", _("县财政局")
    PROJECT_UNIT = "project_unit", _("项目主管/建设单位")
    REPORTING_OFFICER = "reporting_officer", _("报表人员")
    SUPERVISOR = "supervisor", _("督查人员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    # The county's own account administrator (design, README "Security model"): opens, re-roles and disables the
    # accounts of their county without a province administrator or a superuser.
    COUNTY_ADMIN = "county_admin", _("县级账号管理员")


class Department(models.TextChoices):
    """Line departments (SPEC §1.4)."""

    RURAL_REVITALIZATION = "rural_revitalization", _("乡村振兴局")
    HEALTH = "health", _("卫生健康")
    MEDICAL_SECURITY = "medical_security", _("医疗保障")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    HOUSING = "housing", _("住房城乡建设")
    DISABLED_FEDERATION = "disabled_federation", _("残联")
    EDUCATION = "education", _("教育")
    HUMAN_RESOURCES = "human_resources", _("人力资源社会保障")
    WATER = "water", _("水利")
    EMERGENCY = "emergency", _("应急管理")
    PUBLIC_SECURITY = "public_security", _("公安")
    AGRICULTURE = "agriculture", _("农业农村")
    STATISTICS = "statistics", _("统计")
    FINANCE = "finance", _("财政")
    MARKET_REGULATION = "market_regulation", _("市场监管")
    FINANCIAL_INSTITUTIONS = "financial_institutions", _("金融机构")
    TRADE_UNION = "trade_union", _("工会")


class Capability(models.TextChoices):
    """The rows of the SPEC §1.3 matrix. ``browse_households`` is the territorial view: an assistance cadre ("own")
    sees only the households paired with them while the pairing is in force (SPEC §1.6, ``AssistancePairing``)."""

    BROWSE_HOUSEHOLDS = "browse_households", _("查看辖区内农户及成员（脱敏）")
    VIEW_IDENTITY = "view_identity", _("查看完整身份证号和电话")
    EDIT_HOUSEHOLD = "edit_household", _("新增或修改农户、成员、收入")
    RECORD_VISIT = "record_visit", _("登记走访")
    OPEN_ENTRY = "open_entry", _("发起纳入监测申报")
    VILLAGE_PROCEDURE = "village_procedure", _("入户核实、民主评议、村级公示")
    TOWNSHIP_REVIEW = "township_review", _("乡镇审核纳入/风险消除")
    COUNTY_APPROVAL = "county_approval", _("县级批准纳入/风险消除")
    OVERRIDE_NEGATIVE_LIST = "override_negative_list", _("负面清单说明理由后放行")
    MANAGE_MEASURES = "manage_measures", _("新增或结束帮扶措施")
    UPLOAD_SCREENING = "upload_screening", _("上传部门筛查名单")
    VIEW_WARNINGS = "view_warnings", _("查看筛查预警")
    DISPOSE_WARNING = "dispose_warning", _("处置筛查预警")
    START_SWEEP = "start_sweep", _("发起集中排查")
    VIEW_RECTIFICATION = "view_rectification", _("查看问题整改")
    SUBMIT_RECTIFICATION = "submit_rectification", _("提交整改")
    VERIFY_RECTIFICATION = "verify_rectification", _("交办、核验、销号整改")
    VIEW_PROJECTS = "view_projects", _("查看项目库")
    PROPOSE_PROJECT = "propose_project", _("申报项目")
    REVIEW_PROJECT = "review_project", _("乡镇审核项目")
    APPROVE_PROJECT = "approve_project", _("县级审定项目入库")
    VIEW_FUNDS = "view_funds", _("查看资金")
    RECORD_FUNDS = "record_funds", _("登记资金下达和分配")
    RECORD_PAYMENTS = "record_payments", _("登记资金支付")
    VIEW_ASSETS = "view_assets", _("查看项目资产")
    MANAGE_ASSETS = "manage_assets", _("登记资产、管护、收益")
    EXPORT_LEDGERS = "export_ledgers", _("导出台账")
    EDIT_PARAMETERS = "edit_parameters", _("维护监测标准、参数和分类")
    AUDIT_DISCLOSURES = "audit_disclosures", _("查看敏感信息查看记录")
    MANAGE_USERS = "manage_users", _("开通、调整和停用辖区内的用户账号")
    # Support programmes (SPEC §11): microcredit, insurance, employment and public-welfare posts.
    VIEW_PROGRAMMES = "view_programmes", _("查看小额信贷、保险、就业和公益岗位")
    MANAGE_PROGRAMMES = "manage_programmes", _("登记小额信贷、保险、就业和公益岗位")


R, C = Role, Capability

# SPEC §1.3, one line per role. "read" columns become VIEW_* capabilities; "own" rows are narrowed by grants.
MATRIX: Final[dict[Role, frozenset[Capability]]] = {
    R.VILLAGE_WORKER: frozenset(
        {
            C.BROWSE_HOUSEHOLDS,
            C.VIEW_IDENTITY,
            C.EDIT_HOUSEHOLD,
            C.RECORD_VISIT,
            C.OPEN_ENTRY,
            C.VILLAGE_PROCEDURE,
            C.MANAGE_MEASURES,
            C.VIEW_WARNINGS,
            C.DISPOSE_WARNING,
            C.VIEW_RECTIFICATION,
            C.SUBMIT_RECTIFICATION,
            C.VIEW_PROJECTS,
            C.PROPOSE_PROJECT,
            C.VIEW_ASSETS,
            C.MANAGE_ASSETS,
            C.VIEW_PROGRAMMES,
            C.MANAGE_PROGRAMMES,
        }
    ),
    R.ASSISTANCE_CADRE: frozenset(
        {
            C.VIEW_IDENTITY,
            C.RECORD_VISIT,
            C.OPEN_ENTRY,
            C.MANAGE_MEASURES,
        }
    ),
    R.TOWNSHIP_CADRE: frozenset(
        {
            C.BROWSE_HOUSEHOLDS,
            C.VIEW_IDENTITY,
            C.EDIT_HOUSEHOLD,
            C.RECORD_VISIT,
            C.OPEN_ENTRY,
            C.VILLAGE_PROCEDURE,
            C.TOWNSHIP_REVIEW,
            C.MANAGE_MEASURES,
            C.VIEW_WARNINGS,
            C.DISPOSE_WARNING,
            C.VIEW_RECTIFICATION,
            C.SUBMIT_RECTIFICATION,
            C.VERIFY_RECTIFICATION,
            C.VIEW_PROJECTS,
            C.PROPOSE_PROJECT,
            C.REVIEW_PROJECT,
            C.VIEW_ASSETS,
            C.MANAGE_ASSETS,
            C.EXPORT_LEDGERS,
            C.VIEW_PROGRAMMES,
            C.MANAGE_PROGRAMMES,
        }
    ),
    R.COUNTY_REVIEWER: frozenset(
        {
            C.BROWSE_HOUSEHOLDS,
            C.VIEW_IDENTITY,
            C.EDIT_HOUSEHOLD,
            C.RECORD_VISIT,
            C.OPEN_ENTRY,
            C.COUNTY_APPROVAL,
            C.OVERRIDE_NEGATIVE_LIST,
            C.MANAGE_MEASURES,
            C.VIEW_WARNINGS,
            C.DISPOSE_WARNING,
            C.START_SWEEP,
            C.VIEW_RECTIFICATION,
            C.SUBMIT_RECTIFICATION,
            C.VERIFY_RECTIFICATION,
            C.VIEW_PROJECTS,
            C.PROPOSE_PROJECT,
            C.APPROVE_PROJECT,
            C.VIEW_FUNDS,
            C.VIEW_ASSETS,
            C.MANAGE_ASSETS,
            C.EXPORT_LEDGERS,
            C.AUDIT_DISCLOSURES,
            C.VIEW_PROGRAMMES,
            C.MANAGE_PROGRAMMES,
        }
    ),
    R.DEPARTMENT_SCREENER: frozenset({C.UPLOAD_SCREENING, C.VIEW_WARNINGS}),
    R.COUNTY_FINANCE: frozenset({C.VIEW_PROJECTS, C.VIEW_FUNDS, C.RECORD_FUNDS, C.RECORD_PAYMENTS, C.EXPORT_LEDGERS}),
    R.PROJECT_UNIT: frozenset(
        {C.VIEW_PROJECTS, C.PROPOSE_PROJECT, C.VIEW_FUNDS, C.RECORD_PAYMENTS, C.VIEW_ASSETS, C.MANAGE_ASSETS}
    ),
    R.REPORTING_OFFICER: frozenset(
        {
            C.BROWSE_HOUSEHOLDS,
            C.VIEW_PROJECTS,
            C.VIEW_WARNINGS,
            C.VIEW_RECTIFICATION,
            C.VIEW_FUNDS,
            C.VIEW_ASSETS,
            C.EXPORT_LEDGERS,
            C.VIEW_PROGRAMMES,
        }
    ),
    R.SUPERVISOR: frozenset(
        {
            C.BROWSE_HOUSEHOLDS,
            C.VIEW_PROJECTS,
            C.VIEW_WARNINGS,
            C.VIEW_RECTIFICATION,
            C.VIEW_FUNDS,
            C.VIEW_ASSETS,
            C.EXPORT_LEDGERS,
            C.AUDIT_DISCLOSURES,
            C.VIEW_PROGRAMMES,
        }
    ),
    R.SYSTEM_ADMIN: frozenset(
        {
            C.BROWSE_HOUSEHOLDS,
            C.VIEW_PROJECTS,
            C.VIEW_IDENTITY,
            C.START_SWEEP,
            C.EXPORT_LEDGERS,
            C.AUDIT_DISCLOSURES,
            C.EDIT_PARAMETERS,
            C.MANAGE_USERS,
        }
    ),
    R.COUNTY_ADMIN: frozenset({C.MANAGE_USERS, C.AUDIT_DISCLOSURES}),
}

# The levels each role may be bound to (SPEC §1.2 "Bound to").
_ALL_LEVELS = frozenset(AreaLevel.values)
ROLE_LEVELS: Final[dict[Role, frozenset[str]]] = {
    R.VILLAGE_WORKER: frozenset({AreaLevel.VILLAGE, AreaLevel.GROUP}),
    R.ASSISTANCE_CADRE: _ALL_LEVELS,
    R.TOWNSHIP_CADRE: frozenset({AreaLevel.TOWNSHIP}),
    R.COUNTY_REVIEWER: frozenset({AreaLevel.COUNTY}),
    R.DEPARTMENT_SCREENER: frozenset({AreaLevel.COUNTY, AreaLevel.CITY, AreaLevel.PROVINCE}),
    R.COUNTY_FINANCE: frozenset({AreaLevel.COUNTY}),
    R.PROJECT_UNIT: frozenset({AreaLevel.COUNTY}),
    R.REPORTING_OFFICER: _ALL_LEVELS,
    R.SUPERVISOR: frozenset({AreaLevel.CITY, AreaLevel.PROVINCE}),
    R.SYSTEM_ADMIN: frozenset({AreaLevel.PROVINCE}),
    R.COUNTY_ADMIN: frozenset({AreaLevel.COUNTY}),
}


def sync_role_groups(apps: Any) -> None:
    """Create the capability permissions and one group per role, with exactly the capabilities of MATRIX.
    Takes the migration's ``apps`` so it runs against the historical models."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    content_type, _created = content_type_model.objects.get_or_create(app_label="accounts", model="capability")
    permissions = {}
    for capability in Capability:
        permission, _created = permission_model.objects.update_or_create(
            content_type=content_type, codename=capability.value, defaults={"name": str(capability.label)}
        )
        permissions[capability] = permission
    for role, capabilities in MATRIX.items():
        group, _created = group_model.objects.get_or_create(name=role.value)
        group.permissions.set([permissions[c] for c in capabilities])
