"""Taking households offline and receiving the visits a phone captured (issue "Visits without signal").

A download is recorded (who, which scope, how many, until when, and every household whose full ID numbers went to
the phone, as an identity disclosure). A visit from the phone is saved by the same service as the online form
(``households.services.visit_record``), once per number the phone gave it; jurisdiction is checked when it is sent,
not when the households were downloaded; and a household that changed on the server since the download is not
saved silently: the sender is told what changed and chooses to save anyway or discard."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can_view_identity
from core.errors import DomainError
from households.choices import DisclosureChannel, MemberStatus
from households.models import Household, HouseholdMember, IdentityDisclosure, Visit
from households.services.visits import PhotoUpload, VisitInput, visit_of_client, visit_record
from offline.models import OfflineDownload, OfflineReceipt
from offline.selectors import Scope, household_records, keep_days, scope_of


@dataclass
class Download:
    scope: Scope
    households: list[dict[str, Any]]
    downloaded_at: datetime.datetime
    expires_at: datetime.datetime
    unmasked: bool


@transaction.atomic
def offline_download(*, actor: User, scope_key: str) -> Download:
    """The households of ``scope_key`` for the phone, recorded with their expiry (``offline.keep_days``)."""
    scope = scope_of(actor, scope_key)
    now = timezone.now()
    records = household_records(actor, scope, today=timezone.localdate())
    unmasked = can_view_identity(actor)
    expires_at = now + datetime.timedelta(days=keep_days(actor))
    OfflineDownload.objects.create(
        user=actor,
        scope=scope.key,
        scope_label=scope.label,
        household_count=len(records),
        unmasked=unmasked,
        expires_at=expires_at,
    )
    if unmasked:  # full numbers left for a phone: one audit row per household, as a page showing them writes
        IdentityDisclosure.objects.bulk_create(
            IdentityDisclosure(user=actor, household_id=record["id"], channel=DisclosureChannel.OFFLINE)
            for record in records
        )
    return Download(scope, records, now, expires_at, unmasked)


@dataclass(frozen=True)
class Base:
    """What the phone held of the household when the visit was captured: its download time, the members present
    and the managing area."""

    downloaded_at: datetime.datetime | None = None
    members: tuple[int, ...] = ()
    area: str = ""
    housing_safety: str = ""  # the registry's grade the visit form started from


@dataclass
class Outcome:
    """``saved`` (``duplicate`` when it had been saved before), ``conflict`` (``changes`` say what changed) or
    ``refused`` (``message``, and ``errors`` by field)."""

    status: str
    visit: Visit | None = None
    duplicate: bool = False
    changes: list[str] = field(default_factory=list)
    message: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    forbidden: bool = False
    can_save_anyway: bool = True  # False when saving anyway could never succeed (a closed household)


def visit_changes(household: Household, base: Base, *, visited_on: datetime.date, client_uuid: uuid.UUID) -> list[str]:
    """What changed on the server since the phone took the household: closed, transferred, members gone, another
    visit on the same day. Each a sentence; none when nothing did."""
    changes = []
    if household.closed_on is not None:
        changes.append(
            _("该户已于 %(on)s 注销（%(reason)s）")
            % {"on": household.closed_on, "reason": household.get_closed_reason_display()}
        )
    if base.area and household.managing_area.code != base.area:
        changes.append(_("该户已转到%(area)s") % {"area": household.managing_area.name})
    if base.housing_safety and household.housing_safety != base.housing_safety:
        # Saving would write the grade the phone started from over the newer one (``visit_record``).
        changes.append(
            _("住房安全等级已改为“%(grade)s”，保存将按本次走访填写的等级更新")
            % {"grade": household.get_housing_safety_display() or _("未填写")}
        )
    gone = (
        HouseholdMember.objects.filter(household=household, pk__in=base.members)
        .exclude(member_status=MemberStatus.PRESENT)
        .order_by("pk")
    )
    for member in gone:
        on = member.status_changed_on
        changes.append(
            _("%(name)s 已%(status)s（%(on)s）")
            % {"name": member.name, "status": member.get_member_status_display(), "on": on}
            if on
            else _("%(name)s 已%(status)s") % {"name": member.name, "status": member.get_member_status_display()}
        )
    same_day = (
        Visit.objects.filter(household=household, visited_on=visited_on)
        .exclude(client_uuid=client_uuid)
        .select_related("recorded_by")
        .order_by("pk")
    )
    for visit in same_day:
        changes.append(_("%(on)s 已有 %(who)s 登记的走访") % {"on": visit.visited_on, "who": visit.recorded_by})
    return changes


def _refused(message: str, *, field_name: str | None = None, forbidden: bool = False) -> Outcome:
    errors = {field_name: [message]} if field_name else {}
    return Outcome("refused", message=message, errors=errors, forbidden=forbidden)


def _duplicate(actor: User, visit: Visit) -> Outcome:
    if visit.recorded_by_id != actor.pk:
        return _refused(_("这条走访的编号已被他人使用，请放弃后重新登记"))
    return Outcome("saved", visit=visit, duplicate=True)


def visit_sync(
    *,
    actor: User,
    household_id: int,
    client_uuid: uuid.UUID,
    base: Base,
    data: VisitInput,
    photos: list[PhotoUpload],
    save_anyway: bool = False,
    seen: tuple[str, ...] = (),
) -> Outcome:
    """Save one visit sent from a phone, or say why not. Sending the same visit again answers the visit saved
    the first time and saves nothing; a visit whose household changed since the download is saved only when the
    sender chose to (``save_anyway``) after seeing every change there is now (``seen``: a change that came after
    they looked is a conflict again), and those changes are kept with it. A closed household is a conflict that
    cannot be saved anyway."""
    earlier = visit_of_client(client_uuid)
    if earlier is not None:
        return _duplicate(actor, earlier)
    household = Household.objects.current_to(actor).select_related("managing_area").filter(pk=household_id).first()
    if household is None:
        if Household.objects.visible_to(actor).filter(pk=household_id).exists():
            return _refused(_("该户已转出您的管辖范围，不能再为其登记走访"), forbidden=True)
        return _refused(_("该户不在您现在的管辖范围内，不能登记走访"), forbidden=True)
    changes = visit_changes(household, base, visited_on=data.visited_on, client_uuid=client_uuid)
    if changes and (not save_anyway or not set(changes) <= set(seen) or household.closed_on is not None):
        return Outcome("conflict", changes=changes, can_save_anyway=household.closed_on is None)
    try:
        with transaction.atomic():
            visit = visit_record(actor=actor, household=household, data=data, photos=photos, client_uuid=client_uuid)
            OfflineReceipt.objects.create(visit=visit, downloaded_at=base.downloaded_at, overridden=changes)
    except IntegrityError:
        raced = visit_of_client(client_uuid)  # the same visit, sent twice at once: the other request saved it
        if raced is None:
            raise
        return _duplicate(actor, raced)
    except DomainError as exc:
        return _refused(exc.message, field_name=exc.field or "__all__")
    except PermissionDenied:
        return _refused(_("您已无权为该户登记走访"), forbidden=True)
    return Outcome("saved", visit=visit)
