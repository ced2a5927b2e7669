from typing import TypeVar

from django.db.models import Model

from geo.querysets import JurisdictionQuerySet

_M = TypeVar("_M", bound=Model)  # the model of the manager the queryset serves


class LoanQuerySet(JurisdictionQuerySet[_M]):
    """A loan is its household's: seen where the household is managed or co-managed (SPEC §1.5), by the roles that
    view the support programmes (SPEC §1.3, ``view_programmes``)."""

    jurisdiction_fields = ("household__managing_area__code", "household__co_managing_area__code")
    territory_capability = "accounts.view_programmes"


class RepaymentQuerySet(JurisdictionQuerySet[_M]):
    jurisdiction_fields = ("loan__household__managing_area__code", "loan__household__co_managing_area__code")
    territory_capability = "accounts.view_programmes"
