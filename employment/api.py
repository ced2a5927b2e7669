"""The employment viewsets of /api/v1/ (STYLE rule 18): sealed, scoped, read-only viewsets; ``POST`` records through
one service each. People are named by their member id; ID numbers never leave through this API."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from accounts.http import signed_in
from employment import selectors, services
from employment.choices import EmploymentStatus, ServiceKind
from employment.models import EmploymentRecord, EmploymentService, Workshop, WorkshopHire
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea
from households.models import HouseholdMember


class EmploymentRecordSerializer(serializers.ModelSerializer[EmploymentRecord]):
    member_name = serializers.CharField(source="member.name", read_only=True)
    household_no = serializers.CharField(source="member.household.household_no", read_only=True)

    class Meta:
        model = EmploymentRecord
        fields = ["id", "member", "member_name", "household_no", "year", "recorded_on", "status", "place", "employer",
                  "months_employed", "labour_contract", "social_insurance", "skills", "certificate", "wish_to_work",
                  "wish_to_train", "stably_employed", "measure"]  # fmt: skip


class EmploymentRecordInputSerializer(serializers.Serializer[Any]):
    member = serializers.IntegerField()
    recorded_on = serializers.DateField()
    status = serializers.ChoiceField(choices=EmploymentStatus.choices)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    employer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    months_employed = serializers.IntegerField(min_value=0, max_value=12, default=0)
    labour_contract = serializers.BooleanField(default=False)
    social_insurance = serializers.BooleanField(default=False)
    skills = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    certificate = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    wish_to_work = serializers.BooleanField(default=False)
    wish_to_train = serializers.BooleanField(default=False)


class EmploymentServiceSerializer(serializers.ModelSerializer[EmploymentService]):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = EmploymentService
        fields = ["id", "member", "member_name", "kind", "served_on", "detail"]


class EmploymentServiceInputSerializer(serializers.Serializer[Any]):
    member = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ServiceKind.choices)
    served_on = serializers.DateField()
    detail = serializers.CharField(max_length=200)


class WorkshopHireSerializer(serializers.ModelSerializer[WorkshopHire]):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = WorkshopHire
        fields = ["id", "member", "member_name", "hired_on", "left_on", "disabled_or_guardian"]


class EmploymentWorkshopSerializer(serializers.ModelSerializer[Workshop]):
    area_code = serializers.CharField(source="area.code", read_only=True)
    people = serializers.IntegerField(read_only=True)
    disabled = serializers.IntegerField(read_only=True)
    hires = WorkshopHireSerializer(many=True, read_only=True)

    class Meta:
        model = Workshop
        fields = ["id", "name", "area_code", "operator", "recognised_on", "note", "people", "disabled", "hires"]


class EmploymentWorkshopInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    area = serializers.CharField(help_text="the village's or township's 12-digit code")
    operator = serializers.CharField(max_length=100)
    recognised_on = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _member(request: Request, pk: int) -> HouseholdMember:
    # Missing and outside the territory get the same answer (STYLE rule 11).
    member = HouseholdMember.objects.visible_to(signed_in(request)).select_related("household").filter(pk=pk).first()
    if member is None:
        raise ValidationError({"member": "没有这个人，或不在您的辖区内"})
    return member


class EmploymentRecordViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[EmploymentRecord]):
    """Employment records (SPEC §11.3); ``POST`` records or updates a person's record of the year."""

    queryset = EmploymentRecord.objects.select_related("member__household")
    serializer_class = EmploymentRecordSerializer
    filterset_fields = ["year", "status", "wish_to_work", "stably_employed"]
    ordering = ["-year", "pk"]

    @extend_schema(request=EmploymentRecordInputSerializer, responses=EmploymentRecordSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = EmploymentRecordInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        member = _member(request, data.pop("member"))
        record = services.record_save(actor=signed_in(request), member=member, data=services.RecordInput(**data))
        return Response(EmploymentRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class EmploymentServiceViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[EmploymentService]):
    """The services of "1 guidance, 3 offers, 1 training" (NR-EMP-04); ``POST`` records one."""

    queryset = EmploymentService.objects.select_related("member")
    serializer_class = EmploymentServiceSerializer
    filterset_fields = ["kind", "member"]
    ordering = ["-served_on", "pk"]

    @extend_schema(request=EmploymentServiceInputSerializer, responses=EmploymentServiceSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = EmploymentServiceInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        member = _member(request, data.pop("member"))
        service = services.service_record(actor=signed_in(request), member=member, **data)
        return Response(EmploymentServiceSerializer(service).data, status=status.HTTP_201_CREATED)


class WorkshopViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[Workshop]):
    """Assistance workshops with the people they employ today; ``POST`` registers one."""

    queryset = Workshop.objects.all()
    serializer_class = EmploymentWorkshopSerializer
    search_fields = ["name", "operator"]
    ordering = ["pk"]

    def scope_queryset(self, queryset: Any) -> Any:
        return selectors.workshops(queryset, on=timezone.localdate()).prefetch_related("hires__member")

    @extend_schema(request=EmploymentWorkshopInputSerializer, responses=EmploymentWorkshopSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = EmploymentWorkshopInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        area = AdminArea.objects.visible_to(signed_in(request)).active().filter(code=data.pop("area")).first()
        if area is None:
            raise ValidationError({"area": "没有这个乡镇或村，或不在您的辖区内"})
        workshop = services.workshop_register(actor=signed_in(request), data=services.WorkshopInput(area=area, **data))
        return Response(
            EmploymentWorkshopSerializer(self.get_queryset().get(pk=workshop.pk)).data, status=status.HTTP_201_CREATED
        )


def register(router: DefaultRouter) -> None:
    """Register this app's viewsets."""
    router.register("employment-records", EmploymentRecordViewSet, basename="employment-record")
    router.register("employment-services", EmploymentServiceViewSet, basename="employment-service")
    router.register("employment-workshops", WorkshopViewSet, basename="employment-workshop")
