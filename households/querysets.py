import datetime
from typing import Any, Self, TypeVar

from django.db.models import Model, Q

from geo.querysets import JurisdictionQuerySet

_M = TypeVar("_M", bound=Model)  # the model of the manager the queryset serves


class HouseholdQuerySet(JurisdictionQuerySet[_M]):
    # A self-migrant household is seen from its residence (managing) and its hukou (co-managing) area (SPEC §1.5).
    jurisdiction_fields = ("managing_area__code", "co_managing_area__code")
    territory_capability = "accounts.browse_households"
    grant_path = ""

    def active(self) -> Self:
        return self.filter(closed_on__isnull=True)

    def managed_in(self, area: Any) -> Self:
        """Households whose **managing** area lies in ``area``: those it answers for in workflows, sweeps and
        rectification (SPEC §1.3 rule 2; the co-managing area reads but does not decide, §1.5). For system jobs,
        not for what a user may see (that is ``visible_to``)."""
        from geo.models import AdminArea

        # The areas' ids first (a township has a few dozen): the planner then reads the households by their
        # managing-area index instead of joining every household to the area table.
        ids = list(AdminArea.objects.filter(code__startswith=area.prefix).values_list("pk", flat=True))
        return self.filter(managing_area_id__in=ids)


class HouseholdPartQuerySet(JurisdictionQuerySet[_M]):
    """Rows that belong to one household (members, incomes): visible exactly when their household is."""

    jurisdiction_fields = ("household__managing_area__code", "household__co_managing_area__code")
    territory_capability = "accounts.browse_households"
    grant_path = "household"


class PairingQuerySet(HouseholdPartQuerySet[_M]):
    """Pairings (结对帮扶, SPEC §1.6): seen where their household is; a paired cadre sees those of the households
    their pairings open."""

    def in_force(self, on: datetime.date) -> Self:
        """The pairings that open their household on ``on``: begun, and not yet ended (the end day included)."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


class VisitPhotoQuerySet(JurisdictionQuerySet[_M]):
    """A photo is visible exactly when its visit's household is."""

    jurisdiction_fields = ("visit__household__managing_area__code", "visit__household__co_managing_area__code")
    territory_capability = "accounts.browse_households"
    grant_path = "visit__household"


class ImportJobQuerySet(JurisdictionQuerySet[_M]):
    # The area the rows are imported into; only roles that may edit households see import jobs at all. An upload
    # holds personal data of whole villages: it is its uploader's only, while the area is still theirs (colleagues
    # of the same area get the same 404 as strangers).
    jurisdiction_fields = ("area__code",)
    territory_capability = "accounts.edit_household"
    owner_path = "created_by"


class DisclosureQuerySet(JurisdictionQuerySet[_M]):
    """The log of who saw full ID numbers (SPEC §1.3 scoping rule 4): read where the household lies, by the roles
    that audit it (a county reviewer, a supervisor, an administrator); nobody else, the viewers themselves included."""

    jurisdiction_fields = ("household__managing_area__code", "household__co_managing_area__code")
    territory_capability = "accounts.audit_disclosures"

    def visible_to(self, user: Any) -> Self:
        # The territory is the whole test: a capability-less user with grants (a paired cadre) sees no log rows.
        if not user.is_superuser and not user.has_perm(self.territory_capability):
            return self.none()
        return super().visible_to(user)
