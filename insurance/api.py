"""The insurance viewsets of /api/v1/, registered on the one router by ``register``: policies (``POST`` one policy,
``POST claims/`` files a claim on it) and claims (``POST accept/``, ``pay/``, ``refuse/``), each command one service
call (STYLE rule 18)."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from accounts.http import signed_in
from geo.mixins import JurisdictionScopedMixin
from households.models import HouseholdMember
from insurance import facts, services
from insurance.choices import Product
from insurance.models import InsuranceClaim, InsurancePolicy


class InsurancePolicySerializer(serializers.ModelSerializer[InsurancePolicy]):
    class Meta:
        model = InsurancePolicy
        fields = ["id", "member", "year", "product", "subsidised", "premium_individual", "premium_county",
                  "sum_insured", "insurer", "policy_no", "starts_on", "ends_on"]  # fmt: skip


class InsurancePolicyInputSerializer(serializers.Serializer[Any]):
    member = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2021, max_value=2100)
    product = serializers.ChoiceField(choices=Product.choices)
    insurer = serializers.CharField(max_length=100)
    policy_no = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    sum_insured = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                           default=None)  # fmt: skip
    premium_individual = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                                  default=None)  # fmt: skip
    premium_county = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                              default=None)  # fmt: skip


class InsuranceClaimSerializer(serializers.ModelSerializer[InsuranceClaim]):
    # The claim's face of the overdue fact (insurance.facts): a simple claim is settled within 5 working days.
    due_on = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    def get_due_on(self, claim: InsuranceClaim) -> datetime.date | None:
        return facts.due_on(claim)

    def get_overdue(self, claim: InsuranceClaim) -> bool:
        return facts.is_overdue(claim, today=timezone.localdate())

    class Meta:
        model = InsuranceClaim
        fields = ["id", "policy", "kind", "incident_on", "filed_on", "simple", "residual_cost", "medical_cost",
                  "assessed_amount", "tier_mode", "limit", "used_before", "payout", "status", "accepted_on",
                  "closed_on", "refusal_reason", "due_on", "overdue"]  # fmt: skip


class InsuranceClaimInputSerializer(serializers.Serializer[Any]):
    incident_on = serializers.DateField()
    filed_on = serializers.DateField()
    simple = serializers.BooleanField(default=True)
    residual_cost = serializers.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    medical_cost = serializers.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    assessed_amount = serializers.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))


class InsuranceStepInputSerializer(serializers.Serializer[Any]):
    on = serializers.DateField(required=False, allow_null=True, default=None)


class InsuranceRefuseInputSerializer(InsuranceStepInputSerializer):
    reason = serializers.CharField(max_length=500)


class InsurancePolicyViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[InsurancePolicy]):
    """Policies of the territory (SPEC §11.2), filtered by ``year``, ``product`` and ``member``."""

    queryset = InsurancePolicy.objects.all()
    serializer_class = InsurancePolicySerializer
    filterset_fields = ["year", "product", "member"]
    ordering = ["-year", "member", "product"]

    @extend_schema(request=InsurancePolicyInputSerializer, responses={201: InsurancePolicySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = InsurancePolicyInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        # Missing and outside the territory get the same answer (STYLE rule 11).
        member = HouseholdMember.objects.visible_to(signed_in(request)).filter(pk=data.pop("member")).first()
        if member is None:
            raise ValidationError({"member": "没有这个人，或不在您的辖区内"})
        policy = services.policy_create(actor=signed_in(request), data=services.PolicyInput(member=member, **data))
        return Response(InsurancePolicySerializer(policy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InsuranceClaimInputSerializer, responses={201: InsuranceClaimSerializer})
    @action(detail=True, methods=["post"])
    def claims(self, request: Request, pk: str | None = None) -> Response:
        policy = self.get_object()
        payload = InsuranceClaimInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        claim = services.claim_file(
            actor=signed_in(request), policy=policy, data=services.ClaimInput(**payload.validated_data)
        )
        return Response(InsuranceClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


class InsuranceClaimViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[InsuranceClaim]):
    """Claims of the territory, filtered by ``status`` and ``kind``; the payout as computed when filed."""

    queryset = InsuranceClaim.objects.select_related("policy__member__household__managing_area")
    serializer_class = InsuranceClaimSerializer
    filterset_fields = ["status", "kind", "policy"]
    ordering = ["-filed_on", "-pk"]

    def _step(self, request: Request, service: Any, payload_class: type[serializers.Serializer[Any]]) -> Response:
        claim = self.get_object()
        payload = payload_class(data=request.data)
        payload.is_valid(raise_exception=True)
        claim = service(actor=signed_in(request), claim=claim, **payload.validated_data)
        return Response(InsuranceClaimSerializer(claim).data)

    @extend_schema(request=InsuranceStepInputSerializer, responses=InsuranceClaimSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.claim_accept, InsuranceStepInputSerializer)

    @extend_schema(request=InsuranceStepInputSerializer, responses=InsuranceClaimSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.claim_pay, InsuranceStepInputSerializer)

    @extend_schema(request=InsuranceRefuseInputSerializer, responses=InsuranceClaimSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.claim_refuse, InsuranceRefuseInputSerializer)


def register(router: DefaultRouter) -> None:
    """Register this app's viewsets."""
    router.register("insurance-policies", InsurancePolicyViewSet, basename="insurance-policy")
    router.register("insurance-claims", InsuranceClaimViewSet, basename="insurance-claim")
