"""Input and output of a household's life over the API (transfer and area changes, split, merge, a merged
village's households): the actions on ``HouseholdViewSet`` parse with these and call ``households.services.life``."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import signed_in
from geo.models import AdminArea
from households.models import Household, HouseholdEvent, HouseholdMember, VillageMerge
from households.selectors_life import household_events
from households.services.life import household_areas_change, household_merge, household_split, village_households_merge


@extend_schema_field(OpenApiTypes.STR)
class AreaCodeField(serializers.Field):
    """An area given by its code (at most 15 digits); an unknown code is a 400 naming it, an empty one clears the
    area where ``allow_blank``."""

    def __init__(self, *, allow_blank: bool = False, **kwargs: Any) -> None:
        self.allow_blank = allow_blank
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> AdminArea | None:
        if not isinstance(data, str) or len(data) > 15:
            raise serializers.ValidationError(_("请填写不超过 15 位的区划代码"))
        code = data.strip()
        if not code:
            if self.allow_blank:
                return None
            raise serializers.ValidationError(_("请填写区划代码"))
        area = AdminArea.objects.filter(code=code).first()
        if area is None:
            raise serializers.ValidationError(_("区划代码“%(code)s”不存在") % {"code": code})
        return area

    def to_representation(self, value: Any) -> str:
        return value.code if value is not None else ""


class AreasInputSerializer(serializers.Serializer[Any]):
    """Only the areas given change; an empty ``hukou_area`` or ``co_managing_area`` clears it."""

    managing_area = AreaCodeField(required=False, help_text="管理地（村或村民小组代码）；变更即为迁转")
    residence_area = AreaCodeField(required=False, help_text="居住地代码")
    hukou_area = AreaCodeField(required=False, allow_blank=True, help_text="户籍地代码；区外留空")
    hukou_area_text = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="区外户籍地")
    co_managing_area = AreaCodeField(required=False, allow_blank=True, help_text="协同管理地代码；空为取消")
    reason = serializers.CharField(max_length=500, help_text="变更原因")


class SplitInputSerializer(serializers.Serializer[Any]):
    members = serializers.ListField(child=serializers.IntegerField(min_value=1), help_text="分出的成员 id")
    head = serializers.IntegerField(min_value=1, help_text="新户户主（分出的成员之一）的 id")
    household_no = serializers.CharField(required=False, allow_blank=True, max_length=32, help_text="留空则自动编号")
    on = serializers.DateField(required=False, help_text="分户日期，默认今天")
    reason = serializers.CharField(max_length=500)


class MergeInputSerializer(serializers.Serializer[Any]):
    survivor = serializers.IntegerField(min_value=1, help_text="并入的农户 id；本户注销")
    on = serializers.DateField(required=False, help_text="并户日期，默认今天")
    reason = serializers.CharField(max_length=500)


class VillageMergeInputSerializer(serializers.Serializer[Any]):
    village = serializers.CharField(max_length=15, help_text="撤并村的区划代码")
    successor = serializers.CharField(required=False, allow_blank=True, max_length=15, help_text="并入村代码")
    on = serializers.DateField(required=False, help_text="撤并日期（尚未撤并时），默认今天")
    reason = serializers.CharField(max_length=500)


class HouseholdEventSerializer(serializers.ModelSerializer[HouseholdEvent]):
    # empty for the events that move no area (a merge, a split): null in the contract too
    from_area: serializers.SlugRelatedField[AdminArea] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    to_area: serializers.SlugRelatedField[AdminArea] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    actor: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = HouseholdEvent
        fields = [
            "id",
            "household",
            "kind",
            "area_field",
            "from_area",
            "to_area",
            "from_text",
            "to_text",
            "other_household",
            "village_merge",
            "reason",
            "actor",
            "at",
        ]


class VillageMergeSerializer(serializers.ModelSerializer[VillageMerge]):
    village: serializers.SlugRelatedField[AdminArea] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    successor: serializers.SlugRelatedField[AdminArea] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    actor: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = VillageMerge
        fields = ["id", "village", "successor", "households", "reason", "actor", "at"]


class HouseholdLifeActions:
    """The life steps as actions of ``HouseholdViewSet`` (one ``@action`` per command, STYLE rule 18): the household
    is fetched through the sealed, scoped ``get_object`` (404 outside the jurisdiction); the service decides the
    rest (403 not the caller's step, 400 a refusal naming every failing condition)."""

    get_object: Any

    @extend_schema(request=AreasInputSerializer, responses=HouseholdEventSerializer(many=True))
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def areas(self, request: Request, pk: str | None = None) -> Response:
        """Change the managing (a transfer), residence, hukou or co-managing area, with a reason."""
        household = self.get_object()
        payload = AreasInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        reason = data.pop("reason")
        text = data.pop("hukou_area_text", None)
        events = household_areas_change(
            actor=signed_in(request), household=household, changes=data, reason=reason, hukou_area_text=text
        )
        return Response(HouseholdEventSerializer(events, many=True).data)

    @extend_schema(request=SplitInputSerializer, responses={201: HouseholdEventSerializer(many=True)})
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def split(self, request: Request, pk: str | None = None) -> Response:
        """分户: the chosen members form a new household; answers the new household's events."""
        household = self.get_object()
        payload = SplitInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        members = list(HouseholdMember.objects.filter(household=household, pk__in=data["members"]))
        unknown = sorted(set(data["members"]) - {member.pk for member in members})
        if unknown:
            raise ValidationError({"members": [_("不是本户成员：%(ids)s") % {"ids": unknown}]})
        head = next((member for member in members if member.pk == data["head"]), None)
        new = household_split(
            actor=signed_in(request),
            household=household,
            members=members,
            head=head,
            reason=data["reason"],
            on=data.get("on"),
            household_no=data.get("household_no", ""),
        )
        return Response(HouseholdEventSerializer(new.events.all(), many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MergeInputSerializer, responses=HouseholdEventSerializer(many=True))
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        """并户: this household joins ``survivor`` and closes; answers the survivor's events."""
        household = self.get_object()
        payload = MergeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = signed_in(request)
        survivor = Household.objects.visible_to(user).filter(pk=data["survivor"]).first()
        if survivor is None:
            raise NotFound(_("未找到并入的农户"))
        household_merge(actor=user, absorbed=household, survivor=survivor, reason=data["reason"], on=data.get("on"))
        return Response(HouseholdEventSerializer(survivor.events.all(), many=True).data)

    @extend_schema(responses=HouseholdEventSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="life-events", pagination_class=None, filter_backends=[])
    def life_events(self, request: Request, pk: str | None = None) -> Response:
        """The household's transfers, area changes, splits and merges, newest first."""
        household = self.get_object()
        return Response(HouseholdEventSerializer(household_events(household), many=True).data)

    @extend_schema(request=VillageMergeInputSerializer, responses={201: VillageMergeSerializer})
    @action(detail=False, methods=["post"], url_path="village-merge", pagination_class=None, filter_backends=[])
    def village_merge(self, request: Request) -> Response:
        """Move every household of a merged village to its successor (a county reviewer)."""
        payload = VillageMergeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = signed_in(request)
        areas = AdminArea.objects.visible_to(user)
        village = areas.filter(code=data["village"].strip()).first()
        if village is None:  # missing or outside the jurisdiction: the same answer
            raise ValidationError({"village": [_("该村不存在或不在您的管辖范围内")]})
        successor = None
        if data.get("successor", "").strip():
            successor = areas.filter(code=data["successor"].strip()).first()
            if successor is None:
                raise ValidationError({"successor": [_("并入村不存在或不在您的管辖范围内")]})
        merge = village_households_merge(
            actor=user, village=village, successor=successor, on=data.get("on"), reason=data["reason"]
        )
        return Response(VillageMergeSerializer(merge).data, status=status.HTTP_201_CREATED)
