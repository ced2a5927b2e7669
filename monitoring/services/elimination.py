"""The risk-elimination workflow (风险消除, SPEC §4.8; Ningxia's three levels and six steps, 003 L238):

EL-0 opened → EL-1 village home verification → EL-2 villager-representative review and notice → EL-3 township
assessment → EL-4 township meeting review and notice → EL-5 county data screening and spot check → EL-6 county
special meeting decision and announcement → EL-7 marked 风险消除 (or held, SPEC §4.9).

Declared once as ``ELIMINATION`` (``core.workflow``): every state change locks the case row, re-checks the actor's
right, checks the transition table and writes an append-only ``EliminationEvent`` in one transaction. The
preconditions of §4.8 live in ``eligibility.elimination_checks`` (built on ``rules``) and are enforced at county
screening and again at marking, because the household's data may change while the notices run.
"""

import datetime
import secrets
from collections.abc import Callable, Mapping
from typing import Any, Final

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core.errors import DomainError, TransitionNotAllowed, refusal_text, required_text
from core.stored import source_text, stored
from core.workflow import Workflow, require
from geo.parameters import parameter
from households.choices import VisitKind
from households.facts import facts_refresh_households
from monitoring import permissions, rules
from monitoring.choices import (
    OPEN_ELIMINATION_STATES,
    EliminationState,
    IdentificationChannel,
    LookbackOutcome,
    NoticeStage,
    SubjectStatus,
)
from monitoring.models import (
    DemocraticReview,
    EliminationCase,
    EliminationEvent,
    LookbackReview,
    MonitoringSubject,
    NoticeObjection,
    PublicNotice,
)
from monitoring.selectors import eligibility
from monitoring.services import alerts, notices, reviews
from monitoring.services.entry import entry_report
from monitoring.services.reviews import votes_comment

E = EliminationState

# Every legal move (SPEC §4.8): one step forward, or the case ends as not eliminated at any step.
TRANSITIONS: Final[Mapping[EliminationState, frozenset[EliminationState]]] = {
    E.OPENED: frozenset({E.VILLAGE_VERIFIED, E.NOT_ELIMINATED}),
    E.VILLAGE_VERIFIED: frozenset({E.VILLAGE_REVIEWED_NOTICED, E.NOT_ELIMINATED}),
    E.VILLAGE_REVIEWED_NOTICED: frozenset({E.TOWNSHIP_ASSESSED, E.NOT_ELIMINATED}),
    E.TOWNSHIP_ASSESSED: frozenset({E.TOWNSHIP_REVIEWED_NOTICED, E.NOT_ELIMINATED}),
    E.TOWNSHIP_REVIEWED_NOTICED: frozenset({E.COUNTY_SCREENED, E.NOT_ELIMINATED}),
    E.COUNTY_SCREENED: frozenset({E.COUNTY_DECIDED, E.NOT_ELIMINATED}),
    E.COUNTY_DECIDED: frozenset({E.MARKED, E.HELD, E.NOT_ELIMINATED}),
    E.MARKED: frozenset(),
    E.HELD: frozenset(),
    E.NOT_ELIMINATED: frozenset(),
}

# The notice running in each state (EL-2 village, EL-4 township, EL-6 county announcement).
NOTICE_STAGE: Final[Mapping[str, NoticeStage]] = {
    E.VILLAGE_VERIFIED: NoticeStage.ELIMINATION_VILLAGE,
    E.TOWNSHIP_ASSESSED: NoticeStage.ELIMINATION_TOWNSHIP,
    E.COUNTY_DECIDED: NoticeStage.ELIMINATION_COUNTY,
}
_NOTICE_DAYS: Final[Mapping[NoticeStage, str]] = {
    NoticeStage.ELIMINATION_VILLAGE: "notice.elimination_village_days",
    NoticeStage.ELIMINATION_TOWNSHIP: "notice.elimination_township_days",
    NoticeStage.ELIMINATION_COUNTY: "notice.elimination_county_days",
}

