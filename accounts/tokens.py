"""The API token endpoint (README "Security model"): a token is issued only after the same login throttling as the
login form (django-axes), and a client locked out is told so, with 429."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.utils.translation import gettext_lazy
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import token_expires_at, token_issue

LOCKED = gettext_lazy("登录失败次数过多，账号已暂时锁定，请 %(minutes)s 分钟后再试或联系系统管理员解锁")


class TokenView(ObtainAuthToken):
    """``POST {"username", "password"}`` → ``{"token", "expires_at"}`` for API clients; wrong passwords count
    towards the same lockout as the login form."""

    not_place_bound = True

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        credentials = {"username": request.data.get("username", "")}
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if AxesProxyHandler.is_locked(request._request, credentials):
                minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
                detail = str(LOCKED) % {"minutes": minutes}
                return Response({"detail": detail}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        token = token_issue(serializer.validated_data["user"])
        return Response({"token": token.key, "expires_at": token_expires_at(token)})
