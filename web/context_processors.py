from typing import Any

from django.http import HttpRequest

from web.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The role-based menu for the top bar (STYLE rule 19: decisions made here, not in templates)."""
    return {"nav_items": menu_for(request.user)}
