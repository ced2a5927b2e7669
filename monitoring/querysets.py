from typing import Any, Self

from django.db.models import Q

from geo.querysets import JurisdictionQuerySet, jurisdiction_prefixes


class CaseQuerySet(JurisdictionQuerySet[Any]):
    """Monitoring records belong to a household: visible where the household is (SPEC §1.3 rule 1, §1.5)."""

    jurisdiction_fields = ("household__managing_area__code", "household__co_managing_area__code")
    territory_capability = "accounts.browse_households"
    grant_path = "household"

    def managed_by(self, user: Any) -> Self:
        """The cases whose household's **managing** area lies in the user's area: where the user may take workflow
        steps (SPEC §1.3 rule 2; a co-managing area reads but does not decide, §1.5)."""
        if user.is_superuser:
            return self
        allowed = Q(pk__in=[])
        for prefix in jurisdiction_prefixes(user):
            allowed |= Q(household__managing_area__code__startswith=prefix)
        return self.filter(allowed)


class CaseRecordQuerySet(JurisdictionQuerySet[Any]):
    """Records of one application (reviews, notices, events): visible where the application's household is."""

    jurisdiction_fields = (
        "application__household__managing_area__code",
        "application__household__co_managing_area__code",
    )
    territory_capability = "accounts.browse_households"
    grant_path = "application__household"


class MeasureQuerySet(JurisdictionQuerySet[Any]):
    """A measure is visible where its subject's household is."""

    jurisdiction_fields = (
        "subject__household__managing_area__code",
        "subject__household__co_managing_area__code",
    )
    territory_capability = "accounts.browse_households"
    grant_path = "subject__household"


class HouseholdRecordQuerySet(JurisdictionQuerySet[Any]):
    """Records shared by entry and elimination cases (reviews, notices): they carry their household."""

    jurisdiction_fields = ("household__managing_area__code", "household__co_managing_area__code")
    territory_capability = "accounts.browse_households"
    grant_path = "household"


class EliminationRecordQuerySet(MeasureQuerySet):
    """Elimination cases: visible where their subject's household is."""

    def managed_by(self, user: Any) -> Self:
        """Cases whose household's managing area lies in the user's area (SPEC §1.3 rule 2, §1.5)."""
        if user.is_superuser:
            return self
        allowed = Q(pk__in=[])
        for prefix in jurisdiction_prefixes(user):
            allowed |= Q(subject__household__managing_area__code__startswith=prefix)
        return self.filter(allowed)
