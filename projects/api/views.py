"""Project library API: read-only viewsets, one ``@action`` per command calling one service (STYLE rule 18)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import signed_in
from geo.mixins import JurisdictionScopedMixin
from households.models import Household
from projects import selectors, services
from projects.api.serializers import (
    AssetSerializer,
    BeneficiaryInputSerializer,
    DistributionInputSerializer,
    IncomeInputSerializer,
    NoticeInputSerializer,
    ProjectInputSerializer,
    ProjectSerializer,
    ProjectStepSerializer,
    TargetInputSerializer,
)
from projects.models import AssetIncome, Project, ProjectAsset, ProjectCategory

COMMENT_STEPS = frozenset(services.PROJECT_STEPS)


class ProjectViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[Project]):
    """The project library; ``POST`` proposes a project, ``POST /transitions/`` takes a step of SPEC §8.3."""

    queryset = (
        Project.objects.select_related("area", "category")
        .prefetch_related("fundings", "targets", "disclosures", "events__actor")
        .annotate(beneficiary_households=Count("beneficiaries", distinct=True))
    )
    serializer_class = ProjectSerializer
    filterset_fields = ["status", "year"]
    search_fields = ["name", "code"]
    ordering = ["-year", "code"]

    def _reload(self, pk: Any) -> Response:
        # Re-read through get_queryset(): scoped, and with fresh annotations and prefetches after the command.
        return Response(ProjectSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=ProjectInputSerializer, responses=ProjectSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = ProjectInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        # Same answer for a missing place and one outside the territory (STYLE rule 11).
        area = selectors.areas_for_projects(signed_in(request)).filter(code=data.pop("area")).first()
        if area is None:
            raise ValidationError({"area": "没有这个乡镇或村，或不在您的辖区内"})
        # By classification code, not pk: clients know the provincial codes, and pks differ between databases.
        # A retired class (active=False) takes no new project.
        category = ProjectCategory.objects.filter(code=data.pop("category"), active=True).first()
        if category is None:
            raise ValidationError({"category": "项目类别不存在"})
        fundings = [(row["source"], row["amount"]) for row in data.pop("fundings")]
        project = services.project_propose(
            actor=signed_in(request),
            data=services.ProjectInput(area=area, category=category, fundings=fundings, **data),
        )
        return Response(ProjectSerializer(self.get_queryset().get(pk=project.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProjectStepSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        payload = ProjectStepSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        step, actor = data["action"], signed_in(request)
        if step in COMMENT_STEPS:
            services.PROJECT_STEPS[step](project=project, actor=actor, comment=data["comment"])
        elif step == "implementation":
            services.project_approve_implementation(project=project, actor=actor, plan=data["plan"])
        elif step == "accept":
            # Optional in the serializer, which serves every step; only acceptance needs the date.
            if data["accepted_on"] is None:
                raise ValidationError({"accepted_on": "请填写验收日期"})
            services.project_accept(
                project=project, actor=actor, accepted_on=data["accepted_on"], comment=data["comment"]
            )
        else:
            # JSON object keys are strings: target ids arrive as "12", and any other key is ignored.
            actuals = {int(key): value for key, value in data["actuals"].items() if str(key).isdigit()}
            services.project_evaluate(project=project, actor=actor, evaluation=data["evaluation"], actuals=actuals)
        return self._reload(pk)

    @extend_schema(request=TargetInputSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def targets(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        payload = TargetInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.target_add(project=project, actor=signed_in(request), **payload.validated_data)
        return self._reload(pk)

    @extend_schema(request=BeneficiaryInputSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def beneficiaries(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        payload = BeneficiaryInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        household = Household.objects.visible_to(signed_in(request)).filter(household_no=data["household_no"]).first()
        if household is None:
            raise ValidationError({"household_no": "户编号不存在，或不在您的辖区内"})
        services.beneficiary_add(
            project=project, actor=signed_in(request), household=household, linkage_mode=data["linkage_mode"],
            expected_income=data["expected_income"],
        )  # fmt: skip
        return self._reload(pk)

    @extend_schema(request=NoticeInputSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def notices(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        payload = NoticeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.project_notice_post(project=project, actor=signed_in(request), **payload.validated_data)
        return self._reload(pk)


class AssetViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[ProjectAsset]):
    """Project assets with their incomes and distributions; ``POST /incomes/`` and ``POST /distributions/``."""

    queryset = ProjectAsset.objects.select_related("area").prefetch_related("incomes__uses")
    serializer_class = AssetSerializer
    filterset_fields = ["status", "nature", "asset_class", "project"]
    ordering = ["code"]

    @extend_schema(request=IncomeInputSerializer, responses={201: AssetSerializer})
    @action(detail=True, methods=["post"])
    def incomes(self, request: Request, pk: str | None = None) -> Response:
        asset = self.get_object()
        payload = IncomeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.income_record(asset=asset, actor=signed_in(request), **payload.validated_data)
        return Response(AssetSerializer(self.get_queryset().get(pk=pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DistributionInputSerializer, responses={201: AssetSerializer})
    @action(detail=True, methods=["post"])
    def distributions(self, request: Request, pk: str | None = None) -> Response:
        asset = self.get_object()
        payload = DistributionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        # The income must belong to the asset in the URL, so the asset's scoping covers it.
        income = AssetIncome.objects.filter(asset=asset, pk=data.pop("income")).first()
        if income is None:
            raise ValidationError({"income": "该资产没有这笔收益"})
        household_no = data.pop("household_no").strip()
        household = None
        if household_no:
            household = Household.objects.visible_to(signed_in(request)).filter(household_no=household_no).first()
            if household is None:
                raise PermissionDenied
        services.distribution_record(income=income, actor=signed_in(request), household=household, **data)
        return Response(AssetSerializer(self.get_queryset().get(pk=pk)).data, status=status.HTTP_201_CREATED)
