from typing import Any, cast

from django.db.models import QuerySet

from geo.querysets import JurisdictionQuerySet


class JurisdictionScopedMixin:
    """First base of every class-based view and viewset over place-bound data; ``get_queryset()`` is sealed
    (STYLE rule 10): subclasses narrow the scoped rows in ``scope_queryset()`` and cannot skip ``visible_to``."""

    request: Any
    queryset: QuerySet[Any] | None = None
    model: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must override scope_queryset(), not get_queryset()")

    def scope_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset

    def get_queryset(self) -> QuerySet[Any]:
        source = self.queryset if self.queryset is not None else self.model._default_manager
        scoped = cast(JurisdictionQuerySet[Any], source.all()).visible_to(self.request.user)
        return self.scope_queryset(scoped)
