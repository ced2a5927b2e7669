"""Sweep pages: runs with their progress and results, the problem list with filters and its ledger, the problem
file with its rectification trail and the commands each user may take (STYLE rule 18: thin views)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView
from django_stubs_ext import StrOrPromise

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from core.batch import BatchRefused
from core.errors import DomainError
from core.forms import raise_first_error, run_command, ticked_ids
from core.pagination import KeysFirstPaginator
from core.xlsx import excel_download
from geo.codes import AreaLevel
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea
from geo.selectors import counties_of, townships_of
from geo.shortcuts import get_visible_or_404, not_place_bound, scoped_view
from notifications.selectors import users_who_take
from sweeps import permissions, selectors, services
from sweeps.choices import FourChecksCategory, GapType, ProblemStatus, RunStatus
from sweeps.exports import problems_xlsx
from sweeps.forms import AssignForm, CloseForm, CommentForm, StartForm, SubmitForm
from sweeps.models import Problem, SweepRun
from sweeps.rules import CATALOGUE


class RunListView(JurisdictionScopedMixin, ListView[SweepRun]):
    """The county's sweep runs, newest first, and the button that starts a centralized sweep."""

    model = SweepRun
    paginate_by = 20
    template_name = "sweeps/run_list.html"

    def scope_queryset(self, queryset: QuerySet[SweepRun]) -> QuerySet[SweepRun]:
        return queryset.select_related("county", "started_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        can_start = permissions.can_start_sweep(user)
        context.update(
            can_start=can_start,
            start_form=StartForm(counties=counties_of(user)) if can_start else None,
            missing=selectors.centralized_sweep_missing(user=user, today=timezone.localdate()),
            rules=CATALOGUE,
        )
        return context


@require_POST
@scoped_view(post_only=True)
def run_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_start_sweep(request.user):
        raise PermissionDenied
    counties = counties_of(request.user)
    form = StartForm(request.POST, counties=counties)
    if not form.is_valid():
        messages.error(request, _("请选择排查类型和县"))
        return redirect("sweeps:run-list")
    county = counties.filter(code=form.cleaned_data["county"]).first()
    if county is None:
        raise PermissionDenied
    try:
        run = services.sweep_start(county=county, kind=form.cleaned_data["kind"], actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("sweeps:run-list")
    messages.success(request, _("排查已开始，按乡镇分块运行"))
    return redirect(run)


class RunDetailView(JurisdictionScopedMixin, DetailView[SweepRun]):
    """One run: a progress bar while it runs (htmx polls the partial), then counts per rule and per township."""

    model = SweepRun
    template_name = "sweeps/run_detail.html"

    def scope_queryset(self, queryset: QuerySet[SweepRun]) -> QuerySet[SweepRun]:
        return queryset.select_related("county", "started_by")

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False):
            return ["sweeps/_run_progress.html"]
        return [self.template_name]

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        if getattr(self.request, "htmx", False) and self.object.status == RunStatus.DONE:
            # The run is over: htmx reloads the whole page, which then shows the counts (no inline script).
            response["HX-Refresh"] = "true"
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        run: SweepRun = self.object
        done, total = selectors.run_progress(run)
        names = dict(AdminArea.objects.filter(code__in=list(run.township_totals)).values_list("code", "name"))
        context.update(
            done=done,
            total=total,
            percent=round(100 * done / total) if total else 100,
            running=run.status in (RunStatus.PENDING, RunStatus.RUNNING),
            rule_rows=selectors.rule_rows(run),
            township_rows=[(names.get(code, code), code, counts) for code, counts in run.township_totals.items()],
        )
        return context


def _problem_filter(request: AuthenticatedHttpRequest) -> selectors.ProblemFilter:
    get = request.GET
    return selectors.ProblemFilter(
        status=get.get("status", "unfinished"),
        category=get.get("category", ""),
        gap_type=get.get("gap_type", ""),
        rule_id=get.get("rule", ""),
        township=get.get("township", ""),
        overdue=get.get("overdue") == "1",
        mine=get.get("mine") == "1",
        no_longer_detected=get.get("gone") == "1",
        query=get.get("q", "").strip(),
    )


class ProblemListView(JurisdictionScopedMixin, ListView[Problem]):
    """The problem list (问题清单) with filters; the same filters export the ledger. A township or county reviewer
    ticks the problems waiting for 交办 and assigns them in one batch (``POST``, all or nothing): a refusal comes
    back on the same page naming the problem, with the ticks and the fields as they were sent."""

    model = Problem
    paginate_by = 30
    paginator_class = KeysFirstPaginator  # sorted by deadline, which no index serves: the keys sort, then 30 rows
    template_name = "sweeps/problem_list.html"

    def scope_queryset(self, queryset: QuerySet[Problem]) -> QuerySet[Problem]:
        return selectors.problem_list_narrow(queryset, user=self.request.user, chosen=_problem_filter(self.request))

    def _assign_form(self, data: Any = None) -> AssignForm:
        people = selectors.problem_assignees(user=self.request.user, township=_problem_filter(self.request).township)
        return AssignForm(data, people=people)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # The rows the batch may tick: those whose own page offers 交办 to this user.
        assignable = (
            {problem.pk for problem in context["object_list"] if "assign" in selectors.problem_actions(user, problem)}
            if permissions.can_assign_in_batch(user)
            else set()
        )
        context.update(
            chosen=_problem_filter(self.request),
            today=timezone.localdate(),
            statuses=ProblemStatus.choices,
            categories=FourChecksCategory.choices,
            gap_types=GapType.choices,
            rules=[rule for rule in CATALOGUE if rule.automated],
            townships=townships_of(self.request.user),
            assignable=assignable,
        )
        context.setdefault("ticked", set())  # the rows a refused batch sent, ticked again
        context.setdefault("refused", None)  # the row the refusal names
        if assignable and "assign_form" not in context:
            context["assign_form"] = self._assign_form()
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Batch 交办 of the ticked problems, each through ``problem_assign``."""
        if not permissions.can_assign_in_batch(request.user):
            raise PermissionDenied
        ticked = ticked_ids(request, "problems")
        problems, missing = selectors.problems_picked(user=request.user, pks=ticked)
        if missing:
            raise Http404  # a problem the user may not see, or none at all: the same answer
        form = self._assign_form(request.POST)
        try:
            raise_first_error(form)
            data = form.cleaned_data
            person = User.objects.filter(pk=data["person"]).first() if data["person"] else None
            count = services.problems_assign(
                problems=problems,
                actor=request.user,
                unit=data["unit"],
                person=person,
                deadline=data["deadline"],
                comment=data["comment"],
            )
        except DomainError as exc:
            self.object_list = self.get_queryset()
            context = self.get_context_data(
                assign_form=form,
                ticked=set(ticked),
                refusal=exc.message,
                refused=exc.pk if isinstance(exc, BatchRefused) else None,
            )
            return self.render_to_response(context)
        messages.success(request, _("已交办 %(n)d 个问题") % {"n": count})
        return redirect(request.get_full_path())


@scoped_view
def problem_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The ledger of the filtered problems as Excel: a summary per township and category, then every problem."""
    today = timezone.localdate()
    problems = selectors.problem_list(user=request.user, chosen=_problem_filter(request), today=today)
    content = problems_xlsx(problems, selectors.problem_summary(problems, today=today), today=today)
    chosen = {key: value for key, value in request.GET.dict().items() if value}
    return excel_download(
        request,
        content,
        filename=f"四查四补问题台账{today:%Y%m%d}.xlsx",
        kind="PROBLEMS",
        title="四查四补问题台账",
        area=None,
        rows=problems.count(),
        filters=chosen,
    )


class ProblemDetailView(JurisdictionScopedMixin, DetailView[Problem]):
    model = Problem
    template_name = "sweeps/problem_detail.html"

    def scope_queryset(self, queryset: QuerySet[Problem]) -> QuerySet[Problem]:
        return queryset.select_related(
            "area", "township", "household", "member", "monitoring_subject", "responsible_person", "previous_problem"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        problem: Problem = self.object
        actions = selectors.problem_actions(self.request.user, problem)
        # Whom a problem may be assigned to: exactly those ``permissions.can_work_on`` lets work on it (the unit of
        # its village, or its township).
        people = (
            users_who_take(
                capability=permissions.SUBMIT,
                area_code=problem.area_code,
                levels={AreaLevel.VILLAGE, AreaLevel.TOWNSHIP},
            )
            .select_related("area")
            .order_by("username")
        )
        context.update(
            actions=actions,
            events=problem.events.select_related("actor"),
            overdue=problem.days_overdue(timezone.localdate()) > 0,
            forms={
                "assign": AssignForm(people=people, initial={"unit": f"{problem.area.name}村委会"}),
                "comment": CommentForm(),
                "submit": SubmitForm(initial={"measures_taken": problem.measures_taken}),
                "close": CloseForm(),
            },
        )
        return context


def _assign(request: AuthenticatedHttpRequest, problem: Problem) -> Any:
    form = AssignForm(request.POST, people=User.objects.filter(pk=request.POST.get("person") or 0))
    raise_first_error(form)
    data = form.cleaned_data
    person = User.objects.filter(pk=data["person"]).first() if data["person"] else None
    return services.problem_assign(
        problem=problem,
        actor=request.user,
        unit=data["unit"],
        person=person,
        deadline=data["deadline"],
        comment=data["comment"],
    )


def _with_form(form_class: type, service: Callable[..., Any]) -> Callable[[AuthenticatedHttpRequest, Problem], Any]:
    def run(request: AuthenticatedHttpRequest, problem: Problem) -> Any:
        form = form_class(request.POST, request.FILES)
        raise_first_error(form)
        return service(problem=problem, actor=request.user, **form.cleaned_data)

    return run


COMMANDS: dict[str, tuple[Callable[[AuthenticatedHttpRequest, Problem], Any], StrOrPromise]] = {
    "assign": (_assign, gettext_lazy("已交办")),
    "start": (_with_form(CommentForm, services.problem_start), gettext_lazy("已开始整改")),
    "submit": (_with_form(SubmitForm, services.problem_submit), gettext_lazy("已提交核验")),
    "return": (_with_form(CommentForm, services.problem_return), gettext_lazy("已退回重改")),
    "close": (_with_form(CloseForm, services.problem_close), gettext_lazy("已销号")),
}


@require_POST
@scoped_view(model=Problem, post_only=True)
def problem_command(request: AuthenticatedHttpRequest, pk: int, command: str) -> HttpResponse:
    problem = get_visible_or_404(Problem, request.user, pk=pk)
    return run_command(request, problem, COMMANDS[command])


@not_place_bound
def rule_catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The rule catalogue: what each rule finds and where it comes from (not place-bound)."""
    return render(request, "sweeps/rule_catalogue.html", {"rules": CATALOGUE})
