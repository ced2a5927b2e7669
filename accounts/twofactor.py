"""Two-factor sign-in (README "Security model"): a time-based code from a phone authenticator (TOTP, RFC 6238, by
django-otp) after the password. Anyone may add one; the roles of ``TWO_FACTOR_REQUIRED_ROLES`` must, before any
other page. A session that signed in with a password only is sent to give the code; the API token endpoint asks
for the code with the password; a county account administrator can remove a lost phone's authenticator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.checks import CheckMessage, Error, register
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role

STAFF = "staff"  # the pseudo-role of TWO_FACTOR_REQUIRED_ROLES for Django-admin operators
DEVICE_NAME = "手机验证器"
NO_DEVICE = "two_factor_none"  # the session key remembering that its user had no authenticator when it began


def required_for(user: Any) -> bool:
    """Whether the settings require a second factor of this user (one of their roles is listed, or they run the
    Django admin and "staff" is)."""
    listed = set(settings.TWO_FACTOR_REQUIRED_ROLES)
    if not listed:
        return False
    if STAFF in listed and (user.is_staff or user.is_superuser):
        return True
    return any(role.value in listed for role in getattr(user, "roles", ()))


def confirmed_device(user: Any) -> TOTPDevice | None:
    """The user's authenticator, once its first code has confirmed it."""
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, TOTPDevice):
            return device
    return None


def pending_device(user: Any) -> TOTPDevice:
    """The authenticator being added: its secret stays the same until a code confirms it, so a page reload shows
    the same QR code the phone already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The secret as the phone app's manual entry wants it: base32, in groups of four."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no image request, no script)."""
    import segno

    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2))


class TwoFactorMiddleware:
    """Sends a signed-in session without its second factor to give it (or, where required, to add one) before any
    other page; an API request of such a session is refused with 403 and a sentence."""

    ALLOWED = ("/accounts/2fa/", "/accounts/logout/", "/i18n/", "/static/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated or request.path_info.startswith(self.ALLOWED):
            return self.get_response(request)
        if getattr(user, "is_verified", lambda: False)():
            return self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get(NO_DEVICE) == user.pk and not required_for(user):
            return self.get_response(request)  # known since its login: no query on every page
        if confirmed_device(user) is not None:
            target, detail = "two-factor-verify", _("请先输入手机验证器上的验证码")
        elif required_for(user):
            target, detail = "two-factor-setup", _("您的账号须启用两步验证，请先在网页上添加手机验证器")
        else:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": detail}, status=403)
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


@receiver(user_logged_in)
def _remember_no_device(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """A login without an authenticator need not look for one on every page: an authenticator added later is added
    in this session (which it verifies at once) or in another one, asked for at the next login."""
    if hasattr(request, "session") and confirmed_device(user) is None:
        request.session[NO_DEVICE] = user.pk


@register()
def check_required_roles(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """A misspelt role in TWO_FACTOR_REQUIRED_ROLES would silently require nothing."""
    known = {*Role.values, STAFF}
    unknown = [code for code in settings.TWO_FACTOR_REQUIRED_ROLES if code not in known]
    if not unknown:
        return []
    return [
        Error(
            f"TWO_FACTOR_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}",
            hint=f"Use role codes ({', '.join(Role.values)}) or '{STAFF}'.",
            id="accounts.E001",
        )
    ]


def confirm(device: TOTPDevice, token: str) -> bool:
    """Confirm a new authenticator with its first code (within django-otp's throttling of wrong codes)."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def verify(user: Any, token: str) -> TOTPDevice | None:
    """The user's authenticator when ``token`` is its current code; None for a wrong one (throttled: after each
    wrong code the next try must wait twice as long)."""
    device = confirmed_device(user)
    if device is None or not device.verify_token(token.strip().replace(" ", "")):
        return None
    return device


def remove(user: Any) -> int:
    """Remove every authenticator of the user (their own choice where not required, or an administrator's for a
    lost phone); returns how many there were."""
    removed, _per_model = TOTPDevice.objects.filter(user=user).delete()
    return removed
