from typing import TypeVar

from django.db.models import Model

from geo.querysets import JurisdictionQuerySet

_M = TypeVar("_M", bound=Model)  # the model of the manager the queryset serves


class ExportQuerySet(JurisdictionQuerySet[_M]):
    """An export is its owner's alone: no one else sees or downloads it, whatever their territory."""

    owner_path = "owner"
