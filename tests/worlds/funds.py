"""Money for the fund tests: a batch issued to the county and an allocation to a project (SPEC §9)."""

import datetime
from decimal import Decimal

from funds import services


def batch(world, **overrides):
    values = {
        "county": world.county, "year": 2026, "level": "central", "source": "central_linkage",
        "category": "consolidation_revitalization", "document_no": "宁财（农）发〔2026〕1号",
        "amount": Decimal("10000000.00"), "issued_on": datetime.date(2026, 1, 20),
    }  # fmt: skip
    values.update(overrides)
    return services.batch_register(actor=world.finance, data=services.BatchInput(**values))


def allocate(world, fund, project, amount="100000.00", use="industry_development", **kwargs):
    return services.allocation_create(
        actor=world.finance, batch=fund, project=project, use=use, amount=Decimal(amount),
        allocated_on=kwargs.pop("allocated_on", datetime.date(2026, 3, 1)), **kwargs,
    )  # fmt: skip
