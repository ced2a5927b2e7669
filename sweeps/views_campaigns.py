"""Campaign pages (SPEC §7.4): the county opens a campaign, villages answer their checklist from a phone, and the
parts are signed off village → township → county (STYLE rule 18: thin views)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import has_capability
from accounts.roles import Capability
from core.errors import DomainError
from core.forms import raise_first_error
from geo.mixins import JurisdictionScopedMixin
from geo.querysets import in_territory
from geo.selectors import counties_of
from geo.shortcuts import get_visible_or_404, scoped_view
from sweeps import permissions, selectors, services
from sweeps.choices import CampaignStatus
from sweeps.forms import AnswerForm, CampaignForm, SignForm
from sweeps.models import Campaign, CampaignPart, ChecklistItem


class CampaignListView(JurisdictionScopedMixin, ListView[Campaign]):
    model = Campaign
    paginate_by = 20
    template_name = "sweeps/campaign_list.html"

    def scope_queryset(self, queryset: QuerySet[Campaign]) -> QuerySet[Campaign]:
        return queryset.select_related("county", "opened_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        can_open = permissions.can_start_sweep(user)
        today = timezone.localdate()
        form = CampaignForm(
            counties=counties_of(user),
            initial={"name": f"{today.year}年四查四补集中全面排查", "starts_on": today, "ends_on": today},
        )
        context.update(can_open=can_open, form=form if can_open else None)
        return context


@require_POST
@scoped_view(post_only=True)
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_start_sweep(request.user):
        raise PermissionDenied
    counties = counties_of(request.user)
    form = CampaignForm(request.POST, counties=counties)
    try:
        raise_first_error(form)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("sweeps:campaign-list")
    data = form.cleaned_data
    county = counties.filter(code=data["county"]).first()
    if county is None:
        raise PermissionDenied
    try:
        campaign = services.campaign_open(
            actor=request.user,
            county=county,
            kind=data["kind"],
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("sweeps:campaign-list")
    messages.success(request, _("排查已发起：自动规则开始运行，各村填报核查清单"))
    return redirect(campaign)


class CampaignDetailView(JurisdictionScopedMixin, DetailView[Campaign]):
    model = Campaign
    template_name = "sweeps/campaign_detail.html"

    def scope_queryset(self, queryset: QuerySet[Campaign]) -> QuerySet[Campaign]:
        return queryset.select_related("county", "run", "opened_by", "signed_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        campaign: Campaign = self.object
        user = self.request.user
        context.update(
            progress=selectors.campaign_progress(campaign, user=user),
            my_parts=CampaignPart.objects.visible_to(user)
            .filter(campaign=campaign, parent__isnull=False)
            .select_related("area")[:50],
            can_close=campaign.status == CampaignStatus.OPEN and permissions.can_verify_area(user, campaign.county),
            note_form=SignForm(),
        )
        return context


class CampaignPartView(JurisdictionScopedMixin, DetailView[CampaignPart]):
    """A village's checklist (answered item by item, from a phone) or a township's villages with their sign-off."""

    model = CampaignPart
    template_name = "sweeps/campaign_part.html"

    def scope_queryset(self, queryset: QuerySet[CampaignPart]) -> QuerySet[CampaignPart]:
        return queryset.select_related("area", "campaign__county", "parent__area", "signed_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        part: CampaignPart = self.object
        user = self.request.user
        is_village = part.parent_id is not None
        editable = part.campaign.status == CampaignStatus.OPEN and part.signed_at is None
        can_answer = editable and is_village and has_capability(user, Capability.SUBMIT_RECTIFICATION)
        items = [
            (item, AnswerForm(initial={"answer": item.answer or None, "note": item.note}, prefix=f"i{item.pk}"))
            for item in (part.items.select_related("answered_by", "problem") if is_village else ())
        ]
        can_sign = editable and (
            (is_village and has_capability(user, Capability.SUBMIT_RECTIFICATION))
            or (not is_village and permissions.can_verify_area(user, part.area))
        )
        context.update(
            is_village=is_village,
            items=items,
            can_answer=can_answer and in_territory(user, part.area.code),
            can_sign=can_sign and in_territory(user, part.area.code),
            villages=part.villages.select_related("area", "signed_by") if not is_village else [],
            note_form=SignForm(),
        )
        return context


@require_POST
@scoped_view(model=ChecklistItem, post_only=True)
def checklist_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(ChecklistItem, request.user, pk=pk)
    form = AnswerForm(request.POST, request.FILES, prefix=f"i{item.pk}")
    try:
        if not form.is_valid():
            raise DomainError(_("请选择结论"), field="answer")
        data = form.cleaned_data
        services.checklist_answer(
            item=item, actor=request.user, answer=data["answer"], note=data["note"], evidence=data["evidence"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已填报：%(question)s") % {"question": item.question_shown})
    return redirect(f"{item.part.get_absolute_url()}#item-{item.pk}")


@require_POST
@scoped_view(model=CampaignPart, post_only=True)
def campaign_part_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    part = get_visible_or_404(CampaignPart, request.user, pk=pk)
    try:
        services.campaign_part_sign(part=part, actor=request.user, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已签收"))
    return redirect(part)


@require_POST
@scoped_view(model=Campaign, post_only=True)
def campaign_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = get_visible_or_404(Campaign, request.user, pk=pk)
    try:
        services.campaign_close(campaign=campaign, actor=request.user, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("排查已完成并签收"))
    return redirect(campaign)
