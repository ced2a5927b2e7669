"""The credit viewsets of /api/v1/, registered on the one router by ``register``: loans (list, retrieve, sign
through ``credit.services.loan_sign``) and their repayments as an action (STYLE rule 18). A refusal answers 400
with every failing condition under its field."""

from __future__ import annotations

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
from credit import facts, services
from credit.choices import LoanKind, LoanPurpose
from credit.models import LoanRepayment, MicroLoan
from geo.mixins import JurisdictionScopedMixin
from households.models import Household, HouseholdMember
from monitoring.models import AssistanceMeasure


class RepaymentSerializer(serializers.ModelSerializer[LoanRepayment]):
    class Meta:
        model = LoanRepayment
        fields = ["id", "paid_on", "principal", "interest"]


class LoanSerializer(serializers.ModelSerializer[MicroLoan]):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    repayments = RepaymentSerializer(many=True, read_only=True)
    balance = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    subsidy_by_year = serializers.SerializerMethodField()

    class Meta:
        model = MicroLoan
        fields = ["id", "household", "household_no", "borrower", "bank", "contract_no", "kind", "previous", "amount",
                  "subsidised_amount", "signed_on", "maturity", "rate", "lpr", "purpose", "purpose_note", "status",
                  "closed_on", "blacklisted", "blacklisted_on", "blacklist_reason", "measure", "repayments", "balance",
                  "overdue", "subsidy_by_year"]  # fmt: skip

    def get_balance(self, loan: MicroLoan) -> str:
        return str(facts.balance(loan))

    def get_overdue(self, loan: MicroLoan) -> bool:
        return facts.is_overdue(loan, timezone.localdate())

    def get_subsidy_by_year(self, loan: MicroLoan) -> dict[str, str]:
        return {str(year): str(pct) for year, pct in services.subsidy_by_year(loan)}


class LoanInputSerializer(serializers.Serializer[Any]):
    household = serializers.IntegerField()
    borrower = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=LoanKind.choices, default=LoanKind.NEW)
    previous = serializers.IntegerField(required=False, allow_null=True, default=None)
    bank = serializers.CharField(max_length=100)
    contract_no = serializers.CharField(max_length=60)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    signed_on = serializers.DateField()
    maturity = serializers.DateField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    lpr = serializers.DecimalField(max_digits=5, decimal_places=2)
    purpose = serializers.ChoiceField(choices=LoanPurpose.choices)
    purpose_note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    guaranteed = serializers.BooleanField(default=False)
    company_use = serializers.BooleanField(default=False)
    measure = serializers.IntegerField(required=False, allow_null=True, default=None)


class RepaymentInputSerializer(serializers.Serializer[Any]):
    paid_on = serializers.DateField()
    principal = serializers.DecimalField(max_digits=12, decimal_places=2)
    interest = serializers.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))


def _refused(exc: services.LoanRefused) -> ValidationError:
    return ValidationError({"detail": exc.message, **exc.errors})


class MicroLoanViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[MicroLoan]):
    """Loans of the user's territory; ``POST`` signs one, ``POST /repayments/`` records a repayment."""

    queryset = MicroLoan.objects.select_related("household").prefetch_related("repayments")
    serializer_class = LoanSerializer
    filterset_fields = ["status", "kind", "bank", "household"]
    ordering = ["-signed_on", "-pk"]

    @extend_schema(request=LoanInputSerializer, responses={201: LoanSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = signed_in(request)
        payload = LoanInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        # Missing and outside the territory get the same answer (STYLE rule 11).
        household = Household.objects.visible_to(user).filter(pk=data.pop("household")).first()
        if household is None:
            raise ValidationError({"household": ["农户不存在，或不在您的辖区内"]})
        borrower = HouseholdMember.objects.filter(household=household, pk=data.pop("borrower")).first()
        if borrower is None:
            raise ValidationError({"borrower": ["借款人须为该户家庭成员"]})
        previous_id = data.pop("previous")
        previous = MicroLoan.objects.filter(household=household, pk=previous_id).first() if previous_id else None
        if previous_id and previous is None:
            raise ValidationError({"previous": ["原贷款合同不是该户的"]})
        measure_id = data.pop("measure")
        measure = (
            AssistanceMeasure.objects.filter(subject__household=household, pk=measure_id).first()
            if measure_id
            else None
        )
        if measure_id and measure is None:
            raise ValidationError({"measure": ["帮扶措施不是该户的"]})
        try:
            loan = services.loan_sign(
                actor=user,
                household=household,
                data=services.LoanInput(borrower=borrower, previous=previous, measure=measure, **data),
            )
        except services.LoanRefused as exc:
            raise _refused(exc) from exc
        return Response(LoanSerializer(self.get_queryset().get(pk=loan.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RepaymentInputSerializer, responses={201: LoanSerializer})
    @action(detail=True, methods=["post"])
    def repayments(self, request: Request, pk: str | None = None) -> Response:
        loan = self.get_object()
        payload = RepaymentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(payload.validated_data)
        paid_on: datetime.date = values.pop("paid_on")
        try:
            services.loan_repay(actor=signed_in(request), loan=loan, paid_on=paid_on, **values)
        except services.LoanRefused as exc:
            raise _refused(exc) from exc
        # Re-read through get_queryset(): the repayments prefetched with ``loan`` predate the new one.
        return Response(LoanSerializer(self.get_queryset().get(pk=pk)).data, status=status.HTTP_201_CREATED)


def register(router: DefaultRouter) -> None:
    """Register this app's viewsets."""
    router.register("micro-loans", MicroLoanViewSet, basename="micro-loan")
