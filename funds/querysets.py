from typing import Any

from geo.querysets import JurisdictionQuerySet


class BatchQuerySet(JurisdictionQuerySet[Any]):
    """A fund batch reaches one county (资金下达): the county and above see it."""

    jurisdiction_fields = ("county__code",)
    territory_capability = "accounts.view_funds"


class AllocationQuerySet(JurisdictionQuerySet[Any]):
    """An allocation funds one project: visible where the batch's county is, and where the project is."""

    jurisdiction_fields = ("batch__county__code", "project__area__code")
    territory_capability = "accounts.view_funds"


class DisbursementQuerySet(JurisdictionQuerySet[Any]):
    jurisdiction_fields = ("allocation__batch__county__code", "allocation__project__area__code")
    territory_capability = "accounts.view_funds"
