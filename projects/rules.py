"""Policy rules of the project library and project assets (SPEC §8, §10). One typed function per rule."""

from __future__ import annotations

import datetime
from decimal import Decimal

from core.percent import at_least


def has_performance_targets(count: int) -> bool:
    """NR-PRJ-01 (003 L1486): "未设置绩效目标的项目不得纳入项目库"."""
    return count > 0


def category_allowed(*, banned: bool, is_leaf: bool) -> bool:
    """NR-PRJ-04 (003 L1488) refuses banned types (美化、绿化、亮化 …); SPEC §8.4 P-5 classifies at the last level."""
    return is_leaf and not banned


def benefit_linkage_ok(*, required: bool, exited_beneficiaries: int) -> bool:
    """NR-PRJ-03 (003 L1488, L1396): support for a new agricultural business entity must be linked with exited
    households ("必须与脱贫户建立紧密的利益联结机制")."""
    return not required or exited_beneficiaries > 0


def plan_deadlines(year: int) -> dict[str, datetime.date]:
    """NR-PRJ-10 (003 L1497–L1500): next year's plan by 30 November, in the library by 31 December, implementation
    plans approved by 31 March of the project year."""
    return {
        # The plan and library entry fall in the year before the project year: projects are planned a year ahead.
        "plan": datetime.date(year - 1, 11, 30),
        "library": datetime.date(year - 1, 12, 31),
        "implementation": datetime.date(year, 3, 31),
    }


def distribution_labour_ok(*, to_household: bool, labour_based: bool) -> bool:
    """NR-ASSET-01 (004 L348): income reaches households through paid labour, never by simply handing out cash or
    goods ("严禁简单发钱发物")."""
    return not to_household or labour_based


def custodian_ok(*, public_welfare: bool, custodian: str) -> bool:
    """NR-ASSET-02 (004 L348): a public-welfare asset has a named custodian (管护责任人)."""
    return not public_welfare or bool(custodian.strip())


def work_relief_posts_ok(posts_for_groups: int, posts: int, *, min_pct: Decimal) -> bool:
    """NR-PRJ-07 (003 L658–L660): at least 15 % of the posts of a work-relief project go to the 三类人员."""
    # As Decimal so core.percent compares exactly (part × 100 against limit × whole), with no float division.
    return at_least(Decimal(posts_for_groups), Decimal(posts), min_pct)


def work_relief_pay_ok(labour_pay: Decimal, fiscal_funds: Decimal, *, min_pct: Decimal) -> bool:
    """NR-PRJ-08 (004 L615): labour remuneration is at least 15 % of a work-relief project's fiscal funds."""
    return at_least(labour_pay, fiscal_funds, min_pct)
