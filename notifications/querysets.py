from typing import Self, TypeVar

from django.db.models import Model

from geo.querysets import JurisdictionQuerySet

_M = TypeVar("_M", bound=Model)  # the model of the manager the queryset serves


class NotificationQuerySet(JurisdictionQuerySet[_M]):
    """A notification is the recipient's own, and only while its case lies in their territory: a user who moves to
    another area no longer reads about households of the old one (SPEC §1.3 rule 1)."""

    jurisdiction_fields = ("area_code",)

    owner_path = "recipient"  # an inbox is its recipient's only

    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)
