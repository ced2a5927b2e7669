"""The entry workflow (纳入监测, SPEC §4.6): EN-0 report → EN-1 home verification → EN-2 democratic review →
EN-3 public notice → EN-4 township review → EN-5 county approval → EN-6 registered.

The workflow is declared once as ``ENTRY`` (``core.workflow``): every state change is one transaction that locks
the application row, re-checks the actor's right, checks the transition table, writes an append-only ``EntryEvent``
and saves the new state (STYLE rule 6). Two reviewers acting at once produce one transition: the second waits on
the lock and then finds the state moved on.
"""

import datetime
from collections.abc import Callable, Mapping
from typing import Any, Final

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from core.errors import DomainError, TransitionNotAllowed, refusal_text, required_text
from core.stored import source_text, stored
from core.workflow import Workflow, require
from geo.parameters import parameter
from households.choices import HouseholdFlagKind, VisitKind
from households.facts import facts_refresh_households
from households.models import Household, HouseholdFlag
from households.selectors import household_income_summary
from monitoring import permissions, rules
from monitoring.choices import (
    APPLICANT_MAY_WITHDRAW,
    OPEN_SUBJECT_STATUSES,
    EntryState,
    IdentificationChannel,
    NegativeListItem,
    NegativeListMode,
    NoticeStage,
    RiskType,
    SubjectCategory,
    TriggerCondition,
)
from monitoring.models import (
    DemocraticReview,
    EntryApplication,
    EntryEvent,
    MonitoringSubject,
    NegativeListHit,
    NoticeObjection,
    PublicNotice,
)
from monitoring.selectors import eligibility
from monitoring.services import alerts, notices, reviews
from monitoring.services.reviews import votes_comment

S = EntryState

# Every legal move of the entry workflow (SPEC §4.6) in one reviewable table; anything else is refused.
TRANSITIONS: Final[Mapping[EntryState, frozenset[EntryState]]] = {
    S.REPORTED: frozenset({S.HOME_VERIFIED, S.REJECTED, S.WITHDRAWN}),
    S.HOME_VERIFIED: frozenset({S.DEMOCRATICALLY_REVIEWED, S.REJECTED, S.WITHDRAWN}),
    # During the notice: it completes, or an upheld objection sends the case back to EN-1 or ends it.
    S.DEMOCRATICALLY_REVIEWED: frozenset({S.NOTICE_COMPLETED, S.REPORTED, S.REJECTED, S.WITHDRAWN}),
    # Withdrawn from here on only when the household leaves the registry (``subject_close_for_household``); the
    # applicant withdraws during the village steps (``entry_withdraw``).
    S.NOTICE_COMPLETED: frozenset({S.TOWNSHIP_REVIEWED, S.REPORTED, S.REJECTED, S.WITHDRAWN}),  # EN-4 may return
    S.TOWNSHIP_REVIEWED: frozenset({S.APPROVED, S.NOTICE_COMPLETED, S.REJECTED, S.WITHDRAWN}),  # EN-5 may return
    S.APPROVED: frozenset({S.REGISTERED, S.WITHDRAWN}),
    S.REGISTERED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.MERGED: frozenset(),
}

# Where the applicant may still withdraw: during the village steps (SPEC §4.6).

# Which check decides who may end or return a case in each state: the level whose step is pending.
_DECIDER: Final[Mapping[EntryState, Callable[[Any, EntryApplication], bool]]] = {
    S.REPORTED: permissions.can_take_village_steps,
    S.HOME_VERIFIED: permissions.can_take_village_steps,
    S.DEMOCRATICALLY_REVIEWED: permissions.can_take_village_steps,
    S.NOTICE_COMPLETED: permissions.can_review_as_township,
    S.TOWNSHIP_REVIEWED: permissions.can_approve_as_county,
}


ENTRY: Final = Workflow(
    model=EntryApplication,
    states=EntryState,
    transitions=TRANSITIONS,
    noun="申请",
    event_model=EntryEvent,
    event_case="application",
    lock_related=("household__managing_area",),
    on_move=lambda application, actor, comment: alerts.entry_alert(application, actor=actor, comment=comment),
)


