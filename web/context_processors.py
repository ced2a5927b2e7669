from typing import Any

from django.http import HttpRequest

from notifications.selectors import unread_count
from web.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The role-based menu and the unread count for the top bar (STYLE rule 19: decisions made here, not in
    templates)."""
    user = getattr(request, "user", None)
    return {"nav_items": menu_for(user), "unread_notifications": unread_count(user)}
