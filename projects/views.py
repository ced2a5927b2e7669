"""Project library pages: the filtered library, the proposal form, a project's file with the steps the user may
take, the printable notices, and the asset register (STYLE rule 18: thin views; every change is a service call)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView
from django_stubs_ext import StrOrPromise

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import has_capability
from accounts.roles import Capability
from core.errors import DomainError
from core.forms import raise_first_error, run_command
from geo.mixins import JurisdictionScopedMixin
from geo.selectors import townships_of
from geo.shortcuts import get_visible_or_404, scoped_view
from households.models import Household
from projects import permissions, policy, selectors, services
from projects.choices import AssetClass, AssetNature, AssetStatus, ProjectStatus
from projects.forms import (
    AcceptForm,
    AssetForm,
    BeneficiaryForm,
    CommentForm,
    DistributionForm,
    EvaluateForm,
    FundingFormSet,
    IncomeForm,
    NoticeForm,
    OperationForm,
    PlanForm,
    ProjectForm,
    ReasonForm,
    TargetForm,
)
from projects.models import (
    AssetIncome,
    PerformanceTarget,
    Project,
    ProjectAsset,
    ProjectBeneficiary,
    ProjectCategory,
    ProjectDisclosure,
)
from projects.panels import panels_for


def _apply_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _filter(request: AuthenticatedHttpRequest) -> selectors.ProjectFilter:
    get = request.GET
    return selectors.ProjectFilter(
        status=get.get("status", "open"),
        year=get.get("year", ""),
        township=get.get("township", ""),
        category=get.get("category", ""),
        query=get.get("q", "").strip(),
    )


class ProjectListView(JurisdictionScopedMixin, ListView[Project]):
    """The county project library (项目库): a township sees its projects, the county all (SPEC §1.3 rule 1)."""

    model = Project
    paginate_by = 30
    template_name = "projects/project_list.html"

    def scope_queryset(self, queryset: QuerySet[Project]) -> QuerySet[Project]:
        return selectors.project_list_narrow(queryset, chosen=_filter(self.request))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            chosen=_filter(self.request),
            statuses=ProjectStatus.choices,
            townships=townships_of(self.request.user),
            categories=ProjectCategory.objects.filter(parent__isnull=True, active=True),
            can_propose=has_capability(self.request.user, Capability.PROPOSE_PROJECT),
        )
        return context


def _project_input(form: ProjectForm, fundings: Any, areas: QuerySet[Any]) -> services.ProjectInput:
    data = form.cleaned_data
    # Looked up among the user's places: a code from elsewhere reads as "choose a place", like a missing one.
    area = areas.filter(code=data["area"]).first()
    if area is None:
        raise DomainError(_("请选择建设地点"), field="area")
    # The classification is not place-bound; the service refuses a banned class or one that is not a leaf.
    category = ProjectCategory.objects.filter(pk=data["category"]).first()
    if category is None:
        raise DomainError(_("请选择项目类别"), field="category")
    rows = [(f.cleaned_data["source"], f.cleaned_data["amount"]) for f in fundings if f.cleaned_data.get("source")]
    return services.ProjectInput(
        name=data["name"],
        year=data["year"],
        category=category,
        area=area,
        implementing_unit=data["implementing_unit"],
        responsible_unit=data["responsible_unit"],
        content=data["content"],
        planned_start=data["planned_start"],
        planned_end=data["planned_end"],
        fundings=rows,
        benefits_business_entity=data["benefits_business_entity"],
        is_work_relief=data["is_work_relief"],
        work_relief_posts=data["work_relief_posts"],
        posts_for_groups=data["posts_for_groups"],
        labour_pay=data["labour_pay"],
    )


def _edit_page(request: AuthenticatedHttpRequest, project: Project | None) -> HttpResponse:
    areas = selectors.areas_for_projects(request.user).select_related("parent")
    initial: dict[str, Any] = {}
    funding_initial: list[dict[str, Any]] = []
    if project is not None:
        initial = {f: getattr(project, f) for f in (
            "name", "year", "implementing_unit", "responsible_unit", "content", "planned_start", "planned_end",
            "benefits_business_entity", "is_work_relief", "work_relief_posts", "posts_for_groups", "labour_pay",
        )}  # fmt: skip
        initial.update(category=str(project.category_id), area=project.area.code)
        funding_initial = [{"source": f.source, "amount": f.amount} for f in project.fundings.all()]
    form = ProjectForm(request.POST or None, areas=areas, initial=initial)
    fundings = FundingFormSet(request.POST or None, prefix="funding", initial=funding_initial or None)
    if request.method == "POST" and form.is_valid() and fundings.is_valid():
        try:
            data = _project_input(form, fundings, areas)
            if project is None:
                project = services.project_propose(actor=request.user, data=data)
                messages.success(request, _("项目已申报，待乡镇论证"))
            else:
                services.project_update(project=project, actor=request.user, data=data)
                messages.success(request, _("项目信息已保存"))
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            return redirect(project)
    context = {"form": form, "fundings": fundings, "project": project}
    return render(request, "projects/project_form.html", context)


@scoped_view
def project_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """P-1 村社申请: the proposal with its planned investment by source."""
    if not has_capability(request.user, Capability.PROPOSE_PROJECT):
        raise PermissionDenied
    return _edit_page(request, None)


@scoped_view(model=Project)
def project_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(Project, request.user, pk=pk)
    # 404 above for a project outside the territory, 403 here for one the user sees but may not edit (STYLE rule 11).
    if not permissions.can_edit(request.user, project):
        raise PermissionDenied
    return _edit_page(request, project)


class ProjectDetailView(JurisdictionScopedMixin, DetailView[Project]):
    """A project's file: investment by source, targets, beneficiaries with their counts, notices, funds, assets, the
    trail and the change history; the forms of the steps the user may take now."""

    model = Project
    template_name = "projects/project_detail.html"

    def scope_queryset(self, queryset: QuerySet[Project]) -> QuerySet[Project]:
        return queryset.select_related("area__parent", "category__parent", "created_by").prefetch_related(
            "fundings", "targets", "disclosures__posted_by", "events__actor", "assets"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        project: Project = self.object
        user = self.request.user
        beneficiaries = list(selectors.beneficiaries_of(project))
        actions = selectors.project_actions(user, project)
        editable = "edit" in actions
        fundings = list(project.fundings.all())
        notice_days = policy.notice_days(project.area.code, on=timezone.localdate())
        context.update(
            actions=actions,
            editable=editable,
            fundings=fundings,
            investment=sum((f.amount for f in fundings), Decimal(0)),
            beneficiaries=beneficiaries,
            counts=selectors.benefit_counts(beneficiaries),
            panels=panels_for(user, project),
            notice_days=notice_days,
            history=selectors.project_changes(project),
            forms={
                "target": TargetForm(),
                "beneficiary": BeneficiaryForm(),
                "comment": CommentForm(),
                "reason": ReasonForm(),
                "notice": NoticeForm(
                    initial={
                        "starts_on": timezone.localdate(),
                        # Both ends count as notice days (geo.workdays.notice_long_enough), hence days - 1.
                        "ends_on": timezone.localdate() + datetime.timedelta(days=notice_days - 1),
                    }
                ),
                "implementation": PlanForm(),
                "accept": AcceptForm(initial={"accepted_on": timezone.localdate()}),
                "evaluate": EvaluateForm(targets=project.targets.all()),
            },
        )
        return context


def _comment_step(name: str) -> Callable[[AuthenticatedHttpRequest, Project], Any]:
    def run(request: AuthenticatedHttpRequest, project: Project) -> Any:
        form = CommentForm(request.POST)
        raise_first_error(form)
        return services.PROJECT_STEPS[name](project=project, actor=request.user, comment=form.cleaned_data["comment"])

    return run


def _reason_step(name: str) -> Callable[[AuthenticatedHttpRequest, Project], Any]:
    def run(request: AuthenticatedHttpRequest, project: Project) -> Any:
        form = ReasonForm(request.POST)
        raise_first_error(form)
        return services.PROJECT_STEPS[name](project=project, actor=request.user, comment=form.cleaned_data["comment"])

    return run


def _with_form(form_class: type, service: Callable[..., Any]) -> Callable[[AuthenticatedHttpRequest, Project], Any]:
    def run(request: AuthenticatedHttpRequest, project: Project) -> Any:
        form = form_class(request.POST)
        raise_first_error(form)
        return service(project=project, actor=request.user, **form.cleaned_data)

    return run


def _evaluate(request: AuthenticatedHttpRequest, project: Project) -> Any:
    form = EvaluateForm(request.POST, targets=project.targets.all())
    raise_first_error(form)
    actuals = {t.pk: form.cleaned_data[f"actual_{t.pk}"] for t in form.targets}
    return services.project_evaluate(
        project=project, actor=request.user, evaluation=form.cleaned_data["evaluation"], actuals=actuals
    )


def _target(request: AuthenticatedHttpRequest, project: Project) -> Any:
    form = TargetForm(request.POST)
    raise_first_error(form)
    return services.target_add(project=project, actor=request.user, **form.cleaned_data)


def _beneficiary(request: AuthenticatedHttpRequest, project: Project) -> Any:
    form = BeneficiaryForm(request.POST)
    raise_first_error(form)
    data = form.cleaned_data
    household = Household.objects.visible_to(request.user).filter(household_no=data["household_no"].strip()).first()
    if household is None:
        raise DomainError(
            _("户编号“%(item)s”不存在，或不在您的辖区内") % {"item": data["household_no"]}, field="household_no"
        )
    return services.beneficiary_add(
        project=project,
        actor=request.user,
        household=household,
        linkage_mode=data["linkage_mode"],
        expected_income=data["expected_income"],
    )


# projects.urls builds one route per key, so a command is reachable only if it is listed here.
COMMANDS: dict[str, tuple[Callable[[AuthenticatedHttpRequest, Project], Any], StrOrPromise]] = {
    "appraise": (_comment_step("appraise"), gettext_lazy("论证通过，待乡镇审核")),
    "township_review": (_comment_step("township_review"), gettext_lazy("乡镇审核通过，报县级审定")),
    "county_approve": (_comment_step("county_approve"), gettext_lazy("县级审定通过")),
    "enter_library": (_comment_step("enter_library"), gettext_lazy("项目已入库")),
    "plan": (_comment_step("plan"), gettext_lazy("已列入年度实施计划")),
    "start": (_comment_step("start"), gettext_lazy("项目已开工")),
    "transfer_assets": (_comment_step("transfer_assets"), gettext_lazy("资产已移交")),
    "reject": (_reason_step("reject"), gettext_lazy("项目未通过")),
    "withdraw": (_reason_step("withdraw"), gettext_lazy("项目已撤回")),
    "cancel": (_reason_step("cancel"), gettext_lazy("项目已取消")),
    "implementation": (_with_form(PlanForm, services.project_approve_implementation), gettext_lazy("实施方案已批复")),
    "accept": (_with_form(AcceptForm, services.project_accept), gettext_lazy("已完工验收")),
    "evaluate": (_evaluate, gettext_lazy("绩效评价已完成")),
    "notice": (_with_form(NoticeForm, services.project_notice_post), gettext_lazy("公示已张贴")),
    "target": (_target, gettext_lazy("绩效目标已添加")),
    "beneficiary": (_beneficiary, gettext_lazy("受益农户已添加")),
}


@require_POST
@scoped_view(model=Project, post_only=True)
def project_command(request: AuthenticatedHttpRequest, pk: int, command: str) -> HttpResponse:
    project = get_visible_or_404(Project, request.user, pk=pk)
    return run_command(request, project, COMMANDS[command])


@require_POST
@scoped_view(model=PerformanceTarget, post_only=True)
def target_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = get_visible_or_404(PerformanceTarget, request.user, pk=pk)
    try:
        services.target_remove(target=target, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(target.project)


@require_POST
@scoped_view(model=ProjectBeneficiary, post_only=True)
def beneficiary_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    beneficiary = get_visible_or_404(ProjectBeneficiary, request.user, pk=pk)
    try:
        services.beneficiary_remove(beneficiary=beneficiary, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(beneficiary.project)


@scoped_view(model=ProjectDisclosure)
def notice_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A project notice ready to print and post (三公示一公告, SPEC §8.8)."""
    notice = get_visible_or_404(ProjectDisclosure, request.user, pk=pk)
    project = selectors.project_file(notice.project_id, request.user)
    beneficiaries = list(selectors.beneficiaries_of(project))
    fundings = list(project.fundings.all())
    context = {
        "notice": notice,
        "project": project,
        "fundings": fundings,
        "investment": sum((f.amount for f in fundings), Decimal(0)),
        "counts": selectors.benefit_counts(beneficiaries),
    }
    return render(request, "projects/notice_print.html", context)


