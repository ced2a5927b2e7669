"""Batch pages (SPEC §4.6, §4.8): the cases of one village (or, at the township and county steps, one township)
that wait at the same step are taken together — one democratic review, one notice, one township meeting, one county
decision. The page lists the groups waiting for the user; a group's page takes the shared fields once and each
case's own fields in its row, and ``services.batches`` moves every case through its own step service, all or
nothing. Views parse, call and render (STYLE rule 18)."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from accounts.http import AuthenticatedHttpRequest
from core.errors import DomainError
from core.forms import ticked_ids
from geo.shortcuts import scoped_view
from monitoring.forms import (
    BatchApproveForm,
    BatchCaseForm,
    BatchReviewForm,
    CommentForm,
    DecideForm,
    NoticeForm,
    TownshipMeetingForm,
)
from monitoring.models import EliminationCase, EntryApplication
from monitoring.selectors.batches import (
    BATCH_STEPS,
    PROCEED,
    BatchStep,
    WorkflowName,
    batch_groups,
    batch_in_area,
    batch_waiting,
    case_area,
)
from monitoring.services import BatchItem, BatchRefused, batch_refusal, batch_run


@dataclass(frozen=True)
class Shared:
    """The form of what a step's batch shares, and the label of its comment where the step names it."""

    form: type[forms.Form]
    comment_label: StrOrPromise | None = None


SHARED: dict[WorkflowName, dict[str, Shared]] = {
    "entry": {
        "verify": Shared(CommentForm, gettext_lazy("核实意见")),
        "review": Shared(BatchReviewForm),
        "notice": Shared(NoticeForm),
        "complete_notice": Shared(CommentForm),
        "township_review": Shared(CommentForm, gettext_lazy("乡镇审核意见（审核通过的农户）")),
        "approve": Shared(BatchApproveForm),
        "register": Shared(CommentForm),
    },
    "elimination": {
        "verify": Shared(CommentForm, gettext_lazy("核实意见")),
        "review": Shared(BatchReviewForm),
        "village_notice": Shared(NoticeForm),
        "complete_village_notice": Shared(CommentForm),
        "assess": Shared(CommentForm, gettext_lazy("综合研判意见（通过的农户）")),
        "township_meeting": Shared(TownshipMeetingForm),
        "township_notice": Shared(NoticeForm),
        "complete_township_notice": Shared(CommentForm),
        "screen": Shared(CommentForm),
        "decide": Shared(DecideForm),
        "mark": Shared(CommentForm),
    },
}
assert all(set(SHARED[w]) == set(BATCH_STEPS[w]) for w in SHARED), "every batch step needs its shared form"

TITLES: dict[WorkflowName, StrOrPromise] = {"entry": gettext_lazy("纳入监测"), "elimination": gettext_lazy("风险消除")}
QUEUES: dict[WorkflowName, str] = {"entry": "monitoring:entry-queue", "elimination": "monitoring:elimination-queue"}
BATCH_PAGES: dict[WorkflowName, str] = {
    "entry": "monitoring:entry-batch",
    "elimination": "monitoring:elimination-batch",
}


@dataclass
class Row:
    """One case in the batch table: its checkbox, its own fields, and whether the refusal stopped at it."""

    case: Any
    form: BatchCaseForm
    selected: bool
    refused: bool = False

    @property
    def household(self) -> Any:
        return self.case.household

    @property
    def summary(self) -> str:
        """The category, and the per-capita income the case recorded (at its report, or its county screening)."""
        if isinstance(self.case, EntryApplication):
            category = self.case.get_category_display() or self.case.get_proposed_category_display()
        else:
            category = self.case.subject.get_category_display()
        income = self.case.per_capita_income
        if income is None:
            return str(category)
        return _("%(category)s · 人均 %(income)s 元") % {"category": category, "income": f"{income:.0f}"}


def _shared_form(workflow: WorkflowName, step: BatchStep, data: Any = None, files: Any = None) -> forms.Form:
    shared = SHARED[workflow][step.code]
    form = shared.form(data, files)
    if shared.comment_label is not None:
        form.fields["comment"].label = shared.comment_label
    return form


def _case_form(step: BatchStep, case: Any, data: Any = None) -> BatchCaseForm:
    initial = {"category": case.proposed_category} if isinstance(case, EntryApplication) else {}
    return BatchCaseForm(
        data,
        prefix=f"case-{case.pk}",
        initial=initial,
        per_case=step.per_case,
        outcomes=step.outcomes,
        household=case.household.head_name,
    )


def _first_error(form: BatchCaseForm) -> str:
    name, errors = next(iter(form.errors.items()))
    label = form.fields[name].label if name in form.fields else ""
    return f"{label}：{errors[0]}" if label else str(errors[0])


