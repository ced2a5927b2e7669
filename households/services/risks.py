"""Typed risks of a household (返贫致贫风险, SPEC §4.3): opened when found — on a visit (§4.13), by a department
warning verified as a risk (§6.6), by a sweep or on the household's own report — and resolved with a reason, most
often the effect of the assistance measure that answers it (§5). Opening is idempotent per household and type while
the risk is open (a second finding is an event on the open risk); every step leaves a ``RiskFlagEvent`` and
refreshes the household's facts (``risk_open_since``) in the same transaction. Nothing is deleted.

The page's open and resolve check ``can_manage_risks``; the entries for the other apps' steps (a visit, a warning,
a measure) are called by those steps' services, which check their own rights first."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError
from households.choices import RISK_SOURCES_BY_HAND, RiskEventKind, RiskSource, RiskType
from households.facts import facts_refresh_households
from households.models import Household, RiskFlag, RiskFlagEvent, Visit
from households.permissions import can_manage_risks
from households.services.access import require_open

BY_HAND = frozenset(value for value, _label in RISK_SOURCES_BY_HAND)
LABEL_MAX_LENGTH = 200


def _checked(risk_type: str, found_on: datetime.date, evidence: str) -> str:
    if risk_type not in RiskType.values:
        raise DomainError(_("请选择风险类型"), field="risk_type")
    if found_on > timezone.localdate():
        raise DomainError(_("发现日期不能晚于今天"), field="found_on")
    evidence = (evidence or "").strip()
    if not evidence:
        raise DomainError(_("请说明风险情况"), field="evidence")
    return evidence


def _open(
    *,
    actor: User | None,
    household: Household,
    risk_type: str,
    source: str,
    found_on: datetime.date,
    evidence: str,
    visit: Visit | None = None,
    source_ref: int | None = None,
    source_label: str = "",
) -> tuple[RiskFlag, bool]:
    """The one way a risk is opened: (the risk, whether it is new). The household row is locked, so two findings of
    the same type cannot both open one; the partial unique constraint holds the rule in the database too."""
    evidence = _checked(risk_type, found_on, evidence)
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_open(household)
    existing = RiskFlag.objects.filter(household=household, risk_type=risk_type, resolved_on__isnull=True).first()
    if existing is not None:
        seen = RiskSource(source).label + (f"（{source_label}）" if source_label else "")
        RiskFlagEvent.objects.create(
            risk=existing, kind=RiskEventKind.FOUND_AGAIN, on=found_on, actor=actor, note=f"{seen}：{evidence}"
        )
        return existing, False
    risk = RiskFlag.objects.create(
        household=household,
        risk_type=risk_type,
        source=source,
        visit=visit,
        source_ref=source_ref,
        source_label=source_label[:LABEL_MAX_LENGTH],
        found_on=found_on,
        evidence=evidence,
        opened_by=actor,
    )
    RiskFlagEvent.objects.create(risk=risk, kind=RiskEventKind.OPENED, on=found_on, actor=actor, note=evidence)
    facts_refresh_households([household.pk])
    return risk, True


@transaction.atomic
def risk_open(
    *,
    actor: User,
    household: Household,
    risk_type: str,
    found_on: datetime.date,
    evidence: str,
    source: str = RiskSource.SELF_REPORT,
    source_label: str = "",
) -> tuple[RiskFlag, bool]:
    """Open a risk by hand (SPEC §4.3): the household's own report or a sweep's finding, recorded by a village
    worker or township cadre of the managing area. Returns (the risk, whether it is new): an open risk of the same
    type is the same risk, found again."""
    if not can_manage_risks(actor, household):
        raise PermissionDenied
    if source not in BY_HAND:
        raise DomainError(_("请选择发现渠道"), field="source")
    return _open(
        actor=actor,
        household=household,
        risk_type=risk_type,
        source=source,
        found_on=found_on,
        evidence=evidence,
        source_label=(source_label or "").strip(),
    )


def risks_open_from_visit(*, visit: Visit, risk_types: Iterable[str], evidence: str) -> list[RiskFlag]:
    """The risks a visit found (SPEC §4.13 "new RiskFlags"), one per type ticked. Called by ``visit_record``, which
    checked the visitor's right and runs the transaction."""
    return [
        _open(
            actor=visit.recorded_by,
            household=visit.household,
            risk_type=risk_type,
            source=RiskSource.VISIT,
            found_on=visit.visited_on,
            evidence=evidence,
            visit=visit,
            source_label=_("%(on)s %(kind)s") % {"on": visit.visited_on, "kind": visit.get_kind_display()},
        )[0]
        for risk_type in sorted(set(risk_types))
    ]