# Who decides in each state: the level whose step is pending (SPEC §4.8 "Level" column).
_DECIDER: Final[Mapping[str, Callable[[Any, EliminationCase], bool]]] = {
    E.OPENED: permissions.can_take_village_steps,
    E.VILLAGE_VERIFIED: permissions.can_take_village_steps,
    E.VILLAGE_REVIEWED_NOTICED: permissions.can_review_as_township,
    E.TOWNSHIP_ASSESSED: permissions.can_review_as_township,
    E.TOWNSHIP_REVIEWED_NOTICED: permissions.can_approve_as_county,
    E.COUNTY_SCREENED: permissions.can_approve_as_county,
    E.COUNTY_DECIDED: permissions.can_approve_as_county,
}


ELIMINATION: Final = Workflow(
    model=EliminationCase,
    states=EliminationState,
    transitions=TRANSITIONS,
    noun="风险消除",
    event_model=EliminationEvent,
    event_case="case",
    lock_related=("subject__household__managing_area",),
    on_move=lambda case, actor, comment: alerts.elimination_alert(case, actor=actor, comment=comment),
)


def _area(case: EliminationCase) -> str:
    return str(case.subject.household.managing_area.code)


def _subject_status(subject: MonitoringSubject, status: str) -> None:
    subject.status = status
    subject.save(update_fields=["status"])
    facts_refresh_households([subject.household_id])


# --------------------------------------------------------------------------------------------------------- EL-0


@transaction.atomic
def elimination_open(*, subject: MonitoringSubject, actor: User, proposal: str) -> EliminationCase:
    """EL-0: a village or township cadre opens the case (possibly on the system's suggestion). A held subject may
    be proposed again once a member can work (SPEC §4.9 "exit from hold")."""
    subject = (
        MonitoringSubject.objects.select_for_update().select_related("household__managing_area").get(pk=subject.pk)
    )
    require(permissions.can_take_village_steps(actor, subject) or permissions.can_review_as_township(actor, subject))
    if subject.status not in (SubjectStatus.MONITORED, SubjectStatus.ELIMINATION_HOLD):
        raise TransitionNotAllowed(
            _("监测对象当前为“%(status)s”，不能发起风险消除") % {"status": subject.get_status_display()}
        )
    if subject.elimination_cases.filter(state__in=sorted(OPEN_ELIMINATION_STATES)).exists():
        raise DomainError(_("该户已有办理中的风险消除"), field="subject")
    case = EliminationCase.objects.create(
        subject=subject,
        proposal=required_text(proposal, "proposal", _("发起理由")),
        prior_subject_status=subject.status,
        opened_by=actor,
        opened_on=timezone.localdate(),
    )
    ELIMINATION.opened(case, actor=actor, comment=case.proposal)
    _subject_status(subject, SubjectStatus.ELIMINATION_IN_PROGRESS)
    return case


# ------------------------------------------------------------------------------------------------- EL-1, EL-2


@transaction.atomic
def elimination_verify(*, case: EliminationCase, actor: User, comment: str = "") -> EliminationCase:
    """EL-1 村级入户核实: a recorded visit of kind 风险消除入户核实 since the case opened (SPEC §4.8)."""
    case = ELIMINATION.lock(case)
    require(permissions.can_take_village_steps(actor, case))
    ELIMINATION.in_state(case, E.OPENED)
    if not case.subject.household.visits.filter(kind=VisitKind.ELIMINATION, visited_on__gte=case.opened_on).exists():
        raise DomainError(
            _("请先登记一次“风险消除入户核实”走访（收入、两不愁三保障核查），再完成入户核实"), field="visit"
        )
    ELIMINATION.move(case, to=E.VILLAGE_VERIFIED, actor=actor, comment=comment)
    case.save(update_fields=["state", "updated_at"])
    return case


