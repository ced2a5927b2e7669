"""The employment records of the URL audit's world (tests.worlds.audit.World): one own (chain A) and one foreign
(chain B) row of every model whose pages the audit visits."""

import datetime
from decimal import Decimal
from typing import Any

from employment.models import EmploymentRecord, EmploymentService, EmploymentSubsidy, Workshop, WorkshopHire
from geo.codes import AreaLevel
from tests.factories import UserFactory


def build(world: Any) -> dict[type, tuple[Any, Any]]:
    """Rows keyed by model, (own, foreign); may extend world.foreign_markers."""
    clerk = UserFactory(area=None)
    rows: dict[type, list[Any]] = {}
    for mark, chain, member in (("甲本", world.chain_a, world.member_a), ("乙外", world.chain_b, world.member_b)):
        workshop = Workshop.objects.create(
            name=f"{mark}帮扶车间", area=chain[AreaLevel.VILLAGE], operator=f"{mark}服饰公司",
            recognised_on=datetime.date(2025, 3, 1), created_by=clerk,
        )  # fmt: skip
        for model, row in (
            (EmploymentRecord, EmploymentRecord.objects.create(
                member=member, year=2026, recorded_on=datetime.date(2026, 3, 1), status="cross_province",
                place=f"{mark}务工地", employer=f"{mark}鞋厂", months_employed=8, recorded_by=clerk)),
            (EmploymentService, EmploymentService.objects.create(
                member=member, kind="guidance", served_on=datetime.date(2026, 3, 2), detail=f"{mark}职业指导",
                recorded_by=clerk)),
            (Workshop, workshop),
            (WorkshopHire, WorkshopHire.objects.create(
                workshop=workshop, member=member, hired_on=datetime.date(2026, 1, 5))),
            (EmploymentSubsidy, EmploymentSubsidy.objects.create(
                kind="transport", member=member, year=2026, amount=Decimal("800.00"),
                granted_on=datetime.date(2026, 7, 1), recorded_by=clerk)),
        ):  # fmt: skip
            rows.setdefault(model, []).append(row)
    world.foreign_markers.extend(["乙外帮扶车间", "乙外服饰公司", "乙外鞋厂", "乙外务工地", "乙外职业指导"])
    return {model: (own, foreign) for model, (own, foreign) in rows.items()}
