from typing import Any, Self

from geo.querysets import JurisdictionQuerySet
from sweeps.choices import OPEN_PROBLEM_STATUSES


class ProblemQuerySet(JurisdictionQuerySet[Any]):
    """A problem belongs to its place: a household's managing (and co-managing) area, or the village itself
    (SPEC §1.3 rule 1). Roles that see rectification see the problems of their territory."""

    jurisdiction_fields = ("area_code", "co_area_code")
    territory_capability = "accounts.view_rectification"

    def open(self) -> Self:
        return self.filter(status__in=sorted(OPEN_PROBLEM_STATUSES))


class ProblemRecordQuerySet(JurisdictionQuerySet[Any]):
    """Rows of one problem (its events): visible where the problem is."""

    jurisdiction_fields = ("problem__area_code", "problem__co_area_code")
    territory_capability = "accounts.view_rectification"


class RunQuerySet(JurisdictionQuerySet[Any]):
    """A sweep run covers one county; users of the county and above see it, townships see their chunk's results
    through the problems."""

    jurisdiction_fields = ("county__code",)
    territory_capability = "accounts.view_rectification"
