from typing import TypeVar

from django.db.models import Model

from geo.querysets import JurisdictionQuerySet

_M = TypeVar("_M", bound=Model)  # the model of the manager the queryset serves


class ExportQuerySet(JurisdictionQuerySet[_M]):
    """An export is its owner's alone: no one else sees or downloads it, whatever their territory."""

    owner_path = "owner"


class ReconciliationQuerySet(JurisdictionQuerySet[_M]):
    """A reconciliation is its owner's alone, and only while its area is in their territory and they browse
    households: its report lists that area's people, so a user moved to another area or to another role keeps no
    report of the old one."""

    jurisdiction_fields = ("area__code",)
    territory_capability = "accounts.browse_households"
    owner_path = "owner"