# --------------------------------------------------------------------------------------------------------- assets


def _asset_filter(request: AuthenticatedHttpRequest) -> selectors.AssetFilter:
    get = request.GET
    return selectors.AssetFilter(
        status=get.get("status", ""),
        nature=get.get("nature", ""),
        asset_class=get.get("class", ""),
        attention=get.get("attention", ""),
        query=get.get("q", "").strip(),
    )


class AssetListView(JurisdictionScopedMixin, ListView[ProjectAsset]):
    """The asset ledger by class and nature (分类动态管理台账, SPEC §10), with idle assets, undistributed income and
    public-welfare assets without a custodian one click away."""

    model = ProjectAsset
    paginate_by = 30
    template_name = "projects/asset_list.html"

    def scope_queryset(self, queryset: QuerySet[ProjectAsset]) -> QuerySet[ProjectAsset]:
        # The due days for "undistributed" are the parameter of the user's area, the most specific that applies.
        area = getattr(self.request.user, "area", None)
        return selectors.asset_list_narrow(
            queryset, chosen=_asset_filter(self.request), on=timezone.localdate(), area_code=area.code if area else ""
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            chosen=_asset_filter(self.request),
            statuses=AssetStatus.choices,
            natures=AssetNature.choices,
            classes=AssetClass.choices,
            attention=[
                ("idle", _("闲置或 12 个月无收益")),
                ("undistributed", _("收益逾期未分配")),
                ("no_custodian", _("公益性资产无管护人")),
            ],
        )
        return context


