"""Who is paired with which household (帮扶责任人结对, SPEC §1.6), read by the apps below the households app's
pairings. The pairing (``households.AssistancePairing``) is the one source: ``visible_to`` opens a household to a
cadre while a pairing is in force, and the township starts and ends pairings through ``households.services.pairing``.
The object grants that stood for pairings before were carried over into pairings (households migration 0018)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from core.errors import DomainError
from geo.querysets import GRANTS_MEMO

if TYPE_CHECKING:
    from accounts.models import User

# Sent (``household=``) inside the transaction of a pairing made here: the household's paired cadre is one of its
# facts, which the households app (above this one) keeps and refreshes on it.
pairing_changed = Signal()


def _pairings() -> Any:
    # By name: the pairings are the households app's, above this one.
    return apps.get_model("households", "AssistancePairing")._default_manager


@transaction.atomic
def household_grant_to_cadre(*, household: Any, cadre: User, unit: str = "") -> None:
    """Pair a cadre with one household from today, with no deciding user (a system seed, a fixture); idempotent.
    A township pairs through ``households.services.pairing.pairing_start``, which checks who decides."""
    if not cadre.is_active:
        raise DomainError(_("用户“%(username)s”已停用，不能结对") % {"username": cadre.username}, field="cadre")
    if not cadre.groups.filter(name=Role.ASSISTANCE_CADRE.value).exists():  # fresh, not the cached roles
        raise DomainError(_("用户“%(username)s”不是帮扶责任人，不能结对") % {"username": cadre.username}, field="cadre")
    today = timezone.localdate()
    if _pairings().in_force(today).filter(household=household, cadre=cadre).exists():
        return
    _pairings().create(household=household, cadre=cadre, unit=unit or cadre.unit_name or "—", valid_from=today)
    cadre.__dict__.pop(GRANTS_MEMO, None)  # what visible_to remembered of this user's pairings
    pairing_changed.send(sender=household_grant_to_cadre, household=household)


def pairings(on: datetime.date | None = None) -> Any:
    """The pairings in force on ``on`` (today by default) of active assistance cadres, with ``household_id`` and
    ``cadre_id``: the one reader of who is paired with whom for lists, facts and ledgers."""
    return (
        _pairings()
        .in_force(on or timezone.localdate())
        .filter(cadre__is_active=True, cadre__groups__name=Role.ASSISTANCE_CADRE.value)
    )


def households_ever_paired_with(cadre_ids: Any) -> Any:
    """The ids of the households ever paired with these cadres, whatever the pairing's days or the cadre's state
    now: those whose paired cadre may change when an account is deactivated or leaves the role."""
    return _pairings().filter(cadre_id__in=cadre_ids).values_list("household_id", flat=True)


def paired_cadre_ids(household: Any, on: datetime.date | None = None) -> list[int]:
    """The cadres paired with one household on ``on`` (SPEC §1.6)."""
    return sorted(pairings(on).filter(household=household).values_list("cadre_id", flat=True))
