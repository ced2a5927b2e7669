"""API tokens that end (README "Security model"): a token lives ``API_TOKEN_HOURS`` from its issue and is revoked
when its user logs out or changes password. A module of its own, importing no DRF view: DRF imports the
authentication classes named in the settings while its views module is still loading."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expires_at(token: Token) -> datetime.datetime:
    return token.created + datetime.timedelta(hours=settings.API_TOKEN_HOURS)


def token_issue(user: Any) -> Token:
    """The user's token, a new one when the old one has run out (one token per user, as DRF keeps them)."""
    token, created = Token.objects.get_or_create(user=user)
    if not created and token_expires_at(token) <= timezone.now():
        token.delete()
        token = Token.objects.create(user=user)
    return token


def tokens_revoke(user: Any) -> None:
    """Log the user out of every API client: at logout and when their password changes."""
    Token.objects.filter(user_id=user.pk).delete()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing (401) a token older than ``API_TOKEN_HOURS``."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if token_expires_at(token) <= timezone.now():
            token.delete()
            raise AuthenticationFailed("令牌已过期，请重新登录获取新令牌")
        return user, token