@transaction.atomic
def elimination_review(
    *,
    case: EliminationCase,
    actor: User,
    held_on: datetime.date,
    body: str,
    participants_count: int,
    representatives_present: int,
    attendees: str,
    votes_for: int,
    votes_against: int,
    objections: str = "",
    minutes_file: UploadedFile | None = None,
) -> DemocraticReview:
    """EL-2, first half: the villager-representative review (村民代表评议)."""
    case = ELIMINATION.lock(case)
    require(permissions.can_take_village_steps(actor, case))
    ELIMINATION.in_state(case, E.VILLAGE_VERIFIED)
    review = reviews.democratic_review_record(
        case=case,
        household=case.subject.household,
        since=case.opened_on,
        since_label=_("发起日期"),
        actor=actor,
        held_on=held_on,
        body=body,
        participants_count=participants_count,
        representatives_present=representatives_present,
        attendees=attendees,
        votes_for=votes_for,
        votes_against=votes_against,
        objections=objections,
        minutes_file=minutes_file,
    )
    ELIMINATION.note(case, actor=actor, comment=votes_comment(review, votes_for, votes_against))
    return review


def _notice_right(actor: User, case: EliminationCase) -> bool:
    return bool(_DECIDER[case.state](actor, case))


@transaction.atomic
def elimination_notice_post(
    *,
    case: EliminationCase,
    actor: User,
    places: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    photo: UploadedFile | None = None,
) -> PublicNotice:
    """The notice of EL-2 (village, after the review) or EL-4 (township, after its meeting). The county's
    announcement is posted with its decision (``elimination_decide``)."""
    case = ELIMINATION.lock(case)
    ELIMINATION.in_state(case, E.VILLAGE_VERIFIED, E.TOWNSHIP_ASSESSED)
    require(_notice_right(actor, case))
    stage = NOTICE_STAGE[case.state]
    if stage == NoticeStage.ELIMINATION_VILLAGE:
        review = case.democratic_reviews.order_by("-pk").first()
        if review is None:
            raise DomainError(_("请先记录村民代表评议，再张贴公示"), field="places")
        not_before, label = review.held_on, _("村民代表评议")
    else:
        if case.township_meeting_on is None:
            raise DomainError(_("请先记录乡镇会议审核，再张贴公示"), field="places")
        not_before, label = case.township_meeting_on, _("乡镇会议审核")
    notice = notices.notice_post(
        case=case,
        stage=stage,
        actor=actor,
        places=places,
        starts_on=starts_on,
        ends_on=ends_on,
        min_days=int(parameter(_NOTICE_DAYS[stage], area_code=_area(case), on=starts_on)),
        not_before=not_before,
        not_before_label=label,
        photo=photo,
    )
    ELIMINATION.note(
        case,
        actor=actor,
        comment=stored(
            gettext_noop("张贴%(stage)s：%(places)s，%(starts)s 至 %(ends)s"),
            labels=("stage",),
            stage=source_text(stage.label),
            places=notice.places,
            starts=str(starts_on),
            ends=str(ends_on),
        ),
    )
    return notice


@transaction.atomic
def elimination_notice_object(
    *, case: EliminationCase, actor: User, received_on: datetime.date, content: str
) -> NoticeObjection:
    """An objection received during any of the three notices; it pauses that notice's clock."""
    case = ELIMINATION.lock(case)
    ELIMINATION.in_state(case, E.VILLAGE_VERIFIED, E.TOWNSHIP_ASSESSED, E.COUNTY_DECIDED)
    require(_notice_right(actor, case))
    notice = notices.current_notice(case, NOTICE_STAGE[case.state])
    objection = notices.notice_object(notice=notice, actor=actor, received_on=received_on, content=content)
    ELIMINATION.note(
        case, actor=actor, comment=stored(gettext_noop("收到异议：%(content)s"), content=objection.content)
    )
    return objection


