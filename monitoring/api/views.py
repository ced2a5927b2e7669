"""Monitoring API: read-only viewsets; each command is one ``@action`` calling one service (STYLE rule 18)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import signed_in
from geo.mixins import JurisdictionScopedMixin
from households.models import Household
from monitoring import services
from monitoring.api.serializers import (
    ApproveInputSerializer,
    EliminationCaseSerializer,
    EliminationOpenSerializer,
    EliminationTransitionSerializer,
    EntryApplicationOutputSerializer,
    EntryReportInputSerializer,
    MeasureSerializer,
    MonitoringSubjectSerializer,
    TransitionInputSerializer,
)
from monitoring.models import EliminationCase, EntryApplication, MonitoringSubject


class EntryApplicationViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[EntryApplication]):
    """Entry applications (SPEC §4.6) the caller may see. ``POST /transitions/`` takes a step by name."""

    queryset = EntryApplication.objects.select_related("household").prefetch_related("events__actor")
    serializer_class = EntryApplicationOutputSerializer
    filterset_fields = ["state", "proposed_category", "channel", "household"]
    ordering = ["-reported_on", "-pk"]

    @extend_schema(request=EntryReportInputSerializer, responses=EntryApplicationOutputSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """EN-0: report a household (a duplicate of an open case comes back as ``merged``)."""
        payload = EntryReportInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        # A household missing or outside the territory is refused on the field, as a missing row in a body is
        # everywhere in the API; the same answer for both, so an id reveals nothing (STYLE rule 11).
        household = Household.objects.visible_to(signed_in(request)).filter(pk=data.pop("household")).first()
        if household is None:
            raise ValidationError({"household": [_("农户不存在，或不在您的辖区内")]})
        application = services.entry_report(actor=signed_in(request), household=household, **data)
        return Response(EntryApplicationOutputSerializer(application).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransitionInputSerializer, responses=EntryApplicationOutputSerializer)
    @action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        """Take a step: verify, complete_notice, township_review, register, return, reject, withdraw."""
        application = self.get_object()  # first: outside the jurisdiction is 404 whatever the payload
        payload = TransitionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        step = services.ENTRY_STEPS[payload.validated_data["action"]]
        step(application=application, actor=signed_in(request), comment=payload.validated_data["comment"])
        return Response(EntryApplicationOutputSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=ApproveInputSerializer, responses=EntryApplicationOutputSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """EN-5, county approval with the category and risk types."""
        application = self.get_object()
        payload = ApproveInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.entry_approve(application=application, actor=signed_in(request), **payload.validated_data)
        return Response(EntryApplicationOutputSerializer(self.get_queryset().get(pk=pk)).data)


class MonitoringSubjectViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[MonitoringSubject]):
    queryset = MonitoringSubject.objects.select_related("household")
    serializer_class = MonitoringSubjectSerializer
    filterset_fields = ["status", "category", "household"]
    ordering = ["-entered_on", "-pk"]

    # The subject's own measures, answered whole: neither the subject list's pages nor its filters apply.
    @extend_schema(methods=["GET"], responses=MeasureSerializer(many=True))
    @extend_schema(methods=["POST"], request=MeasureSerializer, responses={201: MeasureSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def measures(self, request: Request, pk: str | None = None) -> Response:
        """GET: the subject's measures. POST: add one (SPEC §5; NR-MEAS-01 applies)."""
        subject = self.get_object()
        if request.method == "GET":
            return Response(MeasureSerializer(subject.measures.all(), many=True).data)
        payload = MeasureSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        measure = services.measure_add(actor=signed_in(request), subject=subject, **payload.validated_data)
        return Response(MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EliminationOpenSerializer, responses={201: EliminationCaseSerializer})
    @action(detail=True, methods=["post"])
    def eliminate(self, request: Request, pk: str | None = None) -> Response:
        """EL-0: open a risk-elimination case for this subject (SPEC §4.8)."""
        subject = self.get_object()
        payload = EliminationOpenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        case = services.elimination_open(
            subject=subject, actor=signed_in(request), proposal=payload.validated_data["proposal"]
        )
        return Response(EliminationCaseSerializer(case).data, status=status.HTTP_201_CREATED)


class EliminationCaseViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[EliminationCase]):
    """Risk-elimination cases (SPEC §4.8). ``POST /transitions/`` takes a comment-only step by name; steps with
    meeting records and notices are taken on the case page."""

    queryset = EliminationCase.objects.select_related("subject").prefetch_related("events__actor")
    serializer_class = EliminationCaseSerializer
    filterset_fields = ["state", "subject"]
    ordering = ["-opened_on", "-pk"]

    @extend_schema(request=EliminationTransitionSerializer, responses=EliminationCaseSerializer)
    @action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        """Take a step: verify, complete_village_notice, assess, complete_township_notice, screen, mark,
        not_eliminated."""
        case = self.get_object()
        payload = EliminationTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        step = services.ELIMINATION_STEPS[payload.validated_data["action"]]
        step(case=case, actor=signed_in(request), comment=payload.validated_data["comment"])
        return Response(EliminationCaseSerializer(self.get_queryset().get(pk=pk)).data)
