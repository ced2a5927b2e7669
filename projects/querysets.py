from typing import Any, Self

from geo.codes import AreaLevel, prefix_of
from geo.querysets import JurisdictionQuerySet


class ProjectQuerySet(JurisdictionQuerySet[Any]):
    """A project belongs to its place (a village or a township): the township sees its projects, the county all
    (issue "projects and funds" §5)."""

    jurisdiction_fields = ("area__code",)
    territory_capability = "accounts.view_projects"

    def in_county(self, code: str) -> Self:
        return self.filter(area__code__startswith=prefix_of(code, AreaLevel.COUNTY))


class ProjectPartQuerySet(JurisdictionQuerySet[Any]):
    """Rows of one project (fundings, targets, beneficiaries, events, notices): visible where the project is."""

    jurisdiction_fields = ("project__area__code",)
    territory_capability = "accounts.view_projects"


class AssetQuerySet(JurisdictionQuerySet[Any]):
    jurisdiction_fields = ("area__code",)
    territory_capability = "accounts.view_assets"


class AssetPartQuerySet(JurisdictionQuerySet[Any]):
    """An asset's incomes: visible where the asset is."""

    jurisdiction_fields = ("asset__area__code",)
    territory_capability = "accounts.view_assets"


class DistributionQuerySet(JurisdictionQuerySet[Any]):
    """The uses of an asset's income: visible where the asset is."""

    jurisdiction_fields = ("income__asset__area__code",)
    territory_capability = "accounts.view_assets"