@transaction.atomic
def elimination_notice_resolve(
    *, objection: NoticeObjection, actor: User, handling: str, upheld: bool, resolved_on: datetime.date | None = None
) -> NoticeObjection:
    """An upheld objection stops the notice: the case can then only end as not eliminated."""
    if objection.notice.elimination is None:
        raise DomainError(_("该异议不属于风险消除公示"), field="objection")
    case = ELIMINATION.lock(objection.notice.elimination)
    ELIMINATION.in_state(case, E.VILLAGE_VERIFIED, E.TOWNSHIP_ASSESSED, E.COUNTY_DECIDED)
    require(_notice_right(actor, case))
    objection = notices.notice_resolve(objection=objection, handling=handling, upheld=upheld, resolved_on=resolved_on)
    ELIMINATION.note(
        case,
        actor=actor,
        comment=stored(
            gettext_noop("异议处理（成立）：%(handling)s")
            if upheld
            else gettext_noop("异议处理（不成立）：%(handling)s"),
            handling=objection.handling,
        ),
    )
    return objection


def _complete_notice(case: EliminationCase, *, actor: User | None, today: datetime.date, comment: str, to: E) -> None:
    stage = NOTICE_STAGE[case.state]
    notice = notices.current_notice(case, stage)
    end = notices.notice_finished(notice, today=today, next_step=_("进入下一环节"))
    ELIMINATION.move(
        case,
        to=to,
        actor=actor,
        comment=comment
        or stored(
            gettext_noop("%(stage)s期满（%(starts)s 至 %(ends)s）"),
            labels=("stage",),
            stage=source_text(stage.label),
            starts=str(notice.starts_on),
            ends=str(end),
        ),
    )


@transaction.atomic
def elimination_village_notice_complete(*, case: EliminationCase, actor: User, comment: str = "") -> EliminationCase:
    """EL-2 ends: the village notice is over with every objection handled and none upheld."""
    case = ELIMINATION.lock(case)
    require(permissions.can_take_village_steps(actor, case))
    ELIMINATION.in_state(case, E.VILLAGE_VERIFIED)
    _complete_notice(case, actor=actor, today=timezone.localdate(), comment=comment, to=E.VILLAGE_REVIEWED_NOTICED)
    case.save(update_fields=["state", "updated_at"])
    return case


# ------------------------------------------------------------------------------------------------- EL-3, EL-4


@transaction.atomic
def elimination_assess(*, case: EliminationCase, actor: User, comment: str) -> EliminationCase:
    """EL-3 乡级综合研判: the township's written assessment, made with the checklist in front of it."""
    case = ELIMINATION.lock(case)
    require(permissions.can_review_as_township(actor, case))
    ELIMINATION.in_state(case, E.VILLAGE_REVIEWED_NOTICED)
    case.assessment = required_text(comment, "comment", _("综合研判意见"))
    ELIMINATION.move(case, to=E.TOWNSHIP_ASSESSED, actor=actor, comment=case.assessment)
    case.save(update_fields=["state", "assessment", "updated_at"])
    return case


@transaction.atomic
def elimination_township_meeting(
    *,
    case: EliminationCase,
    actor: User,
    meeting_on: datetime.date,
    opinion: str,
    minutes_file: UploadedFile | None = None,
) -> EliminationCase:
    """EL-4, first half: the township meeting reviews the case (乡镇会议审核)."""
    case = ELIMINATION.lock(case)
    require(permissions.can_review_as_township(actor, case))
    ELIMINATION.in_state(case, E.TOWNSHIP_ASSESSED)
    if meeting_on > timezone.localdate() or meeting_on < case.opened_on:
        raise DomainError(_("会议日期须在发起日期与今天之间"), field="meeting_on")
    case.township_meeting_on = meeting_on
    case.township_opinion = required_text(opinion, "opinion", _("会议审核意见"))
    if minutes_file is not None:
        case.township_minutes.save(minutes_file.name or "minutes", minutes_file, save=False)
    case.save()
    ELIMINATION.note(
        case,
        actor=actor,
        comment=stored(
            gettext_noop("乡镇会议审核（%(on)s）：%(opinion)s"), on=str(meeting_on), opinion=case.township_opinion
        ),
    )
    return case


