"""Sweeps API: read-only viewsets, one ``@action`` per command calling one service (STYLE rule 18)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import signed_in
from accounts.models import User
from core.api import ErrorSerializer
from core.batch import batch_pick
from geo.codes import AreaLevel
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea
from sweeps import permissions, services
from sweeps.api.serializers import (
    DisposeManySerializer,
    DisposeSerializer,
    ProblemAssignManySerializer,
    ProblemBatchResultSerializer,
    ProblemSerializer,
    ProblemStepSerializer,
    ScreeningBatchSerializer,
    ScreeningUploadSerializer,
    ScreeningWarningSerializer,
    SweepRunSerializer,
    SweepStartSerializer,
    WarningBatchResultSerializer,
)
from sweeps.models import Problem, ScreeningBatch, ScreeningWarning, SweepRun


def _picked(queryset: QuerySet[Any], ids: list[int], missing_text: str) -> list[Any]:
    """The rows a batch names out of the caller's scoped queryset, in the batch's order. Ids the caller may not see
    are answered as missing (404) — naming the ids the caller sent, never telling which exist elsewhere."""
    rows, missing = batch_pick(queryset, ids)
    if missing:
        raise NotFound(missing_text % {"ids": "、".join(str(pk) for pk in missing)})
    return rows


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

    @extend_schema(
        request=ProblemAssignManySerializer,
        responses={200: ProblemBatchResultSerializer, 404: ErrorSerializer},
        description="交办 every problem of `ids` to one responsible unit (and person, deadline, comment), each as "
        "`/transitions/` with `assign` would. All or nothing: the first problem refused is named in `detail` and "
        "nothing is saved (400, or 403 for a role that does not assign). Ids missing or outside the caller's "
        "jurisdiction are answered 404, naming them.",
    )
    @action(detail=False, methods=["post"], url_path="assign", filter_backends=[], pagination_class=None)
    def assign(self, request: Request) -> Response:
        actor = signed_in(request)
        if not permissions.can_assign_in_batch(actor):
            raise PermissionDenied
        payload = ProblemAssignManySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        problems = _picked(
            self.get_queryset().select_related("household"),
            data["ids"],
            _("没有找到这些问题，或不在您的辖区内：%(ids)s"),
        )
        person = User.objects.filter(pk=data["person"]).first() if data["person"] else None
        if data["person"] and person is None:
            raise ValidationError({"person": [_("没有这个责任人")]})
        count = services.problems_assign(
            problems=problems, actor=actor, unit=data["unit"], person=person, deadline=data["deadline"],
            comment=data["comment"],
        )  # fmt: skip
        rows, _missing = batch_pick(self.get_queryset(), data["ids"])
        return Response(ProblemBatchResultSerializer({"count": count, "results": rows}).data)


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

    @extend_schema(
        operation_id="v1_warnings_dispose_many",  # not v1_warnings_dispose_create: that is one warning's
        request=DisposeManySerializer,
        responses={200: WarningBatchResultSerializer, 404: ErrorSerializer},
        description="The disposal of `/dispose/` for every warning of `ids`, each as `/dispose/` would take it. All "
        "or nothing: the first warning refused is named in `detail` and nothing is saved (400, or 403 for a role "
        "that does not dispose). Ids missing or outside the caller's jurisdiction are answered 404, naming "
        "them.",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="dispose",
        url_name="dispose-many",
        filter_backends=[],
        pagination_class=None,
    )
    def dispose_many(self, request: Request) -> Response:
        actor = signed_in(request)
        if not permissions.can_dispose_warnings(actor):
            raise PermissionDenied
        payload = DisposeManySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        ids = data.pop("ids")
        queryset = self.get_queryset().select_related("household__managing_area")
        warnings = _picked(queryset, ids, _("没有找到这些预警，或不在您的辖区内：%(ids)s"))
        count = services.warnings_dispose(warnings=warnings, actor=actor, **data)
        rows, _missing = batch_pick(self.get_queryset(), ids)
        return Response(WarningBatchResultSerializer({"count": count, "results": rows}).data)