@scoped_view(model=Project)
def asset_register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """登记造册: an asset the accepted project formed."""
    project = get_visible_or_404(Project, request.user, pk=pk)
    if not permissions.can_manage_assets(request.user, project.area.code):
        raise PermissionDenied
    areas = selectors.areas_for_projects(request.user).select_related("parent")
    form = AssetForm(
        request.POST or None,
        areas=areas,
        initial={"area": project.area.code, "transferred_on": timezone.localdate(), "name": project.name},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            area = areas.filter(code=data.pop("area")).first()
            if area is None:
                raise DomainError(_("请选择资产所在地"), field="area")
            asset = services.asset_register(
                project=project, actor=request.user, data=services.AssetInput(area=area, **data)
            )
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("资产已登记"))
            return redirect(asset)
    return render(request, "projects/asset_form.html", {"form": form, "project": project})


class AssetDetailView(JurisdictionScopedMixin, DetailView[ProjectAsset]):
    model = ProjectAsset
    template_name = "projects/asset_detail.html"

    def scope_queryset(self, queryset: QuerySet[ProjectAsset]) -> QuerySet[ProjectAsset]:
        return queryset.select_related("area__parent", "project")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        asset: ProjectAsset = self.object
        incomes = list(asset.incomes.prefetch_related("uses__household").order_by("-received_on"))
        # The same balance the service checks a distribution against, so the page shows what it will enforce.
        rows = [(income, services.undistributed(income)) for income in incomes]
        context.update(
            # No forms for a disposed asset: the services refuse every change to it.
            can_manage=permissions.can_manage_assets(self.request.user, asset.area.code)
            and asset.status != AssetStatus.DISPOSED,
            incomes=rows,
            history=selectors.asset_changes(asset),
            total_income=sum((i.amount for i in incomes), Decimal(0)),
            total_undistributed=sum((left for _i, left in rows), Decimal(0)),
            forms={
                "operation": OperationForm(
                    initial={
                        "status": asset.status,
                        "custodian": asset.custodian,
                        "operating_mode": asset.operating_mode,
                        "operator": asset.operator,
                    }
                ),
                "income": IncomeForm(
                    initial={"received_on": timezone.localdate(), "period": timezone.localdate().year}
                ),
                "distribution": DistributionForm(initial={"paid_on": timezone.localdate()}),
            },
        )
        return context