@transaction.atomic
def elimination_township_notice_complete(*, case: EliminationCase, actor: User, comment: str = "") -> EliminationCase:
    """EL-4 ends: the township notice is over. The county's spot-check sample is drawn now, with probability
    ``exit.spot_check_pct`` (SPEC §4.8 EL-5), so the county knows whether a spot-check visit is needed."""
    case = ELIMINATION.lock(case)
    require(permissions.can_review_as_township(actor, case))
    ELIMINATION.in_state(case, E.TOWNSHIP_ASSESSED)
    _complete_notice(case, actor=actor, today=timezone.localdate(), comment=comment, to=E.TOWNSHIP_REVIEWED_NOTICED)
    pct = int(parameter("exit.spot_check_pct", area_code=_area(case), on=timezone.localdate()))
    case.spot_check_required = rules.spot_check_drawn(secrets.SystemRandom().random(), pct)
    case.save(update_fields=["state", "spot_check_required", "updated_at"])
    return case


# ------------------------------------------------------------------------------------------------ EL-5 … EL-7


def _refuse_unless_eligible(
    case: EliminationCase, today: datetime.date, *, spot_check: bool = False
) -> eligibility.ExitChecks:
    """The exit checks, and at county screening (``spot_check``) the spot-check visit of a case drawn for one: a
    refusal names every condition that fails, and only those (SPEC §4.8)."""
    found = eligibility.elimination_checks(case.subject, on=today)
    refusals = [check.refusal for check in found.failures]
    fixes = [check.fix for check in found.failures if check.fix is not None]
    if (
        rules.elimination_outcome(
            has_labour=found.has_labour, has_social_security_measure=found.has_social_security_measure
        )
        is None
    ):
        refusals.append(_("该户无劳动能力：须先落实社会保障（兜底）措施，落实后暂不标注风险消除、持续跟踪监测"))
        fixes.append(eligibility.measures_fix(case.subject, _("落实社会保障措施")))
    if (
        spot_check
        and case.spot_check_required
        and not case.subject.household.visits.filter(kind=VisitKind.SPOT_CHECK, visited_on__gte=case.opened_on).exists()
    ):
        refusals.append(_("本户被抽中县级抽验：请先登记一次“抽查”走访"))
        fixes.append(eligibility.visit_fix(case.subject.household, spot_check=True))
    if refusals:  # every condition that fails, and only those (SPEC §4.8)
        raise DomainError(refusal_text(refusals), field="checks", fixes=fixes)
    return found


@transaction.atomic
def elimination_screen(*, case: EliminationCase, actor: User, comment: str = "") -> EliminationCase:
    """EL-5 县级信息筛查抽验: the system's checks (income ≥ line × 1.10, guarantees, risks, measures) must pass, and a
    case drawn for the spot check needs a spot-check visit. The results are kept on the case."""
    case = ELIMINATION.lock(case)
    require(permissions.can_approve_as_county(actor, case))
    ELIMINATION.in_state(case, E.TOWNSHIP_REVIEWED_NOTICED)
    today = timezone.localdate()
    found = _refuse_unless_eligible(case, today, spot_check=True)
    case.screening = [{"label": c.label, "ok": c.ok, "detail": c.detail} for c in found.checks]
    if found.summary is not None:
        case.per_capita_income = found.summary.per_capita
        case.exit_line = found.summary.exit_line
    ELIMINATION.move(case, to=E.COUNTY_SCREENED, actor=actor, comment=comment or stored(gettext_noop("信息筛查通过")))
    case.save()
    return case


