"""The registry API (SPEC §2, STYLE §5): sealed, scoped viewsets; writes are actions that call services."""

from typing import Any

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import signed_in
from accounts.permissions import can_view_identity
from geo.mixins import JurisdictionScopedMixin
from households.api.life import HouseholdLifeActions
from households.api.serializers import (
    HouseholdDetailSerializer,
    HouseholdListSerializer,
    IncomeRecordSerializer,
    MemberListSerializer,
    RiskFlagOutputSerializer,
    RiskOpenInputSerializer,
    RiskResolveInputSerializer,
    VisitInputSerializer,
    VisitOutputSerializer,
)
from households.choices import DisclosureChannel
from households.facts import FLAG_BITS, awaiting_identification_q, has_flag_q, has_open_risk_q
from households.idnumbers import normalize
from households.models import Household, HouseholdMember, IncomeRecord, RiskFlag, Visit
from households.paging import HouseholdPagination
from households.selectors import with_facts
from households.selectors_life import current_only
from households.services import VisitInput, identity_disclose, income_record_save, photo_uploads, visit_record
from households.services.income import COMPONENTS
from households.services.risks import risk_open, risk_resolve

ID_SEARCH_REFUSED = "您的角色看到的身份证号是隐去部分数字的，不能按完整身份证号查询；请按户编号或姓名查询"


def _by_id_number(request: Any, queryset: Any, path: str, value: str) -> Any:
    """Filter by a full ID number, for a role that sees full numbers; refused (400) for a masked role, whose
    answer would confirm a guessed number (households.selectors.household_search says why)."""
    if not can_view_identity(request.user):
        raise ValidationError({"id_number": [ID_SEARCH_REFUSED]})
    return queryset.filter(**{path: normalize(value)}).distinct()


