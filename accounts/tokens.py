"""The API token endpoint (README "Security model"): a token is issued only after the same login throttling as the
login form (django-axes), and a client locked out is told so, with 429."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import twofactor
from accounts.authentication import token_expires_at, token_issue

NOT_AN_OBJECT = gettext_lazy("请提交 username 和 password 两个字段")
CODE_NEEDED = gettext_lazy("该账号已启用两步验证，请同时提交 otp_token（手机验证器上的 6 位验证码）")
CODE_WRONG = gettext_lazy("验证码不正确或已过期")
SETUP_NEEDED = gettext_lazy("您的账号须启用两步验证，请先在网页上添加手机验证器")
LOCKED = gettext_lazy("登录失败次数过多，账号已暂时锁定，请 %(minutes)s 分钟后再试或联系系统管理员解锁")


class TokenRequestSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=8,
        help_text=gettext_lazy("手机验证器上的 6 位验证码（已启用两步验证的账号）"),
    )


class TokenView(ObtainAuthToken):
    """``POST {"username", "password"[, "otp_token"]}`` → ``{"token", "expires_at"}`` for API clients; wrong
    passwords count towards the same lockout as the login form; an account with an authenticator also gives its
    current code."""

    not_place_bound = True
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "IssuedToken", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}
            ),
            400: OpenApiResponse(description="用户名或密码不正确，或缺少、写错了两步验证码"),
            403: OpenApiResponse(description="该账号须先在网页上启用两步验证"),
            429: OpenApiResponse(description="登录失败次数过多，账号已暂时锁定"),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not isinstance(request.data, Mapping):
            return Response({"detail": str(NOT_AN_OBJECT)}, status=status.HTTP_400_BAD_REQUEST)
        credentials = {"username": request.data.get("username", "")}
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if AxesProxyHandler.is_locked(request._request, credentials):
                minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
                detail = str(LOCKED) % {"minutes": minutes}
                return Response({"detail": detail}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        user = serializer.validated_data["user"]
        # A second factor, where the account has one (accounts.twofactor): the code rides with the password.
        if twofactor.confirmed_device(user) is not None:
            code = serializer.validated_data.get("otp_token", "")
            if not code:
                return Response({"otp_token": [str(CODE_NEEDED)]}, status=status.HTTP_400_BAD_REQUEST)
            if twofactor.verify(user, code) is None:
                return Response({"otp_token": [str(CODE_WRONG)]}, status=status.HTTP_400_BAD_REQUEST)
        elif twofactor.required_for(user):
            return Response({"detail": str(SETUP_NEEDED)}, status=status.HTTP_403_FORBIDDEN)
        token = token_issue(user)
        return Response({"token": token.key, "expires_at": token_expires_at(token)})
