"""Import jobs over the API (README "API"): upload a filled template — households and members, or yearly income —
follow its validation, read the preview (what a commit would create or update, every error by row and column),
confirm the commit and follow it — the same services and rules as the import pages; a job is its uploader's only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import signed_in
from accounts.permissions import can_edit_households
from core.stored import shown_item
from geo.mixins import JurisdictionScopedMixin
from households.choices import ImportKind
from households.imports import selectors, services
from households.models import ImportJob

ERRORS_SHOWN = 1000  # the first errors of a job; error_count says how many there are


class ImportUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="填好的导入模板（.xlsx）：农户成员导入用农户成员模板，收入导入用年度收入模板"
    )
    area = serializers.RegexField(
        r"^\d{6,15}$", required=False, allow_blank=True, help_text="导入到哪个区划：您的区划（留空）或其中一个村"
    )


class ImportJobSerializer(serializers.ModelSerializer[ImportJob]):
    area = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    running = serializers.BooleanField(source="is_running", read_only=True)
    error_count = serializers.SerializerMethodField()
    row_errors = serializers.SerializerMethodField(help_text=f"前 {ERRORS_SHOWN} 条错误：行号、列名、原因")

    class Meta:
        model = ImportJob
        fields = [
            "id", "kind", "area", "area_name", "original_name", "status", "running", "total_rows", "processed_rows",
            "summary", "error_count", "row_errors", "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_error_count(self, job: ImportJob) -> int:
        return int(job.summary.get("error_count", len(job.errors)))

    def get_row_errors(self, job: ImportJob) -> list[dict[str, Any]]:
        return [shown_item(error) for error in job.errors[:ERRORS_SHOWN]]


class HouseholdImportViewSet(
    JurisdictionScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ImportJob]
):
    """The caller's own household import jobs, newest first. ``POST`` (multipart) uploads a file: its validation runs
    in the background (202); ``POST /{id}/commit/`` confirms a validated preview, committed in the background (202)."""

    kind = ImportKind.HOUSEHOLDS
    queryset = ImportJob.objects.select_related("area")
    serializer_class = ImportJobSerializer
    filterset_fields = ["status"]
    ordering = ["-created_at", "-pk"]

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer}, responses={202: ImportJobSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in(request)
        if not can_edit_households(user):
            raise PermissionDenied(_("您的角色不能导入农户"))
        payload = ImportUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        code = payload.validated_data.get("area", "")
        area = None
        if code:
            area = selectors.import_area_choices(user=user).filter(code=code).first()
            if area is None:
                raise serializers.ValidationError({"area": [_("您只能导入到自己的区划或其中的一个村")]})
        job = services.import_job_create(actor=user, upload=payload.validated_data["file"], area=area, kind=self.kind)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: ImportJobSerializer})
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: str | None = None) -> Response:
        job = services.import_job_commit_request(job=self.get_object(), actor=signed_in(request))
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    parser_classes = [MultiPartParser]

    def scope_queryset(self, queryset: QuerySet[ImportJob]) -> QuerySet[ImportJob]:
        return queryset.filter(kind=self.kind)


class IncomeImportViewSet(HouseholdImportViewSet):
    """The caller's own yearly income import jobs (收入导入), newest first: the same upload (the income template),
    preview and commit as the household imports; the preview's ``summary`` counts ``incomes_created``,
    ``incomes_corrected``, ``incomes_unchanged`` and ``incomes_skipped`` (rows without any amount)."""

    kind = ImportKind.INCOME