def _valid_triggers(household: Household, triggers: list[str], *, category: str, on: datetime.date) -> list[str]:
    """The cited trigger conditions, each one the region profile enables for the category (SPEC §4.2)."""
    profile = eligibility.trigger_profile(household, on=on)
    allowed = {code.value: code for code in rules.triggers_of(category, profile)}
    cited = sorted(set(triggers))
    for code in cited:
        if code not in allowed:
            name = TriggerCondition(code).label if code in TriggerCondition.values else code
            label = SubjectCategory(category).label
            raise DomainError(
                _("界定条件“%(name)s”不适用于“%(label)s”（本地区界定条件版本：%(profile)s）")
                % {"name": name, "label": label, "profile": profile},
                field="triggers",
            )
    if not cited:
        raise DomainError(
            _("请至少选择一项“%(label)s”的界定条件") % {"label": SubjectCategory(category).label}, field="triggers"
        )
    return cited


# ------------------------------------------------------------------------------------------------------- EN-0


@transaction.atomic
def entry_report(
    *,
    actor: User,
    household: Household,
    channel: str,
    proposed_category: str,
    risk_types: list[str],
    reason: str,
    triggers: list[str],
    trigger_evidence: str = "",
    sub_channel: str = "",
    consent_given: bool = False,
) -> EntryApplication:
    """EN-0: a self-declaration, a cadre's screening or a warning opens an application citing at least one trigger
    condition of its category (SPEC §4.2). A household that already has an open application or an open monitoring
    episode gets a ``merged`` record instead (SPEC §4.6)."""
    require(has_capability(actor, Capability.OPEN_ENTRY))
    require(Household.objects.current_to(actor).filter(pk=household.pk).exists())  # not a village it left
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.closed_on is not None:
        raise DomainError(_("该户已于 %(closed_on)s 注销") % {"closed_on": household.closed_on}, field="household")
    if channel not in IdentificationChannel.values:
        raise DomainError(_("请选择识别渠道"), field="channel")
    if proposed_category not in SubjectCategory.values:
        raise DomainError(_("请选择拟定监测类别"), field="proposed_category")
    if not risk_types or any(risk not in RiskType.values for risk in risk_types):
        raise DomainError(_("请至少选择一种风险类型"), field="risk_types")
    reason = required_text(reason, "reason", _("申报理由"))
    today = timezone.localdate()
    triggers = _valid_triggers(household, triggers, category=proposed_category, on=today)
    if channel == IdentificationChannel.SELF_DECLARATION and not consent_given:
        raise DomainError(_("农户自主申报须承诺授权查询家庭情况（003 L230）"), field="consent_given")
    application = EntryApplication(
        household=household,
        channel=channel,
        sub_channel=sub_channel,
        proposed_category=proposed_category,
        risk_types=sorted(set(risk_types)),
        triggers=triggers,
        trigger_evidence=trigger_evidence.strip(),
        reason=reason,
        consent_given=consent_given,
        reported_by=actor,
        reported_on=today,
    )
    try:
        summary = household_income_summary(household, on=today)
    except DomainError:
        summary = None  # no monitoring line for the area yet: the reviewers see the gap on the checklist
    if summary is not None:
        application.income_window = summary.window.label
        application.per_capita_income = summary.per_capita
        application.threshold = summary.threshold.amount
    open_application = (
        EntryApplication.objects.filter(household=household, state__in=TRANSITIONS.keys())
        .exclude(state__in=[S.REGISTERED, S.REJECTED, S.WITHDRAWN, S.MERGED])
        .first()
    )
    open_subject = MonitoringSubject.objects.filter(household=household, status__in=OPEN_SUBJECT_STATUSES).first()
    if open_application is not None or open_subject is not None:
        application.state = S.MERGED
        reason = (
            stored(
                gettext_noop("该户已有办理中的纳入申请（%(state)s）"),
                labels=("state",),
                state=source_text(open_application.get_state_display()),
            )
            if open_application is not None
            else stored(gettext_noop("该户已是监测对象"))
        )
        application.keep_closing_reason(reason)
        application.save()
        ENTRY.opened(application, actor=actor, comment=reason, tell=False)
        return application
    application.save()
    ENTRY.opened(application, actor=actor, comment=reason)
    # The household's risks stay open: an entry under way takes them up (they leave the "待识别" queue through the
    # fact ``entry_open``), and only their resolution — a measure's effect — ends them (SPEC §4.3, §4.8).
    facts_refresh_households([household.pk])  # an entry under way
    return application


