"""Frozen, signed-off ledgers (SPEC §13.1, §12 periodic ledgers): a monthly or quarterly ledger of a village, township
or county is written once, with ID numbers masked, and kept for good; it is then signed off from its place up to the
county (village → township → county), each level once, in order, by a user of that very place whose role signs at that
level. The file's SHA-256 is recorded when written and checked at every download: byte for byte the same, whatever
changed since."""

from __future__ import annotations

import datetime
import hashlib
import re

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from core.errors import DomainError
from geo.codes import AreaLevel
from geo.models import AdminArea
from ledgers.base import Filters
from ledgers.catalogue import LEDGERS
from ledgers.models import ExportStatus, FrozenLedger, SignLevel, SignOff
from ledgers.services import can_export, export_start

SIGNING_CAPABILITY = {
    SignLevel.VILLAGE: Capability.VILLAGE_PROCEDURE,
    SignLevel.TOWNSHIP: Capability.TOWNSHIP_REVIEW,
    SignLevel.COUNTY: Capability.COUNTY_APPROVAL,
}
_PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")


def period_dates(period: str) -> tuple[datetime.date, datetime.date]:
    """ "2026-11" → 1–30 November; "2026-Q4" → 1 October – 31 December."""
    match = _PERIOD.match(period.strip())
    if not match:
        raise DomainError(_("统计期格式应为“2026-11”（月）或“2026-Q4”（季度）"), field="period")
    year = int(match.group(1))
    first_month, months = (int(match.group(2)), 1) if match.group(2) else ((int(match.group(3)) - 1) * 3 + 1, 3)
    start = datetime.date(year, first_month, 1)
    after = datetime.date(year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return start, after - datetime.timedelta(days=1)


def chain_of(area: AdminArea) -> list[tuple[str, AdminArea]]:
    """Who signs, in order: the area's own level, then each level above it up to the county."""
    chain: list[tuple[str, AdminArea]] = []
    node: AdminArea | None = area
    while node is not None and node.level in (AreaLevel.VILLAGE, AreaLevel.TOWNSHIP, AreaLevel.COUNTY):
        chain.append((node.level, node))
        if node.level == AreaLevel.COUNTY:
            break
        node = node.parent
    return chain


def next_signature(frozen: FrozenLedger) -> tuple[str, AdminArea] | None:
    """The level and place that signs next, or None once the county has signed."""
    signed = {s.level for s in frozen.signoffs.all()}
    return next(((level, area) for level, area in chain_of(frozen.area) if level not in signed), None)


def may_sign(user: User, frozen: FrozenLedger) -> bool:
    step = next_signature(frozen)
    if step is None or frozen.export.status != ExportStatus.DONE:
        return False
    level, area = step
    return getattr(user, "area_id", None) == area.pk and has_capability(user, SIGNING_CAPABILITY[SignLevel(level)])


def signs_next_q(user: User) -> Q:
    """The query face of ``may_sign`` over frozen ledgers: the file is done, and the next signature of the ledger's
    chain (``next_signature``: its own place's level, then each level above it up to the county) is the user's
    place and level, which the user's role signs at. A work queue counts these without reading each ledger."""
    area = getattr(user, "area", None)
    if area is None or area.level not in SignLevel.values:
        return Q(pk__isnull=True)
    level = SignLevel(area.level)
    if not has_capability(user, SIGNING_CAPABILITY[level]):
        return Q(pk__isnull=True)

    def signed(by: SignLevel) -> Exists:
        return Exists(SignOff.objects.filter(frozen=OuterRef("pk"), level=by))

    # The user's level is next where every level below it in the chain has signed: the ledger is the user's
    # place's own, or one of a place below it whose levels up to the user's have signed.
    mine = Q(area=area)
    if level == SignLevel.TOWNSHIP:
        mine |= Q(Q(area__parent=area, area__level=AreaLevel.VILLAGE), signed(SignLevel.VILLAGE))
    elif level == SignLevel.COUNTY:
        mine |= Q(Q(area__parent=area, area__level=AreaLevel.TOWNSHIP), signed(SignLevel.TOWNSHIP))
        mine |= Q(
            Q(area__parent__parent=area, area__level=AreaLevel.VILLAGE),
            signed(SignLevel.VILLAGE),
            signed(SignLevel.TOWNSHIP),
        )
    return Q(mine, ~signed(level), export__status=ExportStatus.DONE)


def freeze(*, actor: User, code: str, period: str, area: AdminArea) -> FrozenLedger:
    """Write the ledger of ``area`` for ``period`` once and keep it; the period must be over."""
    if not can_export(actor, code):
        raise PermissionDenied
    if area.level not in (AreaLevel.VILLAGE, AreaLevel.TOWNSHIP, AreaLevel.COUNTY):
        raise DomainError(_("只能冻结村、乡镇或县的台账"), field="area")
    if not AdminArea.objects.visible_to(actor).filter(pk=area.pk).exists():
        raise DomainError(_("所选区划不在您的辖区内"), field="area")
    start, end = period_dates(period)
    if end >= timezone.localdate():
        raise DomainError(_("统计期 %(period)s 尚未结束，结束后才能冻结") % {"period": period}, field="period")
    period = period.strip()
    taken = f"{area.name}{LEDGERS[code].title} {period} 已冻结，不能重复冻结"
    if FrozenLedger.objects.filter(ledger=code, area=area, period=period).exists():
        raise DomainError(taken, field="period")
    with transaction.atomic():
        ledger = LEDGERS[code]
        filters = Filters(start=None if ledger.stock else start, end=end, area=area.code)
        export = export_start(actor=actor, code=code, filters=filters, full_ids=False)
        try:
            with transaction.atomic():
                frozen = FrozenLedger.objects.create(
                    ledger=code, title=LEDGERS[code].form_title, area=area, period=period, start=start, end=end,
                    export=export, frozen_by=actor,
                )  # fmt: skip
        except IntegrityError as exc:  # a second freeze of the same ledger at the same moment
            raise DomainError(
                _("%(name)s%(title)s %(period)s 已冻结，不能重复冻结")
                % {"name": area.name, "title": LEDGERS[code].title, "period": period},
                field="period",
            ) from exc
    return frozen


def sign(*, actor: User, frozen: FrozenLedger, note: str = "") -> SignOff:
    """The next level's signature; refused out of order, by another place or role, or twice."""
    with transaction.atomic():
        locked = (
            FrozenLedger.objects.select_for_update(of=("self",))
            .select_related("area__parent__parent", "export")
            .get(pk=frozen.pk)
        )
        step = next_signature(locked)
        if step is None:
            raise DomainError(_("该台账已完成县级签核"), field="note")
        if locked.export.status != ExportStatus.DONE:
            raise DomainError(_("台账文件尚未生成完毕，请稍后签核"), field="note")
        if not may_sign(actor, locked):
            level, area = step
            raise DomainError(
                _("当前应由%(name)s（%(label)s）签核") % {"name": area.name, "label": SignLevel(level).label},
                field="note",
            )
        level, area = step
        return SignOff.objects.create(frozen=locked, level=level, area=area, signed_by=actor, note=note.strip())


def frozen_bytes(frozen: FrozenLedger) -> bytes:
    """The file as frozen; a file that no longer matches its SHA-256 is refused, never served."""
    export = frozen.export
    if export.status != ExportStatus.DONE or not export.file:
        raise DomainError(_("台账文件尚未生成完毕"), field="file")
    with export.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != export.sha256:
        raise DomainError(_("台账文件与冻结时的校验值不一致，已拒绝下载，请联系系统管理员"), field="file")
    return content
