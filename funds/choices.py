"""Enumerations of the linkage funds (SPEC §9)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundLevel(models.TextChoices):
    CENTRAL = "central", _("中央")
    REGIONAL = "regional", _("自治区")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class FundCategory(models.TextChoices):
    """SPEC §9.2 allocation categories (000 L559)."""

    CONSOLIDATION_REVITALIZATION = "consolidation_revitalization", _("巩固拓展脱贫攻坚成果和乡村振兴")
    WORK_RELIEF = "work_relief", _("以工代赈")
    ETHNIC_MINORITY = "ethnic_minority", _("少数民族发展")
    STATE_FARM = "state_farm", _("欠发达国有农场巩固提升")
    STATE_FOREST_FARM = "state_forest_farm", _("欠发达国有林场巩固提升")
    THREE_WEST = "three_west", _("“三西”农业建设")


class FundUse(models.TextChoices):
    """SPEC §9.3 allowed uses and §9.4 banned ones (NR-FUND-01), which the services refuse by name."""

    INDUSTRY_DEVELOPMENT = "industry_development", _("产业发展")
    INDUSTRY_INFRASTRUCTURE = "industry_infrastructure", _("产业配套基础设施")
    RELOCATION_FOLLOWUP = "relocation_followup", _("易地搬迁后续扶持")
    EMPLOYMENT = "employment", _("就业帮扶（交通补助、帮扶车间、以工代赈）")
    MICROCREDIT_INTEREST = "microcredit_interest", _("小额信贷贴息")
    SKILLS_TRAINING = "skills_training", _("生产和技能培训")
    PUBLIC_WELFARE_POST = "public_welfare_post", _("公益性岗位补助")
    COLLECTIVE_ECONOMY = "collective_economy", _("村级集体经济")
    LIVING_ENVIRONMENT = "living_environment", _("人居环境和小型公益性基础设施")
    CONSUMPTION = "consumption", _("消费帮扶")
    MANAGEMENT_FEE = "management_fee", _("项目管理费")
    RELOCATION_DEBT_REPAYMENT = "relocation_debt_repayment", _("偿还“十三五”易地扶贫搬迁债务")
    # Banned uses stay choices, marked （禁止）: old or imported rows may hold them (NR-FUND-01).
    UNIT_BASIC_EXPENDITURE = "unit_basic_expenditure", _("单位基本支出（禁止）")
    VEHICLES_COMMS_EQUIPMENT = "vehicles_comms_equipment", _("交通工具及通讯设备（禁止）")
    BUILDINGS = "buildings", _("修建楼堂馆所（禁止）")
    BONUSES_ALLOWANCES_WELFARE = "bonuses_allowances_welfare", _("奖金津贴和福利补助（禁止）")
    DEBT_REPAYMENT_ADVANCES = "debt_repayment_advances", _("偿还债务和垫资（禁止）")
    INSURANCE_PURCHASE_OR_SUBSIDY = "insurance_purchase_or_subsidy", _("购买或补贴保险（禁止）")
