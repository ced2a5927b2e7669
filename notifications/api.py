"""The inbox over the API (README "API"): the caller's notifications, newest first, and marking them read — the
same rows as the bell, through ``visible_to`` (a notification is its recipient's, while its case lies in their
territory)."""

from __future__ import annotations

from typing import Any

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import signed_in
from geo.mixins import JurisdictionScopedMixin
from notifications.models import Notification
from notifications.services import notification_read, notifications_read_all


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "topic", "title", "body", "url", "area_code", "created_at", "read_at"]
        read_only_fields = fields


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="只看未读")

    class Meta:
        model = Notification
        fields = ["unread", "topic"]


class NotificationViewSet(
    JurisdictionScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Notification]
):
    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering = ["-created_at", "-pk"]

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = notification_read(notification=self.get_object(), actor=signed_in(request))
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[], pagination_class=None)
    def read_all(self, request: Request, *args: Any) -> Response:
        return Response({"marked": notifications_read_all(actor=signed_in(request))})
