"""Four-checks campaigns over the API (README "API"): the county opens a campaign over its townships, villages
answer their checklist ("否" opens a problem), villages then townships sign their part off and the county closes
the campaign — the campaign services and their refusals, through the one jurisdiction filter."""

from __future__ import annotations

from typing import Any

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
from sweeps.choices import ChecklistAnswer, SweepKind
from sweeps.models import Campaign, CampaignPart, ChecklistItem
from sweeps.services.campaigns import campaign_close, campaign_open, campaign_part_sign, checklist_answer


class ChecklistItemSerializer(serializers.ModelSerializer[ChecklistItem]):
    # Blank until the village answers: the schema lists "" beside the answers.
    answer = serializers.ChoiceField(choices=ChecklistAnswer.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ChecklistItem
        fields = ["id", "part", "question", "answer", "note", "answered_at", "problem"]
        read_only_fields = fields


class CampaignPartSerializer(serializers.ModelSerializer[CampaignPart]):
    area = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    level = serializers.CharField(source="area.level", read_only=True)

    class Meta:
        model = CampaignPart
        fields = ["id", "campaign", "area", "area_name", "level", "parent", "signed_at", "note"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer[Campaign]):
    county = serializers.CharField(source="county.code", read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "county", "kind", "name", "starts_on", "ends_on", "status", "run", "opened_at", "signed_at"]
        read_only_fields = fields


class CampaignOpenSerializer(serializers.Serializer[Any]):
    county = serializers.RegexField(r"^\d{12}$", help_text="县的区划代码（12 位）")
    kind = serializers.ChoiceField(choices=SweepKind.choices, default=SweepKind.CENTRALIZED)
    name = serializers.CharField(max_length=100)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    townships = serializers.ListField(
        child=serializers.RegexField(r"^\d{12}$"), required=False, help_text="乡镇的区划代码（12 位）；留空为全县"
    )


class NoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class AnswerSerializer(serializers.Serializer[Any]):
    answer = serializers.ChoiceField(choices=ChecklistAnswer.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, help_text="答“否”时必填")
    evidence = serializers.FileField(required=False, help_text="佐证材料（可选）")


class CampaignViewSet(
    JurisdictionScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Campaign]
):
    """Campaigns of the caller's county; ``POST`` opens one and starts its sweep; ``POST /{id}/close/`` closes it."""

    queryset = Campaign.objects.select_related("county")
    serializer_class = CampaignSerializer
    filterset_fields = ["status", "kind"]
    ordering = ["-opened_at", "-pk"]

    @extend_schema(request=CampaignOpenSerializer, responses={201: CampaignSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in(request)
        payload = CampaignOpenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        visible = AdminArea.objects.visible_to(user)
        county = visible.filter(code=data["county"], level=AreaLevel.COUNTY).first()
        if county is None:
            raise serializers.ValidationError({"county": [_("没有这个县，或不在您的辖区内")]})
        townships = list(visible.filter(code__in=data.get("townships") or [], level=AreaLevel.TOWNSHIP))
        if len(townships) != len(set(data.get("townships") or [])):
            raise serializers.ValidationError({"townships": [_("有乡镇不存在，或不在您的辖区内")]})
        campaign = campaign_open(
            actor=user, county=county, kind=data["kind"], name=data["name"], starts_on=data["starts_on"],
            ends_on=data["ends_on"], townships=townships or None,
        )  # fmt: skip
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteSerializer, responses=CampaignSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        campaign = self.get_object()
        payload = NoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        campaign = campaign_close(
            campaign=campaign, actor=signed_in(request), note=payload.validated_data.get("note", "")
        )
        return Response(CampaignSerializer(campaign).data)


class CampaignPartViewSet(
    JurisdictionScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[CampaignPart]
):
    """The townships' and villages' parts of campaigns; ``POST /{id}/sign/`` signs one off (签收)."""

    queryset = CampaignPart.objects.select_related("area")
    serializer_class = CampaignPartSerializer
    filterset_fields = ["campaign", "parent"]
    ordering = ["campaign", "area__code"]

    @extend_schema(request=NoteSerializer, responses=CampaignPartSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        part = self.get_object()
        payload = NoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        part = campaign_part_sign(part=part, actor=signed_in(request), note=payload.validated_data.get("note", ""))
        return Response(CampaignPartSerializer(part).data)


class ChecklistItemViewSet(
    JurisdictionScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ChecklistItem]
):
    """A village's checklist questions; ``POST /{id}/answer/`` answers one ("否" with a note opens a problem)."""

    queryset = ChecklistItem.objects.all()
    serializer_class = ChecklistItemSerializer
    filterset_fields = ["part", "answer"]
    ordering = ["part", "pk"]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(request=AnswerSerializer, responses=ChecklistItemSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()  # a question outside the caller's territory is 404 whatever the body
        payload = AnswerSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        item = checklist_answer(
            item=item, actor=signed_in(request), answer=data["answer"], note=data.get("note", ""),
            evidence=data.get("evidence"),
        )  # fmt: skip
        return Response(ChecklistItemSerializer(item).data)