def _item(case: Any, form: BatchCaseForm) -> BatchItem[Any]:
    data = form.cleaned_data
    return BatchItem(
        case=case,
        votes_for=data.get("votes_for") or 0,
        votes_against=data.get("votes_against") or 0,
        objections=data.get("objections", ""),
        outcome=data.get("outcome") or PROCEED,
        reason=data.get("reason", ""),
        category=data.get("category", ""),
    )


def _index(request: AuthenticatedHttpRequest, workflow: WorkflowName) -> HttpResponse:
    return render(
        request,
        "monitoring/batch_index.html",
        {
            "title": TITLES[workflow],
            "queue_url": QUEUES[workflow],
            "groups": batch_groups(user=request.user, workflow=workflow),
        },
    )


def _batch_page(request: AuthenticatedHttpRequest, workflow: WorkflowName) -> HttpResponse:
    steps = BATCH_STEPS[workflow]
    code = request.GET.get("step", "")
    if code not in steps:
        if request.method == "POST":
            raise Http404
        return _index(request, workflow)
    step = steps[code]
    if not step.open_to(request.user):
        raise PermissionDenied  # visible, but not this user's step (STYLE rule 11)
    area_code = request.GET.get("area", "")
    waiting = list(batch_waiting(user=request.user, workflow=workflow, step=step, area_code=area_code))
    selected = ticked_ids(request, "cases") if request.method == "POST" else []
    chosen = {
        case.pk: case
        for case in batch_in_area(user=request.user, workflow=workflow, step=step, area_code=area_code).filter(
            pk__in=selected
        )
    }
    if len(chosen) != len(set(selected)):
        raise Http404  # a case of another village or township, or one the user may not see or decide on
    cases = waiting + sorted(
        (case for pk, case in chosen.items() if pk not in {c.pk for c in waiting}),
        key=lambda case: (case.household.household_no, case.pk),
    )
    if not cases:
        messages.info(request, _("这里已没有等待“%(step)s”的农户。") % {"step": step.label})
        return redirect(BATCH_PAGES[workflow])

    data = request.POST if request.method == "POST" else None
    shared_form = _shared_form(workflow, step, data, request.FILES if data is not None else None)
    rows = [
        Row(case=case, form=_case_form(step, case, data if case.pk in chosen else None), selected=case.pk in chosen)
        for case in cases
    ]
    refusal = ""
    if request.method == "POST":
        refusal = _run(request, workflow, step, shared_form, rows)
        if not refusal:
            messages.success(request, _("已批量办理“%(step)s”：%(n)d 户") % {"step": step.label, "n": len(chosen)})
            return redirect(BATCH_PAGES[workflow])
    area = case_area(cases[0], workflow, step.level)
    return render(
        request,
        "monitoring/batch.html",
        {
            "title": TITLES[workflow],
            "queue_url": QUEUES[workflow],
            "batch_url": BATCH_PAGES[workflow],
            "step": step,
            "area": area,
            "action": f"{reverse(BATCH_PAGES[workflow])}?step={step.code}&area={area.code}",
            "rows": rows,
            "shared_form": shared_form,
            "refusal": refusal,
            "columns": rows[0].form.columns(),
        },
    )


def _run(
    request: AuthenticatedHttpRequest,
    workflow: WorkflowName,
    step: BatchStep,
    shared_form: forms.Form,
    rows: list[Row],
) -> str:
    """Check the page's input and run the batch; the refusal to show, or "" when every case moved."""
    batch = [row for row in rows if row.selected]
    if not batch:
        return _("请至少选择一户")
    if not shared_form.is_valid():
        return _("请更正“本批共同填写”中标出的错误。")
    for position, row in enumerate(batch, 1):
        if not row.form.is_valid():
            row.refused = True
            return batch_refusal(position, row.case, _first_error(row.form))
    try:
        batch_run(
            workflow=workflow,
            step=step.code,
            actor=request.user,
            items=[_item(row.case, row.form) for row in batch],
            shared=shared_form.cleaned_data,
        )
    except BatchRefused as exc:
        for row in batch:
            row.refused = row.case.pk == exc.pk
        return exc.message
    except DomainError as exc:
        return exc.message
    return ""


@scoped_view(model=EntryApplication)
def entry_batch_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Batch entry steps: a village's review and notice, a township's review, a county's approval."""
    return _batch_page(request, "entry")


@scoped_view(model=EliminationCase)
def elimination_batch_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Batch risk-elimination steps: a village's review and notice, a township's meeting, a county's decision."""
    return _batch_page(request, "elimination")
