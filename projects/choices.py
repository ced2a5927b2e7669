"""Enumerations of the project library and project assets (SPEC §8, §10). Members are the SPEC values upper-cased."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    """SPEC §8.3, P-0 … P-12 and the side states. A status names the last step done."""

    PROPOSED = "proposed", _("村社申请，待论证")
    APPRAISED = "appraised", _("已论证，待乡镇审核")
    TOWNSHIP_REVIEWED = "township_reviewed", _("乡镇已审核，待县级审定")
    COUNTY_APPROVED = "county_approved", _("县级已审定，待入库")
    IN_LIBRARY = "in_library", _("已入库")
    IN_ANNUAL_PLAN = "in_annual_plan", _("已列入年度实施计划")
    APPROVED_FOR_IMPLEMENTATION = "approved_for_implementation", _("已批复实施方案")
    IN_PROGRESS = "in_progress", _("实施中")
    ACCEPTED = "accepted", _("已完工验收")
    EVALUATED = "evaluated", _("已绩效评价")
    ASSETS_TRANSFERRED = "assets_transferred", _("资产已移交")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")
    CANCELLED = "cancelled", _("已取消")


# A project may receive linkage funds once it is in the library (NR-PRJ-02, "项目先入库再立项实施").
FUNDABLE_STATUSES = frozenset(
    {
        ProjectStatus.IN_LIBRARY,
        ProjectStatus.IN_ANNUAL_PLAN,
        ProjectStatus.APPROVED_FOR_IMPLEMENTATION,
        ProjectStatus.IN_PROGRESS,
        ProjectStatus.ACCEPTED,
        ProjectStatus.EVALUATED,
        ProjectStatus.ASSETS_TRANSFERRED,
    }
)
# Payments are recorded while the project is built and until its assets are handed over (SPEC §9.6).
PAYABLE_STATUSES = frozenset(
    {
        ProjectStatus.APPROVED_FOR_IMPLEMENTATION,
        ProjectStatus.IN_PROGRESS,
        ProjectStatus.ACCEPTED,
        ProjectStatus.EVALUATED,
    }
)


class FundingSource(models.TextChoices):
    """SPEC §9.1 ``FundSource``."""

    CENTRAL_LINKAGE = "central_linkage", _("中央衔接资金")
    REGIONAL_LINKAGE = "regional_linkage", _("自治区衔接资金")
    CITY_LINKAGE = "city_linkage", _("市级衔接资金")
    COUNTY_LINKAGE = "county_linkage", _("县级衔接资金")
    INTEGRATED_AGRI = "integrated_agri", _("统筹整合涉农资金")
    EAST_WEST = "east_west", _("东西部协作（闽宁协作）资金")
    PAIRED_SUPPORT = "paired_support", _("对口支援资金")
    DESIGNATED_SUPPORT = "designated_support", _("定点帮扶资金")
    LOCAL_GOV_BONDS = "local_gov_bonds", _("地方政府债券")
    LAND_SALE_REVENUE = "land_sale_revenue", _("土地出让收益")
    WORK_RELIEF_INVESTMENT = "work_relief_investment", _("以工代赈中央预算内投资")
    SOCIAL = "social", _("社会资金")
    HOUSEHOLD_OWN = "household_own", _("群众自筹")


# NR-PRJ-02 (003 L1486, L1521; 003 L628, L1458): these sources pay library projects only.
LIBRARY_ONLY_SOURCES = frozenset(
    {
        FundingSource.CENTRAL_LINKAGE,
        FundingSource.REGIONAL_LINKAGE,
        FundingSource.CITY_LINKAGE,
        FundingSource.COUNTY_LINKAGE,
        FundingSource.INTEGRATED_AGRI,
        FundingSource.EAST_WEST,
        FundingSource.LOCAL_GOV_BONDS,
    }
)


# Money that is not the government's (SPEC §8.6 "fiscal funds" of a work-relief project excludes these).
NON_FISCAL_SOURCES = frozenset({FundingSource.SOCIAL, FundingSource.HOUSEHOLD_OWN})


class LinkageMode(models.TextChoices):
    """SPEC §8.5 ``BenefitLinkageMode``."""

    ORDER = "order", _("订单")
    EMPLOYMENT = "employment", _("务工")
    SHARES = "shares", _("入股分红")
    LEASE = "lease", _("租赁/土地流转")
    CUSTODY = "custody", _("托管代养")
    SOCIAL_SERVICE = "social_service", _("社会化服务")


class DisclosureStage(models.TextChoices):
    """SPEC §8.8 "三公示一公告" (design reading)."""

    VILLAGE_APPLICATION = "village_application", _("村级申报公示")
    TOWNSHIP_REVIEW = "township_review", _("乡镇审核公示")
    COUNTY_APPROVAL = "county_approval", _("县级审定公示")
    ANNUAL_PLAN = "annual_plan", _("年度计划公告")


class AssetClass(models.TextChoices):
    """SPEC §10 ``AssetClass``."""

    INFRASTRUCTURE = "infrastructure", _("基础设施")
    PUBLIC_SERVICE = "public_service", _("公共服务")
    INDUSTRY = "industry", _("产业发展")
    RELOCATION = "relocation", _("易地扶贫搬迁")


class AssetNature(models.TextChoices):
    """SPEC §10 ``AssetNature``."""

    PUBLIC_WELFARE = "public_welfare", _("公益性")
    OPERATING = "operating", _("经营性")
    HOUSEHOLD = "household", _("确权到户")


class AssetOwnerKind(models.TextChoices):
    VILLAGE_COLLECTIVE = "village_collective", _("村集体")
    HOUSEHOLD = "household", _("农户")
    OTHER_ENTITY = "other_entity", _("其他经营主体")


class OperatingMode(models.TextChoices):
    CONTRACTING = "contracting", _("承包")
    ENTRUSTED = "entrusted", _("托管")
    LEASE = "lease", _("租赁")
    COOPERATION = "cooperation", _("合作")
    SOLE = "sole", _("独资")


class AssetStatus(models.TextChoices):
    IN_USE = "in_use", _("正常运营")
    IDLE = "idle", _("闲置")
    DAMAGED = "damaged", _("损毁")
    DISPOSED = "disposed", _("已处置")


class IncomeUse(models.TextChoices):
    """SPEC §10 ``AssetIncomeUse`` (the list is open: "等")."""

    OPERATION_MAINTENANCE = "operation_maintenance", _("项目运行管护")
    CONSOLIDATION = "consolidation", _("巩固拓展脱贫攻坚成果")
    VILLAGE_PUBLIC_WELFARE = "village_public_welfare", _("村级公益事业")
    OTHER = "other", _("其他")
