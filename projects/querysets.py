from typing import Self, TypeVar

from django.db.models import Model

from geo.codes import AreaLevel, prefix_of
from geo.querysets import JurisdictionQuerySet

_M = TypeVar("_M", bound=Model)  # the model of the manager the queryset serves


class ProjectQuerySet(JurisdictionQuerySet[_M]):
    """A project belongs to its place (a village or a township): the township sees its projects, the county all
    (SPEC §1.3 rule 1, §8.9)."""

    jurisdiction_fields = ("area__code",)
    # A territory is not enough: roles without the projects capability (a department screener) see no project.
    territory_capability = "accounts.view_projects"

    def in_county(self, code: str) -> Self:
        # Without a user, for jobs and for a batch already scoped: every area of a county shares its 6-digit prefix.
        return self.filter(area__code__startswith=prefix_of(code, AreaLevel.COUNTY))


class ProjectPartQuerySet(JurisdictionQuerySet[_M]):
    """Rows of one project (fundings, targets, beneficiaries, events, notices): visible where the project is."""

    jurisdiction_fields = ("project__area__code",)
    territory_capability = "accounts.view_projects"


class AssetQuerySet(JurisdictionQuerySet[_M]):
    jurisdiction_fields = ("area__code",)
    # Its own capability: the asset register has readers of its own (SPEC §1.3 "Register asset").
    territory_capability = "accounts.view_assets"


class AssetPartQuerySet(JurisdictionQuerySet[_M]):
    """An asset's incomes: visible where the asset is."""

    jurisdiction_fields = ("asset__area__code",)
    territory_capability = "accounts.view_assets"


class DistributionQuerySet(JurisdictionQuerySet[_M]):
    """The uses of an asset's income: visible where the asset is."""

    jurisdiction_fields = ("income__asset__area__code",)
    territory_capability = "accounts.view_assets"
