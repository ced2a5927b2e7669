"""Sessions that end (README "Security model"): a page session ends after ``SESSION_IDLE_MINUTES`` without a request
(Django's cookie age, renewed by a request at most once a minute, so that a page's requests do not each write the
session row) and, however busy, ``SESSION_ABSOLUTE_HOURS`` after its login. A
shared office computer left signed in does not stay signed in; a logout or a password change also ends the user's
API tokens (``accounts.authentication``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.authentication import tokens_revoke

LOGIN_AT = "login_at"  # the session key holding when its login happened (a POSIX timestamp)
SEEN_AT = "seen_at"  # when the session was last renewed
RENEW_AFTER = 60  # seconds: the idle clock's precision, and at most one session write a minute


@receiver(user_logged_in)
def _stamp_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if hasattr(request, "session"):
        request.session[LOGIN_AT] = request.session[SEEN_AT] = timezone.now().timestamp()


@receiver(user_logged_out)
def _revoke_tokens(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        tokens_revoke(user)


class PasswordChangeRequiredMiddleware:
    """A provisioned account (``must_change_password``) goes to the password page before any other page."""

    ALLOWED = ("/accounts/", "/i18n/", "/static/", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path_info.startswith(self.ALLOWED)
        ):
            return redirect("password-change")
        return self.get_response(request)


class SessionExpiryMiddleware:
    """Renews a page session's idle clock (once a minute at most) and ends it ``SESSION_ABSOLUTE_HOURS`` after its
    login, with a word on the login page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated and hasattr(request, "session"):
            stamp = request.session.get(LOGIN_AT)
            now = timezone.now().timestamp()
            if stamp is None:
                request.session[LOGIN_AT] = now  # a session from before this rule: its clock starts now
            elif now - float(stamp) > settings.SESSION_ABSOLUTE_HOURS * 3600:
                logout(request)
                if not request.path_info.startswith("/api/"):
                    hours = settings.SESSION_ABSOLUTE_HOURS
                    messages.info(request, _("登录已超过 %(hours)s 小时，请重新登录") % {"hours": hours})
                    return redirect_to_login(request.get_full_path())
                return self.get_response(request)
            if now - float(request.session.get(SEEN_AT) or 0) > RENEW_AFTER:
                request.session[SEEN_AT] = now  # a modified session is saved with a new expiry
        return self.get_response(request)
