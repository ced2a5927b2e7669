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


class BatchQuerySet(JurisdictionQuerySet[Any]):
    """A screening batch covers the uploader's area; department staff see their own department's batches only."""

    jurisdiction_fields = ("area__code",)
    territory_capability = "accounts.view_warnings"

    def visible_to(self, user: Any) -> Self:
        visible = super().visible_to(user)
        return _own_department(visible, user, "department")


class WarningQuerySet(JurisdictionQuerySet[Any]):
    """A warning belongs to its household's place (SPEC §6.5); the department that raised it sees its status and
    disposition (SPEC §1.3 "read own"), not the household file."""

    jurisdiction_fields = ("household__managing_area__code", "household__co_managing_area__code")
    territory_capability = "accounts.view_warnings"

    def visible_to(self, user: Any) -> Self:
        visible = super().visible_to(user)
        return _own_department(visible, user, "batch__department")


def _own_department(queryset: Any, user: Any, path: str) -> Any:
    """Department screeners (who upload, but do not browse households) see what their department raised only."""
    if getattr(user, "is_superuser", False) or user.has_perm("accounts.browse_households"):
        return queryset
    return queryset.filter(**{path: getattr(user, "department", "") or "-"})


class CampaignQuerySet(JurisdictionQuerySet[Any]):
    """A campaign covers a county: its users and those above it see it, and so does everyone inside the county who
    takes part (a township or village sees the campaign its checklists belong to)."""

    jurisdiction_fields = ("county__code",)
    territory_capability = "accounts.view_rectification"

    def visible_to(self, user: Any) -> Self:
        visible = super().visible_to(user)
        area = getattr(user, "area", None)
        if area is None or not user.has_perm(self.territory_capability) or len(area.prefix) <= 6:
            return visible
        return (visible | self.filter(county__code=area.code[:6].ljust(12, "0"))).distinct()


class CampaignPartQuerySet(JurisdictionQuerySet[Any]):
    """A township's or village's part of a campaign: visible where that area is."""

    jurisdiction_fields = ("area__code",)
    territory_capability = "accounts.view_rectification"


class ChecklistItemQuerySet(JurisdictionQuerySet[Any]):
    jurisdiction_fields = ("part__area__code",)
    territory_capability = "accounts.view_rectification"
