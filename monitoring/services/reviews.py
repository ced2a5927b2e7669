"""The democratic review (民主评议) shared by the entry and elimination workflows (SPEC §4.6 EN-2, §4.8 EL-2): a
record of its own with the meeting, its attendees and their roles, the votes and the minutes. The callers lock
their case and check the actor's right and the state; this validates the record and writes it."""

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core.errors import DomainError, required_text
from core.stored import Stored, source_text, stored
from households.models import Household
from monitoring.choices import ReviewBody
from monitoring.models import DemocraticReview, EliminationCase, EntryApplication


def democratic_review_record(
    *,
    case: EntryApplication | EliminationCase,
    household: Household,
    since: datetime.date,
    since_label: str,
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
    """Write the review of ``case``. It is held between ``since`` (the day the case began, named ``since_label``
    in the refusal) and today; the counts must add up: representatives and votes among those present."""
    if body not in ReviewBody.values:
        raise DomainError(_("请选择评议组织"), field="body")
    if held_on > timezone.localdate() or held_on < since:
        raise DomainError(_("评议日期须在%(since_label)s与今天之间") % {"since_label": since_label}, field="held_on")
    attendees = required_text(attendees, "attendees", _("参会人员及身份"))
    if participants_count <= 0:
        raise DomainError(_("参会人数须大于 0"), field="participants_count")
    if representatives_present > participants_count:
        raise DomainError(_("到会村民代表数不能多于参会人数"), field="representatives_present")
    if votes_for + votes_against > participants_count:
        raise DomainError(
            _("赞成票与反对票之和（%(value)s）不能多于参会人数（%(participants_count)s）")
            % {"value": votes_for + votes_against, "participants_count": participants_count},
            field="votes_for",
        )
    review = DemocraticReview(
        household=household,
        application=case if isinstance(case, EntryApplication) else None,
        elimination=case if isinstance(case, EliminationCase) else None,
        held_on=held_on,
        body=body,
        participants_count=participants_count,
        representatives_present=representatives_present,
        attendees=attendees,
        votes_for=votes_for,
        votes_against=votes_against,
        objections=objections.strip(),
        recorded_by=actor,
    )
    if minutes_file is not None:
        review.minutes_file.save(minutes_file.name or "minutes", minutes_file, save=False)
    review.save()
    return review


def votes_comment(review: DemocraticReview, votes_for: int, votes_against: int) -> Stored:
    """The event line a democratic review leaves on its case (entry EN-2, elimination EL-1), in the reader's
    language when read."""
    return stored(
        gettext_noop("%(body)s：赞成 %(votes_for)s，反对 %(votes_against)s"),
        labels=("body",),
        body=source_text(review.get_body_display()),
        votes_for=votes_for,
        votes_against=votes_against,
    )
