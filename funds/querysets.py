from typing import TypeVar

from django.db.models import Model

from geo.querysets import JurisdictionQuerySet

_M = TypeVar("_M", bound=Model)  # the model of the manager the queryset serves


class BatchQuerySet(JurisdictionQuerySet[_M]):
    """A fund batch reaches one county (资金下达): the county and above see it."""

    # A territory is not enough: roles without the funds capability (a village worker, SPEC §1.3) see no money.
    jurisdiction_fields = ("county__code",)
    territory_capability = "accounts.view_funds"


class AllocationQuerySet(JurisdictionQuerySet[_M]):
    """An allocation funds one project: visible where the batch's county is, and where the project is."""

    # Both paths: county finance reaches an allocation by its batch's county, a project unit by the project it pays.
    jurisdiction_fields = ("batch__county__code", "project__area__code")
    territory_capability = "accounts.view_funds"


class DisbursementQuerySet(JurisdictionQuerySet[_M]):
    jurisdiction_fields = ("allocation__batch__county__code", "allocation__project__area__code")
    territory_capability = "accounts.view_funds"
