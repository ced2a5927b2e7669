"""Batches (SPEC §4.6, §4.8): a village decides its cases at one democratic review and posts one notice; a township
reviews and a county decides one township's cases at one meeting. Which cases wait at which batch step, who takes
it, and what is filled per case. Reads start from ``visible_to(user)`` and keep the cases the user decides on
(``managed_by``, SPEC §1.3 rule 2); each case still moves through its own step service (``services.batches``)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from geo.codes import AreaLevel
from monitoring.choices import EliminationState, EntryState, NoticeStage
from monitoring.models import DemocraticReview, EliminationCase, EntryApplication, PublicNotice

WorkflowName = Literal["entry", "elimination"]
S = EntryState
E = EliminationState

# What a deciding step may do with each case of the batch. "proceed" is the step itself (审核通过, 批准, 通过) and
# comes first; the others need a reason.
PROCEED: Final = "proceed"
RETURN: Final = "return"  # entry: back one level with comments (SPEC §4.6)
REJECT: Final = "reject"  # entry: not included, with a reason
NOT_ELIMINATED: Final = "not_eliminated"  # elimination: the case ends, the subject stays monitored (SPEC §4.8)

VILLAGE_CAPABILITIES: Final = (Capability.VILLAGE_PROCEDURE,)
TOWNSHIP_CAPABILITIES: Final = (Capability.TOWNSHIP_REVIEW,)
COUNTY_CAPABILITIES: Final = (Capability.COUNTY_APPROVAL,)


@dataclass(frozen=True)
class BatchStep:
    """One step a batch can take. ``level`` is the area one batch covers: a village for the village's meeting and
    notice, a township for the township's review and the county's decision (a county decides township by
    township). ``per_case`` names the fields filled for each case; everything else of the step is shared."""

    code: str
    label: StrOrPromise
    states: tuple[str, ...]
    level: str
    capabilities: tuple[Capability, ...]
    per_case: tuple[str, ...] = ()
    outcomes: tuple[tuple[str, StrOrPromise], ...] = ()
    waiting: Callable[[], Q] | None = None  # narrows ``states`` where one state holds two steps (notice posted?)

    def open_to(self, user: User) -> bool:
        """The user's roles carry the step (SPEC §1.3); whether each case is theirs the step service decides."""
        return any(has_capability(user, capability) for capability in self.capabilities)


VOTES: Final = ("votes_for", "votes_against", "objections")
ENTRY_TOWNSHIP_DECISION: Final = ((PROCEED, _("审核通过")), (RETURN, _("退回村级重新核实")), (REJECT, _("不予纳入")))
ENTRY_COUNTY_DECISION: Final = ((PROCEED, _("批准纳入")), (RETURN, _("退回乡镇")), (REJECT, _("不予纳入")))
ELIMINATION_DECISION: Final = ((PROCEED, _("通过")), (NOT_ELIMINATED, _("未消除（继续监测）")))


def _entry_notice_posted() -> Q:
    """The entry notice of the latest review is up (the same test ``entry_notice_post`` refuses a second one by)."""
    review_on = DemocraticReview.objects.filter(application=OuterRef("application")).order_by("-pk").values("held_on")
    return Q(
        Exists(
            PublicNotice.objects.filter(
                application=OuterRef("pk"), stage=NoticeStage.ENTRY, starts_on__gte=Subquery(review_on[:1])
            )
        )
    )


def _reviewed() -> Q:
    return Q(Exists(DemocraticReview.objects.filter(elimination=OuterRef("pk"))))


def _noticed(stage: NoticeStage) -> Q:
    return Q(Exists(PublicNotice.objects.filter(elimination=OuterRef("pk"), stage=stage)))


