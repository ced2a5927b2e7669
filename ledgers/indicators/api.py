"""The indicator table over the API (read-only): the same rows as the page, for the caller's area and a year
(``?year=``), every figure through the same selector (declared scoped where it is routed)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import signed_in
from ledgers.counts import counted_for
from ledgers.dashboard import can_see_dashboard
from ledgers.indicators.selectors import indicator_rows
from ledgers.indicators.views import chosen_year


class IndicatorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    category = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    attribute = serializers.CharField(help_text="约束性或预期性")
    source = serializers.CharField(help_text="computed（系统计算）或 entered（填报）")  # type: ignore[assignment]
    comparator = serializers.CharField(help_text="gte, gt, lte, lt, eq, dynamic_zero, full_coverage")
    target = serializers.CharField(allow_blank=True, help_text="目标，如 ≥100、>95、动态清零；未设定为空")
    target_year = serializers.IntegerField(allow_null=True, help_text="目标所属年份")
    actual = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True, coerce_to_string=True)
    met = serializers.BooleanField(allow_null=True, help_text="是否达标；无实际值或目标为文字时为空")
    period = serializers.CharField(allow_blank=True, help_text="填报值的统计期")
    as_of = serializers.DateTimeField(allow_null=True, help_text="统计或填报时间")


FIELDS = list(IndicatorSerializer().fields)


class IndicatorTableSerializer(serializers.Serializer[Any]):
    area = serializers.CharField(allow_null=True, help_text="区划代码")
    area_name = serializers.CharField(allow_null=True)
    year = serializers.IntegerField()
    indicators = IndicatorSerializer(many=True)


class IndicatorTableView(APIView):
    """Every indicator of the caller's area and year with its target, actual value and whether it is met."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="年度，默认今年")], responses=IndicatorTableSerializer
    )
    def get(self, request: Request) -> Response:
        user = signed_in(request)
        if not can_see_dashboard(user):
            raise PermissionDenied(_("您的角色没有可查看的统计数据"))
        year = chosen_year(request.query_params)
        rows = indicator_rows(user, year=year, today=timezone.localdate(), counted=counted_for(user))
        body = {
            "area": user.area.code if user.area else None,
            "area_name": user.area.name if user.area else None,
            "year": year,
            "indicators": [{field: getattr(row, field) for field in FIELDS} for row in rows],
        }
        return Response(IndicatorTableSerializer(body).data)
