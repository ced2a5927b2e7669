from typing import TypeVar

from django.db.models import Model

from geo.querysets import JurisdictionQuerySet

_M = TypeVar("_M", bound=Model)  # the model of the manager the queryset serves


class CaseQuerySet(JurisdictionQuerySet[_M]):
    """Monitoring records belong to a household: visible where the household is (SPEC §1.3 rule 1, §1.5)."""

    jurisdiction_fields = ("household__managing_area__code", "household__co_managing_area__code")
    territory_capability = "accounts.browse_households"
    grant_path = "household"
    # Workflow steps are taken where the household's **managing** area is (SPEC §1.3 rule 2, §1.5).
    managing_field = "household__managing_area__code"


class CaseRecordQuerySet(JurisdictionQuerySet[_M]):
    """Records of one application (reviews, notices, events): visible where the application's household is."""

    jurisdiction_fields = (
        "application__household__managing_area__code",
        "application__household__co_managing_area__code",
    )
    territory_capability = "accounts.browse_households"
    grant_path = "application__household"


class MeasureQuerySet(JurisdictionQuerySet[_M]):
    """A measure is visible where its subject's household is."""

    jurisdiction_fields = (
        "subject__household__managing_area__code",
        "subject__household__co_managing_area__code",
    )
    territory_capability = "accounts.browse_households"
    grant_path = "subject__household"


class HouseholdRecordQuerySet(JurisdictionQuerySet[_M]):
    """Records shared by entry and elimination cases (reviews, notices): they carry their household."""

    jurisdiction_fields = ("household__managing_area__code", "household__co_managing_area__code")
    territory_capability = "accounts.browse_households"
    grant_path = "household"


class EliminationRecordQuerySet(MeasureQuerySet):
    """Elimination cases: visible where their subject's household is, decided where it is managed."""

    managing_field = "subject__household__managing_area__code"