@transaction.atomic
def elimination_decide(
    *,
    case: EliminationCase,
    actor: User,
    meeting_on: datetime.date,
    decision_no: str,
    places: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    photo: UploadedFile | None = None,
) -> EliminationCase:
    """EL-6 专题会议审定公告: the county's special meeting decides and the announcement (公告) is posted."""
    case = ELIMINATION.lock(case)
    require(permissions.can_approve_as_county(actor, case))
    ELIMINATION.in_state(case, E.COUNTY_SCREENED)
    today = timezone.localdate()
    if meeting_on > today or meeting_on < case.opened_on:
        raise DomainError(_("会议日期须在发起日期与今天之间"), field="meeting_on")
    case.county_meeting_on = meeting_on
    case.decision_no = required_text(decision_no, "decision_no", _("审定文号"))
    case.decided_on = today
    ELIMINATION.move(
        case,
        to=E.COUNTY_DECIDED,
        actor=actor,
        comment=stored(gettext_noop("专题会议审定（%(on)s，%(number)s）"), on=str(meeting_on), number=case.decision_no),
    )
    case.save()
    notices.notice_post(
        case=case,
        stage=NoticeStage.ELIMINATION_COUNTY,
        actor=actor,
        places=places,
        starts_on=starts_on,
        ends_on=ends_on,
        min_days=int(parameter(_NOTICE_DAYS[NoticeStage.ELIMINATION_COUNTY], area_code=_area(case), on=starts_on)),
        not_before=meeting_on,
        not_before_label=_("专题会议"),
        photo=photo,
    )
    return case


@transaction.atomic
def elimination_mark(*, case: EliminationCase, actor: User, comment: str = "") -> EliminationCase:
    """EL-7: once the announcement is over, mark 风险消除 — or, for a household without labour capacity whose
    social-security measures are in place, hold it (暂不标注, SPEC §4.9). The checks run again: the data may have
    changed during the notices. A look-back (回头看) is scheduled ``exit.lookback_months`` later (§4.10)."""
    case = ELIMINATION.lock(case)
    require(permissions.can_approve_as_county(actor, case))
    ELIMINATION.in_state(case, E.COUNTY_DECIDED)
    today = timezone.localdate()
    notice = notices.current_notice(case, NoticeStage.ELIMINATION_COUNTY)
    notices.notice_finished(notice, today=today, next_step=_("标注风险消除"))
    found = _refuse_unless_eligible(case, today)
    outcome = rules.elimination_outcome(
        has_labour=found.has_labour, has_social_security_measure=found.has_social_security_measure
    )
    subject = MonitoringSubject.objects.select_for_update().get(pk=case.subject_id)
    if outcome == "held":
        ELIMINATION.move(
            case,
            to=E.HELD,
            actor=actor,
            comment=comment or stored(gettext_noop("无劳动能力，已落实兜底保障，暂不标注风险消除")),
        )
        _subject_status(subject, SubjectStatus.ELIMINATION_HOLD)
    else:
        ELIMINATION.move(case, to=E.MARKED, actor=actor, comment=comment or stored(gettext_noop("已标注风险消除")))
        subject.status = SubjectStatus.RISK_ELIMINATED
        subject.eliminated_on = today
        # The national system learns of the marking when a person enters it there and records that entry
        # (``national.services.national_entry_record``): it now awaits entry, nothing is dated by itself.
        subject.save(update_fields=["status", "eliminated_on"])
        facts_refresh_households([subject.household_id])
        months = int(parameter("exit.lookback_months", area_code=_area(case), on=today))
        LookbackReview.objects.create(subject=subject, due_on=rules.add_months(today, months))
    case.marked_on = today
    case.save(update_fields=["state", "marked_on", "updated_at"])
    return case


@transaction.atomic
def elimination_end(*, case: EliminationCase, actor: User, comment: str) -> EliminationCase:
    """Any step may end the case as not eliminated, with a reason; the subject goes back to where it was
    (monitored, or held) and stays under monitoring (SPEC §4.8)."""
    case = ELIMINATION.lock(case)
    state = EliminationState(case.state)
    if state not in _DECIDER:
        raise TransitionNotAllowed(_("风险消除当前为“%(label)s”，不能再作未消除处理") % {"label": state.label})
    require(_DECIDER[state](actor, case))
    case.closing_reason = required_text(comment, "comment", _("未消除原因"))
    ELIMINATION.move(case, to=E.NOT_ELIMINATED, actor=actor, comment=case.closing_reason)
    case.save(update_fields=["state", "closing_reason", "updated_at"])
    subject = MonitoringSubject.objects.select_for_update().get(pk=case.subject_id)
    _subject_status(subject, case.prior_subject_status)
    return case


