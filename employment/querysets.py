"""Jurisdiction of employment records (STYLE rule 9): a person's records where their household is managed (SPEC §1.3
rule 2), a workshop where it stands. Only roles with the programmes capability see them."""

from typing import TypeVar

from django.db.models import Model

from geo.querysets import JurisdictionQuerySet

_M = TypeVar("_M", bound=Model)  # the model of the manager the queryset serves

PROGRAMMES = "accounts.view_programmes"


class PersonPartQuerySet(JurisdictionQuerySet[_M]):
    """Employment records and services of one member: visible where the member's household is managed."""

    jurisdiction_fields = ("member__household__managing_area__code",)
    territory_capability = PROGRAMMES
    managing_field = "member__household__managing_area__code"


class WorkshopQuerySet(JurisdictionQuerySet[_M]):
    jurisdiction_fields = ("area__code",)
    territory_capability = PROGRAMMES
    managing_field = "area__code"


class HireQuerySet(JurisdictionQuerySet[_M]):
    """A workshop's hires: visible where the workshop stands."""

    jurisdiction_fields = ("workshop__area__code",)
    territory_capability = PROGRAMMES


class SubsidyQuerySet(JurisdictionQuerySet[_M]):
    """A subsidy goes to a person (where their household is managed) or to a workshop (where it stands)."""

    jurisdiction_fields = ("member__household__managing_area__code", "workshop__area__code")
    territory_capability = PROGRAMMES
