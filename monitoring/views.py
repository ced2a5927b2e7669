"""Monitoring pages: the reviewer queues, the application file with its step forms, and the report form.
Commands are POST-only views that parse, call one service and redirect (STYLE rule 18)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
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
from core.posted import in_posted_language
from core.xlsx import excel_download
from geo.mixins import JurisdictionScopedMixin
from geo.shortcuts import get_visible_or_404, scoped_view
from households import facts as household_facts
from households.choices import HouseholdFlagKind
from households.models import Household
from households.selectors import has_open_flag
from monitoring import measure_records, permissions, services
from monitoring.choices import OPEN_SUBJECT_STATUSES, EliminationState, EntryState, SubjectCategory, SubjectStatus
from monitoring.exports import notice_sheet_xlsx
from monitoring.forms import (
    ApproveForm,
    CommentForm,
    DecideForm,
    LookbackForm,
    MeasureForm,
    MeasureStatusForm,
    NegativeHitForm,
    NegativeOverrideForm,
    NoticeForm,
    ObjectionForm,
    ProposalForm,
    ReportForm,
    ResolveForm,
    ReviewForm,
    TownshipMeetingForm,
    VerifyForm,
)
from monitoring.models import (
    EliminationCase,
    EntryApplication,
    LookbackReview,
    MonitoringSubject,
    NoticeObjection,
    PublicNotice,
)
from monitoring.panels import panels_for
from monitoring.selectors import batches, eligibility, notices, queues, suggestions


def _queue_filter(request: AuthenticatedHttpRequest) -> queues.QueueFilter:
    return queues.QueueFilter(
        mine=request.GET.get("all") != "1",
        state=request.GET.get("state", ""),
        township=request.GET.get("township", ""),
        newest_first=request.GET.get("order") == "newest",
        overdue=request.GET.get("overdue", ""),
    )


def _queue_context(request: AuthenticatedHttpRequest, states: Any) -> dict[str, Any]:
    chosen = _queue_filter(request)
    return {
        "showing_all": not chosen.mine,
        "state": chosen.state,
        "states": states,
        "township": chosen.township,
        "townships": queues.queue_townships(request.user),
        "newest_first": chosen.newest_first,
        "overdue": chosen.overdue,
        "overdue_choices": queues.OVERDUE_CHOICES,
    }


class EntryQueueView(JurisdictionScopedMixin, ListView[EntryApplication]):
    """The reviewer queue: what waits for this user (default), or everything they may see."""

    model = EntryApplication
    paginate_by = 30
    template_name = "monitoring/entry_queue.html"

    def scope_queryset(self, queryset: QuerySet[EntryApplication]) -> QuerySet[EntryApplication]:
        return queues.entry_queue_narrow(queryset, user=self.request.user, chosen=_queue_filter(self.request))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        shared = queues.WaitingContext()
        for application in context["object_list"]:
            application.waiting = queues.waiting(application, context=shared)
            application.procedure = queues.procedure_waiting(application, context=shared)
        context.update(_queue_context(self.request, EntryState.choices))
        context["can_batch"] = bool(batches.batch_steps_open_to(self.request.user, "entry"))
        return context


class EntryDetailView(JurisdictionScopedMixin, DetailView[EntryApplication]):
    model = EntryApplication
    template_name = "monitoring/entry_detail.html"

    def scope_queryset(self, queryset: QuerySet[EntryApplication]) -> QuerySet[EntryApplication]:
        return queues.with_waiting_since(queryset.select_related("household__managing_area__parent", "reported_by"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        application: EntryApplication = self.object
        actions = queues.available_actions(self.request.user, application)
        notice = application.public_notices.order_by("-pk").first()
        negative_hits = list(application.negative_hits.select_related("recorded_by", "overridden_by"))
        trigger_choices = eligibility.trigger_choices(application.household, on=timezone.localdate())
        context.update(
            actions=actions,
            events=application.events.select_related("actor"),
            reviews=application.democratic_reviews.order_by("-pk"),
            notice=notice,
            objections=list(notice.objections.all()) if notice else [],
            checks=eligibility.eligibility(application),
            waiting=queues.waiting(application),
            procedure=queues.procedure_waiting(application),
            forms={
                "review": ReviewForm(),
                "notice": NoticeForm(),
                "object": ObjectionForm(),
                "approve": ApproveForm(application=application, trigger_choices=trigger_choices),
                "verify": VerifyForm(application=application, trigger_choices=trigger_choices),
                "comment": CommentForm(),
                "negative_hit": NegativeHitForm(),
                "negative_override": NegativeOverrideForm(waiting=[h for h in negative_hits if not h.is_overridden]),
            },
            negative_hits=negative_hits,
        )
        return context


@scoped_view(model=Household)
def entry_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Report a household for entry (EN-0), from its registry page."""
    household = get_visible_or_404(Household, request.user, pk=pk)
    if not has_capability(request.user, Capability.OPEN_ENTRY):
        raise PermissionDenied
    today = timezone.localdate()
    exited = has_open_flag(household, HouseholdFlagKind.EXITED_POOR, on=today)
    initial = {
        "channel": "cadre_screening",
        # The reason starts from what was found: the household's open risks (a visit's, a warning's …) and the risk
        # events that hit it; the risk types are those of its open risks.
        "reason": "；".join(hint.title for hint in suggestions.identification_hints(household, on=today)),
        "risk_types": [risk.risk_type for risk in household_facts.open_risks(household.risks.all(), today)],
        "proposed_category": SubjectCategory.UNSTABLE_EXITED if exited else SubjectCategory.MARGINAL_AT_RISK,
    }
    form = ReportForm(
        request.POST or None, initial=initial, trigger_choices=eligibility.trigger_choices(household, on=today)
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.entry_report(actor=request.user, household=household, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if application.state == EntryState.MERGED:
                messages.warning(request, _("未重复登记：%(reason)s") % {"reason": application.closing_reason_shown})
            else:
                messages.success(request, _("已申报纳入监测，等待入户核实"))
            return redirect(application)
    return render(request, "households/form_page.html", {"form": form, "title": _("申报纳入监测"), "back": household})


def _comment_step(service: Callable[..., Any]) -> Callable[[AuthenticatedHttpRequest, EntryApplication], Any]:
    def run(request: AuthenticatedHttpRequest, application: EntryApplication) -> Any:
        form = CommentForm(request.POST)
        form.is_valid()
        return service(application=application, actor=request.user, comment=form.cleaned_data.get("comment", ""))

    return run


def _form_step(
    form_class: type, service: Callable[..., Any]
) -> Callable[[AuthenticatedHttpRequest, EntryApplication], Any]:
    def run(request: AuthenticatedHttpRequest, application: EntryApplication) -> Any:
        form = form_class(request.POST, request.FILES)
        raise_first_error(form)
        return service(application=application, actor=request.user, **form.cleaned_data)

    return run


def _resolve(request: AuthenticatedHttpRequest, application: EntryApplication) -> Any:
    form = ResolveForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("请填写处理情况"), field="handling")
    objection = NoticeObjection.objects.filter(notice__application=application, pk=form.cleaned_data["objection"])
    target = objection.first()
    if target is None:
        raise DomainError(_("异议不存在"), field="objection")
    return services.entry_notice_resolve(
        objection=target, actor=request.user, handling=form.cleaned_data["handling"], upheld=form.cleaned_data["upheld"]
    )


# One POST route per command (monitoring/urls.py); each answers with the application page.
COMMANDS: dict[str, tuple[Callable[[AuthenticatedHttpRequest, EntryApplication], Any], StrOrPromise]] = {
    "verify": (_form_step(VerifyForm, services.entry_verify), gettext_lazy("已完成入户核实")),
    "review": (_form_step(ReviewForm, services.entry_review), gettext_lazy("已记录民主评议")),
    "notice": (_form_step(NoticeForm, services.entry_notice_post), gettext_lazy("已张贴公示")),
    "object": (_form_step(ObjectionForm, services.entry_notice_object), gettext_lazy("已登记异议，公示计时暂停")),
    "resolve": (_resolve, gettext_lazy("已记录异议处理情况")),
    "complete_notice": (_comment_step(services.entry_notice_complete), gettext_lazy("公示期满，已报乡镇审核")),
    "township_review": (_comment_step(services.entry_township_review), gettext_lazy("乡镇审核通过，已报县级批准")),
    "approve": (_form_step(ApproveForm, services.entry_approve), gettext_lazy("已批准纳入监测")),
    "register": (_comment_step(services.entry_register), gettext_lazy("已纳入监测对象")),
    "return": (_comment_step(services.entry_return), gettext_lazy("已退回")),
    "reject": (_comment_step(services.entry_reject), gettext_lazy("已作未通过处理")),
    "withdraw": (_comment_step(services.entry_withdraw), gettext_lazy("已撤回")),
    "negative_hit": (
        _form_step(NegativeHitForm, services.entry_negative_hit_record),
        gettext_lazy("已登记负面清单情形"),
    ),
    "negative_override": (
        _form_step(NegativeOverrideForm, services.entry_negative_override),
        gettext_lazy("已说明理由放行"),
    ),
}


@require_POST
@scoped_view(model=EntryApplication, post_only=True)
def entry_command(request: AuthenticatedHttpRequest, pk: int, command: str) -> HttpResponse:
    application = get_visible_or_404(EntryApplication, request.user, pk=pk)
    return run_command(request, application, COMMANDS[command])


class SubjectDetailView(JurisdictionScopedMixin, DetailView[MonitoringSubject]):
    """A monitoring subject with its measures (一户一策): add one, record progress and effect."""

    model = MonitoringSubject
    template_name = "monitoring/subject_detail.html"

    def scope_queryset(self, queryset: QuerySet[MonitoringSubject]) -> QuerySet[MonitoringSubject]:
        return queryset.select_related("household__managing_area__parent", "application")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        subject: MonitoringSubject = self.object
        user = self.request.user
        lookbacks = [
            (review, LookbackForm(initial={"review": review.pk}))
            for review in subject.lookbacks.select_related("reviewed_by", "new_application")
        ]
        measures = list(subject.measures.select_related("recorded_by"))
        # The loan, job or post a measure created: its progress and effect are read from that record (SPEC §11).
        for measure, records in zip(measures, measure_records.records_of(measures).values(), strict=True):
            measure.records = records  # type: ignore[attr-defined]
        context.update(
            measures=measures,
            can_manage=has_capability(user, Capability.MANAGE_MEASURES)
            and (subject.status in OPEN_SUBJECT_STATUSES or queues.helping_again(subject)),
            measure_form=MeasureForm(initial={"started_on": timezone.localdate()}, risk_choices=_risk_choices(subject)),
            status_form=MeasureStatusForm(),
            suggestions=suggestions.measure_suggestions(subject, on=timezone.localdate())
            if subject.status in OPEN_SUBJECT_STATUSES
            else [],
            exit_checks=eligibility.elimination_checks(subject, on=timezone.localdate())
            if subject.status in OPEN_SUBJECT_STATUSES
            else None,
            eliminations=subject.elimination_cases.order_by("-pk"),
            can_open_elimination=permissions.can_open_elimination(user, subject),
            proposal_form=ProposalForm(),
            lookbacks=lookbacks,
            can_record_lookback=permissions.can_record_lookback(user, subject),
            panels=panels_for(user, subject),  # what the apps above show here (its national entries)
        )
        return context


def _risk_choices(subject: MonitoringSubject) -> list[tuple[int, str]]:
    """The household's open risks a new measure may answer (SPEC §4.3)."""
    risks = household_facts.open_risks(subject.household.risks.all(), timezone.localdate())
    return [(risk.pk, str(risk)) for risk in risks]


@require_POST
@scoped_view(model=MonitoringSubject, post_only=True)
def measure_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subject = get_visible_or_404(MonitoringSubject, request.user, pk=pk)
    form = MeasureForm(request.POST, risk_choices=_risk_choices(subject))
    try:
        raise_first_error(form)
        services.measure_add(actor=request.user, subject=subject, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已新增帮扶措施"))
    return redirect("monitoring:subject-detail", pk=subject.pk)


@require_POST
@scoped_view(model=MonitoringSubject, post_only=True)
def measure_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subject = get_visible_or_404(MonitoringSubject, request.user, pk=pk)
    form = MeasureStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("请选择状态"), field="status")
        measure = subject.measures.filter(pk=form.cleaned_data["measure"]).first()
        if measure is None:
            raise DomainError(_("措施不存在"), field="measure")
        services.measure_update_status(
            actor=request.user,
            measure=measure,
            status=form.cleaned_data["status"],
            outcome_note=form.cleaned_data["outcome_note"],
            ended_on=form.cleaned_data["ended_on"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已更新措施状态"))
    return redirect("monitoring:subject-detail", pk=subject.pk)


# ----------------------------------------------------------------------------------------- risk elimination


class EliminationQueueView(JurisdictionScopedMixin, ListView[EliminationCase]):
    """Risk-elimination cases waiting for this user (default) or all they may see, oldest waiting first."""

    model = EliminationCase
    paginate_by = 30
    template_name = "monitoring/elimination_queue.html"

    def scope_queryset(self, queryset: QuerySet[EliminationCase]) -> QuerySet[EliminationCase]:
        return queues.elimination_queue(queryset, user=self.request.user, chosen=_queue_filter(self.request))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        shared = queues.WaitingContext()
        for case in context["object_list"]:
            case.waiting = queues.elimination_waiting(case, context=shared)
        context.update(_queue_context(self.request, EliminationState.choices))
        context["can_batch"] = bool(batches.batch_steps_open_to(self.request.user, "elimination"))
        return context


class EliminationDetailView(JurisdictionScopedMixin, DetailView[EliminationCase]):
    model = EliminationCase
    template_name = "monitoring/elimination_detail.html"

    def scope_queryset(self, queryset: QuerySet[EliminationCase]) -> QuerySet[EliminationCase]:
        return queues.with_waiting_since(
            queryset.select_related("subject__household__managing_area__parent", "opened_by")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        case: EliminationCase = self.object
        notice_list = list(case.public_notices.order_by("pk").prefetch_related("objections"))
        context.update(
            actions=queues.elimination_actions(self.request.user, case),
            events=case.events.select_related("actor"),
            reviews=case.democratic_reviews.order_by("-pk"),
            notices=notice_list,
            current_notice=next(
                (n for n in reversed(notice_list) if n.stage == services.ELIMINATION_NOTICE_STAGE.get(case.state)),
                None,
            ),
            checks=eligibility.elimination_checks(case.subject, on=timezone.localdate()) if case.is_open else None,
            measures=case.subject.measures.all(),
            waiting=queues.elimination_waiting(case),
            forms={
                "comment": CommentForm(),
                "review": ReviewForm(),
                "notice": NoticeForm(),
                "object": ObjectionForm(),
                "meeting": TownshipMeetingForm(),
                "decide": DecideForm(),
            },
        )
        return context


@require_POST
@scoped_view(model=MonitoringSubject, post_only=True)
def elimination_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """EL-0, from the subject page."""
    subject = get_visible_or_404(MonitoringSubject, request.user, pk=pk)
    form = ProposalForm(request.POST)
    try:
        raise_first_error(form)
        case = services.elimination_open(subject=subject, actor=request.user, proposal=form.cleaned_data["proposal"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(subject)
    messages.success(request, _("已发起风险消除，等待村级入户核实"))
    return redirect(case)


def _case_comment_step(service: Callable[..., Any]) -> Callable[[AuthenticatedHttpRequest, EliminationCase], Any]:
    def run(request: AuthenticatedHttpRequest, case: EliminationCase) -> Any:
        form = CommentForm(request.POST)
        form.is_valid()
        return service(case=case, actor=request.user, comment=form.cleaned_data.get("comment", ""))

    return run


def _case_form_step(
    form_class: type, service: Callable[..., Any]
) -> Callable[[AuthenticatedHttpRequest, EliminationCase], Any]:
    def run(request: AuthenticatedHttpRequest, case: EliminationCase) -> Any:
        form = form_class(request.POST, request.FILES)
        raise_first_error(form)
        return service(case=case, actor=request.user, **form.cleaned_data)

    return run


def _case_resolve(request: AuthenticatedHttpRequest, case: EliminationCase) -> Any:
    form = ResolveForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("请填写处理情况"), field="handling")
    target = NoticeObjection.objects.filter(notice__elimination=case, pk=form.cleaned_data["objection"]).first()
    if target is None:
        raise DomainError(_("异议不存在"), field="objection")
    return services.elimination_notice_resolve(
        objection=target, actor=request.user, handling=form.cleaned_data["handling"], upheld=form.cleaned_data["upheld"]
    )


ELIMINATION_COMMANDS: dict[str, tuple[Callable[[AuthenticatedHttpRequest, EliminationCase], Any], StrOrPromise]] = {
    "verify": (_case_comment_step(services.elimination_verify), gettext_lazy("已完成村级入户核实")),
    "review": (_case_form_step(ReviewForm, services.elimination_review), gettext_lazy("已记录村民代表评议")),
    "notice": (_case_form_step(NoticeForm, services.elimination_notice_post), gettext_lazy("已张贴公示")),
    "object": (
        _case_form_step(ObjectionForm, services.elimination_notice_object),
        gettext_lazy("已登记异议，公示计时暂停"),
    ),
    "resolve": (_case_resolve, gettext_lazy("已记录异议处理情况")),
    "complete_village_notice": (
        _case_comment_step(services.elimination_village_notice_complete),
        gettext_lazy("村级公示期满，已报乡镇研判"),
    ),
    "assess": (_case_comment_step(services.elimination_assess), gettext_lazy("已记录乡级综合研判")),
    "township_meeting": (
        _case_form_step(TownshipMeetingForm, services.elimination_township_meeting),
        gettext_lazy("已记录乡镇会议审核"),
    ),
    "complete_township_notice": (
        _case_comment_step(services.elimination_township_notice_complete),
        gettext_lazy("乡镇公示期满，已报县级筛查抽验"),
    ),
    "screen": (_case_comment_step(services.elimination_screen), gettext_lazy("县级信息筛查抽验通过")),
    "decide": (_case_form_step(DecideForm, services.elimination_decide), gettext_lazy("已审定并发布公告")),
    "mark": (_case_comment_step(services.elimination_mark), gettext_lazy("已办结")),
    "not_eliminated": (_case_comment_step(services.elimination_end), gettext_lazy("已作未消除处理，继续监测")),
}


@require_POST
@scoped_view(model=EliminationCase, post_only=True)
def elimination_command(request: AuthenticatedHttpRequest, pk: int, command: str) -> HttpResponse:
    case = get_visible_or_404(EliminationCase, request.user, pk=pk)
    return run_command(request, case, ELIMINATION_COMMANDS[command])


@require_POST
@scoped_view(model=MonitoringSubject, post_only=True)
def lookback_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a look-back (回头看) from the subject page."""
    subject = get_visible_or_404(MonitoringSubject, request.user, pk=pk)
    form = LookbackForm(request.POST)
    try:
        raise_first_error(form)
        review = LookbackReview.objects.filter(subject=subject, pk=form.cleaned_data["review"]).first()
        if review is None:
            raise DomainError(_("回头看记录不存在"), field="review")
        review = services.lookback_record(
            review=review,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            triggers=form.cleaned_data["triggers"] or None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(subject)
    if review.new_application is not None:
        messages.success(request, _("已记录回头看，并重新申报纳入监测"))
        return redirect(review.new_application)
    messages.success(request, _("已记录回头看"))
    return redirect(subject)


# ------------------------------------------------------------------------------------------ public notice sheets


@scoped_view(model=PublicNotice)
def notice_sheet(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The printable notice sheet of a batch (same village, stage and period), or its Excel with ``?format=xlsx``.
    The page prints to paper or PDF from the browser; ID numbers are always masked."""
    notice = get_visible_or_404(PublicNotice, request.user, pk=pk)
    with in_posted_language():  # posted for villagers: Chinese whatever the reader's language
        sheet = notices.notice_batch(notice, user=request.user)
        workbook = notice_sheet_xlsx(sheet) if request.GET.get("format") == "xlsx" else None
    if workbook is not None:
        return excel_download(
            request,
            workbook,
            filename=f"{sheet.title}{sheet.starts_on:%Y%m%d}.xlsx",
            kind="NOTICE",
            title=sheet.title,
            area=notice.household.managing_area,
            rows=len(sheet.rows),
            streaming=False,
        )
    return render(request, "monitoring/notice_sheet.html", {"sheet": sheet, "notice": notice})


class SubjectListView(JurisdictionScopedMixin, ListView[MonitoringSubject]):
    """Monitoring subjects the user may see, with the home queue's filters (candidates for elimination, look-backs
    due, subjects without measures)."""

    model = MonitoringSubject
    paginate_by = 30
    template_name = "monitoring/subject_list.html"

    def scope_queryset(self, queryset: QuerySet[MonitoringSubject]) -> QuerySet[MonitoringSubject]:
        get = self.request.GET
        return queues.subject_list_narrow(
            queryset,
            user=self.request.user,
            today=timezone.localdate(),
            status=get.get("status", ""),
            candidates=get.get("candidates") == "1",
            lookback_due=get.get("lookback_due") == "1",
            without_measures=get.get("without_measures") == "1",
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(statuses=SubjectStatus.choices, status=self.request.GET.get("status", ""))
        return context
