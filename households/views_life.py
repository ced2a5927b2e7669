"""Pages of a household's life (SPEC §2.1, §1.5, §2.6, §15 C-20): change its areas (a transfer when the managing
area changes), split it (分户), merge it into another (并户), move a merged village's households, and the list of
transfers. Thin: rows come through ``get_visible_or_404``/selectors, the services in ``households.services.life``
decide; outside the jurisdiction is 404, a role that may not take the step 403."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import has_capability
from accounts.roles import Capability
from core.errors import DomainError
from geo.models import AdminArea
from geo.shortcuts import get_visible_or_404, scoped_view
from households import selectors_life
from households.choices import AreaField, MemberStatus
from households.forms_life import AreasForm, MergeForm, SplitForm, VillageMergeForm
from households.models import Household, HouseholdMember
from households.permissions import can_change_areas, can_merge_village_households
from households.services.life import (
    household_areas_change,
    household_merge,
    household_split,
    village_households_merge,
)


def _refused(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _page(
    request: AuthenticatedHttpRequest, form: Any, *, title: str, back: Household, intro: str = ""
) -> HttpResponse:
    return render(request, "households/life_form.html", {"form": form, "title": title, "back": back, "intro": intro})


def _changeable(request: AuthenticatedHttpRequest, pk: int) -> Household:
    household = get_visible_or_404(Household, request.user, pk=pk)
    if not can_change_areas(request.user, household):
        raise PermissionDenied  # visible (a co-managing or former village, a village worker), not their step
    return household


@scoped_view(model=Household)
def household_areas(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """变更区划 / 迁转: the four areas with a reason; a new managing area moves the household and its open cases."""
    household = _changeable(request, pk)
    initial = {
        "managing_area": household.managing_area_id,
        "residence_area": household.residence_area_id,
        "hukou_code": household.hukou_area.code if household.hukou_area else "",
        "hukou_area_text": household.hukou_area_text,
        "co_managing_code": household.co_managing_area.code if household.co_managing_area else "",
    }
    form = AreasForm(request.POST or None, initial=initial, villages=selectors_life.area_choices(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {name: data[name] for name in AreaField.values}
        try:
            events = household_areas_change(
                actor=request.user,
                household=household,
                changes=changes,
                hukou_area_text=data["hukou_area_text"],
                reason=data["reason"],
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("区划已变更（%(n)s 项），原记录保留在变动记录中") % {"n": len(events)})
            return redirect(household)
    intro = _(
        "变更管理地即为迁转：该户在办的纳入申请、监测、风险消除、排查问题和部门预警随户转到新管理地，原村仍可查看该户历史。"
    )
    return _page(request, form, title=_("变更区划（迁转）"), back=household, intro=intro)


@scoped_view(model=Household)
def household_split_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """分户: chosen members form a new household."""
    household = _changeable(request, pk)
    present = HouseholdMember.objects.filter(household=household, member_status=MemberStatus.PRESENT).order_by("pk")
    form = SplitForm(request.POST or None, present=present)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = household_split(
                actor=request.user,
                household=household,
                members=list(data["members"]),
                head=data["head"],
                reason=data["reason"],
                on=data["on"],
                household_no=data["household_no"],
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已分户，新户为%(household)s") % {"household": new})
            return redirect(new)
    intro = _(
        "原户户主不能分出；原户保留户主、在办事项和以往收入，新户从分户起录入收入。分出成员的部门预警和排查问题随人转到新户。"
    )
    return _page(request, form, title=_("分户"), back=household, intro=intro)


@scoped_view(model=Household)
def household_merge_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """并户: this household joins another, then closes."""
    household = _changeable(request, pk)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        number = data["survivor_no"].strip()
        survivor = Household.objects.visible_to(request.user).filter(household_no=number).first()
        if survivor is None:
            form.add_error("survivor_no", _("未找到户编号为“%(no)s”的农户") % {"no": number})
        else:
            try:
                household_merge(
                    actor=request.user, absorbed=household, survivor=survivor, reason=data["reason"], on=data["on"]
                )
            except PermissionDenied:
                form.add_error("survivor_no", _("该户不归您管理，不能并入"))
            except DomainError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("已并户：%(a)s并入%(b)s") % {"a": household, "b": survivor})
                return redirect(survivor)
    intro = _(
        "本户在户成员并入对方户，同一年度（月份）的收入逐项相加，刚性支出和在办事项转入对方户，本户注销并保留全部历史。"
    )
    return _page(request, form, title=_("并户"), back=household, intro=intro)


@scoped_view(model=AdminArea)
def village_merge_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """撤并村农户迁转: every household of a merged village moves to its successor in one step (county level)."""
    village = get_visible_or_404(AdminArea, request.user, pk=pk)
    if not can_merge_village_households(request.user, village.code):
        raise PermissionDenied
    form = VillageMergeForm(
        request.POST or None,
        initial={"successor": village.replaced_by_id},
        villages=selectors_life.successor_choices(user=request.user, village=village),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            merge = village_households_merge(
                actor=request.user,
                village=village,
                successor=data["successor"],
                on=data["on"],
                reason=data["reason"],
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request,
                _("已将“%(village)s”的 %(n)s 户迁转至“%(successor)s”")
                % {"village": village.name, "n": merge.households, "successor": merge.successor.name},
            )
            return redirect("households:village-merge-list")
    return render(
        request,
        "households/village_merge.html",
        {"form": form, "village": village, "households": selectors_life.village_open_households(village)},
    )


@scoped_view
def village_merge_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """撤并村: the retired villages of the territory with the households still on them, and the merges done."""
    if not has_capability(request.user, Capability.BROWSE_HOUSEHOLDS):
        raise PermissionDenied
    return render(
        request,
        "households/village_merge_list.html",
        {
            "villages": selectors_life.retired_villages(user=request.user),
            "merges": selectors_life.village_merges(user=request.user),
            "can_merge": can_merge_village_households(request.user),
        },
    )


@scoped_view
def transfer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """迁转记录: households moved into or out of the user's territory; the old place reads those it lost."""
    if not has_capability(request.user, Capability.BROWSE_HOUSEHOLDS):
        raise PermissionDenied
    direction = request.GET.get("direction", "")
    direction = direction if direction in ("in", "out") else ""
    rows = selectors_life.transfer_list(user=request.user, direction=direction)[: selectors_life.LIST_LIMIT]
    return render(request, "households/transfer_list.html", {"rows": rows, "direction": direction})
