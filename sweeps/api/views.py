"""Sweeps API: read-only viewsets, one ``@action`` per command calling one service (STYLE rule 18)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import signed_in
from accounts.models import User
from geo.codes import AreaLevel
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea
from sweeps import permissions, services
from sweeps.api.serializers import (
    DisposeSerializer,
    ProblemSerializer,
    ProblemStepSerializer,
    ScreeningBatchSerializer,
    ScreeningUploadSerializer,
    ScreeningWarningSerializer,
    SweepRunSerializer,
    SweepStartSerializer,
)
from sweeps.models import Problem, ScreeningBatch, ScreeningWarning, SweepRun


class SweepRunViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[SweepRun]):
    """Sweep runs of the caller's counties; ``POST`` starts one (``start_sweep``)."""

    queryset = SweepRun.objects.select_related("county")
    serializer_class = SweepRunSerializer
    filterset_fields = ["kind", "status"]
    ordering = ["-started_at"]

    @extend_schema(request=SweepStartSerializer, responses=SweepRunSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not permissions.can_start_sweep(signed_in(request)):
            raise PermissionDenied
        payload = SweepStartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        county = (
            AdminArea.objects.visible_to(signed_in(request))
            .filter(code=payload.validated_data["county"], level=AreaLevel.COUNTY)
            .first()
        )
        if county is None:
            raise ValidationError({"county": "没有这个县，或不在您的辖区内"})
        run = services.sweep_start(county=county, kind=payload.validated_data["kind"], actor=signed_in(request))
        return Response(SweepRunSerializer(run).data, status=status.HTTP_201_CREATED)


class ProblemViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[Problem]):
    """Four-checks problems; ``POST /transitions/`` takes a rectification step."""

    queryset = Problem.objects.select_related("township", "area").prefetch_related("events__actor")
    serializer_class = ProblemSerializer
    filterset_fields = ["status", "category", "gap_type", "rule_id", "household"]
    ordering = ["deadline", "pk"]

    @extend_schema(request=ProblemStepSerializer, responses=ProblemSerializer)
    @action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        payload = ProblemStepSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        actor = signed_in(request)
        step = data["action"]
        if step == "assign":
            person = User.objects.filter(pk=data["person"]).first() if data["person"] else None
            services.problem_assign(
                problem=problem, actor=actor, unit=data["unit"], person=person, deadline=data["deadline"],
                comment=data["comment"],
            )  # fmt: skip
        elif step == "start":
            services.problem_start(problem=problem, actor=actor, comment=data["comment"])
        elif step == "submit":
            services.problem_submit(problem=problem, actor=actor, measures_taken=data["measures_taken"])
        elif step == "return":
            services.problem_return(problem=problem, actor=actor, comment=data["comment"])
        else:
            services.problem_close(problem=problem, actor=actor, comment=data["comment"])
        return Response(ProblemSerializer(self.get_queryset().get(pk=pk)).data)


class ScreeningBatchViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[ScreeningBatch]):
    """Department screening lists; ``POST`` (multipart: period, file) uploads one, which a worker imports: the
    answer is 202 with the batch and ``status_url``, polled until ``status`` is done, rejected or failed."""

    queryset = ScreeningBatch.objects.all()
    serializer_class = ScreeningBatchSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["department", "period", "status"]
    ordering = ["-uploaded_at"]

    @extend_schema(
        request=ScreeningUploadSerializer,
        responses={202: ScreeningBatchSerializer},
        description="Stores the list and answers at once; a worker reads and imports it. Poll `status_url` until "
        "`status` is `done` (counts and unmatched rows), `rejected` (`errors` by row and column; nothing was saved) "
        "or `failed` (`message`).",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = ScreeningUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        batch = services.screening_upload(
            actor=signed_in(request), period=payload.validated_data["period"], upload=payload.validated_data["file"]
        )
        body = ScreeningBatchSerializer(batch, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]})


class ScreeningWarningViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[ScreeningWarning]):
    """Screening warnings; ``POST /dispose/`` records the verification (SPEC §6.5, §6.6)."""

    queryset = ScreeningWarning.objects.all()
    serializer_class = ScreeningWarningSerializer
    filterset_fields = ["status", "department", "period", "match_kind"]
    ordering = ["feedback_due_on", "pk"]

    @extend_schema(request=DisposeSerializer, responses=ScreeningWarningSerializer)
    @action(detail=True, methods=["post"])
    def dispose(self, request: Request, pk: str | None = None) -> Response:
        warning = self.get_object()
        payload = DisposeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.warning_dispose(warning=warning, actor=signed_in(request), **payload.validated_data)
        return Response(ScreeningWarningSerializer(self.get_queryset().get(pk=pk)).data)