# ------------------------------------------------------------------------------------------------ EN-1 … EN-3


@transaction.atomic
def entry_verify(
    *,
    application: EntryApplication,
    actor: User,
    comment: str = "",
    triggers: list[str] | None = None,
    trigger_evidence: str | None = None,
) -> EntryApplication:
    """EN-1: home verification, which is a recorded visit of kind 入户核实 since the report (SPEC §4.6); the
    village confirms or corrects the cited trigger conditions and their evidence (§4.2, EN-1 "confirmed
    triggers with evidence")."""
    application = ENTRY.lock(application)
    require(permissions.can_take_village_steps(actor, application))
    ENTRY.in_state(application, S.REPORTED)
    if not application.household.visits.filter(
        kind=VisitKind.VERIFICATION, visited_on__gte=application.reported_on
    ).exists():
        raise DomainError(_("请先登记一次“入户核实”走访（收入、两不愁三保障核查），再完成入户核实"), field="visit")
    if triggers is not None:
        application.triggers = _valid_triggers(
            application.household, triggers, category=application.proposed_category, on=timezone.localdate()
        )
    if trigger_evidence is not None:
        application.trigger_evidence = trigger_evidence.strip()
    ENTRY.move(application, to=S.HOME_VERIFIED, actor=actor, comment=comment)
    application.save(update_fields=["state", "triggers", "trigger_evidence", "updated_at"])
    return application


