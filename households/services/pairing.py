"""Pairing assistance cadres with households (帮扶责任人结对, SPEC §1.6). A pairing is the one source of what a cadre
sees beyond territory: ``visible_to`` reads the pairings in force on the day, so an ended pairing closes the
household at once, with no task to run. Pairings are started and ended, never deleted."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from core.errors import DomainError
from geo.querysets import GRANTS_MEMO
from households.models import AssistancePairing, Household
from households.permissions import can_manage_pairings

UNIT_MAX_LENGTH = 100
REASON_MAX_LENGTH = 200
# The unit of a pairing carried over from an object grant, which recorded none: a township fills it in later.
CARRIED_OVER_UNIT = "（原结对授权，待补填）"


def _refresh_paired_cadre(household_id: int) -> None:
    # The household's paired cadre is one of its facts: refreshed in the same transaction, so the lists and
    # ledgers after it name the new cadre (a pairing that begins or ends on a later day follows at the nightly run).
    from households.facts import facts_refresh_households

    facts_refresh_households([household_id])


def _require_cadre(cadre: User) -> None:
    if not cadre.is_active:
        raise DomainError(_("帮扶责任人“%(name)s”的账号已停用，不能结对") % {"name": cadre}, field="cadre")
    if not cadre.groups.filter(name=Role.ASSISTANCE_CADRE.value).exists():  # fresh, not the cached roles
        raise DomainError(_("用户“%(name)s”不是帮扶责任人，不能结对") % {"name": cadre}, field="cadre")


def _overlapping(*, cadre: User, household: Household, valid_from: datetime.date) -> AssistancePairing | None:
    """A pairing of the same cadre and household whose period meets an open-ended one from ``valid_from``."""
    return (
        AssistancePairing.objects.filter(cadre=cadre, household=household)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
        .order_by("valid_from")
        .first()
    )


@transaction.atomic
def pairing_start(
    *, actor: User, cadre: User, household: Household, unit: str, valid_from: datetime.date
) -> AssistancePairing:
    """Pair an assistance cadre with a household from ``valid_from`` (SPEC §1.6): a township cadre or a county
    reviewer of the household's managing area decides; the cadre must be an active assistance cadre."""
    household = Household.objects.select_for_update().select_related("managing_area").get(pk=household.pk)
    if not can_manage_pairings(actor, household):
        raise PermissionDenied
    if household.closed_on is not None:
        raise DomainError(
            _("该户已于 %(closed_on)s 注销，不能再结对") % {"closed_on": household.closed_on}, field="household"
        )
    _require_cadre(cadre)
    unit = unit.strip()
    if not unit:
        raise DomainError(_("请填写帮扶单位"), field="unit")
    if len(unit) > UNIT_MAX_LENGTH:
        raise DomainError(_("帮扶单位不能超过 %(n)s 个字") % {"n": UNIT_MAX_LENGTH}, field="unit")
    clash = _overlapping(cadre=cadre, household=household, valid_from=valid_from)
    if clash is not None:  # the household row is locked above: no second pairing slips in meanwhile
        raise DomainError(
            _("结对日期：%(name)s 与该户已有 %(start)s 起的结对，时间不能重叠")
            % {"name": cadre, "start": clash.valid_from},
            field="valid_from",
        )
    pairing = AssistancePairing.objects.create(
        household=household, cadre=cadre, unit=unit, valid_from=valid_from, created_by=actor
    )
    cadre.__dict__.pop(GRANTS_MEMO, None)  # what visible_to remembered of this cadre's households
    _refresh_paired_cadre(household.pk)
    return pairing


@transaction.atomic
def pairing_end(*, actor: User, pairing: AssistancePairing, valid_to: datetime.date, reason: str) -> AssistancePairing:
    """End a pairing on ``valid_to`` (its last day in force) with a reason (SPEC §1.6); the row is kept."""
    pairing = (
        AssistancePairing.objects.select_for_update(of=("self",))
        .select_related("household__managing_area", "cadre")
        .get(pk=pairing.pk)
    )
    if not can_manage_pairings(actor, pairing.household):
        raise PermissionDenied
    if pairing.valid_to is not None:
        raise DomainError(_("该结对已于 %(valid_to)s 结束") % {"valid_to": pairing.valid_to}, field="valid_to")
    if valid_to < pairing.valid_from:
        raise DomainError(
            _("结束日期不能早于结对日期 %(valid_from)s") % {"valid_from": pairing.valid_from}, field="valid_to"
        )
    reason = reason.strip()
    if not reason:
        raise DomainError(_("请填写结束原因"), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(_("结束原因不能超过 %(n)s 个字") % {"n": REASON_MAX_LENGTH}, field="reason")
    pairing.valid_to = valid_to
    pairing.end_reason = reason
    pairing.save(update_fields=["valid_to", "end_reason"])
    pairing.cadre.__dict__.pop(GRANTS_MEMO, None)
    _refresh_paired_cadre(pairing.household_id)
    return pairing


def pairings_from_grants(*, grant_model: Any, pairing_model: Any, on: datetime.date) -> int:
    """Carry the earlier object grants (a paired cadre's ``view_household``) over into pairings in force from
    ``on``: the grants recorded no date. Takes the models so that the data migration runs it on its historical
    ones; skips a cadre and household already paired; returns how many pairings it made."""
    made = 0
    grants = grant_model.objects.filter(permission__codename="view_household").values_list(
        "user_id", "content_object_id"
    )
    for user_id, household_id in grants.order_by("content_object_id", "user_id").distinct():
        already = pairing_model.objects.filter(cadre_id=user_id, household_id=household_id)
        if already.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).exists():
            continue
        pairing_model.objects.create(cadre_id=user_id, household_id=household_id, unit=CARRIED_OVER_UNIT, valid_from=on)
        made += 1
    return made


def pairing_for_today(*, cadre: User, household: Household) -> bool:
    """Whether a pairing opens ``household`` to ``cadre`` today (the visit right of SPEC §1.3 "own")."""
    return AssistancePairing.objects.in_force(timezone.localdate()).filter(cadre=cadre, household=household).exists()
