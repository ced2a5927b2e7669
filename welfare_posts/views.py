"""Public-welfare post pages (SPEC §11.4): the posts of the area, a post with its holders, hiring with the priority
shown, a hire with its months and payments, the exit, and a village's attendance grid for a month (STYLE rule 18:
thin views, every rule in the services)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from accounts.http import AuthenticatedHttpRequest
from core.errors import DomainError
from core.forms import raise_first_error, refusal_message
from geo.mixins import JurisdictionScopedMixin
from geo.shortcuts import get_visible_or_404, scoped_view
from households.selectors import household_narrowing
from monitoring.choices import MeasureType
from monitoring.models import AssistanceMeasure
from monitoring.permissions import can_record_measures
from welfare_posts import permissions, rules, selectors, services
from welfare_posts.choices import PostType
from welfare_posts.forms import CloseForm, ExitForm, GridRowForm, HireForm, PaymentForm, PostForm, month_param
from welfare_posts.models import PostHire, WelfarePost


def _filters(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    post_type = request.GET.get("type", "")
    return {
        "post_type": post_type if post_type in PostType.values else "",
        "village": request.GET.get("village", ""),
        "vacant": request.GET.get("vacant") == "1",
    }


class PostListView(JurisdictionScopedMixin, ListView[WelfarePost]):
    """The posts of the user's area, filtered by type, village and vacant positions."""

    model = WelfarePost
    paginate_by = 30
    template_name = "welfare_posts/post_list.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not permissions.can_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def scope_queryset(self, queryset: QuerySet[WelfarePost]) -> QuerySet[WelfarePost]:
        household = household_narrowing(self.request.user, self.request.GET).pk
        if household is not None:
            # A subquery, not a join: the holders counted by ``post_narrow`` stay every holder of the post.
            queryset = queryset.filter(pk__in=PostHire.objects.filter(member__household_id=household).values("post"))
        return selectors.post_narrow(queryset, **_filters(self.request))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        villages = selectors.villages_of(user).select_related("parent")
        context.update(
            chosen=_filters(self.request),
            types=PostType.choices,
            villages=villages,
            can_manage=permissions.has_manage_right(user),
            narrowing=household_narrowing(user, self.request.GET),
        )
        return context


