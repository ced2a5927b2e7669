from typing import Any, Self

from django.db import models


class ExportQuerySet(models.QuerySet[Any]):
    """An export is its owner's alone: no one else sees or downloads it, whatever their territory."""

    def visible_to(self, user: Any) -> Self:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)
