"""Ledgers over the API (README "API"): the dashboard's figures as JSON; and exports — what the caller may export,
start an export, follow its progress, download the file — with the same service, scoping, rights re-checked at
download and audit as the export page, so a provincial platform or a script fetches a ledger with a token
(docs/export_ledger.py)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from accounts.http import signed_in
from core.xlsx import XLSX
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea
from ledgers import freezing, services
from ledgers.base import Filters
from ledgers.catalogue import LEDGERS
from ledgers.dashboard import can_see_dashboard, dashboard_for
from ledgers.models import ExportStatus, FrozenLedger, LedgerExport, SignOff

CANNOT_EXPORT = gettext_lazy("您的角色不能导出这份台账")


class PanelSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    title = serializers.CharField()
    headers = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField()), help_text="每行：名称，然后各列数字（空为 null）"
    )
    note = serializers.CharField()
    total_row = serializers.BooleanField(help_text="最后一行是合计")


class DashboardSerializer(serializers.Serializer[Any]):
    area = serializers.CharField(allow_null=True, help_text="区划代码")
    area_name = serializers.CharField(allow_null=True)
    today = serializers.DateField()
    counted_at = serializers.DateTimeField(allow_null=True, help_text="统计数据的计算时间")
    panels = PanelSerializer(many=True)


def _plain(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)  # money and rates exactly, as the page shows them
    return value


class DashboardView(APIView):
    """The dashboard's figures (SPEC §13.2, §13.3) as JSON: the same panels and numbers as the page, for the
    caller's area (every count reads through ``visible_to``; declared scoped where it is routed)."""

    @extend_schema(responses=DashboardSerializer)
    def get(self, request: Request) -> Response:
        user = signed_in(request)
        if not can_see_dashboard(user):
            raise PermissionDenied(_("您的角色没有可查看的统计数据"))
        board = dashboard_for(user, today=timezone.localdate())
        body = {
            "area": board.area.code if board.area else None,
            "area_name": board.area.name if board.area else None,
            "today": board.today,
            "counted_at": board.counted_at,
            "panels": [
                {
                    "key": panel.key,
                    "title": str(panel.title),
                    "headers": [str(header) for header in panel.headers],
                    "rows": [[_plain(value) for value in row] for row in panel.rows],
                    "note": str(panel.note),
                    "total_row": panel.total_row,
                }
                for panel in board.panels
            ],
        }
        return Response(DashboardSerializer(body).data)


class ExportStartSerializer(serializers.Serializer[Any]):
    ledger = serializers.ChoiceField(choices=sorted(LEDGERS), help_text="台账编号，如 L-01")
    start = serializers.DateField(required=False, allow_null=True, help_text="开始日期（含）")
    end = serializers.DateField(required=False, allow_null=True, help_text="结束日期（含）")
    area = serializers.RegexField(
        r"^\d{6,15}$", required=False, allow_blank=True, help_text="乡镇或村的区划代码；留空为您的整个辖区"
    )
    category = serializers.CharField(required=False, allow_blank=True, max_length=32, help_text="类别（部分台账）")


class LedgerExportSerializer(serializers.ModelSerializer[LedgerExport]):
    area = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    download = serializers.SerializerMethodField(help_text="文件完成后的下载地址；未完成为空")

    class Meta:
        model = LedgerExport
        fields = [
            "id", "ledger", "title", "area", "area_name", "filters", "full_ids", "status", "total", "done",
            "percent", "size", "sha256", "error", "created_at", "finished_at", "expires_at", "download",
        ]  # fmt: skip
        read_only_fields = fields

    def get_download(self, export: LedgerExport) -> str | None:
        if export.status != ExportStatus.DONE or not export.file:
            return None
        return reverse("api:ledger-export-download", args=[export.pk], request=self.context.get("request"))