@scoped_view
def post_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """按需设岗: a post of one of the user's villages."""
    villages = [v for v in selectors.villages_of(request.user).select_related("parent")
                if permissions.can_manage(request.user, v.code)]  # fmt: skip
    if not villages:
        raise PermissionDenied
    form = PostForm(request.POST or None, villages=villages, initial={"created_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        village = next(v for v in villages if v.code == data.pop("village"))
        try:
            post = services.post_create(actor=request.user, data=services.PostInput(village=village, **data))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("岗位已设立"))
            return redirect(post)
    return render(request, "welfare_posts/post_form.html", {"form": form})


class PostDetailView(JurisdictionScopedMixin, DetailView[WelfarePost]):
    model = WelfarePost
    template_name = "welfare_posts/post_detail.html"

    def scope_queryset(self, queryset: QuerySet[WelfarePost]) -> QuerySet[WelfarePost]:
        return queryset.select_related("village__parent", "created_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        post: WelfarePost = self.object
        hires = [(h, selectors.hire_record(h)) for h in selectors.hires_of_post(post)]
        current = [row for row in hires if row[0].ended_on is None]
        can_manage = permissions.can_manage(self.request.user, post.village.code)
        context.update(
            current=current,
            former=[row for row in hires if row[0].ended_on is not None],
            vacant=max(post.positions - len(current), 0),
            can_manage=can_manage,
            close_form=CloseForm(initial={"closed_on": timezone.localdate()}) if can_manage and post.active else None,
            history=post.history.select_related("history_user").order_by("-history_date")[:20],
        )
        return context


@require_POST
@scoped_view(model=WelfarePost, post_only=True)
def post_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    post = get_visible_or_404(WelfarePost, request.user, pk=pk)
    form = CloseForm(request.POST)
    try:
        raise_first_error(form)
        services.post_close(actor=request.user, post=post, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, refusal_message(exc))
    else:
        messages.success(request, _("岗位已撤销"))
    return redirect(post)


def _post_measures(candidates: list[selectors.Candidate]) -> QuerySet[AssistanceMeasure]:
    """Open post measures (公益岗位帮扶) of the candidates' households that no hire holds yet."""
    return (
        AssistanceMeasure.objects.filter(
            measure_type=MeasureType.PUBLIC_WELFARE_POST,
            subject__household__in={c.member.household_id for c in candidates},
            status__in=services.OPEN_MEASURE_STATUSES,
            post_hire__isnull=True,
        )
        .select_related("subject__household")
        .order_by("subject__household__household_no", "pk")
    )


@scoped_view(model=WelfarePost)
def hire_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """以岗聘任: the people of the village who could take the post, priority people first and marked."""
    post = get_visible_or_404(WelfarePost, request.user, pk=pk)
    if not permissions.can_manage(request.user, post.village.code):
        raise PermissionDenied
    today = timezone.localdate()
    candidates = selectors.candidates(post.village, on=today)
    measures = _post_measures(candidates) if can_record_measures(request.user) else None
    form = HireForm(request.POST or None, candidates=candidates, measures=measures or (),
                    initial={"hired_on": today})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Posted ids are looked up among this village's candidates and their measures only: a forged id reaches
        # nobody else.
        member = next((c.member for c in candidates if str(c.member.pk) == data["member"]), None)
        measure = measures.filter(pk=data["measure"]).first() if measures is not None and data["measure"] else None
        try:
            if member is None:
                raise DomainError(_("请选择本村的上岗人员"), field="member")
            if data["measure"] and measure is None:
                raise DomainError(_("请选择该户的公益岗位帮扶措施"), field="measure")
            hire = services.hire_create(
                actor=request.user, post=post, member=member, hired_on=data["hired_on"],
                priority_waiver=data["priority_waiver"], measure=measure,
            )  # fmt: skip
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("%(name)s已上岗") % {"name": hire.member.name})
            return redirect(post)
    waiting = sum(1 for c in candidates if c.is_priority)
    return render(
        request,
        "welfare_posts/hire_form.html",
        {"post": post, "form": form, "candidates": candidates, "priority_waiting": waiting},
    )


class HireDetailView(JurisdictionScopedMixin, DetailView[PostHire]):
    model = PostHire
    template_name = "welfare_posts/hire_detail.html"

    def scope_queryset(self, queryset: QuerySet[PostHire]) -> QuerySet[PostHire]:
        return queryset.select_related("post__village__parent", "member__household", "measure", "hired_by",
                                       "ended_by").prefetch_related("attendance", "payments")  # fmt: skip

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        hire: PostHire = self.object
        can_manage = permissions.can_manage(self.request.user, hire.post.village.code)
        paid = {p.month: p for p in hire.payments.all()}
        months = sorted({a.month for a in hire.attendance.all()} | set(paid))
        attendance = {a.month: a for a in hire.attendance.all()}
        today = timezone.localdate()
        # The form offers the earliest month attended and not yet paid: the one a clerk pays next.
        due = next((m for m in sorted(attendance) if m not in paid and attendance[m].days_worked), None)
        context.update(
            record=selectors.hire_record(hire),
            months=[(m, attendance.get(m), paid.get(m)) for m in months],
            can_manage=can_manage,
            payment_form=PaymentForm(
                initial={"month": due or rules.month_of(today), "amount": hire.post.monthly_subsidy, "paid_on": today}
            )
            if can_manage
            else None,
            history=hire.history.select_related("history_user").order_by("-history_date")[:20],
        )
        return context


@require_POST
@scoped_view(model=PostHire, post_only=True)
def payment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """在岗领补: one month's subsidy (NR-POST-01)."""
    hire = get_visible_or_404(PostHire, request.user, pk=pk)
    form = PaymentForm(request.POST)
    try:
        raise_first_error(form)
        services.payment_record(actor=request.user, hire=hire, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, refusal_message(exc))
    else:
        messages.success(request, _("补贴发放已登记"))
    return redirect(hire)


@scoped_view(model=PostHire)
def hire_exit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """有序退岗: the date and the reason; the hire's months stay."""
    hire = get_visible_or_404(PostHire, request.user, pk=pk)
    if not permissions.can_manage(request.user, hire.post.village.code):
        raise PermissionDenied
    form = ExitForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.hire_end(actor=request.user, hire=hire, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("%(name)s已退岗") % {"name": hire.member.name})
            return redirect(hire)
    return render(request, "welfare_posts/exit_form.html", {"hire": hire, "form": form})


@scoped_view
def attendance_grid(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A village's month: every holder's days worked and assessment on one page, saved all at once."""
    if not permissions.can_view(request.user):
        raise PermissionDenied
    villages = selectors.villages_of(request.user).select_related("parent")
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("village", "")
    # Looked up among the user's villages only: a code from elsewhere falls back instead of opening that village.
    village = (villages.filter(code=code).first() if code else None) or villages.first()
    month = month_param(source.get("month", ""), rules.month_of(timezone.localdate()))
    rows = selectors.attendance_grid(user=request.user, village=village, month=month) if village else []
    can_manage = village is not None and permissions.can_manage(request.user, village.code)
    forms = [
        (row, GridRowForm(
            request.POST if request.method == "POST" and row.paid is None else None,
            prefix=f"h{row.hire.pk}",
            initial={"days_worked": row.attendance.days_worked, "assessment": row.attendance.assessment,
                     "note": row.attendance.note} if row.attendance else {},
        ))
        for row in rows
    ]  # fmt: skip
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            inputs = []
            for row, form in forms:
                if row.paid is not None:  # a month paid is settled: shown, not sent again
                    continue
                if not form.is_valid():
                    name, errors = next(iter(form.errors.items()))
                    raise DomainError(f"{row.hire.member.name}：{form.fields[name].label}：{errors[0]}", field=name)
                inputs.append(services.AttendanceInput(hire=row.hire, **form.cleaned_data))
            if not inputs:
                raise DomainError(_("本月没有在岗人员"), field="month")
            services.attendance_record(actor=request.user, month=month, rows=inputs)
        except DomainError as exc:
            messages.error(request, refusal_message(exc))
        else:
            messages.success(
                request, _("%(month)s的考勤已保存（%(n)s 人）") % {"month": f"{month:%Y-%m}", "n": len(inputs)}
            )
            assert village is not None
            return redirect(f"{request.path}?village={village.code}&month={month:%Y-%m}")
    return render(
        request,
        "welfare_posts/attendance_grid.html",
        {"village": village, "villages": villages, "month": month, "forms": forms, "can_manage": can_manage},
    )
