"""Batches of cases (SPEC §4.6, §4.8): one village meeting reviews, one notice publishes, one township meeting and
one county decision decide many cases at once. A batch adds no rule of its own: each case moves through its own
step service (``entry_review``, ``entry_approve``, ``elimination_decide`` …), which checks the actor's right, the
case's state and the step's conditions and writes the case's records and event row, exactly as on the case's page.

The batch is one transaction: it stops at the first case a service refuses, names that case and the refusal, and
saves nothing — no row, no event, no notification, no stored file. Cases are locked in primary-key order before
any step runs, so two batches over the same cases queue up instead of deadlocking (STYLE rule 7). That much every
batch does, and ``core.batch`` does it; what is this workflow's (the shared meeting, the files) stays here.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core.batch import BatchRefused, batch_check, batch_each, batch_refusal_text
from core.errors import DomainError
from core.workflow import Workflow, require
from monitoring.choices import NoticeStage
from monitoring.models import EliminationCase, EntryApplication
from monitoring.selectors.batches import (
    BATCH_STEPS,
    NOT_ELIMINATED,
    PROCEED,
    REJECT,
    RETURN,
    BatchStep,
    WorkflowName,
    case_area,
)
from monitoring.services import elimination as el
from monitoring.services import entry as en
from notifications.services import Held, notifications_summarised

C = TypeVar("C", EntryApplication, EliminationCase)


@dataclass(frozen=True)
class BatchItem(Generic[C]):
    """One case of a batch with what was filled for it alone: its votes at the review, or the decision on it."""

    case: C
    votes_for: int = 0
    votes_against: int = 0
    objections: str = ""
    outcome: str = PROCEED
    reason: str = ""  # the comment of a return, a rejection or a "not eliminated"
    category: str = ""  # the category the county approves (entry); empty: the proposed one


Stored = list[FieldFile]  # the files a step stored, removed again when the batch is refused
Runner = Callable[[Any, User, Mapping[str, Any], BatchItem[Any]], Stored]


def _copy(upload: UploadedFile | None) -> UploadedFile | None:
    """The shared file (minutes, notice photo) for one more case. Each record keeps its own copy, stored by its own
    service; this wrapper makes the storage stream the upload from its start again rather than move a spooled
    temporary file away, which only the first record would get."""
    if upload is None:
        return None
    return UploadedFile(
        file=upload.file, name=upload.name, content_type=upload.content_type, size=upload.size, charset=upload.charset
    )


def _files(*files: FieldFile) -> Stored:
    return [f for f in files if f]


def _meeting(shared: Mapping[str, Any], item: BatchItem[Any]) -> dict[str, Any]:
    """The democratic review's arguments: the meeting is shared, the votes and objections are the case's."""
    return {
        "held_on": shared["held_on"],
        "body": shared["body"],
        "participants_count": shared["participants_count"],
        "representatives_present": shared["representatives_present"],
        "attendees": shared["attendees"],
        "votes_for": item.votes_for,
        "votes_against": item.votes_against,
        "objections": item.objections,
        "minutes_file": _copy(shared.get("minutes_file")),
    }


def _notice(shared: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "places": shared["places"],
        "starts_on": shared["starts_on"],
        "ends_on": shared["ends_on"],
        "photo": _copy(shared.get("photo")),
    }


def _comment(shared: Mapping[str, Any]) -> str:
    return str(shared.get("comment", ""))


def _comment_step(service: Callable[..., object], case_arg: str) -> Runner:
    """A step whose only input is the shared comment (a verification, a notice run to its end, a marking)."""

    def run(case: Any, actor: User, shared: Mapping[str, Any], item: BatchItem[Any]) -> Stored:
        service(**{case_arg: case}, actor=actor, comment=_comment(shared))
        return []

    return run


# ------------------------------------------------------------------------------------------------------- entry


def _entry_decision(passed: Runner) -> Runner:
    """A township or county decision per case: the step itself, or the case is returned or rejected with its
    reason (``entry_return`` and ``entry_reject`` require one)."""

    def run(application: EntryApplication, actor: User, shared: Mapping[str, Any], item: BatchItem[Any]) -> Stored:
        if item.outcome == RETURN:
            en.entry_return(application=application, actor=actor, comment=item.reason)
            return []
        if item.outcome == REJECT:
            en.entry_reject(application=application, actor=actor, comment=item.reason)
            return []
        return passed(application, actor, shared, item)

    return run


def _entry_review(
    application: EntryApplication, actor: User, shared: Mapping[str, Any], item: BatchItem[Any]
) -> Stored:
    review = en.entry_review(application=application, actor=actor, **_meeting(shared, item))
    return _files(review.minutes_file)


def _entry_notice(
    application: EntryApplication, actor: User, shared: Mapping[str, Any], item: BatchItem[Any]
) -> Stored:
    notice = en.entry_notice_post(application=application, actor=actor, **_notice(shared))
    return _files(notice.photo)


def _entry_approve(
    application: EntryApplication, actor: User, shared: Mapping[str, Any], item: BatchItem[Any]
) -> Stored:
    en.entry_approve(
        application=application,
        actor=actor,
        category=item.category or application.proposed_category,
        risk_types=list(application.risk_types),  # as reported: a county changing them does so on the case's page
        decision_no=str(shared.get("decision_no", "")),
        comment=_comment(shared),
    )
    return []


_ENTRY_RUNNERS: Final[Mapping[str, Runner]] = {
    "verify": _comment_step(en.entry_verify, "application"),
    "review": _entry_review,
    "notice": _entry_notice,
    "complete_notice": _comment_step(en.entry_notice_complete, "application"),
    "township_review": _entry_decision(_comment_step(en.entry_township_review, "application")),
    "approve": _entry_decision(_entry_approve),
    "register": _comment_step(en.entry_register, "application"),
}


# ------------------------------------------------------------------------------------------------- elimination


def _elimination_decision(passed: Runner) -> Runner:
    """A township or county decision per case: the step itself, or the case ends as not eliminated with its
    reason (``elimination_end`` requires one)."""

    def run(case: EliminationCase, actor: User, shared: Mapping[str, Any], item: BatchItem[Any]) -> Stored:
        if item.outcome == NOT_ELIMINATED:
            el.elimination_end(case=case, actor=actor, comment=item.reason)
            return []
        return passed(case, actor, shared, item)

    return run


def _elimination_review(case: EliminationCase, actor: User, shared: Mapping[str, Any], item: BatchItem[Any]) -> Stored:
    review = el.elimination_review(case=case, actor=actor, **_meeting(shared, item))
    return _files(review.minutes_file)


def _elimination_notice(case: EliminationCase, actor: User, shared: Mapping[str, Any], item: BatchItem[Any]) -> Stored:
    notice = el.elimination_notice_post(case=case, actor=actor, **_notice(shared))
    return _files(notice.photo)


def _township_meeting(case: EliminationCase, actor: User, shared: Mapping[str, Any], item: BatchItem[Any]) -> Stored:
    case = el.elimination_township_meeting(
        case=case,
        actor=actor,
        meeting_on=shared["meeting_on"],
        opinion=shared["opinion"],
        minutes_file=_copy(shared.get("minutes_file")),
    )
    return _files(case.township_minutes)


def _decide(case: EliminationCase, actor: User, shared: Mapping[str, Any], item: BatchItem[Any]) -> Stored:
    case = el.elimination_decide(
        case=case, actor=actor, meeting_on=shared["meeting_on"], decision_no=shared["decision_no"], **_notice(shared)
    )
    announcement = case.public_notices.filter(stage=NoticeStage.ELIMINATION_COUNTY).latest("pk")
    return _files(announcement.photo)


_ELIMINATION_RUNNERS: Final[Mapping[str, Runner]] = {
    "verify": _comment_step(el.elimination_verify, "case"),
    "review": _elimination_review,
    "village_notice": _elimination_notice,
    "complete_village_notice": _comment_step(el.elimination_village_notice_complete, "case"),
    "assess": _elimination_decision(_comment_step(el.elimination_assess, "case")),
    "township_meeting": _elimination_decision(_township_meeting),
    "township_notice": _elimination_notice,
    "complete_township_notice": _comment_step(el.elimination_township_notice_complete, "case"),
    "screen": _elimination_decision(_comment_step(el.elimination_screen, "case")),
    "decide": _elimination_decision(_decide),
    "mark": _comment_step(el.elimination_mark, "case"),
}
# Every step the selectors offer has its runner, and no runner is offered by no step.
assert set(_ENTRY_RUNNERS) == set(BATCH_STEPS["entry"])
assert set(_ELIMINATION_RUNNERS) == set(BATCH_STEPS["elimination"])

_RUNNERS: Final[Mapping[WorkflowName, Mapping[str, Runner]]] = {
    "entry": _ENTRY_RUNNERS,
    "elimination": _ELIMINATION_RUNNERS,
}
_MODELS: Final[Mapping[WorkflowName, type[EntryApplication] | type[EliminationCase]]] = {
    "entry": EntryApplication,
    "elimination": EliminationCase,
}
_WORKFLOWS: Final[Mapping[WorkflowName, Workflow[Any]]] = {"entry": en.ENTRY, "elimination": el.ELIMINATION}


# ---------------------------------------------------------------------------------------------------- the batch


def batch_refusal(position: int, case: EntryApplication | EliminationCase, reason: str) -> str:
    """Which case stopped the batch (its place in the batch, the head of household and the household number), why,
    and that nothing was done."""
    household = case.household
    name = _("%(head)s（户编号 %(number)s）") % {"head": household.head_name, "number": household.household_no}
    return batch_refusal_text(position=position, counter=_("户"), name=name, reason=reason, nothing=_("一户"))


def _check_batch(step: BatchStep, workflow: WorkflowName, items: Sequence[BatchItem[Any]]) -> None:
    """What a batch is: at least one case, each once, all of one village (or township) (SPEC §4.6: one meeting,
    one notice), each with an outcome the step offers."""
    batch_check(
        [item.case.pk for item in items],
        empty=_("请至少选择一户"),
        twice=_("同一户在本批中出现了两次"),
        field="cases",
    )
    areas = {case_area(item.case, workflow, step.level).pk for item in items}
    if len(areas) > 1:
        if step.level == "village":
            raise DomainError(_("一批只能办理同一个村的农户"), field="cases")
        raise DomainError(_("一批只能办理同一个乡镇的农户"), field="cases")
    offered = {code for code, _label in step.outcomes} or {PROCEED}
    for position, item in enumerate(items, 1):
        if item.outcome not in offered:
            refusal = batch_refusal(position, item.case, _("请选择办理结果"))
            raise BatchRefused(refusal, pk=item.case.pk, field="outcome")


def _cases_summary(topic: str, held: Sequence[Held]) -> tuple[str, str, list[str]]:
    """One notification for the cases of a batch that reached the recipient's queue (or ended, for their opener)."""
    if topic == "elimination":
        title = _("风险消除：%(n)s 户已办理到新的环节，请查看") % {"n": len(held)}
        return title, reverse("monitoring:elimination-queue"), []
    title = _("纳入监测申请：%(n)s 户已办理到新的环节，请查看") % {"n": len(held)}
    return title, reverse("monitoring:entry-queue"), []