@transaction.atomic
def entry_review(
    *,
    application: EntryApplication,
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
    """EN-2: the democratic review is a record of its own (meeting, attendees and roles, votes, minutes)."""
    application = ENTRY.lock(application)
    require(permissions.can_take_village_steps(actor, application))
    ENTRY.in_state(application, S.HOME_VERIFIED)
    review = reviews.democratic_review_record(
        case=application,
        household=application.household,
        since=application.reported_on,
        since_label=_("申报日期"),
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
    ENTRY.move(
        application,
        to=S.DEMOCRATICALLY_REVIEWED,
        actor=actor,
        comment=votes_comment(review, votes_for, votes_against),
    )
    application.save(update_fields=["state", "updated_at"])
    return review


@transaction.atomic
def entry_notice_post(
    *,
    application: EntryApplication,
    actor: User,
    places: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    photo: UploadedFile | None = None,
) -> PublicNotice:
    """EN-3 begins: the village posts the notice for at least ``notice.entry_days`` days (SPEC §4.6, §4.14)."""
    application = ENTRY.lock(application)
    require(permissions.can_take_village_steps(actor, application))
    ENTRY.in_state(application, S.DEMOCRATICALLY_REVIEWED)
    review = application.democratic_reviews.order_by("-pk").first()
    min_days = int(parameter("notice.entry_days", area_code=application.household.managing_area.code, on=starts_on))
    notice = notices.notice_post(
        case=application,
        stage=NoticeStage.ENTRY,
        actor=actor,
        places=places,
        starts_on=starts_on,
        ends_on=ends_on,
        min_days=min_days,
        not_before=review.held_on if review else None,
        not_before_label=_("民主评议"),
        photo=photo,
    )
    ENTRY.note(
        application,
        actor=actor,
        comment=stored(
            gettext_noop("张贴公示：%(places)s，%(starts)s 至 %(ends)s"),
            places=notice.places,
            starts=str(starts_on),
            ends=str(ends_on),
        ),
    )
    return notice


@transaction.atomic
def entry_notice_object(
    *, application: EntryApplication, actor: User, received_on: datetime.date, content: str
) -> NoticeObjection:
    """An objection (异议) received during the notice; it pauses the clock until resolved."""
    application = ENTRY.lock(application)
    require(permissions.can_take_village_steps(actor, application))
    ENTRY.in_state(application, S.DEMOCRATICALLY_REVIEWED)
    notice = notices.current_notice(application, NoticeStage.ENTRY)
    return notices.notice_object(notice=notice, actor=actor, received_on=received_on, content=content)


@transaction.atomic
def entry_notice_resolve(
    *, objection: NoticeObjection, actor: User, handling: str, upheld: bool, resolved_on: datetime.date | None = None
) -> NoticeObjection:
    """Record how an objection was handled. An upheld objection stops the notice: the case must then be returned
    to home verification or rejected (NL-4, SPEC §4.7)."""
    application = objection.notice.application
    if application is None:
        raise DomainError(_("该异议不属于纳入监测公示"), field="objection")
    application = ENTRY.lock(application)
    require(permissions.can_take_village_steps(actor, application))
    return notices.notice_resolve(objection=objection, handling=handling, upheld=upheld, resolved_on=resolved_on)


def _notice_complete(application: EntryApplication, *, actor: User | None, today: datetime.date, comment: str) -> None:
    notice = notices.current_notice(application, NoticeStage.ENTRY)
    end = notices.notice_finished(notice, today=today, next_step=_("报乡镇审核"))
    ENTRY.move(
        application,
        to=S.NOTICE_COMPLETED,
        actor=actor,
        comment=comment
        or stored(gettext_noop("公示期满（%(starts)s 至 %(ends)s）"), starts=str(notice.starts_on), ends=str(end)),
    )
    application.save(update_fields=["state", "updated_at"])


@transaction.atomic
def entry_notice_complete(*, application: EntryApplication, actor: User, comment: str = "") -> EntryApplication:
    """EN-3 ends: the period is over (objections paused it) and every objection is handled, none upheld."""
    application = ENTRY.lock(application)
    require(permissions.can_take_village_steps(actor, application))
    ENTRY.in_state(application, S.DEMOCRATICALLY_REVIEWED)
    _notice_complete(application, actor=actor, today=timezone.localdate(), comment=comment)
    return application


def notices_complete_due(*, today: datetime.date) -> int:
    """The daily job: every notice whose period ended without open or upheld objections moves its case to the
    township queue, with the system as actor. Idempotent; one transaction per case."""
    moved = 0
    waiting = EntryApplication.objects.filter(state=S.DEMOCRATICALLY_REVIEWED, public_notices__ends_on__lt=today)
    for pk in waiting.values_list("pk", flat=True).distinct():
        with transaction.atomic():
            application = ENTRY.lock(EntryApplication(pk=pk))
            if application.state != S.DEMOCRATICALLY_REVIEWED:
                continue
            try:
                _notice_complete(application, actor=None, today=today, comment="")
            except DomainError:
                continue  # open objections, upheld objections or a paused clock: a person decides
            moved += 1
    return moved


# ------------------------------------------------------------------------------------------------ EN-4 … EN-6


@transaction.atomic
def entry_township_review(*, application: EntryApplication, actor: User, comment: str) -> EntryApplication:
    """EN-4: the township reviews the file and forwards it to the county with its opinion."""
    application = ENTRY.lock(application)
    require(permissions.can_review_as_township(actor, application))
    ENTRY.in_state(application, S.NOTICE_COMPLETED)
    application.township_opinion = required_text(comment, "comment", _("乡镇审核意见"))
    ENTRY.move(application, to=S.TOWNSHIP_REVIEWED, actor=actor, comment=application.township_opinion)
    application.save(update_fields=["state", "township_opinion", "updated_at"])
    return application


@transaction.atomic
def entry_approve(
    *,
    application: EntryApplication,
    actor: User,
    category: str,
    risk_types: list[str],
    triggers: list[str] | None = None,
    decision_no: str = "",
    comment: str = "",
) -> EntryApplication:
    """EN-5: the county approves and fixes the category. The cited triggers must include one of the category
    (SPEC §4.2; the county may re-cite them when it changes the category), the category must fit the household
    (§4.1) and, for unstable-exited and marginal households, the income must be below the year's line
    (NR-INC-01)."""
    application = ENTRY.lock(application)
    require(permissions.can_approve_as_county(actor, application))
    ENTRY.in_state(application, S.TOWNSHIP_REVIEWED)
    if category not in SubjectCategory.values:
        raise DomainError(_("请选择监测类别"), field="category")
    if not risk_types or any(risk not in RiskType.values for risk in risk_types):
        raise DomainError(_("请至少选择一种风险类型"), field="risk_types")
    household = application.household
    today = timezone.localdate()
    area_code = household.managing_area.code
    cited = application.triggers
    if triggers is not None:
        cited = _valid_triggers(household, triggers, category=category, on=today)
    found = eligibility.entry_checks(household, category, on=today, triggers=cited)
    failures = found.failures
    if failures:  # every condition that fails, and only those
        raise DomainError(
            refusal_text([f.refusal for f in failures]),
            field=failures[0].field,
            fixes=[f.fix for f in failures if f.fix is not None],
        )
    summary = found.summary
    assert summary is not None  # a missing line is a failed check above
    _refuse_unless_negative_list_allows(
        application, mode=str(parameter("entry.negative_list_mode", area_code=area_code, on=today))
    )
    application.category = category
    application.triggers = cited
    application.risk_types = sorted(set(risk_types))
    application.decision_no = decision_no.strip()
    application.decided_on = today
    application.per_capita_income = summary.per_capita
    application.threshold = summary.threshold.amount
    application.income_window = summary.window.label
    ENTRY.move(application, to=S.APPROVED, actor=actor, comment=comment)
    application.save()
    if rules.returns_to_poverty(summary.per_capita, summary.threshold.national_line):
        _mark_returned_to_poverty(application, on=today)
    return application


def _mark_returned_to_poverty(application: EntryApplication, *, on: datetime.date) -> None:
    """The county's approval decides 返贫致贫 (SPEC §4.10): the flag opens that day, noting the decision; an open one
    stays as it is. The indicator "返贫人口" counts these decisions (the flag cannot be set by hand)."""
    household = application.household
    returned = HouseholdFlagKind.RETURNED_TO_POVERTY
    if HouseholdFlag.objects.filter(household=household, kind=returned, valid_to=None).exists():
        return
    if application.decision_no:
        note = _("县级批准纳入监测时认定（%(no)s）") % {"no": application.decision_no}
    else:
        note = _("县级批准纳入监测时认定")
    HouseholdFlag.objects.create(household=household, kind=returned, valid_from=on, note=note)
    facts_refresh_households([household.pk])


@transaction.atomic
def entry_register(*, application: EntryApplication, actor: User, comment: str = "") -> MonitoringSubject:
    """EN-6: the approved household becomes a monitoring subject."""
    application = ENTRY.lock(application)
    require(permissions.can_register(actor, application))
    ENTRY.in_state(application, S.APPROVED)
    if MonitoringSubject.objects.filter(household=application.household, status__in=OPEN_SUBJECT_STATUSES).exists():
        raise DomainError(_("该户已是监测对象"), field="household")
    previous = MonitoringSubject.objects.filter(household=application.household).order_by("-entered_on", "-pk")
    subject = MonitoringSubject.objects.create(
        household=application.household,
        application=application,
        previous_subject=previous.first(),  # SPEC §4.10: the household history links every episode
        category=application.category,
        risk_types=application.risk_types,
        triggers=application.triggers,
        entered_on=timezone.localdate(),
    )
    ENTRY.move(application, to=S.REGISTERED, actor=actor, comment=comment)
    application.save(update_fields=["state", "updated_at"])
    facts_refresh_households([application.household_id])  # monitored from today
    return subject


# ---------------------------------------------------------------------------------------------- negative list


@transaction.atomic
def entry_negative_hit_record(
    *, application: EntryApplication, actor: User, item: str, evidence: str
) -> NegativeListHit:
    """Record a negative-list situation found at home verification, the review or the notice (village) or the
    township review (SPEC §4.7 "checked at" column)."""
    application = ENTRY.lock(application)
    require(
        permissions.can_take_village_steps(actor, application) or permissions.can_review_as_township(actor, application)
    )
    if not application.is_open or application.state == S.APPROVED:
        raise TransitionNotAllowed(
            _("申请当前为“%(state)s”，不能再登记负面清单情形") % {"state": application.get_state_display()}
        )
    if item not in NegativeListItem.values:
        raise DomainError(_("请选择负面清单情形"), field="item")
    if application.negative_hits.filter(item=item).exists():
        raise DomainError(_("已登记过 %(item)s") % {"item": item}, field="item")
    hit = NegativeListHit.objects.create(
        application=application,
        item=item,
        recorded_by=actor,
        evidence=required_text(evidence, "evidence", _("情况及佐证")),
    )
    ENTRY.note(
        application,
        actor=actor,
        comment=stored(gettext_noop("负面清单 %(item)s：%(evidence)s"), item=str(item), evidence=hit.evidence),
    )
    return hit


def _hit_text(hit: NegativeListHit) -> str:
    return _("%(item)s“%(label)s”（%(recorded_by)s %(recorded_on)s 登记）") % {
        "item": hit.item,
        "label": hit.get_item_display(),
        "recorded_by": hit.recorded_by,
        "recorded_on": timezone.localtime(hit.recorded_at).date(),
    }


def _refuse_unless_negative_list_allows(application: EntryApplication, *, mode: str) -> None:
    """SPEC §4.7 at EN-5: in mode ``override`` every hit needs its own county override, so a hit recorded after an
    earlier override stops approval again; the refusal names each hit still unanswered."""
    hits = list(application.negative_hits.select_related("recorded_by").order_by("recorded_at", "pk"))
    unanswered = [hit for hit in hits if not hit.is_overridden]
    if rules.negative_list_allows_approval(hits=len(hits), mode=mode, overridden=not unanswered):
        return
    if mode == NegativeListMode.OVERRIDE:
        raise DomainError(
            _("负面清单情形尚未放行：%(hits)s。每项命中须由县级审核人员说明理由放行后方可批准")
            % {"hits": "；".join(_hit_text(hit) for hit in unanswered)},
            field="negative_list",
        )
    raise DomainError(
        _("负面清单有命中情形（%(hits)s），按本地规定不得批准") % {"hits": "；".join(_hit_text(hit) for hit in hits)},
        field="negative_list",
    )


@transaction.atomic
def entry_negative_override(
    *, application: EntryApplication, actor: User, comment: str, item: str = ""
) -> NegativeListHit:
    """A county reviewer lets the case go on despite one negative-list hit (``item``), with a written justification
    that stays on the hit (SPEC §1.3 "override a negative-list hit", §4.7 mode ``override``). Each hit is answered
    on its own; ``item`` may be left out only while a single hit waits for its answer."""
    application = ENTRY.lock(application)
    require(
        has_capability(actor, Capability.OVERRIDE_NEGATIVE_LIST) and permissions.in_managing_chain(actor, application)
    )
    if not application.is_open or application.state == S.APPROVED:
        raise TransitionNotAllowed(
            _("申请当前为“%(state)s”，不能再放行负面清单情形") % {"state": application.get_state_display()}
        )
    hits = application.negative_hits.select_for_update()
    if not hits.exists():
        raise DomainError(_("没有负面清单命中情形，无需放行"), field="comment")
    waiting = list(hits.filter(overridden_at__isnull=True).order_by("recorded_at", "pk"))
    if item:
        hit = hits.filter(item=item).first()
        if hit is None:
            raise DomainError(_("本申请没有登记 %(item)s") % {"item": item}, field="item")
        if hit.is_overridden:
            raise DomainError(
                _("%(item)s 已于 %(on)s 由 %(by)s 放行")
                % {"item": item, "on": timezone.localtime(hit.overridden_at).date(), "by": hit.overridden_by},
                field="item",
            )
    elif len(waiting) == 1:
        hit = waiting[0]
    elif not waiting:
        raise DomainError(_("负面清单命中情形均已放行"), field="item")
    else:
        raise DomainError(_("请选择要放行的负面清单情形（每项须分别说明理由）"), field="item")
    reason = required_text(comment, "comment", _("放行理由"))
    if len(reason) < 10:
        raise DomainError(_("放行理由须具体说明（不少于 10 个字）"), field="comment")
    hit.override_reason, hit.overridden_by, hit.overridden_at = reason, actor, timezone.now()
    hit.save(update_fields=["override_reason", "overridden_by", "overridden_at"])
    ENTRY.note(
        application,
        actor=actor,
        comment=stored(gettext_noop("负面清单 %(item)s 放行：%(reason)s"), item=str(hit.item), reason=reason),
    )
    return hit


# ---------------------------------------------------------------------------------------- return, reject, withdraw


_RETURN_TO: Final[Mapping[EntryState, EntryState]] = {
    S.DEMOCRATICALLY_REVIEWED: S.REPORTED,  # an objection upheld during the notice: verify again
    S.NOTICE_COMPLETED: S.REPORTED,  # the township returns the case to EN-1
    S.TOWNSHIP_REVIEWED: S.NOTICE_COMPLETED,  # the county returns it to EN-4
}


@transaction.atomic
def entry_return(*, application: EntryApplication, actor: User, comment: str) -> EntryApplication:
    """Send a case back one level with comments (SPEC §4.6 rejection columns)."""
    application = ENTRY.lock(application)
    state = EntryState(application.state)
    if state not in _RETURN_TO:
        raise TransitionNotAllowed(_("申请当前为“%(label)s”，不能退回") % {"label": state.label})
    require(_DECIDER[state](actor, application))
    ENTRY.move(application, to=_RETURN_TO[state], actor=actor, comment=required_text(comment, "comment", _("退回意见")))
    application.save(update_fields=["state", "updated_at"])
    return application


@transaction.atomic
def entry_reject(*, application: EntryApplication, actor: User, comment: str) -> EntryApplication:
    """End the case as not included; it stays visible with its reason, and the household may be reported again
    when facts change (SPEC §4.6)."""
    application = ENTRY.lock(application)
    state = EntryState(application.state)
    if state not in _DECIDER:
        raise TransitionNotAllowed(_("申请当前为“%(label)s”，不能作未通过处理") % {"label": state.label})
    require(_DECIDER[state](actor, application))
    application.closing_reason = required_text(comment, "comment", _("未通过原因"))
    ENTRY.move(application, to=S.REJECTED, actor=actor, comment=application.closing_reason)
    application.save(update_fields=["state", "closing_reason", "updated_at"])
    facts_refresh_households([application.household_id])
    return application


@transaction.atomic
def entry_withdraw(*, application: EntryApplication, actor: User, comment: str) -> EntryApplication:
    """The applicant withdraws before the village steps are over."""
    application = ENTRY.lock(application)
    require(permissions.can_withdraw(actor, application))
    ENTRY.in_state(application, *APPLICANT_MAY_WITHDRAW)
    application.closing_reason = required_text(comment, "comment", _("撤回原因"))
    ENTRY.move(application, to=S.WITHDRAWN, actor=actor, comment=application.closing_reason)
    application.save(update_fields=["state", "closing_reason", "updated_at"])
    facts_refresh_households([application.household_id])
    return application


# The commands the API exposes as ``POST …/transitions/`` {"action": …, "comment": …}.
ENTRY_STEPS: Final[Mapping[str, Callable[..., Any]]] = {
    "verify": entry_verify,
    "complete_notice": entry_notice_complete,
    "township_review": entry_township_review,
    "register": entry_register,
    "return": entry_return,
    "reject": entry_reject,
    "withdraw": entry_withdraw,
}
