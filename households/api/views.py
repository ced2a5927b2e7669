from typing import Any

from django.db.models import Count, Prefetch, Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from geo.mixins import JurisdictionScopedMixin
from households.api.serializers import HouseholdDetailSerializer, HouseholdListSerializer
from households.choices import MemberStatus
from households.models import Household, HouseholdMember, IncomeRecord
from households.services import identity_disclose


class HouseholdFilter(filters.FilterSet):
    area = filters.CharFilter(field_name="managing_area__code", lookup_expr="startswith", label="区划代码前缀")
    household_no = filters.CharFilter(label="户编号")
    id_number = filters.CharFilter(field_name="members__id_number", label="成员身份证号", distinct=True)
    closed = filters.BooleanFilter(field_name="closed_on", lookup_expr="isnull", exclude=True, label="已注销")

    class Meta:
        model = Household
        fields = ["area", "household_no", "id_number", "closed"]


class HouseholdViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[Household]):
    """Households inside the caller's jurisdiction (and those paired with them); list rows are masked, the
    detail shows full ID numbers to roles that may see them and audits that view (SPEC §1.3)."""

    queryset = Household.objects.select_related(
        "managing_area__parent", "residence_area", "hukou_area", "co_managing_area"
    )
    filterset_class = HouseholdFilter
    search_fields = ["=household_no", "^head_name"]
    ordering_fields = ["household_no", "head_name", "managing_area__code"]
    ordering = ["household_no"]

    def scope_queryset(self, queryset: Any) -> Any:
        if self.action == "list":
            return queryset.annotate(
                present_members=Count("members", filter=Q(members__member_status=MemberStatus.PRESENT))
            )
        members = HouseholdMember.objects.order_by("member_status", "birth_date")
        return queryset.prefetch_related(
            Prefetch("members", queryset=members), Prefetch("incomes", queryset=IncomeRecord.objects.all())
        )

    def get_serializer_class(self) -> Any:
        return HouseholdListSerializer if self.action == "list" else HouseholdDetailSerializer

    @extend_schema(responses=HouseholdDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        household = self.get_object()
        unmasked = identity_disclose(user=request.user, household=household, channel="api")
        return Response(HouseholdDetailSerializer(household, context={"unmasked": unmasked}).data)
