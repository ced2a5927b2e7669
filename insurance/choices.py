"""Enumerations of the support programme insurance (乡村振兴健康保 / 防贫保, SPEC §11.2)."""

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class Product(models.TextChoices):
    """The products of SPEC §11.2: the three covers of 乡村振兴健康保 (001 L170–L206) and the twelve specialty-industry
    products of 防贫保 2021 (003 L1626–L1628; their mapping by name to the three classes is design)."""

    ACCIDENT = "accident", _("意外伤害保险（身故、伤残）")
    CRITICAL_ILLNESS = "critical_illness", _("大病补充保险")
    ACCIDENT_MEDICAL = "accident_medical", _("意外医疗保险")
    # Crops
    OILSEED_DISASTER = "oilseed_disaster", _("油料作物大灾保险")
    MELON_COST = "melon_cost", _("西甜瓜成本保险")
    HERB_COST = "herb_cost", _("中药材成本保险")
    FORAGE_COST = "forage_cost", _("饲草成本保险")
    VEGETABLE_COST = "vegetable_cost", _("蔬菜成本保险")
    FRUIT_COST = "fruit_cost", _("林果成本保险")
    POTATO_INCOME = "potato_income", _("马铃薯收入保险")
    MINOR_GRAIN_YIELD = "minor_grain_yield", _("小杂粮产量保险")
    # Livestock
    MUTTON_SHEEP_RETURN = "mutton_sheep_return", _("肉羊收益保险")
    BEEF_CATTLE_RETURN = "beef_cattle_return", _("肉牛收益保险")
    PIG = "pig", _("生猪保险")
    # Forestry
    NURSERY_STOCK = "nursery_stock", _("苗木种植综合保险")


# The three covers of 乡村振兴健康保: what bulk enrolment enrols, and what the subsidised 70 yuan pays for.
HEALTH_PRODUCTS: Final = (Product.ACCIDENT, Product.CRITICAL_ILLNESS, Product.ACCIDENT_MEDICAL)


class IndustryClass(models.TextChoices):
    CROPS = "crops", _("种植业")
    LIVESTOCK = "livestock", _("养殖业")
    FORESTRY = "forestry", _("林业")


INDUSTRY_CLASS: Final[dict[str, str]] = {
    **dict.fromkeys(
        (
            Product.OILSEED_DISASTER,
            Product.MELON_COST,
            Product.HERB_COST,
            Product.FORAGE_COST,
            Product.VEGETABLE_COST,
            Product.FRUIT_COST,
            Product.POTATO_INCOME,
            Product.MINOR_GRAIN_YIELD,
        ),
        IndustryClass.CROPS,
    ),
    Product.MUTTON_SHEEP_RETURN: IndustryClass.LIVESTOCK,
    Product.BEEF_CATTLE_RETURN: IndustryClass.LIVESTOCK,
    Product.PIG: IndustryClass.LIVESTOCK,
    Product.NURSERY_STOCK: IndustryClass.FORESTRY,
}


class ClaimKind(models.TextChoices):
    ACCIDENT_DEATH_DISABILITY = "accident_death_disability", _("意外身故、伤残")
    ACCIDENT_MEDICAL = "accident_medical", _("意外医疗")
    CRITICAL_ILLNESS = "critical_illness", _("大病补充")
    INDUSTRY_LOSS = "industry_loss", _("特色产业损失")


def claim_kind_of(product: str) -> str:
    """Each policy pays one kind of claim: its product's cover."""
    if product == Product.ACCIDENT:
        return ClaimKind.ACCIDENT_DEATH_DISABILITY
    if product == Product.ACCIDENT_MEDICAL:
        return ClaimKind.ACCIDENT_MEDICAL
    if product == Product.CRITICAL_ILLNESS:
        return ClaimKind.CRITICAL_ILLNESS
    return ClaimKind.INDUSTRY_LOSS


class ClaimStatus(models.TextChoices):
    FILED = "filed", _("已报案")
    ACCEPTED = "accepted", _("已受理")
    PAID = "paid", _("已赔付")
    REFUSED = "refused", _("已拒赔")


# A claim is settled (结案) when paid or refused; until then a simple one runs against its 5 working days.
OPEN_CLAIM_STATUSES: Final = frozenset({ClaimStatus.FILED, ClaimStatus.ACCEPTED})


class TierMode(models.TextChoices):
    """``insurance.ci_tier_mode`` (SPEC §11.2, §15.2): the tier rates applied band by band, or the rate of the band
    the whole amount falls in to the whole amount."""

    PROGRESSIVE = "progressive", _("分段累进")
    FLAT = "flat", _("全额适用所在档比例")


class LimitYear(models.TextChoices):
    """``insurance.limit_year``: which year the yearly limits count in."""

    POLICY_YEAR = "policy_year", _("保单年度")
    CALENDAR_YEAR = "calendar_year", _("出险（入院）所在自然年度")
