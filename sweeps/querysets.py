import datetime
from typing import Self, TypeVar

from django.db.models import Model, Q

from geo.codes import AreaLevel
from geo.querysets import JurisdictionQuerySet
from sweeps.choices import OPEN_PROBLEM_STATUSES, OPEN_WARNING_STATUSES, RECTIFYING_PROBLEM_STATUSES

_M = TypeVar("_M", bound=Model)  # the model of the manager the queryset serves


# The query faces of an open and of an overdue problem (SPEC §7.5); their Python faces are ``Problem.is_open`` and
# ``Problem.days_overdue``, which the model keeps beside ``Problem.open_q``/``overdue_q`` (these two functions).
def problem_open_q() -> Q:
    return Q(status__in=sorted(OPEN_PROBLEM_STATUSES))


def problem_rectifying_q() -> Q:
    """Assigned and not yet submitted: the rectification the responsible party owes (``Problem.is_rectifying``)."""
    return Q(status__in=sorted(RECTIFYING_PROBLEM_STATUSES))


def problem_overdue_q(today: datetime.date) -> Q:
    return problem_open_q() & Q(deadline__lt=today)


# The query face of an open warning (SPEC §6.5); its Python face is ``ScreeningWarning.is_open``.
def warning_open_q() -> Q:
    return Q(status__in=sorted(OPEN_WARNING_STATUSES))


class ProblemQuerySet(JurisdictionQuerySet[_M]):
    """A problem belongs to its place: a household's managing (and co-managing) area, or the village itself
    (SPEC §1.3 rule 1). Roles that see rectification see the problems of their territory."""

    jurisdiction_fields = ("area_code", "co_area_code")
    territory_capability = "accounts.view_rectification"

    def open(self) -> Self:
        return self.filter(problem_open_q())


class ProblemRecordQuerySet(JurisdictionQuerySet[_M]):
    """Rows of one problem (its events): visible where the problem is."""

    jurisdiction_fields = ("problem__area_code", "problem__co_area_code")
    territory_capability = "accounts.view_rectification"


class RunQuerySet(JurisdictionQuerySet[_M]):
    """A sweep run covers one county; users of the county and above see it, townships see their chunk's results
    through the problems."""

    jurisdiction_fields = ("county__code",)
    territory_capability = "accounts.view_rectification"


class BatchQuerySet(JurisdictionQuerySet[_M]):
    """A screening batch covers the uploader's area; department staff see their own department's batches only."""

    jurisdiction_fields = ("area__code",)
    territory_capability = "accounts.view_warnings"
    department_path = "department"  # a department's screeners see their own batches only
    department_capability = "accounts.browse_households"


class WarningQuerySet(JurisdictionQuerySet[_M]):
    """A warning belongs to its household's place (SPEC §6.5); the department that raised it sees its status and
    disposition (SPEC §1.3 "read own"), not the household file."""

    jurisdiction_fields = ("household__managing_area__code", "household__co_managing_area__code")
    territory_capability = "accounts.view_warnings"
    department_path = "batch__department"  # a department's screeners see what their department raised only
    department_capability = "accounts.browse_households"

    def open(self) -> Self:
        return self.filter(warning_open_q())


class CampaignQuerySet(JurisdictionQuerySet[_M]):
    """A campaign covers a county: its users and those above it see it, and so does everyone inside the county who
    takes part (a township or village sees the campaign its checklists belong to)."""

    jurisdiction_fields = ("county__code",)
    territory_capability = "accounts.view_rectification"
    enclosing_fields = {"county__code": AreaLevel.COUNTY}  # a township or village takes part in its county's


class CampaignPartQuerySet(JurisdictionQuerySet[_M]):
    """A township's or village's part of a campaign: visible where that area is."""

    jurisdiction_fields = ("area__code",)
    territory_capability = "accounts.view_rectification"


class ChecklistItemQuerySet(JurisdictionQuerySet[_M]):
    jurisdiction_fields = ("part__area__code",)
    territory_capability = "accounts.view_rectification"


class RiskEventQuerySet(JurisdictionQuerySet[_M]):
    """A large-scale risk event is recorded by its county (SPEC §4.12): the county and those above it see it, and
    so do the townships and villages inside the county, which visit the households it hit."""

    jurisdiction_fields = ("county__code",)
    territory_capability = "accounts.view_rectification"
    enclosing_fields = {"county__code": AreaLevel.COUNTY}
