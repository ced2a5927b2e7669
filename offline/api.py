"""The phone app's three calls (issue "Visits without signal"): who am I and what may I take offline, the
households themselves, and one visit captured offline. Session (with its CSRF token) or token, expiring as every
other login does; every answer is computed at call time for the caller's jurisdiction of that moment."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import signed_in
from core.errors import DomainError
from households.choices import HousingSafety, RiskType, VisitKind
from households.forms import VisitForm
from households.services import VisitInput, photo_uploads
from offline.selectors import can_go_offline, keep_days, scopes
from offline.services import Base, Outcome, offline_download, visit_sync


class ScopeSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="mine（我负责的全部农户）或 village:<村代码>")
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()


class SessionSerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    can_go_offline = serializers.BooleanField()
    keep_days = serializers.IntegerField(allow_null=True)
    scopes = ScopeSerializer(many=True)
    csrf_token = serializers.CharField(help_text="会话登录时，提交走访须带此令牌（X-CSRFToken）")
    photo_max_bytes = serializers.IntegerField()
    photo_max_count = serializers.IntegerField()


class OfflineSessionView(APIView):
    """The signed-in user, whether they may take households offline, the choices of what to take, and how long it
    may stay on the phone. The phone asks before every download and synchronisation: an expired login is 401."""

    @extend_schema(responses=SessionSerializer)
    def get(self, request: Request) -> Response:
        user = signed_in(request)
        allowed = can_go_offline(user)
        return Response(
            {
                "user": user.pk,
                "username": user.username,
                "name": str(user),
                "can_go_offline": allowed,
                "keep_days": keep_days(user) if allowed else None,
                "scopes": [vars(scope) for scope in scopes(user)],
                "csrf_token": get_token(request._request),
                "photo_max_bytes": settings.VISIT_PHOTO_MAX_BYTES,
                "photo_max_count": settings.VISIT_PHOTO_MAX_COUNT,
            }
        )


class OfflineMemberSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    age = serializers.IntegerField()
    relationship = serializers.CharField()
    id_number = serializers.CharField(help_text="仅可查看完整身份证号的角色为完整号码，其他角色隐去部分数字")


class OfflineRiskSerializer(serializers.Serializer[Any]):
    type = serializers.CharField()
    found_on = serializers.DateField()


class OfflineHouseholdSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    no = serializers.CharField()
    head = serializers.CharField()
    address = serializers.CharField(allow_blank=True)
    village = serializers.CharField()
    area = serializers.CharField()
    housing_safety = serializers.CharField(allow_blank=True)
    monitoring = serializers.CharField(allow_blank=True)
    last_visit = serializers.DateField(allow_null=True)
    visit_due = serializers.DateField(allow_null=True)
    members = OfflineMemberSerializer(many=True)
    risks = OfflineRiskSerializer(many=True)


class DownloadSerializer(serializers.Serializer[Any]):
    scope = serializers.CharField()
    scope_label = serializers.CharField()
    user = serializers.IntegerField()
    downloaded_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    unmasked = serializers.BooleanField()
    households = OfflineHouseholdSerializer(many=True)


class OfflineHouseholdsView(APIView):
    """The households of one scope, with only what a visit needs, to keep on the phone until ``expires_at``."""

    @extend_schema(
        parameters=[OpenApiParameter("scope", str, required=True, description="mine 或 village:<村代码>")],
        responses=DownloadSerializer,
    )
    def get(self, request: Request) -> Response:
        user = signed_in(request)
        download = offline_download(actor=user, scope_key=str(request.query_params.get("scope", "")))
        return Response(
            {
                "scope": download.scope.key,
                "scope_label": download.scope.label,
                "user": user.pk,
                "downloaded_at": download.downloaded_at.isoformat(),
                "expires_at": download.expires_at.isoformat(),
                "unmasked": download.unmasked,
                "households": download.households,
            }
        )


class OfflineVisitInputSerializer(serializers.Serializer[Any]):
    """The schema of a visit sent from the phone (multipart with ``photos`` files). It is validated by the same
    form as the online visit page, so the errors name the same fields with the same words."""

    uuid = serializers.UUIDField(help_text="手机生成的编号：同一编号只保存一次")
    household = serializers.IntegerField()
    downloaded_at = serializers.DateTimeField(required=False, help_text="农户下载到手机的时间")
    base_members = serializers.CharField(required=False, help_text="下载时在户成员编号，逗号分隔")
    base_area = serializers.CharField(required=False, help_text="下载时的管理区划代码")
    save_anyway = serializers.BooleanField(required=False, help_text="已看到服务器上的变化，仍然保存")
    seen_changes = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="仍然保存时，用户看到的变化（逐条）"
    )
    base_housing = serializers.CharField(required=False, help_text="下载时的住房安全等级")
    owner = serializers.IntegerField(required=False, help_text="在手机上登记这条走访的用户编号")
    visited_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=VisitKind.choices)
    companions = serializers.CharField(required=False, allow_blank=True)
    food_ok = serializers.BooleanField(required=False)
    clothing_ok = serializers.BooleanField(required=False)
    housing_safety = serializers.ChoiceField(choices=HousingSafety.choices)
    water_quantity_ok = serializers.BooleanField(required=False)
    water_quality_ok = serializers.BooleanField(required=False)
    water_access_ok = serializers.BooleanField(required=False)
    water_reliability_ok = serializers.BooleanField(required=False)
    guarantee_note = serializers.CharField(required=False, allow_blank=True)
    income_change = serializers.CharField(required=False, allow_blank=True)
    member_change = serializers.CharField(required=False, allow_blank=True)
    needs = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    risk_found = serializers.BooleanField(required=False)
    risk_types = serializers.ListField(child=serializers.ChoiceField(choices=RiskType.choices), required=False)
    risk_note = serializers.CharField(required=False, allow_blank=True)
    next_visit_on = serializers.DateField(required=False, allow_null=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False)


class OutcomeSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=["saved", "conflict", "refused"])
    visit = serializers.IntegerField(required=False)
    url = serializers.CharField(required=False)
    duplicate = serializers.BooleanField(required=False)
    can_save_anyway = serializers.BooleanField(required=False)
    can_correct = serializers.BooleanField(required=False)
    changes = serializers.ListField(child=serializers.CharField(), required=False)
    message = serializers.CharField(required=False)
    detail = serializers.CharField(required=False, help_text="冲突或退回的原因，一句话")
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


def _answer(outcome: Outcome) -> Response:
    if outcome.status == "saved":
        assert outcome.visit is not None
        body = {
            "status": "saved",
            "visit": outcome.visit.pk,
            "duplicate": outcome.duplicate,
            "url": reverse("households:household-detail", args=[outcome.visit.household_id]) + "#visits",
        }
        return Response(body, status=status.HTTP_200_OK if outcome.duplicate else status.HTTP_201_CREATED)
    if outcome.status == "conflict":
        detail = "；".join(outcome.changes)
        body = {
            "status": "conflict",
            "changes": outcome.changes,
            "detail": detail,
            "can_save_anyway": outcome.can_save_anyway,
        }
        return Response(body, status=status.HTTP_409_CONFLICT)
    code = status.HTTP_403_FORBIDDEN if outcome.forbidden else status.HTTP_400_BAD_REQUEST
    body = {
        "status": "refused",
        "message": outcome.message,
        "detail": outcome.message,
        "errors": outcome.errors,
        "can_correct": not outcome.forbidden,
    }
    return Response(body, status=code)


def _refusal(errors: dict[str, list[str]]) -> Response:
    message = next(iter(errors.values()))[0]
    body = {"status": "refused", "message": message, "detail": message, "errors": errors, "can_correct": True}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def _int_list(value: Any) -> tuple[int, ...]:
    parts = value if isinstance(value, list) else str(value or "").split(",")
    return tuple(int(part) for part in (str(p).strip() for p in parts) if part.isdigit() and len(part) < 10)


def _form_data(data: Any, errors: dict[str, list[str]]) -> QueryDict:
    """A JSON body as the form's data (a multipart body already is): lists only where the form takes several values,
    nothing but text, numbers and booleans elsewhere."""
    if isinstance(data, QueryDict):
        return data
    values = QueryDict(mutable=True)
    for name, value in data.items() if isinstance(data, dict) else ():
        if (
            isinstance(value, list)
            and name in ("risk_types", "seen_changes")
            and all(isinstance(v, str) for v in value)
        ):
            values.setlist(name, value)
        elif value == [] and name == "photos":
            continue  # photos come as files, in a multipart body
        elif isinstance(value, bool):
            values[name] = "on" if value else ""
        elif value is None:
            values[name] = ""
        elif isinstance(value, str | int | float):
            values[name] = str(value)
        else:
            errors[name] = [_("格式不正确")]
    return values


def _truthy(value: Any) -> bool:
    return str(value).lower() in {"1", "true", "on", "yes"}


class OfflineVisitView(APIView):
    """One visit captured on the phone. Saved once per ``uuid`` (a second send answers 200 with the same visit);
    409 with what changed when the household changed on the server since the download (send again with
    ``save_anyway`` to keep it); 400 with the online form's errors by field; 403 when the household is not the
    sender's to visit today."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": OfflineVisitInputSerializer, "application/json": OfflineVisitInputSerializer},
        responses={
            200: OutcomeSerializer,
            201: OutcomeSerializer,
            400: OutcomeSerializer,
            403: OutcomeSerializer,
            409: OutcomeSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        user = signed_in(request)
        errors: dict[str, list[str]] = {}
        data = _form_data(request.data, errors)
        try:
            client_uuid = uuid.UUID(str(data.get("uuid", "")))
        except ValueError:
            errors["uuid"] = [_("缺少或无法识别这条走访的编号，请放弃后重新登记")]
        household = str(data.get("household", ""))
        if not household.isdigit() or int(household) > 2**31:
            errors["household"] = [_("缺少农户编号")]
        downloaded_at: datetime.datetime | None = None
        if data.get("downloaded_at"):
            try:
                downloaded_at = parse_datetime(str(data.get("downloaded_at")))
            except ValueError:
                downloaded_at = None
            if downloaded_at is None:
                errors["downloaded_at"] = [_("下载时间格式不正确")]
        form = VisitForm(data, request.FILES)
        if not form.is_valid():
            for name, messages in form.errors.items():
                errors[name] = [str(message) for message in messages]
        owner = str(data.get("owner", ""))
        if owner and owner != str(user.pk):
            message = _("这条走访是另一位用户在这部手机上登记的，不能用您的账号提交")
            body = {"status": "refused", "message": message, "detail": message, "errors": {}, "can_correct": False}
            return Response(body, status=status.HTTP_403_FORBIDDEN)
        if errors:
            return _refusal(errors)
        try:
            photos = photo_uploads(request.FILES.getlist("photos"))
        except DomainError as exc:
            return _refusal({exc.field or "photos": [exc.message]})
        fields = {name: value for name, value in form.cleaned_data.items() if name != "photos"}
        outcome = visit_sync(
            actor=user,
            household_id=int(household),
            client_uuid=client_uuid,
            base=Base(
                downloaded_at=downloaded_at,
                members=_int_list(data.get("base_members", "")),
                area=str(data.get("base_area", "")),
                housing_safety=str(data.get("base_housing", "")),
            ),
            data=VisitInput(**fields),
            photos=photos,
            save_anyway=_truthy(data.get("save_anyway", "")),
            seen=tuple(data.getlist("seen_changes")),
        )
        return _answer(outcome)