def risk_open_from_warning(
    *,
    actor: User,
    household: Household,
    risk_type: str,
    found_on: datetime.date,
    evidence: str,
    warning_id: int,
    warning_label: str,
) -> RiskFlag:
    """A department warning verified as a risk (SPEC §6.6). Called by ``sweeps``' disposition service, which checked
    the actor's right to dispose of the warning and runs the transaction."""
    risk, _new = _open(
        actor=actor,
        household=household,
        risk_type=risk_type,
        source=RiskSource.DEPARTMENT_WARNING,
        found_on=found_on,
        evidence=evidence,
        source_ref=warning_id,
        source_label=warning_label,
    )
    return risk


def _resolve(risk: RiskFlag, *, actor: User, resolution: str, resolved_on: datetime.date) -> None:
    if resolved_on > timezone.localdate():
        raise DomainError(_("消除日期不能晚于今天"), field="resolved_on")
    if resolved_on < risk.found_on:
        raise DomainError(_("消除日期不能早于发现日期 %(found_on)s") % {"found_on": risk.found_on}, field="resolved_on")
    risk.resolved_on, risk.resolved_by, risk.resolution = resolved_on, actor, resolution
    risk.save(update_fields=["resolved_on", "resolved_by", "resolution"])
    RiskFlagEvent.objects.create(risk=risk, kind=RiskEventKind.RESOLVED, on=resolved_on, actor=actor, note=resolution)


@transaction.atomic
def risk_resolve(*, actor: User, risk: RiskFlag, resolution: str, resolved_on: datetime.date | None = None) -> RiskFlag:
    """Resolve an open risk with its reason (SPEC §4.3, §4.8 precondition 3): what removed it — a measure's effect,
    a verification that it is gone, a correction of its type."""
    risk = RiskFlag.objects.select_for_update(of=("self",)).select_related("household__managing_area").get(pk=risk.pk)
    if not can_manage_risks(actor, risk.household):
        raise PermissionDenied
    if risk.resolved_on is not None:
        raise DomainError(_("该风险已于 %(resolved_on)s 消除") % {"resolved_on": risk.resolved_on}, field="resolution")
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError(_("请填写消除情况（如落实的帮扶措施及成效）"), field="resolution")
    _resolve(risk, actor=actor, resolution=resolution, resolved_on=resolved_on or timezone.localdate())
    facts_refresh_households([risk.household_id])
    return risk


def risks_answer(
    *, actor: User, household: Household, risk_ids: Sequence[int], measure_id: int, measure_label: str
) -> list[RiskFlag]:
    """An assistance measure names the open risks of its household it answers (SPEC §5): the measure's effect will
    resolve them (``risks_resolve_by_measure``). Called by ``monitoring``'s measure service, which checked the
    actor's right and runs the transaction. Refuses naming every risk that is not an open risk of the household."""
    wanted = sorted(set(risk_ids))
    if not wanted:
        return []
    risks = list(
        RiskFlag.objects.select_for_update().filter(household=household, pk__in=wanted, resolved_on__isnull=True)
    )
    missing = [str(pk) for pk in wanted if pk not in {risk.pk for risk in risks}]
    if missing:
        raise DomainError(
            _("所选风险（编号 %(ids)s）不是该户未消除的风险") % {"ids": "、".join(missing)}, field="risks"
        )
    today = timezone.localdate()
    label = measure_label[:LABEL_MAX_LENGTH]
    for risk in risks:
        risk.measure_id, risk.measure_label = measure_id, label
        risk.save(update_fields=["measure_id", "measure_label"])
        RiskFlagEvent.objects.create(risk=risk, kind=RiskEventKind.ANSWERED, on=today, actor=actor, note=label)
    return risks


def risks_resolve_by_measure(
    *, actor: User, measure_id: int, measure_label: str, outcome: str, resolved_on: datetime.date | None = None
) -> list[RiskFlag]:
    """A measure was delivered with its effect (SPEC §5.2 ``outcome_note``): the open risks it answers are resolved
    with that effect as the reason. Called by ``monitoring``'s measure service, which checked the actor's right and
    runs the transaction. Returns the risks resolved."""
    risks = list(RiskFlag.objects.select_for_update().filter(measure_id=measure_id, resolved_on__isnull=True))
    on = resolved_on or timezone.localdate()
    reason = _("帮扶措施“%(measure)s”见效：%(outcome)s") % {"measure": measure_label, "outcome": outcome.strip()}
    for risk in risks:
        _resolve(risk, actor=actor, resolution=reason, resolved_on=max(on, risk.found_on))
    facts_refresh_households({risk.household_id for risk in risks})
    return risks
