"""Public notices (公示/公告) shared by the entry and elimination workflows (SPEC §4.6 "shared records", EN-3,
EL-2, EL-4, EL-6). The callers lock their case and check the actor's right; these functions validate and write."""

import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError, required_text
from geo.workdays import notice_long_enough
from monitoring import rules
from monitoring.models import EliminationCase, EntryApplication, NoticeObjection, PublicNotice


def notice_post(
    *,
    case: EntryApplication | EliminationCase,
    stage: str,
    actor: User,
    places: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    min_days: int,
    not_before: datetime.date | None,
    not_before_label: str,
    photo: UploadedFile | None = None,
) -> PublicNotice:
    """Post a notice lasting at least ``min_days`` calendar days (SPEC §4.14), starting no earlier than the step it
    publishes (``not_before``); one notice per stage and round."""
    places = required_text(places, "places", "公示地点")
    if not_before is not None and starts_on < not_before:
        raise DomainError(
            _("公示不能早于%(not_before_label)s（%(not_before)s）")
            % {"not_before_label": not_before_label, "not_before": not_before},
            field="starts_on",
        )
    if ends_on < starts_on:
        raise DomainError(_("公示结束日期不能早于开始日期"), field="ends_on")
    if not notice_long_enough(starts_on, ends_on, min_days):
        raise DomainError(_("公示期不得少于 %(min_days)s 天") % {"min_days": min_days}, field="ends_on")
    if notices_of(case, stage).filter(starts_on__gte=not_before or starts_on).exists():
        raise DomainError(_("本环节已张贴公示"), field="starts_on")
    owner: dict[str, Any] = {"application": case} if isinstance(case, EntryApplication) else {"elimination": case}
    notice = PublicNotice(
        household=case.household,
        stage=stage,
        places=places,
        starts_on=starts_on,
        ends_on=ends_on,
        posted_by=actor,
        **owner,
    )
    if photo is not None:
        notice.photo.save(photo.name or "notice", photo, save=False)
    notice.save()
    return notice


def notices_of(case: EntryApplication | EliminationCase, stage: str) -> QuerySet[PublicNotice]:
    return case.public_notices.filter(stage=stage)


def current_notice(case: EntryApplication | EliminationCase, stage: str) -> PublicNotice:
    notice = notices_of(case, stage).order_by("-pk").first()
    if notice is None:
        raise DomainError(_("尚未张贴公示"), field="notice")
    return notice


def notice_object(*, notice: PublicNotice, actor: User, received_on: datetime.date, content: str) -> NoticeObjection:
    """An objection (异议) received during the notice; it pauses the clock until resolved."""
    if not notice.starts_on <= received_on <= timezone.localdate():
        raise DomainError(_("异议须在公示开始之后、今天及以前收到"), field="received_on")
    return NoticeObjection.objects.create(
        notice=notice,
        received_on=received_on,
        content=required_text(content, "content", "异议内容"),
        recorded_by=actor,
    )


def notice_resolve(
    *, objection: NoticeObjection, handling: str, upheld: bool, resolved_on: datetime.date | None
) -> NoticeObjection:
    """Record how an objection was handled; an upheld one stops the notice until the case is sent back or ended."""
    objection = NoticeObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.resolved_on is not None:
        raise DomainError(
            _("该异议已于 %(resolved_on)s 处理") % {"resolved_on": objection.resolved_on}, field="handling"
        )
    resolved_on = resolved_on or timezone.localdate()
    if resolved_on < objection.received_on:
        raise DomainError(_("处理日期不能早于收到日期"), field="resolved_on")
    objection.handling = required_text(handling, "handling", "处理情况")
    objection.upheld = upheld
    objection.resolved_on = resolved_on
    objection.save(update_fields=["handling", "upheld", "resolved_on"])
    return objection


def notice_finished(notice: PublicNotice, *, today: datetime.date, next_step: str) -> datetime.date:
    """The effective last day of a notice whose period is over with every objection handled and none upheld;
    otherwise a ``DomainError`` saying what still stops it (SPEC §4.6: a step that needs a notice cannot complete
    before ``ends_on`` and before every objection has a recorded handling)."""
    objections = list(notice.objections.all())
    if any(o.resolved_on is None for o in objections):
        raise DomainError(_("公示期内有未处理的异议，处理后方可结束公示"), field="notice")
    if any(o.upheld for o in objections):
        raise DomainError(_("有异议成立：请退回或作未通过处理"), field="notice")
    end = rules.notice_effective_end(notice.ends_on, [(o.received_on, o.resolved_on) for o in objections], today=today)
    if not rules.notice_period_over(end, today=today):
        raise DomainError(
            _("公示期至 %(end)s 结束，期满后方可%(next_step)s") % {"end": end, "next_step": next_step}, field="notice"
        )
    return end
