from typing import Self, TypeVar

from django.db.models import Model

from monitoring.querysets import MeasureQuerySet

_M = TypeVar("_M", bound=Model)  # the model of the manager the queryset serves


class NationalEntryQuerySet(MeasureQuerySet[_M]):
    """A national entry is visible where its subject's household is (SPEC §1.3 rule 1, §1.5) and recorded where the
    household is managed (rule 2)."""

    managing_field = "subject__household__managing_area__code"

    def live(self) -> Self:
        """The entries no correction has superseded: what the national system holds now."""
        return self.filter(superseded_by__isnull=True)