class LedgerExportViewSet(
    JurisdictionScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[LedgerExport],
):
    """The caller's own exports (an export is its owner's only), newest first; ``POST`` starts one."""

    queryset = LedgerExport.objects.select_related("area")
    serializer_class = LedgerExportSerializer
    filterset_fields = ["ledger", "status"]
    ordering = ["-created_at", "-pk"]

    def scope_queryset(self, queryset: QuerySet[LedgerExport]) -> QuerySet[LedgerExport]:
        # The ledgers' exports; the files pages hand out at once (a notice sheet, a list as Excel) are audit rows of
        # their own and stay with their pages.
        return queryset.filter(ledger__in=LEDGERS)

    @extend_schema(
        request=ExportStartSerializer,
        responses={201: LedgerExportSerializer, 202: LedgerExportSerializer},
        description="开始导出：行数少时当即写好（201），否则在后台写（202），用 GET 查看进度。",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in(request)
        payload = ExportStartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if not services.can_export(user, data["ledger"]):
            raise PermissionDenied(CANNOT_EXPORT)
        filters = Filters(
            start=data.get("start"), end=data.get("end"), area=data.get("area", ""), category=data.get("category", "")
        )
        export = services.export_start(actor=user, code=data["ledger"], filters=filters)
        done = export.status == ExportStatus.DONE
        body = LedgerExportSerializer(export, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED if done else status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="台账 Excel 文件"),
            403: OpenApiResponse(description="按您现在的权限不能下载（原因逐条列出）"),
            404: OpenApiResponse(description="没有这份导出，或文件尚未写好、已过期"),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        export = self.get_object()
        if export.status != ExportStatus.DONE or not export.file:
            raise NotFound(_("文件尚未写好或已过期"))
        refusals = services.download_refusals(signed_in(request), export)
        if refusals:
            raise PermissionDenied(_("不能下载：%(why)s") % {"why": "；".join(refusals)})
        return FileResponse(
            export.file.open("rb"),
            as_attachment=True,
            filename=f"{export.area.name}{export.title}{export.created_at:%Y%m%d}.xlsx",
            content_type=XLSX,
        )

    @extend_schema(
        responses=inline_serializer(
            "ExportableLedger",
            {
                "code": serializers.CharField(),
                "title": serializers.CharField(),
                "categories": serializers.ListField(child=serializers.ListField(child=serializers.CharField())),
            },
            many=True,
        ),
        description="您的角色可以导出的台账，及其可选类别。",
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def ledgers(self, request: Request) -> Response:
        user = signed_in(request)
        rows = [
            {
                "code": code,
                "title": ledger.title,
                "categories": [[str(v), str(label)] for v, label in ledger.categories],
            }
            for code, ledger in sorted(LEDGERS.items())
            if services.can_export(user, code)
        ]
        return Response(rows)


# ------------------------------------------------------------------ frozen ledgers and their sign-off (SPEC §13.1)


class SignOffSerializer(serializers.ModelSerializer[SignOff]):
    area = serializers.CharField(source="area.code", read_only=True)
    signed_by = serializers.CharField(source="signed_by.username", read_only=True)

    class Meta:
        model = SignOff
        fields = ["level", "area", "signed_by", "signed_at", "note"]
        read_only_fields = fields


class FrozenLedgerSerializer(serializers.ModelSerializer[FrozenLedger]):
    area = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    status = serializers.CharField(source="export.status", read_only=True, help_text="文件状态")
    sha256 = serializers.CharField(source="export.sha256", read_only=True)
    signoffs = SignOffSerializer(many=True, read_only=True)
    next_signature = serializers.SerializerMethodField(help_text="下一级签核：层级和区划代码；县级签核后为空")

    class Meta:
        model = FrozenLedger
        fields = [
            "id", "ledger", "title", "area", "area_name", "period", "start", "end", "status", "sha256",
            "frozen_at", "signoffs", "next_signature",
        ]  # fmt: skip
        read_only_fields = fields

    def get_next_signature(self, frozen: FrozenLedger) -> dict[str, str] | None:
        step = freezing.next_signature(frozen)
        return None if step is None else {"level": step[0], "area": step[1].code}


class FreezeSerializer(serializers.Serializer[Any]):
    ledger = serializers.ChoiceField(choices=sorted(LEDGERS))
    period = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$", help_text="统计期：2026-11 或 2026-Q4")
    area = serializers.RegexField(r"^\d{6,15}$", help_text="县、乡镇或村的区划代码")


class SignSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, help_text="签核意见")


class FrozenLedgerViewSet(
    JurisdictionScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[FrozenLedger]
):
    """The frozen ledgers of the caller's territory, with their signatures; ``POST`` freezes one (the period must
    be over), ``POST /{id}/sign/`` adds the next level's signature, ``GET /{id}/download/`` the file as frozen."""

    queryset = FrozenLedger.objects.select_related("area__parent__parent", "export").prefetch_related(
        "signoffs__area", "signoffs__signed_by"
    )
    serializer_class = FrozenLedgerSerializer
    filterset_fields = ["ledger", "period"]
    ordering = ["-frozen_at", "-pk"]

    @extend_schema(request=FreezeSerializer, responses={201: FrozenLedgerSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in(request)
        payload = FreezeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if not services.can_export(user, data["ledger"]):
            raise PermissionDenied(CANNOT_EXPORT)
        area = AdminArea.objects.visible_to(user).filter(code=data["area"]).first()
        if area is None:
            raise serializers.ValidationError({"area": [_("所选区划不存在，或不在您的辖区内")]})
        frozen = freezing.freeze(actor=user, code=data["ledger"], period=data["period"], area=area)
        return Response(FrozenLedgerSerializer(frozen).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SignSerializer, responses=FrozenLedgerSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        frozen = self.get_object()
        payload = SignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        freezing.sign(actor=signed_in(request), frozen=frozen, note=payload.validated_data.get("note", ""))
        return Response(FrozenLedgerSerializer(self.get_object()).data)

    @extend_schema(
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="冻结时的台账文件"),
            400: OpenApiResponse(description="文件尚未生成完毕，或与冻结时的校验值不一致"),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        frozen = self.get_object()
        return FileResponse(
            io.BytesIO(freezing.frozen_bytes(frozen)),
            as_attachment=True,
            filename=f"{frozen.area.name}{frozen.title}{frozen.period}.xlsx",
            content_type=XLSX,
        )
