"""Recording a household visit from the field (SPEC §4.13, §2.5): what was seen, the guarantee checklist, photos,
and the risks found, each opened as a typed risk of the household (``households.services.risks``)."""

import datetime
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from core.errors import DomainError
from households import rules
from households.choices import HousingSafety, MemberStatus, RiskType, VisitKind
from households.facts import context_for, derived_guarantee, facts_refresh_households
from households.models import GuaranteeCheck, Household, Visit, VisitPhoto
from households.rules import LATITUDE, LONGITUDE
from households.services.access import require_household, require_open
from households.services.pairing import pairing_for_today
from households.services.risks import risks_open_from_visit

# Sent (``visit=``, ``actor=``) inside the transaction of ``visit_record``, once the visit and its facts are saved: the
# apps above this one whose open items a visit settles (a disaster's "not visited in time" problem, SPEC §4.12) end
# them in the same transaction.
visit_recorded = Signal()

# Photo types are recognised by their first bytes, never by the name or the browser's claim.
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


@dataclass
class PhotoUpload:
    name: str
    content: bytes


@dataclass
class VisitInput:
    visited_on: datetime.date
    kind: str = VisitKind.ROUTINE
    companions: str = ""
    food_ok: bool = True
    clothing_ok: bool = True
    housing_safety: str | None = None  # the grade seen today; None leaves the registry's grade
    water_quantity_ok: bool = True
    water_quality_ok: bool = True
    water_access_ok: bool = True
    water_reliability_ok: bool = True
    guarantee_note: str = ""
    income_change: str = ""
    member_change: str = ""
    needs: str = ""
    notes: str = ""
    risk_found: bool = False
    risk_note: str = ""
    # The types of the risks found (SPEC §4.3); a risk found without a type is opened as "其他" (the earlier form
    # and API clients send only ``risk_found``).
    risk_types: list[str] = field(default_factory=list)
    next_visit_on: datetime.date | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def _photo_type(content: bytes) -> tuple[str, str] | None:
    for signature, mime, extension in _SIGNATURES:
        if content.startswith(signature):
            return mime, extension
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def _photo_count_check(count: int) -> None:
    limit = settings.VISIT_PHOTO_MAX_COUNT
    if count > limit:
        raise DomainError(
            _("每次走访最多上传 %(limit)s 张照片，本次为 %(count)s 张") % {"limit": limit, "count": count},
            field="photos",
        )


def _photo_size_check(name: str, size: int) -> None:
    if size > settings.VISIT_PHOTO_MAX_BYTES:
        max_mb = settings.VISIT_PHOTO_MAX_BYTES / 1024 / 1024
        raise DomainError(
            _("照片“%(name)s”超过 %(max_mb)s MB，请压缩后上传") % {"name": name, "max_mb": format(max_mb, ".0f")},
            field="photos",
        )


def photo_uploads(files: Sequence[UploadedFile]) -> list[PhotoUpload]:
    """The photos of a request, each checked by the size Django counted while it spooled the upload to disk before
    a byte is read: a 100 MB "photo" is refused without ever reaching memory."""
    _photo_count_check(len(files))
    for upload in files:
        _photo_size_check(upload.name or "photo", upload.size or 0)
    return [PhotoUpload(upload.name or "photo", upload.read()) for upload in files]


def _check_photos(photos: list[PhotoUpload]) -> list[tuple[PhotoUpload, str, str]]:
    _photo_count_check(len(photos))
    checked = []
    for photo in photos:
        _photo_size_check(photo.name, len(photo.content))
        kind = _photo_type(photo.content)
        if kind is None:
            raise DomainError(_("照片“%(name)s”不是 JPEG、PNG 或 WebP 图片") % {"name": photo.name}, field="photos")
        checked.append((photo, *kind))
    return checked


def _require_visit_right(actor: User, household: Household) -> None:
    require_household(actor, household, Capability.RECORD_VISIT)
    # A paired cadre sees the household through a pairing; visiting needs it in force today too (SPEC §1.6).
    if not has_capability(actor, Capability.BROWSE_HOUSEHOLDS) and not pairing_for_today(
        cadre=actor, household=household
    ):
        raise PermissionDenied


