"""The welfare_posts viewsets of /api/v1/ (SPEC §11.4), registered on the one router by ``register``: posts, hires and
attendance, sealed and scoped; each command one service call."""

from __future__ import annotations

from typing import Any

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
from monitoring.models import AssistanceMeasure
from welfare_posts import selectors, services
from welfare_posts.choices import Assessment, ExitReason, PostFunding, PostType
from welfare_posts.models import PostAttendance, PostHire, PostPayment, WelfarePost

# ------------------------------------------------------------------------------------------------ serializers


class WelfarePostSerializer(serializers.ModelSerializer[WelfarePost]):
    village_code = serializers.CharField(source="village.code", read_only=True)
    # "funding", not "funding_source": the schema names an enum by its field, and measures have a funding_source.
    funding = serializers.ChoiceField(source="funding_source", choices=PostFunding.choices, read_only=True)
    holders = serializers.SerializerMethodField()

    class Meta:
        model = WelfarePost
        fields = ["id", "village_code", "name", "post_type", "funding", "monthly_subsidy", "positions",
                  "holders", "need", "created_on", "active", "closed_on"]  # fmt: skip

    def get_holders(self, post: WelfarePost) -> int:
        return sum(1 for h in post.hires.all() if h.ended_on is None)


class WelfarePostInputSerializer(serializers.Serializer[Any]):
    # By area code, not primary key: the 12-digit codes are the same in every database and every client knows them.
    village = serializers.CharField(help_text="the village's 12-digit code")
    name = serializers.CharField(max_length=100)
    post_type = serializers.ChoiceField(choices=PostType.choices)
    funding = serializers.ChoiceField(choices=PostFunding.choices)
    monthly_subsidy = serializers.DecimalField(max_digits=10, decimal_places=2)
    positions = serializers.IntegerField(min_value=1, max_value=999)
    need = serializers.CharField()
    created_on = serializers.DateField()


class PostPaymentSerializer(serializers.ModelSerializer[PostPayment]):
    class Meta:
        model = PostPayment
        fields = ["id", "month", "amount", "paid_on"]


class PostHireSerializer(serializers.ModelSerializer[PostHire]):
    member_name = serializers.CharField(source="member.name", read_only=True)
    months_attended = serializers.SerializerMethodField()
    subsidy_paid = serializers.SerializerMethodField()
    payments = PostPaymentSerializer(many=True, read_only=True)

    class Meta:
        model = PostHire
        fields = ["id", "post", "member", "member_name", "hired_on", "ended_on", "priority_basis", "priority_waiver",
                  "exit_reason", "exit_note", "measure", "months_attended", "subsidy_paid", "payments"]  # fmt: skip

    def get_months_attended(self, hire: PostHire) -> int:
        return selectors.hire_record(hire).months

    def get_subsidy_paid(self, hire: PostHire) -> str:
        return str(selectors.hire_record(hire).paid)


class PostHireInputSerializer(serializers.Serializer[Any]):
    member = serializers.IntegerField()
    hired_on = serializers.DateField()
    priority_waiver = serializers.CharField(required=False, allow_blank=True, default="")
    measure = serializers.IntegerField(required=False, allow_null=True, default=None)


class PostExitInputSerializer(serializers.Serializer[Any]):
    ended_on = serializers.DateField()
    exit_reason = serializers.ChoiceField(choices=ExitReason.choices)
    exit_note = serializers.CharField(required=False, allow_blank=True, default="")


class PostPaymentInputSerializer(serializers.Serializer[Any]):
    month = serializers.DateField(help_text="the first day of the month")
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    paid_on = serializers.DateField()


class PostAttendanceSerializer(serializers.ModelSerializer[PostAttendance]):
    class Meta:
        model = PostAttendance
        fields = ["id", "hire", "month", "days_worked", "assessment", "note"]