def batch_run(
    *, workflow: WorkflowName, step: str, actor: User, items: Sequence[BatchItem[Any]], shared: Mapping[str, Any]
) -> int:
    """Take ``step`` (a code of ``selectors.batches.BATCH_STEPS``) for every case of ``items``, each through its own
    step service with the ``shared`` fields of the meeting, notice or decision and its own fields (SPEC §4.6,
    §4.8). All or nothing: the first refusal raises ``BatchRefused`` naming the case. Returns the number of
    cases."""
    if step not in BATCH_STEPS[workflow]:
        raise DomainError(_("请选择办理环节"), field="step")
    declared = BATCH_STEPS[workflow][step]
    require(declared.open_to(actor))
    _check_batch(declared, workflow, items)
    run = _RUNNERS[workflow][step]
    stored: Stored = []

    def take(item: BatchItem[Any], locked: Any) -> None:
        # One state may hold two steps (a notice to post, a notice to end): the step named is the one taken, never
        # the other one the same service would take from another state.
        _WORKFLOWS[workflow].in_state(locked, *declared.states)
        stored.extend(run(item.case, actor, shared, item))

    try:
        # The next level hears of the batch once: "10 户纳入监测申请待您办理", not ten notifications.
        with notifications_summarised(_cases_summary):
            return batch_each(
                items,
                model=_MODELS[workflow],
                pk=lambda item: item.case.pk,
                step=take,
                refusal=lambda position, item, reason: batch_refusal(position, item.case, reason),
                forbidden=_("您无权办理该户的这一环节"),  # visible and in the area, but not the actor's to decide
            )
    except BatchRefused:
        for stored_file in stored:  # the rows are rolled back; their files must go too
            if stored_file.name:
                stored_file.storage.delete(stored_file.name)
        raise


def entry_batch(
    *, step: str, actor: User, items: Sequence[BatchItem[EntryApplication]], shared: Mapping[str, Any]
) -> int:
    """A batch of entry steps (SPEC §4.6) for one village, or one township at the township and county steps."""
    return batch_run(workflow="entry", step=step, actor=actor, items=items, shared=shared)


def elimination_batch(
    *, step: str, actor: User, items: Sequence[BatchItem[EliminationCase]], shared: Mapping[str, Any]
) -> int:
    """A batch of risk-elimination steps (SPEC §4.8) for one village, or one township at the later steps."""
    return batch_run(workflow="elimination", step=step, actor=actor, items=items, shared=shared)
