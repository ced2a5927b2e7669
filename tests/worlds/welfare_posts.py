"""The welfare_posts records of the URL audit's world (tests.worlds.audit.World): one own (chain A) and one foreign
(chain B) row of every model whose pages the audit visits."""

import datetime
from decimal import Decimal
from typing import Any

from geo.codes import AreaLevel
from tests.factories import UserFactory
from welfare_posts.models import PostAttendance, PostHire, PostPayment, WelfarePost


def build(world: Any) -> dict[type, tuple[Any, Any]]:
    """Rows keyed by model, (own, foreign); may extend world.foreign_markers."""
    rows: dict[type, list[Any]] = {WelfarePost: [], PostHire: [], PostAttendance: []}
    for mark, chain, member in (("甲本", world.chain_a, world.member_a), ("乙外", world.chain_b, world.member_b)):
        clerk = UserFactory(area=None)
        post = WelfarePost.objects.create(
            village=chain[AreaLevel.VILLAGE], name=f"{mark}保洁岗", post_type="cleaning",
            funding_source="linkage_funds", monthly_subsidy=Decimal("800.00"), positions=2, need="村道保洁",
            created_on=datetime.date(2026, 1, 1), created_by=clerk,
        )  # fmt: skip
        hire = PostHire.objects.create(
            post=post, member=member, hired_on=datetime.date(2026, 1, 5), priority_basis="none", hired_by=clerk
        )
        attendance = PostAttendance.objects.create(
            hire=hire, month=datetime.date(2026, 1, 1), days_worked=20, assessment="qualified", recorded_by=clerk
        )
        PostPayment.objects.create(
            hire=hire, month=datetime.date(2026, 1, 1), amount=Decimal("800.00"),
            paid_on=datetime.date(2026, 2, 5), recorded_by=clerk,
        )  # fmt: skip
        rows[WelfarePost].append(post)
        rows[PostHire].append(hire)
        rows[PostAttendance].append(attendance)
    world.foreign_markers.append("乙外保洁岗")
    return {model: (own, foreign) for model, (own, foreign) in rows.items()}
