from typing import Any

from geo.querysets import JurisdictionQuerySet


class ExportQuerySet(JurisdictionQuerySet[Any]):
    """An export is its owner's alone: no one else sees or downloads it, whatever their territory."""

    owner_path = "owner"