@transaction.atomic
def visit_record(
    *,
    actor: User,
    household: Household,
    data: VisitInput,
    photos: list[PhotoUpload],
    client_uuid: uuid.UUID | None = None,
) -> Visit:
    """Record a visit with its guarantee check and photos, all or nothing. ``client_uuid`` is the number a phone
    gave a visit captured offline: the visit is saved under it once (a second save raises ``IntegrityError``, which
    the caller answers with the visit already saved, ``visit_of_client``)."""
    _require_visit_right(actor, household)
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_open(household)
    today = timezone.localdate()
    if data.kind not in VisitKind.values:
        raise DomainError(_("请选择走访类型"), field="kind")
    if data.visited_on > today:
        raise DomainError(_("走访日期不能晚于今天"), field="visited_on")
    if data.visited_on < today - datetime.timedelta(days=settings.VISIT_BACKDATE_MAX_DAYS):
        raise DomainError(
            _("只能补录 %(VISIT_BACKDATE_MAX_DAYS)s 天以内的走访")
            % {"VISIT_BACKDATE_MAX_DAYS": settings.VISIT_BACKDATE_MAX_DAYS},
            field="visited_on",
        )
    if data.next_visit_on is not None and data.next_visit_on <= data.visited_on:
        raise DomainError(_("下次走访日期须晚于本次走访日期"), field="next_visit_on")
    unknown = [risk for risk in data.risk_types if risk not in RiskType.values]
    if unknown:
        raise DomainError(_("风险类型“%(value)s”不在列表中") % {"value": "、".join(unknown)}, field="risk_types")
    risk_found = data.risk_found or bool(data.risk_types)
    if risk_found and not data.risk_note.strip():
        raise DomainError(_("发现风险时须说明风险情况"), field="risk_note")
    if data.housing_safety is not None and data.housing_safety not in HousingSafety.values:
        raise DomainError(_("请选择住房安全等级"), field="housing_safety")
    if (data.latitude is None) != (data.longitude is None):
        raise DomainError(_("经纬度须同时填写"), field="latitude")
    for name, label, (low, high) in (("latitude", "纬度", LATITUDE), ("longitude", "经度", LONGITUDE)):
        value = getattr(data, name)
        if value is not None and not low <= value <= high:
            raise DomainError(
                _("%(label)s %(value)s 不在 %(low)s 到 %(high)s 之间")
                % {"label": label, "value": value, "low": low, "high": high},
                field=name,
            )
    checked_photos = _check_photos(photos)

    visit = Visit.objects.create(
        household=household,
        visited_on=data.visited_on,
        kind=data.kind,
        recorded_by=actor,
        companions=data.companions.strip(),
        income_change=data.income_change.strip(),
        member_change=data.member_change.strip(),
        needs=data.needs.strip(),
        notes=data.notes.strip(),
        risk_found=risk_found,
        risk_note=data.risk_note.strip(),
        next_visit_on=data.next_visit_on,
        latitude=data.latitude,
        longitude=data.longitude,
        client_uuid=client_uuid,
    )
    changed = []
    if data.housing_safety is not None and data.housing_safety != household.housing_safety:
        household.housing_safety = data.housing_safety
        changed.append("housing_safety")
    if changed:
        household._change_reason = f"{data.visited_on} 走访核查"  # type: ignore[attr-defined]
        household.save(update_fields=[*changed, "updated_at"])

    # What the registry says of education, medical insurance and housing on the day (the household facts).
    ctx = context_for(household.managing_area.code, on=data.visited_on)
    present = household.members.filter(member_status=MemberStatus.PRESENT)
    education_ok, medical_ok, housing_ok = derived_guarantee(present, household.housing_safety, ctx)
    GuaranteeCheck.objects.create(
        household=household,
        visit=visit,
        checked_on=data.visited_on,
        food_ok=data.food_ok,
        clothing_ok=data.clothing_ok,
        education_ok=education_ok,
        medical_ok=medical_ok,
        housing_ok=housing_ok,
        water_quantity_ok=data.water_quantity_ok,
        water_quality_ok=data.water_quality_ok,
        water_access_ok=data.water_access_ok,
        water_reliability_ok=data.water_reliability_ok,
        water_ok=rules.water_ok(
            quantity=data.water_quantity_ok,
            quality=data.water_quality_ok,
            access=data.water_access_ok,
            reliability=data.water_reliability_ok,
        ),
        note=data.guarantee_note.strip(),
        checked_by=actor,
    )
    if risk_found:
        risks_open_from_visit(visit=visit, risk_types=data.risk_types or [RiskType.OTHER], evidence=visit.risk_note)
    for photo, mime, extension in checked_photos:
        digest = hashlib.sha256(photo.content).hexdigest()
        record = VisitPhoto(visit=visit, content_type=mime, size=len(photo.content), sha256=digest)
        record.image.save(f"photo.{extension}", ContentFile(photo.content), save=False)
        record.save()
    facts_refresh_households([household.pk])
    visit_recorded.send(sender=visit_record, visit=visit, actor=actor)
    return visit


def visit_of_client(client_uuid: uuid.UUID) -> Visit | None:
    """The visit a phone already sent under ``client_uuid``, if any."""
    return Visit.objects.select_related("recorded_by").filter(client_uuid=client_uuid).first()
