"""Large-scale risk events over the API (SPEC §4.12): the county records an event over townships and villages of the
county, which starts its sweep; ``POST /{id}/sweep/`` runs the sweep again. Everyone in the county reads them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import signed_in
from geo.codes import AreaLevel
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea
from sweeps import permissions, selectors
from sweeps.choices import RiskEventKind
from sweeps.models import RiskEvent
from sweeps.services.events import risk_event_record, risk_event_sweep

CODE = r"^\d{12}$"


class RiskEventSerializer(serializers.ModelSerializer[RiskEvent]):
    county = serializers.CharField(source="county.code", read_only=True)
    areas = serializers.SlugRelatedField[AdminArea](slug_field="code", many=True, read_only=True)
    affected = serializers.SerializerMethodField(help_text="受影响农户数")
    has_plan = serializers.SerializerMethodField(help_text="是否已上传应急预案")

    class Meta:
        model = RiskEvent
        fields = ["id", "kind", "name", "county", "areas", "starts_on", "ends_on", "visit_due_on", "estimated_loss",
                  "description", "has_plan", "affected", "recorded_at"]  # fmt: skip
        read_only_fields = fields

    def get_affected(self, event: RiskEvent) -> int:
        counted = getattr(event, "affected", None)
        return int(counted) if counted is not None else event.affected_households.count()

    def get_has_plan(self, event: RiskEvent) -> bool:
        return bool(event.plan)


class RiskEventRecordSerializer(serializers.Serializer[Any]):
    county = serializers.RegexField(CODE, help_text="县的区划代码（12 位）")
    kind = serializers.ChoiceField(choices=RiskEventKind.choices)
    name = serializers.CharField(max_length=100)
    areas = serializers.ListField(
        child=serializers.RegexField(CODE), min_length=1, max_length=500, help_text="受影响乡镇、村的区划代码"
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    estimated_loss = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, help_text="估计损失（元）"
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    plan = serializers.FileField(required=False, help_text="应急预案（可选）")


class RiskEventViewSet(
    JurisdictionScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[RiskEvent]
):
    """Risk events of the caller's county; ``POST`` records one and starts its sweep (a county reviewer)."""

    queryset = RiskEvent.objects.all()
    serializer_class = RiskEventSerializer
    filterset_fields = ["kind"]
    ordering = ["-starts_on", "-pk"]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def scope_queryset(self, queryset: Any) -> Any:
        return selectors.risk_event_rows(queryset).prefetch_related("areas")

    @extend_schema(request=RiskEventRecordSerializer, responses={201: RiskEventSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in(request)
        if not permissions.can_start_sweep(user):  # not a role that records events: 403 before reading the body
            raise PermissionDenied
        payload = RiskEventRecordSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        visible = AdminArea.objects.visible_to(user)
        county = visible.filter(code=data["county"], level=AreaLevel.COUNTY).first()
        if county is None:
            raise serializers.ValidationError({"county": [_("没有这个县，或不在您的辖区内")]})
        codes = set(data["areas"])
        areas = list(visible.filter(code__in=codes))
        if len(areas) != len(codes):
            raise serializers.ValidationError({"areas": [_("有乡镇或村不存在，或不在您的辖区内")]})
        event = risk_event_record(
            actor=user, county=county, kind=data["kind"], name=data["name"], areas=areas,
            starts_on=data["starts_on"], ends_on=data.get("ends_on"), estimated_loss=data.get("estimated_loss"),
            description=data.get("description", ""), plan=data.get("plan"),
        )  # fmt: skip
        return Response(RiskEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={202: RiskEventSerializer})
    @action(detail=True, methods=["post"])
    def sweep(self, request: Request, pk: str | None = None) -> Response:
        """Run the event's sweep again over its areas (a county reviewer of the county)."""
        event = self.get_object()
        risk_event_sweep(event=event, actor=signed_in(request))
        return Response(RiskEventSerializer(self.get_object()).data, status=status.HTTP_202_ACCEPTED)