# The entry steps (SPEC §4.6) a batch can take, in the order of the workflow.
ENTRY_BATCH_STEPS: Final[Mapping[str, BatchStep]] = {
    step.code: step
    for step in (
        BatchStep("verify", _("入户核实"), (S.REPORTED,), AreaLevel.VILLAGE, VILLAGE_CAPABILITIES),
        BatchStep("review", _("民主评议"), (S.HOME_VERIFIED,), AreaLevel.VILLAGE, VILLAGE_CAPABILITIES, VOTES),
        BatchStep(
            "notice",
            _("张贴公示"),
            (S.DEMOCRATICALLY_REVIEWED,),
            AreaLevel.VILLAGE,
            VILLAGE_CAPABILITIES,
            waiting=lambda: ~_entry_notice_posted(),
        ),
        BatchStep(
            "complete_notice",
            _("公示期满，报乡镇审核"),
            (S.DEMOCRATICALLY_REVIEWED,),
            AreaLevel.VILLAGE,
            VILLAGE_CAPABILITIES,
            waiting=_entry_notice_posted,
        ),
        BatchStep(
            "township_review",
            _("乡镇审核"),
            (S.NOTICE_COMPLETED,),
            AreaLevel.TOWNSHIP,
            TOWNSHIP_CAPABILITIES,
            ("outcome", "reason"),
            ENTRY_TOWNSHIP_DECISION,
        ),
        BatchStep(
            "approve",
            _("县级批准"),
            (S.TOWNSHIP_REVIEWED,),
            AreaLevel.TOWNSHIP,
            COUNTY_CAPABILITIES,
            ("outcome", "category", "reason"),
            ENTRY_COUNTY_DECISION,
        ),
        BatchStep(
            "register",
            _("纳入监测对象"),
            (S.APPROVED,),
            AreaLevel.TOWNSHIP,
            COUNTY_CAPABILITIES + TOWNSHIP_CAPABILITIES,  # EN-6: county or township staff
        ),
    )
}

# The elimination steps (SPEC §4.8) a batch can take, in the order of the workflow.
ELIMINATION_BATCH_STEPS: Final[Mapping[str, BatchStep]] = {
    step.code: step
    for step in (
        BatchStep("verify", _("村级入户核实"), (E.OPENED,), AreaLevel.VILLAGE, VILLAGE_CAPABILITIES),
        BatchStep(
            "review",
            _("村民代表评议"),
            (E.VILLAGE_VERIFIED,),
            AreaLevel.VILLAGE,
            VILLAGE_CAPABILITIES,
            VOTES,
            waiting=lambda: ~_reviewed(),
        ),
        BatchStep(
            "village_notice",
            _("村级公示"),
            (E.VILLAGE_VERIFIED,),
            AreaLevel.VILLAGE,
            VILLAGE_CAPABILITIES,
            waiting=lambda: _reviewed() & ~_noticed(NoticeStage.ELIMINATION_VILLAGE),
        ),
        BatchStep(
            "complete_village_notice",
            _("村级公示期满，报乡镇研判"),
            (E.VILLAGE_VERIFIED,),
            AreaLevel.VILLAGE,
            VILLAGE_CAPABILITIES,
            waiting=lambda: _noticed(NoticeStage.ELIMINATION_VILLAGE),
        ),
        BatchStep(
            "assess",
            _("乡级综合研判"),
            (E.VILLAGE_REVIEWED_NOTICED,),
            AreaLevel.TOWNSHIP,
            TOWNSHIP_CAPABILITIES,
            ("outcome", "reason"),
            ELIMINATION_DECISION,
        ),
        BatchStep(
            "township_meeting",
            _("乡镇会议审核"),
            (E.TOWNSHIP_ASSESSED,),
            AreaLevel.TOWNSHIP,
            TOWNSHIP_CAPABILITIES,
            ("outcome", "reason"),
            ELIMINATION_DECISION,
            waiting=lambda: Q(township_meeting_on__isnull=True),
        ),
        BatchStep(
            "township_notice",
            _("乡镇公示"),
            (E.TOWNSHIP_ASSESSED,),
            AreaLevel.TOWNSHIP,
            TOWNSHIP_CAPABILITIES,
            waiting=lambda: Q(township_meeting_on__isnull=False) & ~_noticed(NoticeStage.ELIMINATION_TOWNSHIP),
        ),
        BatchStep(
            "complete_township_notice",
            _("乡镇公示期满，报县级筛查"),
            (E.TOWNSHIP_ASSESSED,),
            AreaLevel.TOWNSHIP,
            TOWNSHIP_CAPABILITIES,
            waiting=lambda: _noticed(NoticeStage.ELIMINATION_TOWNSHIP),
        ),
        BatchStep(
            "screen",
            _("县级信息筛查抽验"),
            (E.TOWNSHIP_REVIEWED_NOTICED,),
            AreaLevel.TOWNSHIP,
            COUNTY_CAPABILITIES,
            ("outcome", "reason"),
            ELIMINATION_DECISION,
        ),
        BatchStep(
            "decide",
            _("专题会议审定公告"),
            (E.COUNTY_SCREENED,),
            AreaLevel.TOWNSHIP,
            COUNTY_CAPABILITIES,
            ("outcome", "reason"),
            ELIMINATION_DECISION,
        ),
        BatchStep("mark", _("标注风险消除"), (E.COUNTY_DECIDED,), AreaLevel.TOWNSHIP, COUNTY_CAPABILITIES),
    )
}

