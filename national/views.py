"""Pages of the national-system entries: the queue of what awaits entry (per level, by jurisdiction), the record
and correction commands, and the batch page (STYLE rule 18: thin views, one service each)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from accounts.http import AuthenticatedHttpRequest
from core.batch import BatchRefused, batch_pick
from core.errors import DomainError
from core.forms import raise_first_error, refusal_message
from geo.mixins import JurisdictionScopedMixin
from geo.shortcuts import get_visible_or_404, scoped_view
from monitoring.models import MonitoringSubject
from national import permissions, selectors, services
from national.choices import NationalEntryKind
from national.forms import BatchForm, CorrectForm, RecordForm
from national.models import NationalEntry

BATCH_SIZE = 50  # rows on the batch page: one sitting at the national system's screen


def _kind(value: str | None) -> str:
    return value if value in NationalEntryKind.values else ""


def _back(request: AuthenticatedHttpRequest, default: str) -> HttpResponseRedirect:
    """Back to the page the form was on (the queue with its filter, or the subject page)."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return HttpResponseRedirect(back or default)


def _tabs(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """The queue's filters: all, then each kind, each with how many subjects await it."""
    return [("", _("全部"), counts["all"])] + [
        (value, str(label), counts[value]) for value, label in NationalEntryKind.choices
    ]


class QueueView(JurisdictionScopedMixin, ListView[MonitoringSubject]):
    """全国系统录入: the subjects of the user's area awaiting an entry, oldest item first, with how long each has
    waited; township cadres and county reviewers record from here."""

    model = MonitoringSubject
    paginate_by = 30
    template_name = "national/queue.html"

    def scope_queryset(self, queryset: QuerySet[MonitoringSubject]) -> QuerySet[MonitoringSubject]:
        return selectors.pending_narrow(queryset, kind=_kind(self.request.GET.get("kind")))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        context.update(
            rows=selectors.queue_rows(list(context["object_list"]), user=user, today=today),
            tabs=_tabs(selectors.pending_counts(user=user)),
            kind=_kind(self.request.GET.get("kind")),
            can_record=permissions.records_anywhere(user),
            today=today,
        )
        return context


@require_POST
@scoped_view(model=MonitoringSubject, post_only=True)
def record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record one entry made in the national system for a subject."""
    subject = get_visible_or_404(MonitoringSubject, request.user, pk=pk)
    form = RecordForm(request.POST)
    try:
        raise_first_error(form)
        entry = services.national_entry_record(subject=subject, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, refusal_message(exc))
    else:
        messages.success(
            request,
            _("已登记%(head)s户的%(kind)s（记录编号 %(no)s）")
            % {"head": subject.household.head_name, "kind": entry.get_kind_display(), "no": entry.national_record_no},
        )
    return _back(request, subject.get_absolute_url())


@require_POST
@scoped_view(model=NationalEntry, post_only=True)
def correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct an entry: a new record supersedes it."""
    entry = get_visible_or_404(NationalEntry, request.user, pk=pk)
    form = CorrectForm(request.POST)
    try:
        raise_first_error(form)
        services.national_entry_correct(entry=entry, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, refusal_message(exc))
    else:
        messages.success(request, _("已更正录入，原记录保留"))
    return _back(request, reverse("monitoring:subject-detail", args=[entry.subject_id]))


@scoped_view
def batch(request: AuthenticatedHttpRequest) -> HttpResponse:
    """批量录入: the subjects the user records for that await one kind, each row with its own record number; one
    day and note for the batch. All or nothing; the first refusal names its household."""
    user = request.user
    if not permissions.records_anywhere(user):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    kind = _kind(source.get("kind")) or NationalEntryKind.SUBJECT_ENTRY
    visible = MonitoringSubject.objects.visible_to(user)
    today = timezone.localdate()
    form = (
        BatchForm(request.POST) if request.method == "POST" else BatchForm(initial={"kind": kind, "entered_on": today})
    )
    numbers: dict[int, str] = {}
    refused_pk: int | None = None
    if request.method == "POST":
        try:
            pks = [int(value) for value in request.POST.getlist("subject")]
        except ValueError as exc:
            raise Http404 from exc
        numbers = {pk: request.POST.get(f"record_no_{pk}", "").strip() for pk in pks}
        chosen = [pk for pk in pks if numbers[pk]]
        subjects, missing = batch_pick(visible.select_related("household__managing_area"), chosen)
        if missing:
            raise Http404
        try:
            raise_first_error(form)
            count = services.national_entries_record(
                items=[services.BatchItem(subject=s, record_no=numbers[s.pk]) for s in subjects],
                kind=form.cleaned_data["kind"],
                entered_on=form.cleaned_data["entered_on"],
                actor=user,
                note=form.cleaned_data["note"],
            )
        except BatchRefused as exc:
            refused_pk = exc.pk
            messages.error(request, refusal_message(exc))
        except DomainError as exc:
            messages.error(request, refusal_message(exc))
        else:
            messages.success(request, _("已登记 %(n)d 户的全国系统录入") % {"n": count})
            return HttpResponseRedirect(f"{reverse('national:batch')}?kind={kind}")
    rows = list(selectors.pending_narrow(visible.managed_by(user), kind=kind)[:BATCH_SIZE])
    return render(
        request,
        "national/batch.html",
        {
            "form": form,
            "kind": kind,
            "kinds": NationalEntryKind.choices,
            "rows": selectors.queue_rows(rows, user=user, today=today),
            "numbers": numbers,
            "refused_pk": refused_pk,
            "limit": BATCH_SIZE,
        },
    )
