"""The insurance records of the URL audit's world (tests.worlds.audit.World): one own (chain A) and one foreign
(chain B) row of every model whose pages the audit visits — a policy with a claim for each chain's member, and the
insurer's monthly report of each chain's county."""

import datetime
from decimal import Decimal
from typing import Any

from accounts.models import User
from geo.codes import AreaLevel
from insurance.models import InsuranceClaim, InsurancePolicy, InsurerMonthlyReport


def _policy(member: Any, mark: str, actor: Any) -> InsurancePolicy:
    return InsurancePolicy.objects.create(
        member=member, year=2026, product="critical_illness", subsidised=True, premium_individual=Decimal("8.57"),
        premium_county=Decimal("21.43"), sum_insured=Decimal(50000), insurer=f"{mark}保险公司",
        policy_no=f"{mark}保单号", starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
        created_by=actor,
    )  # fmt: skip


def _claim(policy: InsurancePolicy, actor: Any) -> InsuranceClaim:
    return InsuranceClaim.objects.create(
        policy=policy, kind="critical_illness", incident_on=datetime.date(2026, 3, 2),
        filed_on=datetime.date(2026, 3, 9), residual_cost=Decimal(50000), tier_mode="progressive",
        limit=Decimal(50000), payout=Decimal(14000), created_by=actor,
    )  # fmt: skip


def build(world: Any) -> dict[type, tuple[Any, Any]]:
    """Rows keyed by model, (own, foreign); may extend world.foreign_markers."""
    actor = world.objects[User][0]
    policies = (_policy(world.member_a, "甲本", actor), _policy(world.member_b, "乙外", actor))
    claims = tuple(_claim(policy, actor) for policy in policies)
    for chain, mark in ((world.chain_a, "甲本"), (world.chain_b, "乙外")):
        InsurerMonthlyReport.objects.create(
            county=chain[AreaLevel.COUNTY], month=datetime.date(2026, 2, 1), insurer=f"{mark}月报保险公司",
            insured_people=10, premium_total=Decimal(700), claims_count=1, payout_total=Decimal(14000),
            submitted_on=datetime.date(2026, 3, 5), created_by=actor,
        )  # fmt: skip
    world.foreign_markers += ["乙外保险公司", "乙外保单号", "乙外月报保险公司"]
    return {InsurancePolicy: policies, InsuranceClaim: claims}