BATCH_STEPS: Final[Mapping[WorkflowName, Mapping[str, BatchStep]]] = {
    "entry": ENTRY_BATCH_STEPS,
    "elimination": ELIMINATION_BATCH_STEPS,
}
# The path from a case to its household.
HOUSEHOLD_PATH: Final[Mapping[WorkflowName, str]] = {"entry": "household", "elimination": "subject__household"}


def area_path(workflow: WorkflowName, level: str) -> str:
    """The path from a case to the area a batch of ``level`` covers: the managing village, or its township."""
    village = f"{HOUSEHOLD_PATH[workflow]}__managing_area"
    return village if level == AreaLevel.VILLAGE else f"{village}__parent"


def case_area(case: EntryApplication | EliminationCase, workflow: WorkflowName, level: str) -> Any:
    """The area of ``level`` a case belongs to in a batch: its household's managing village, or that township."""
    area: Any = case
    for part in area_path(workflow, level).split("__"):
        area = getattr(area, part)
    return area


@dataclass(frozen=True)
class BatchGroup:
    """Cases of one area waiting at one step: one meeting, one notice, one decision."""

    step: BatchStep
    area_code: str
    area_name: str
    parent_name: str
    count: int


def _cases(user: User, workflow: WorkflowName) -> QuerySet[Any]:
    """Cases the user sees and decides on (a co-managing area reads but does not decide, SPEC §1.5)."""
    if workflow == "entry":
        return EntryApplication.objects.visible_to(user).managed_by(user)
    return EliminationCase.objects.visible_to(user).managed_by(user)


def _waiting_at(queryset: QuerySet[Any], step: BatchStep) -> QuerySet[Any]:
    queryset = queryset.filter(state__in=step.states)
    return queryset.filter(step.waiting()) if step.waiting is not None else queryset


def batch_steps_open_to(user: User, workflow: WorkflowName) -> list[BatchStep]:
    return [step for step in BATCH_STEPS[workflow].values() if step.open_to(user)]


def batch_groups(*, user: User, workflow: WorkflowName) -> list[BatchGroup]:
    """Every (step, area) where cases wait for this user, in the order of the workflow and of the area codes: one
    query whatever the number of steps (each step's count by area, as one UNION ALL)."""
    steps = batch_steps_open_to(user, workflow)
    counts = []
    for order, step in enumerate(steps):
        path = area_path(workflow, step.level)
        counts.append(
            _waiting_at(_cases(user, workflow), step)
            .order_by()
            .values(f"{path}__code", f"{path}__name", f"{path}__parent__name")
            .annotate(count=Count("pk"), step=Value(order))
            .values_list(f"{path}__code", f"{path}__name", f"{path}__parent__name", "count", "step")
        )
    if not counts:
        return []
    rows = counts[0].union(*counts[1:], all=True) if len(counts) > 1 else counts[0]
    return [
        BatchGroup(step=steps[order], area_code=code, area_name=name, parent_name=parent or "", count=count)
        for code, name, parent, count, order in sorted(rows, key=lambda row: (row[4], row[0]))
    ]


def batch_in_area(*, user: User, workflow: WorkflowName, step: BatchStep, area_code: str) -> QuerySet[Any]:
    """The cases of ``area_code`` this user decides on, whatever their state: a batch may name only these. A case
    of another area, or one the user may not see, is treated as missing (404)."""
    related = f"{HOUSEHOLD_PATH[workflow]}__managing_area__parent"
    return (
        _cases(user, workflow)
        .filter(**{f"{area_path(workflow, step.level)}__code": area_code})
        .select_related(related, *(("subject",) if workflow == "elimination" else ()))
        .order_by(f"{HOUSEHOLD_PATH[workflow]}__household_no", "pk")
    )


def batch_waiting(*, user: User, workflow: WorkflowName, step: BatchStep, area_code: str) -> QuerySet[Any]:
    """The cases of ``area_code`` waiting at ``step`` for this user, in household-number order."""
    return _waiting_at(batch_in_area(user=user, workflow=workflow, step=step, area_code=area_code), step)