def _asset_operation(request: AuthenticatedHttpRequest, asset: ProjectAsset) -> Any:
    form = OperationForm(request.POST)
    raise_first_error(form)
    return services.asset_update_operation(asset=asset, actor=request.user, **form.cleaned_data)


def _asset_income(request: AuthenticatedHttpRequest, asset: ProjectAsset) -> Any:
    form = IncomeForm(request.POST)
    raise_first_error(form)
    return services.income_record(asset=asset, actor=request.user, **form.cleaned_data)


ASSET_COMMANDS: dict[str, tuple[Callable[[AuthenticatedHttpRequest, ProjectAsset], Any], StrOrPromise]] = {
    "operation": (_asset_operation, gettext_lazy("运营管护信息已更新")),
    "income": (_asset_income, gettext_lazy("收益已登记")),
}


@require_POST
@scoped_view(model=ProjectAsset, post_only=True)
def asset_command(request: AuthenticatedHttpRequest, pk: int, command: str) -> HttpResponse:
    asset = get_visible_or_404(ProjectAsset, request.user, pk=pk)
    return run_command(request, asset, ASSET_COMMANDS[command])


@require_POST
@scoped_view(model=AssetIncome, post_only=True)
def distribution_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """收益分配 of one income (NR-ASSET-01: to households only as paid labour)."""
    income = get_visible_or_404(AssetIncome, request.user, pk=pk)
    form = DistributionForm(request.POST)
    try:
        raise_first_error(form)
        data = form.cleaned_data
        household = None
        if data["household_no"].strip():
            # Looked up among the user's households: one outside the territory is 404, like a missing one.
            household = get_object_or_404(
                Household.objects.visible_to(request.user), household_no=data["household_no"].strip()
            )
        services.distribution_record(
            income=income,
            actor=request.user,
            use=data["use"],
            amount=data["amount"],
            paid_on=data["paid_on"],
            household=household,
            labour_based=data["labour_based"],
            note=data["note"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("收益分配已登记"))
    return redirect(income.asset)
