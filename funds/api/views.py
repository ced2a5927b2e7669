"""Linkage-fund API: batches, allocations and payments, each command one service call; the county compliance
checks of SPEC §9.5 and §8.7 computed on request (STYLE rule 18)."""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import signed_in
from funds import permissions, rules, selectors, services
from funds.api.serializers import (
    AllocationInputSerializer,
    AllocationSerializer,
    BatchInputSerializer,
    BatchSerializer,
    ComplianceSerializer,
    PaymentInputSerializer,
)
from funds.models import FundAllocation, FundBatch
from geo.mixins import JurisdictionScopedMixin
from geo.selectors import counties_of
from projects.models import Project


class FundBatchViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[FundBatch]):
    """Money issued to counties; ``POST`` registers a batch, ``POST /allocations/`` gives part of it to a library
    project, ``GET compliance/?county=&year=`` computes the county's checks."""

    queryset = FundBatch.objects.select_related("county")
    serializer_class = BatchSerializer
    filterset_fields = ["year", "level", "source"]
    ordering = ["-year", "issued_on", "pk"]

    @extend_schema(request=BatchInputSerializer, responses=BatchSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = BatchInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        # Missing and outside the territory get the same answer (STYLE rule 11), so a code reveals nothing.
        county = counties_of(signed_in(request)).filter(code=data.pop("county")).first()
        if county is None:
            raise ValidationError({"county": "没有这个县，或不在您的辖区内"})
        batch = services.batch_register(actor=signed_in(request), data=services.BatchInput(county=county, **data))
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AllocationInputSerializer, responses={201: AllocationSerializer})
    @action(detail=True, methods=["post"])
    def allocations(self, request: Request, pk: str | None = None) -> Response:
        batch = self.get_object()
        payload = AllocationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        project = Project.objects.visible_to(signed_in(request)).filter(pk=data.pop("project")).first()
        if project is None:
            raise ValidationError({"project": "项目不存在，或不在您的辖区内"})
        allocation = services.allocation_create(actor=signed_in(request), batch=batch, project=project, **data)
        return Response(AllocationSerializer(allocation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("county", str),
            OpenApiParameter(
                "year", {"type": "integer", "minimum": rules.FUND_YEARS.start, "maximum": rules.FUND_YEARS.stop - 1}
            ),
        ],
        responses=ComplianceSerializer,
    )
    @action(detail=False, methods=["get"])
    def compliance(self, request: Request) -> Response:
        # A list action reads no scoped row, so the capability is checked here and the county comes from counties_of().
        if not permissions.can_view(signed_in(request)):
            raise PermissionDenied
        counties = counties_of(signed_in(request))
        code = request.query_params.get("county", "")
        county = counties.filter(code=code).first() if code else counties.first()
        if county is None:
            raise ValidationError({"county": "没有这个县，或不在您的辖区内"})
        year = request.query_params.get("year", "")
        if year and not (year.isdigit() and int(year) in rules.FUND_YEARS):
            raise ValidationError({"year": ["年度应为 2000 到 2100 之间的四位数字"]})
        result = selectors.county_compliance(
            county, int(year) if year else timezone.localdate().year, on=timezone.localdate()
        )
        return Response(ComplianceSerializer(result).data)


class FundAllocationViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[FundAllocation]):
    """Allocations with their payments; ``POST /payments/`` records one."""

    queryset = FundAllocation.objects.select_related("batch", "project").prefetch_related("disbursements")
    serializer_class = AllocationSerializer
    filterset_fields = ["batch", "project", "use"]
    ordering = ["allocated_on", "pk"]

    @extend_schema(request=PaymentInputSerializer, responses={201: AllocationSerializer})
    @action(detail=True, methods=["post"])
    def payments(self, request: Request, pk: str | None = None) -> Response:
        allocation = self.get_object()
        payload = PaymentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.disbursement_record(actor=signed_in(request), allocation=allocation, **payload.validated_data)
        # Re-read through get_queryset(): the payments prefetched with ``allocation`` predate the new one.
        return Response(AllocationSerializer(self.get_queryset().get(pk=pk)).data, status=status.HTTP_201_CREATED)