def elimination_notices_complete_due(*, today: datetime.date) -> int:
    """The daily job's elimination half: village and township notices that ended without open or upheld objections
    move their case on, with the system as actor. The county's announcement is marked by a person (EL-7)."""
    moved = 0
    targets = {E.VILLAGE_VERIFIED: E.VILLAGE_REVIEWED_NOTICED, E.TOWNSHIP_ASSESSED: E.TOWNSHIP_REVIEWED_NOTICED}
    waiting = EliminationCase.objects.filter(state__in=list(targets), public_notices__ends_on__lt=today)
    for pk in waiting.values_list("pk", flat=True).distinct():
        with transaction.atomic():
            case = ELIMINATION.lock(EliminationCase(pk=pk))
            if case.state not in targets:
                continue
            try:
                _complete_notice(case, actor=None, today=today, comment="", to=targets[EliminationState(case.state)])
            except DomainError:
                continue  # open or upheld objections, a paused clock, or a notice of an earlier stage
            if case.state == E.TOWNSHIP_REVIEWED_NOTICED:
                pct = int(parameter("exit.spot_check_pct", area_code=_area(case), on=today))
                case.spot_check_required = rules.spot_check_drawn(secrets.SystemRandom().random(), pct)
            case.save()
            moved += 1
    return moved


# ------------------------------------------------------------------------------------------ look-back (回头看)


@transaction.atomic
def lookback_record(
    *, review: LookbackReview, actor: User, outcome: str, note: str, triggers: list[str] | None = None
) -> LookbackReview:
    """Record a look-back after a 回头看 visit (SPEC §4.10): ``stable``; ``help_again`` (measures may be added again,
    the household stays eliminated and is looked at again after ``exit.lookback_months``); or
    ``return_to_monitoring``, which opens a new entry application with channel 回头看 running the normal steps,
    citing ``triggers`` (by default those of the last episode, SPEC §4.2)."""
    review = (
        LookbackReview.objects.select_for_update().select_related("subject__household__managing_area").get(pk=review.pk)
    )
    subject = review.subject
    require(permissions.can_take_village_steps(actor, subject) or permissions.can_review_as_township(actor, subject))
    if review.done_on is not None:
        raise DomainError(_("该回头看已于 %(done_on)s 完成") % {"done_on": review.done_on}, field="outcome")
    if outcome not in LookbackOutcome.values:
        raise DomainError(_("请选择核查结论"), field="outcome")
    note = required_text(note, "note", _("核查情况"))
    since = subject.eliminated_on or subject.entered_on
    if not subject.household.visits.filter(kind=VisitKind.LOOKBACK, visited_on__gte=since).exists():
        raise DomainError(_("请先登记一次“回头看”走访"), field="visit")
    today = timezone.localdate()
    review.done_on, review.outcome, review.note, review.reviewed_by = today, outcome, note, actor
    if outcome == LookbackOutcome.RETURN_TO_MONITORING:
        review.new_application = entry_report(
            actor=actor,
            household=subject.household,
            channel=IdentificationChannel.LOOKBACK,
            sub_channel="风险消除后回头看",
            proposed_category=subject.category,
            risk_types=list(subject.risk_types),
            triggers=list(triggers or subject.triggers),
            reason=note,
        )
    review.save()
    if outcome == LookbackOutcome.HELP_AGAIN:
        months = int(parameter("exit.lookback_months", area_code=subject.household.managing_area.code, on=today))
        LookbackReview.objects.create(subject=subject, due_on=rules.add_months(today, months))
    return review


# The commands the API exposes as ``POST …/transitions/`` {"action": …, "comment": …}.
ELIMINATION_STEPS: Final[Mapping[str, Callable[..., Any]]] = {
    "verify": elimination_verify,
    "complete_village_notice": elimination_village_notice_complete,
    "assess": elimination_assess,
    "complete_township_notice": elimination_township_notice_complete,
    "screen": elimination_screen,
    "mark": elimination_mark,
    "not_eliminated": elimination_end,
}