class PostAttendanceInputSerializer(serializers.Serializer[Any]):
    hire = serializers.IntegerField()
    month = serializers.DateField(help_text="the first day of the month")
    days_worked = serializers.IntegerField(min_value=0, max_value=31)
    assessment = serializers.ChoiceField(choices=Assessment.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


# -------------------------------------------------------------------------------------------------- viewsets


class WelfarePostViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[WelfarePost]):
    """Posts of the user's area; ``POST`` sets one up (按需设岗), ``POST /hires/`` hires a person (以岗聘任)."""

    queryset = WelfarePost.objects.select_related("village").prefetch_related("hires")
    serializer_class = WelfarePostSerializer
    filterset_fields = ["post_type", "active"]
    ordering = ["village__code", "name", "pk"]

    @extend_schema(request=WelfarePostInputSerializer, responses={201: WelfarePostSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = WelfarePostInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        # Missing and outside the territory get the same answer (STYLE rule 11), so a code reveals nothing.
        village = selectors.villages_of(signed_in(request)).filter(code=data.pop("village")).first()
        if village is None:
            raise ValidationError({"village": "没有这个村，或不在您的辖区内"})
        data["funding_source"] = data.pop("funding")
        post = services.post_create(actor=signed_in(request), data=services.PostInput(village=village, **data))
        return Response(WelfarePostSerializer(post).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PostHireInputSerializer, responses={201: PostHireSerializer})
    @action(detail=True, methods=["post"])
    def hires(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        payload = PostHireInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = signed_in(request)
        member = HouseholdMember.objects.visible_to(user).filter(pk=data["member"]).first()
        if member is None:
            raise ValidationError({"member": "没有这个人，或不在您的辖区内"})
        measure = None
        if data["measure"] is not None:
            measure = AssistanceMeasure.objects.visible_to(user).filter(pk=data["measure"]).first()
            if measure is None:
                raise ValidationError({"measure": "没有这项帮扶措施，或不在您的辖区内"})
        hire = services.hire_create(
            actor=user, post=post, member=member, hired_on=data["hired_on"],
            priority_waiver=data["priority_waiver"], measure=measure,
        )  # fmt: skip
        return Response(PostHireSerializer(hire).data, status=status.HTTP_201_CREATED)


class PostHireViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[PostHire]):
    """Hires with their payments; ``POST /payments/`` pays a month (在岗领补), ``POST /exit/`` ends the hire."""

    queryset = PostHire.objects.select_related("post", "member").prefetch_related("attendance", "payments")
    serializer_class = PostHireSerializer
    filterset_fields = ["post", "priority_basis", "exit_reason"]
    ordering = ["post", "hired_on", "pk"]

    @extend_schema(request=PostPaymentInputSerializer, responses={201: PostHireSerializer})
    @action(detail=True, methods=["post"])
    def payments(self, request: Request, pk: str | None = None) -> Response:
        hire = self.get_object()
        payload = PostPaymentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.payment_record(actor=signed_in(request), hire=hire, **payload.validated_data)
        return Response(PostHireSerializer(self.get_queryset().get(pk=hire.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PostExitInputSerializer, responses=PostHireSerializer)
    @action(detail=True, methods=["post"])
    def exit(self, request: Request, pk: str | None = None) -> Response:
        hire = self.get_object()
        payload = PostExitInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.hire_end(actor=signed_in(request), hire=hire, **payload.validated_data)
        return Response(PostHireSerializer(self.get_queryset().get(pk=hire.pk)).data)


class PostAttendanceViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[PostAttendance]):
    """Monthly attendance; ``POST`` records (or corrects, before payment) one holder's month."""

    queryset = PostAttendance.objects.select_related("hire")
    serializer_class = PostAttendanceSerializer
    filterset_fields = ["hire", "month", "assessment"]
    ordering = ["hire", "month"]

    @extend_schema(request=PostAttendanceInputSerializer, responses={201: PostAttendanceSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = PostAttendanceInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        user = signed_in(request)
        hire = PostHire.objects.visible_to(user).filter(pk=data.pop("hire")).first()
        if hire is None:
            raise ValidationError({"hire": "没有这条聘任记录，或不在您的辖区内"})
        month = data.pop("month")
        (attendance,) = services.attendance_record(
            actor=user, month=month, rows=[services.AttendanceInput(hire=hire, **data)]
        )
        return Response(PostAttendanceSerializer(attendance).data, status=status.HTTP_201_CREATED)


def register(router: DefaultRouter) -> None:
    """Register this app's viewsets."""
    router.register("welfare-posts", WelfarePostViewSet, basename="welfare-post")
    router.register("post-hires", PostHireViewSet, basename="post-hire")
    router.register("post-attendance", PostAttendanceViewSet, basename="post-attendance")