class HouseholdFilter(filters.FilterSet):
    area = filters.CharFilter(field_name="managing_area__code", lookup_expr="startswith", label="区划代码前缀")
    household_no = filters.CharFilter(label="户编号")
    id_number = filters.CharFilter(method="filter_id_number", label="成员身份证号（仅限可查看完整身份证号的角色）")
    closed = filters.BooleanFilter(field_name="closed_on", lookup_expr="isnull", exclude=True, label="已注销")
    flag = filters.CharFilter(method="filter_flag", label="有效标识")
    risk_flagged = filters.BooleanFilter(
        method="filter_risk_flagged", label="发现风险、待识别（未纳入监测且无在办申请）"
    )
    risk_open = filters.BooleanFilter(method="filter_risk_open", label="有未消除的风险")

    class Meta:
        model = Household
        fields = ["area", "household_no", "id_number", "closed", "flag", "risk_flagged", "risk_open"]

    def filter_id_number(self, queryset: Any, name: str, value: str) -> Any:
        return _by_id_number(self.request, queryset, "members__id_number", value)

    def filter_flag(self, queryset: Any, name: str, value: str) -> Any:
        if value not in FLAG_BITS:
            return queryset.none()
        return queryset.filter(has_flag_q(value, path="facts__"))

    def filter_risk_flagged(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        q = awaiting_identification_q(path="facts__")
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_risk_open(self, queryset: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        q = has_open_risk_q(path="facts__")
        return queryset.filter(q) if value else queryset.exclude(q)


class HouseholdViewSet(JurisdictionScopedMixin, HouseholdLifeActions, viewsets.ReadOnlyModelViewSet[Household]):
    """Households inside the caller's jurisdiction (and those paired with them); list rows are masked, the
    detail shows full ID numbers to roles that may see them and audits that view (SPEC §1.3)."""

    queryset = Household.objects.select_related(
        "managing_area__parent", "residence_area", "hukou_area", "co_managing_area"
    )
    filterset_class = HouseholdFilter
    pagination_class = HouseholdPagination
    search_fields = ["=household_no", "^head_name"]
    ordering_fields = ["household_no", "head_name", "managing_area__code"]
    ordering = ["household_no"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def scope_queryset(self, queryset: Any) -> Any:
        if self.action == "list":
            # As the list page: a household transferred away stays readable by its id, not in the list (its pages,
            # read area by area, never held it while its count did).
            return current_only(queryset, user=signed_in(self.request)).select_related("facts")
        members = HouseholdMember.objects.order_by("member_status", "birth_date")
        return queryset.prefetch_related(
            Prefetch("members", queryset=members), Prefetch("incomes", queryset=IncomeRecord.objects.all())
        )

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        return with_facts(list(page)) if page is not None and self.action == "list" else page

    def get_serializer_class(self) -> Any:
        if self.action == "list":
            return HouseholdListSerializer
        if self.action == "visits":
            return VisitInputSerializer
        if self.action == "incomes":
            return IncomeRecordSerializer
        if self.action == "risks":
            return RiskOpenInputSerializer
        return HouseholdDetailSerializer

    @extend_schema(responses=HouseholdDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        household = self.get_object()
        unmasked = identity_disclose(user=signed_in(request), household=household, channel=DisclosureChannel.API)
        return Response(HouseholdDetailSerializer(household, context={"unmasked": unmasked}).data)

    # The household's own rows, answered whole: neither the household list's pages nor its filters apply.
    @extend_schema(methods=["GET"], responses=VisitOutputSerializer(many=True))
    @extend_schema(methods=["POST"], request=VisitInputSerializer, responses={201: VisitOutputSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def visits(self, request: Request, pk: str | None = None) -> Response:
        """GET: the household's visits, newest first. POST: record a visit (multipart with ``photos`` files, or
        JSON without photos)."""
        household = self.get_object()
        if request.method == "GET":
            visits = household.visits.select_related("recorded_by", "guarantee_check").prefetch_related("photos")
            return Response(VisitOutputSerializer(visits, many=True).data)
        payload = VisitInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        photos = photo_uploads(request.FILES.getlist("photos"))
        visit = visit_record(
            actor=signed_in(request), household=household, data=VisitInput(**payload.validated_data), photos=photos
        )
        return Response(VisitOutputSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=IncomeRecordSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=IncomeRecordSerializer,
        responses={200: IncomeRecordSerializer, 201: IncomeRecordSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def incomes(self, request: Request, pk: str | None = None) -> Response:
        """GET: the household's income records. POST: record or correct the income of a year or a month."""
        household = self.get_object()
        if request.method == "GET":
            return Response(IncomeRecordSerializer(household.incomes.all(), many=True).data)
        payload = IncomeRecordSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        record, created = income_record_save(
            actor=signed_in(request),
            household=household,
            year=data["year"],
            month=data.get("month"),
            amounts={name: data[name] for name in COMPONENTS if name in data},
            note=data.get("note", ""),
        )
        return Response(
            IncomeRecordSerializer(record).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(methods=["GET"], responses=RiskFlagOutputSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=RiskOpenInputSerializer,
        responses={200: RiskFlagOutputSerializer, 201: RiskFlagOutputSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def risks(self, request: Request, pk: str | None = None) -> Response:
        """GET: the household's risks, open and resolved (SPEC §4.3). POST: record a risk by hand (the household's
        own report or a sweep's finding); an open risk of the same type answers 200, found again."""
        household = self.get_object()
        if request.method == "GET":
            return Response(RiskFlagOutputSerializer(household.risks.all(), many=True).data)
        payload = RiskOpenInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        risk, new = risk_open(actor=signed_in(request), household=household, **payload.validated_data)
        return Response(
            RiskFlagOutputSerializer(risk).data, status=status.HTTP_201_CREATED if new else status.HTTP_200_OK
        )


class RiskFlagViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[RiskFlag]):
    """Risks of the households the caller may see (SPEC §4.3); ``resolve`` records what removed one."""

    queryset = RiskFlag.objects.all()
    serializer_class = RiskFlagOutputSerializer
    filterset_fields = {
        "household": ["exact"],
        "risk_type": ["exact"],
        "source": ["exact"],
        "resolved_on": ["isnull"],
        "found_on": ["gte", "lte"],
    }
    ordering = ["household_id", "-found_on", "-pk"]

    def get_serializer_class(self) -> Any:
        if self.action == "resolve":
            return RiskResolveInputSerializer
        return RiskFlagOutputSerializer

    @extend_schema(request=RiskResolveInputSerializer, responses=RiskFlagOutputSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        risk = self.get_object()  # outside the jurisdiction: 404 before the payload is read
        payload = RiskResolveInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        risk = risk_resolve(actor=signed_in(request), risk=risk, **payload.validated_data)
        return Response(RiskFlagOutputSerializer(risk).data)


class MemberFilter(filters.FilterSet):
    area = filters.CharFilter(
        field_name="household__managing_area__code", lookup_expr="startswith", label="区划代码前缀"
    )
    id_number = filters.CharFilter(method="filter_id_number", label="身份证号（仅限可查看完整身份证号的角色）")

    class Meta:
        model = HouseholdMember
        fields = ["area", "id_number", "member_status", "health_status", "labour_capacity", "schooling_status"]

    def filter_id_number(self, queryset: Any, name: str, value: str) -> Any:
        return _by_id_number(self.request, queryset, "id_number", value)


class MemberViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[HouseholdMember]):
    """Members of the households the caller may see; ID numbers masked (the household detail shows them full)."""

    queryset = HouseholdMember.objects.select_related("household")
    serializer_class = MemberListSerializer
    filterset_class = MemberFilter
    search_fields = ["^name"]
    ordering = ["household_id", "pk"]


class IncomeRecordViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[IncomeRecord]):
    queryset = IncomeRecord.objects.all()
    serializer_class = IncomeRecordSerializer
    filterset_fields = ["household", "year", "month"]
    ordering = ["household_id", "-year", "-month"]


class VisitViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[Visit]):
    queryset = Visit.objects.select_related("recorded_by", "guarantee_check").prefetch_related("photos")
    serializer_class = VisitOutputSerializer
    filterset_fields = {
        "household": ["exact"],
        "visited_on": ["gte", "lte"],
        "kind": ["exact"],
        "risk_found": ["exact"],
    }
    ordering = ["-visited_on", "-pk"]
