"""The request a page view receives. Every page but the login page sits behind the login middleware
(``core.middleware.LoginRequiredMiddleware``), so its user is a signed-in ``User``, never anonymous: views say so
with this type, and pass ``request.user`` to services that take a ``User``."""

from django.http import HttpRequest
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User  # narrower than HttpRequest's User | AnonymousUser: the login middleware saw to it


def signed_in(request: Request) -> User:
    """The user of an API request that has passed ``IsAuthenticated`` (every endpoint's default permission): a
    ``User``, never anonymous; a request that somehow has none is refused as unauthenticated (401)."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated
    return user
