from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.db.models import Model
from django.shortcuts import get_object_or_404

from geo.querysets import JurisdictionQuerySet

_M = TypeVar("_M", bound=Model)
_F = TypeVar("_F", bound=Callable[..., Any])


def get_visible_or_404(model: type[_M], user: Any, **lookup: Any) -> _M:
    """How function views fetch one place-bound row: missing and out-of-jurisdiction both give 404 (rule 11)."""
    queryset = cast(JurisdictionQuerySet[_M], model._default_manager.all())
    return get_object_or_404(queryset.visible_to(user), **lookup)


def scoped_view(view: _F | None = None, *, model: type[Model] | None = None, post_only: bool = False) -> Any:
    """Declares that a function view fetches place-bound rows only through ``get_visible_or_404`` or
    ``visible_to``. ``model`` names the model its ``pk`` argument refers to and ``post_only`` marks a command, so
    the URL audit (tests/test_url_audit.py) can exercise it; the audit accepts only declared views."""

    def mark(function: _F) -> _F:
        function.jurisdiction_scoped = True  # type: ignore[attr-defined]
        function.audit_model = model  # type: ignore[attr-defined]
        function.post_only = post_only  # type: ignore[attr-defined]
        return function

    return mark(view) if view is not None else mark


def not_place_bound(view: _F) -> _F:
    """Declares that a view shows nothing tied to a place (a help page, the user's own profile)."""
    view.jurisdiction_scoped = True  # type: ignore[attr-defined]
    view.not_place_bound = True  # type: ignore[attr-defined]
    return view
