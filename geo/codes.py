"""The 12-digit statistical area code (统计用区划代码) of SPEC §1.1: ``PP CC DD TTT VVV`` (+ ``GGG`` for groups).

Jurisdiction is a code prefix: a county owns every code that starts with its first 6 digits, a township with 9,
a village with 12. One indexed ``startswith`` filter replaces any tree walk (STYLE §6).
"""

import re
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡镇")
    VILLAGE = "village", _("村")
    GROUP = "group", _("村民小组")


# How many leading digits identify an area of each level (SPEC §1.1).
PREFIX_LENGTH: Final[dict[str, int]] = {
    AreaLevel.PROVINCE: 2,
    AreaLevel.CITY: 4,
    AreaLevel.COUNTY: 6,
    AreaLevel.TOWNSHIP: 9,
    AreaLevel.VILLAGE: 12,
    AreaLevel.GROUP: 15,
}
# The levels above the counties: those who work there oversee counties (supervisors, reporting officers).
ABOVE_COUNTIES: Final = frozenset({AreaLevel.CITY, AreaLevel.PROVINCE})
# The level directly above each level; a province has none.
PARENT_LEVEL: Final[dict[str, str | None]] = {
    AreaLevel.PROVINCE: None,
    AreaLevel.CITY: AreaLevel.PROVINCE,
    AreaLevel.COUNTY: AreaLevel.CITY,
    AreaLevel.TOWNSHIP: AreaLevel.COUNTY,
    AreaLevel.VILLAGE: AreaLevel.TOWNSHIP,
    AreaLevel.GROUP: AreaLevel.VILLAGE,
}
_CODE = re.compile(r"^(\d{12}|\d{15})$")


class AreaCodeError(ValueError):
    """A malformed area code; the message is a Chinese sentence naming the code."""


def level_of(code: str) -> str:
    """The level a well-formed code denotes, from where its trailing zeros start."""
    if not _CODE.match(code):
        raise AreaCodeError(f"区划代码“{code}”格式不正确：应为 12 位数字（村民小组为 15 位）")
    if code[:2] == "00":
        raise AreaCodeError(f"区划代码“{code}”的省级代码不能为 00")
    if len(code) == 15:
        return AreaLevel.GROUP
    for level in (AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP):
        length = PREFIX_LENGTH[level]
        if code[:length].strip("0") and set(code[length:]) == {"0"}:
            return level
    return AreaLevel.VILLAGE


def prefix_of(code: str, level: str) -> str:
    """The digits every code inside the area starts with."""
    return code[: PREFIX_LENGTH[level]]


def parent_code(code: str) -> str | None:
    """The code of the area directly above, or None for a province."""
    level = level_of(code)
    parent = PARENT_LEVEL[level]
    if parent is None:
        return None
    return prefix_of(code, parent).ljust(12, "0")


def ancestor_code(code: str, level: str) -> str:
    """The 12-digit code of the area of ``level`` that contains ``code`` (a village's county, say)."""
    return prefix_of(code, level).ljust(12, "0")


def village_of(code: str) -> str:
    """The 12-digit code of the village a code lies in: a group's (村民小组, 15 digits) village, a village itself."""
    return code[:12]


def same_county(code: str, other: str) -> bool:
    """Both codes lie in one county (a project's beneficiaries and assets stay in its county, SPEC §8.5, §10)."""
    return code.startswith(prefix_of(other, AreaLevel.COUNTY))
