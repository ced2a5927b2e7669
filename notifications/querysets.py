from typing import Any, Self

from geo.querysets import JurisdictionQuerySet


class NotificationQuerySet(JurisdictionQuerySet[Any]):
    """A notification is the recipient's own, and only while its case lies in their territory: a user who moves to
    another area no longer reads about households of the old one (SPEC §1.3 rule 1)."""

    jurisdiction_fields = ("area_code",)

    def visible_to(self, user: Any) -> Self:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return super().visible_to(user).filter(recipient=user)

    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)
