"""A household's life (SPEC §2.1, §1.3 rule 2, §1.5, §2.6, §1.1 "Divisions change", §15 C-20): its areas change (a
new managing area is a transfer, 迁转), the households of a merged village move to its successor, members split off
into a new household (分户), or one household is absorbed into another (并户). Each step is one atomic service that
leaves ``HouseholdEvent`` rows (who, when, from, to, why) beside the field history django-simple-history keeps;
nothing is deleted.

Who decides: a township cadre within their township, a county reviewer across its townships (``can_change_areas``);
the household must be managed in their territory today, and a new managing or residence area must lie in it too. A
hukou or co-managing area may lie anywhere in the system (a self-migrant's home village, SPEC §1.5).

What the apps above the registry hold of a household follows through signals sent inside the transaction
(``households.signals``; this app imports none of them): monitoring's cases read their place through the household,
so they follow a transfer by themselves, and it moves an absorbed household's open cases to the survivor
(``households_merged``); sweeps rewrites the place stored on open problems and moves member-level items with their
person (``household_areas_changed``, ``household_members_moved``). The conditions those apps set on a merge arrive
through ``register_merge_checks``.

Decisions (docs/household-life.md says the same for people):

* **Split.** The chosen members leave the household (status 迁出/分户 on the split day; their rows stay in its
  history) and are registered anew in the new household, the chosen head as head, the others as "其他" until edited.
  The original head cannot leave this way: the original household keeps its head and with it its open cases (entry
  application, monitoring, elimination, problems about the household), which were opened for that household. Past
  income stays with the original household, which earned and was measured with all its members; the new household
  starts with no income records and records its own from the split on. Flags (脱贫户, 低保户 …) are entitlements of a
  household and are set on the new one by their own step. Member-level items follow the person: an open department
  warning or problem about a moved member moves to the new household.
* **Merge.** Every present member of the absorbed household moves to the survivor (as above, "其他" until edited).
  Income is combined period by period, component by component: a year (or month) only the absorbed household has is
  created on the survivor, one both have is added up (the survivor's figures before are in the record's history).
  A year recorded as a whole in one household and by month in the other is refused, naming the year: adding them
  would count it twice. The absorbed household's own records stay untouched on it. Rigid expenses are copied the
  same way. Open cases move to the survivor; when both households have open monitoring the merge is refused (one
  open application or episode per household). The absorbed household is then closed as 并户 with the survivor named
  in its history and events.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from core.errors import DomainError, refusal_text
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.querysets import in_territory
from geo.services import area_merge
from households import rules
from households.area_events import area_event
from households.choices import AreaField, ClosedReason, LifeEventKind, MemberStatus, Relationship
from households.facts import facts_refresh_households
from households.models import (
    Household,
    HouseholdEvent,
    HouseholdFlag,
    HouseholdMember,
    IncomeRecord,
    RigidExpense,
    VillageMerge,
)
from households.permissions import can_change_areas, can_merge_village_households
from households.services.income import COMPONENTS
from households.services.registry import household_closed
from households.signals import household_areas_changed, household_members_moved, households_merged

# A merge's conditions set by the apps above (monitoring: one open application or episode per household): each
# source answers the Chinese reasons it refuses ``absorbed`` into ``survivor`` for, none when it agrees.
MergeCheck = Callable[[Household, Household], list[str]]
_merge_checks: list[MergeCheck] = []

AREA_LEVELS = (AreaLevel.VILLAGE, AreaLevel.GROUP)
REASON_MAX_LENGTH = 500
TEXT_MAX_LENGTH = 200
# Member fields not copied when a person is registered anew in another household.
_NOT_COPIED = frozenset({"id", "household", "relationship", "member_status", "status_changed_on"})


def register_merge_checks(check: MergeCheck) -> MergeCheck:
    """Add ``check`` to every merge's conditions (idempotent, so a second ``ready`` adds nothing)."""
    if check not in _merge_checks:
        _merge_checks.append(check)
    return check


def _reason(reason: str, reasons: list[str], *, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        reasons.append(_("请填写%(what)s原因") % {"what": what})
    elif len(reason) > REASON_MAX_LENGTH:
        reasons.append(_("原因不能超过 %(n)s 个字") % {"n": REASON_MAX_LENGTH})
    return reason


def _day(on: datetime.date, reasons: list[str], *, label: str) -> None:
    if on > timezone.localdate():
        reasons.append(_("%(label)s不能晚于今天") % {"label": label})


def _refuse(reasons: list[str], *, field: str | None = None) -> None:
    if reasons:
        raise DomainError(refusal_text(reasons), field=field if len(reasons) == 1 else None)


def _area_problems(area: AdminArea, *, label: str, actor: User, own: bool) -> list[str]:
    """Why ``area`` cannot be a household's ``label`` (a village or group in use; inside the actor's territory
    when ``own``)."""
    found = []
    if area.level not in AREA_LEVELS:
        found.append(
            _("%(label)s须为村或村民小组，“%(name)s”是%(level)s")
            % {"label": label, "name": area.name, "level": area.get_level_display()}
        )
    if not area.is_active:
        successor = area.replaced_by
        found.append(
            _("%(label)s“%(name)s”已于 %(on)s 停用%(hint)s")
            % {
                "label": label,
                "name": area.name,
                "on": area.valid_to,
                "hint": _("，已并入“%(name)s”") % {"name": successor.name} if successor is not None else "",
            }
        )
    if own and not in_territory(actor, area.code):
        found.append(_("%(label)s“%(name)s”不在您的管辖范围内") % {"label": label, "name": area.name})
    return found


def _event(household: Household, *, kind: str, actor: User, reason: str, **values: Any) -> HouseholdEvent:
    return HouseholdEvent(household=household, kind=kind, actor=actor, reason=reason, **values)


# ------------------------------------------------------------------------------------------------ area changes


@transaction.atomic
def household_areas_change(
    *,
    actor: User,
    household: Household,
    changes: Mapping[str, AdminArea | None],
    reason: str,
    hukou_area_text: str | None = None,
) -> list[HouseholdEvent]:
    """Change a household's managing, residence, hukou or co-managing area (SPEC §2.1, §1.5) with a reason; each
    changed area leaves an event, a new managing area being a transfer (迁转) that the old place keeps reading. The
    household's facts and the place of its open problems follow in the same transaction."""
    household = Household.objects.select_for_update().select_related("managing_area").get(pk=household.pk)
    if not can_change_areas(actor, household):
        raise PermissionDenied
    reasons: list[str] = []
    if household.closed_on is not None:
        reasons.append(_("该户已于 %(on)s 注销，不能再变更区划") % {"on": household.closed_on})
    unknown = set(changes) - set(AreaField.values)
    if unknown:
        raise DomainError(_("不能在此修改：%(join)s") % {"join": "、".join(sorted(unknown))})
    reason = _reason(reason, reasons, what=_("变更"))
    after: dict[str, AdminArea | None] = {
        name: getattr(household, name) for name in AreaField.values
    }  # the four areas as they will be
    for name, given in changes.items():
        label = str(AreaField(name).label)
        # read afresh: whether the area is still in use is the database's answer, not the caller's copy
        area = None if given is None else AdminArea.objects.select_related("replaced_by").get(pk=given.pk)
        if area is None:
            if name in (AreaField.MANAGING, AreaField.RESIDENCE):
                reasons.append(_("%(label)s不能为空") % {"label": label})
                continue
        elif getattr(household, f"{name}_id") != area.pk:
            reasons += _area_problems(
                area, label=label, actor=actor, own=name in (AreaField.MANAGING, AreaField.RESIDENCE)
            )
        after[name] = area
    text = household.hukou_area_text if hukou_area_text is None else hukou_area_text.strip()
    if len(text) > TEXT_MAX_LENGTH:
        reasons.append(_("区外户籍地不能超过 %(n)s 个字") % {"n": TEXT_MAX_LENGTH})
    managing, co_managing = after[AreaField.MANAGING], after[AreaField.CO_MANAGING]
    if managing is not None and co_managing is not None and managing.pk == co_managing.pk:
        reasons.append(_("协同管理地不能与管理地相同（“%(name)s”）") % {"name": managing.name})
    changed = [name for name in AreaField.values if getattr(household, f"{name}_id") != _pk(after[name])]
    if not changed and text == household.hukou_area_text:
        reasons.append(_("没有需要变更的区划"))
    _refuse(reasons)
    events = []
    for name in changed:
        events.append(
            area_event(
                household,
                name,
                actor=actor,
                reason=reason,
                from_area=getattr(household, name),
                to_area=after[name],
                text=(household.hukou_area_text, text),
            )
        )
        setattr(household, name, after[name])
    if text != household.hukou_area_text:
        if AreaField.HUKOU not in changed:
            events.append(  # the hukou's text alone changed
                area_event(
                    household,
                    AreaField.HUKOU,
                    actor=actor,
                    reason=reason,
                    from_area=household.hukou_area,
                    to_area=household.hukou_area,
                    text=(household.hukou_area_text, text),
                )
            )
        household.hukou_area_text = text
        changed.append("hukou_area_text")
    household._change_reason = _("区划变更：%(reason)s") % {"reason": reason}  # type: ignore[attr-defined]
    household.save(update_fields=[*changed, "updated_at"])
    HouseholdEvent.objects.bulk_create(events)
    household_areas_changed.send(sender=household_areas_change, household_ids=[household.pk], actor=actor)
    facts_refresh_households([household.pk])
    return events


def _pk(area: AdminArea | None) -> int | None:
    return area.pk if area is not None else None


# ------------------------------------------------------------------------------------------------ village merge


@transaction.atomic
def village_households_merge(
    *,
    actor: User,
    village: AdminArea,
    reason: str,
    successor: AdminArea | None = None,
    on: datetime.date | None = None,
) -> VillageMerge:
    """Move every household still registered of a merged village to its successor in one step (SPEC §1.1
    "Divisions change", §15 C-20): each of its four areas that is the village becomes the successor, every
    household gets its events (a transfer where it was managed there). A village not yet retired is retired into
    ``successor`` on ``on`` first. Closed households keep their historical area."""
    if not can_merge_village_households(actor, village.code):
        raise PermissionDenied
    village = AdminArea.objects.select_for_update(of=("self",)).select_related("replaced_by").get(pk=village.pk)
    on = on or timezone.localdate()
    reasons: list[str] = []
    reason = _reason(reason, reasons, what=_("迁转"))
    if village.level not in AREA_LEVELS:
        reasons.append(
            _("“%(name)s”是%(level)s，只能迁转村或村民小组的农户")
            % {"name": village.name, "level": village.get_level_display()}
        )
    if village.is_active:
        if successor is None:
            reasons.append(_("“%(name)s”尚未撤并：请选择并入的村") % {"name": village.name})
        _day(on, reasons, label=_("撤并日期"))
    else:
        if village.replaced_by is None:
            reasons.append(_("“%(name)s”已停用，但没有登记并入哪个村") % {"name": village.name})
        elif successor is not None and successor.pk != village.replaced_by_id:
            reasons.append(
                _("“%(name)s”已并入“%(into)s”，不能再迁往“%(other)s”")
                % {"name": village.name, "into": village.replaced_by.name, "other": successor.name}
            )
        successor = village.replaced_by
    if successor is not None:
        if successor.pk == village.pk:
            reasons.append(_("不能将村并入其自身"))
        else:
            reasons += _area_problems(successor, label=_("并入村"), actor=actor, own=True)
    _refuse(reasons)
    assert successor is not None  # a type guard: refused above otherwise
    if village.is_active:
        village = area_merge(area=village, into=successor, on=on, reason=reason)
    merge = VillageMerge.objects.create(village=village, successor=successor, reason=reason, actor=actor)
    fields = list(AreaField.values)
    touching = Q(pk__in=[])
    for name in fields:
        touching |= Q(**{f"{name}_id": village.pk})
    households = list(Household.objects.filter(touching, closed_on__isnull=True).select_for_update().order_by("pk"))
    events: list[HouseholdEvent] = []
    for household in households:
        for name in fields:
            if getattr(household, f"{name}_id") != village.pk:
                continue
            events.append(
                area_event(
                    household,
                    name,
                    actor=actor,
                    reason=reason,
                    from_area=village,
                    to_area=successor,
                    village_merge=merge,
                )
            )
            setattr(household, name, successor)
        if household.co_managing_area_id is not None and household.co_managing_area_id == household.managing_area_id:
            household.co_managing_area = None  # both areas are now the same village: one manages
    if households:
        bulk_update_with_history(
            households,
            Household,
            [*fields, "updated_at"],
            batch_size=500,
            default_user=actor,
            default_change_reason=_("撤并村迁转：%(village)s → %(successor)s")
            % {"village": village.name, "successor": successor.name},
        )
        HouseholdEvent.objects.bulk_create(events, batch_size=1000)
    ids = [household.pk for household in households]
    merge.households = len(ids)
    merge.save(update_fields=["households"])
    household_areas_changed.send(sender=village_households_merge, household_ids=ids, actor=actor)
    for start in range(0, len(ids), 1000):
        facts_refresh_households(ids[start : start + 1000])
    return merge


# ------------------------------------------------------------------------------------------------ split and merge


def _present(household: Household) -> list[HouseholdMember]:
    return list(
        HouseholdMember.objects.select_for_update()
        .filter(household=household, member_status=MemberStatus.PRESENT)
        .order_by("pk")
    )


def _move_members(
    members: Sequence[HouseholdMember], *, to: Household, head: HouseholdMember | None, on: datetime.date, why: str
) -> dict[int, HouseholdMember]:
    """Each member leaves their household (迁出/分户 on ``on``, the row stays) and is registered anew in ``to``:
    ``head`` as its head, the others as "其他" until edited. Returns {old member id: new member}."""
    moved: dict[int, HouseholdMember] = {}
    counts = {member.pk: member.counts_in_household for member in members}
    for member in members:
        member.member_status = MemberStatus.MOVED_OUT
        member.status_changed_on = on
        member.counts_in_household = False
        member._change_reason = why  # type: ignore[attr-defined]
        member.save(update_fields=["member_status", "status_changed_on", "counts_in_household"])
    for member in members:  # after every leaver: one present row per ID number at any time
        copy = HouseholdMember(
            household=to,
            relationship=Relationship.HEAD if head is not None and member.pk == head.pk else Relationship.OTHER,
            **{
                field.attname: getattr(member, field.attname)
                for field in HouseholdMember._meta.concrete_fields
                if field.name not in _NOT_COPIED
            },
        )
        copy.counts_in_household = counts[member.pk]
        copy.chronic_conditions = list(member.chronic_conditions or [])
        copy._change_reason = why  # type: ignore[attr-defined]
        copy.save()
        moved[member.pk] = copy
    return moved


def _lock_open(household: Household, reasons: list[str]) -> Household:
    household = Household.objects.select_for_update().select_related("managing_area").get(pk=household.pk)
    if household.closed_on is not None:
        reasons.append(_("“%(household)s”已于 %(on)s 注销") % {"household": household, "on": household.closed_on})
    return household


@transaction.atomic
def household_split(
    *,
    actor: User,
    household: Household,
    members: Iterable[HouseholdMember],
    head: HouseholdMember | None,
    reason: str,
    on: datetime.date | None = None,
    household_no: str = "",
) -> Household:
    """分户 (SPEC §2.1, §2.6): the chosen present members form a new household in the same places, ``head`` (one of
    them) its head, numbered by its village's sequence unless ``household_no`` is given. The module docstring says
    what stays with the original household (its head, open cases, past income) and what follows the people."""
    if not can_change_areas(actor, household):
        raise PermissionDenied
    on = on or timezone.localdate()
    reasons: list[str] = []
    household = _lock_open(household, reasons)
    reason = _reason(reason, reasons, what=_("分户"))
    _day(on, reasons, label=_("分户日期"))
    present = {member.pk: member for member in _present(household)}
    chosen_ids = list(dict.fromkeys(member.pk for member in members))
    strangers = [pk for pk in chosen_ids if pk not in present]
    if not chosen_ids:
        reasons.append(_("请选择分出的成员"))
    if strangers:
        names = HouseholdMember.objects.filter(pk__in=strangers).values_list("name", flat=True)
        reasons.append(_("不是本户在户成员，不能分出：%(names)s") % {"names": "、".join(names) or "—"})
    if household.head_id in chosen_ids:
        reasons.append(
            _("户主%(name)s不能分出：原户保留户主及其在办事项，如需由户主分出请先变更户主")
            % {"name": household.head_name}
        )
    if head is None or head.pk not in chosen_ids:
        reasons.append(_("请在分出的成员中指定新户户主"))
    household_no = household_no.strip()
    if household_no and Household.objects.filter(household_no=household_no).exists():
        reasons.append(_("户编号“%(no)s”已存在") % {"no": household_no})
    _refuse(reasons)
    assert head is not None  # a type guard: refused above otherwise
    village = household.managing_area
    if not household_no:
        taken = Household.objects.filter(household_no__startswith=village.code).values_list("household_no", flat=True)
        household_no = rules.next_household_no(village.code, taken)
    new = Household.objects.create(
        household_no=household_no,
        managing_area=household.managing_area,
        residence_area=household.residence_area,
        hukou_area=household.hukou_area,
        hukou_area_text=household.hukou_area_text,
        co_managing_area=household.co_managing_area,
        head_name=present[head.pk].name,
        address=household.address,
        migrant_type=household.migrant_type,
    )
    why = _("分户：由%(household)s分出，立为新户%(no)s") % {"household": household, "no": household_no}
    moved = _move_members([present[pk] for pk in chosen_ids], to=new, head=present[head.pk], on=on, why=why)
    new.head = moved[head.pk]
    new._change_reason = why  # type: ignore[attr-defined]
    new.save(update_fields=["head", "updated_at"])
    mapping = {str(old): copy.pk for old, copy in moved.items()}
    HouseholdEvent.objects.bulk_create(
        [
            _event(
                household,
                kind=LifeEventKind.SPLIT_OUT,
                actor=actor,
                reason=reason,
                other_household=new,
                detail={"members": mapping, "on": on.isoformat()},
            ),
            _event(
                new,
                kind=LifeEventKind.SPLIT_FROM,
                actor=actor,
                reason=reason,
                other_household=household,
                detail={"members": mapping, "on": on.isoformat()},
            ),
        ]
    )
    household_members_moved.send(
        sender=household_split,
        source=household,
        target=new,
        members={old: copy.pk for old, copy in moved.items()},
        actor=actor,
    )
    facts_refresh_households([household.pk, new.pk])
    return new


def _income_conflicts(absorbed: Household, survivor: Household) -> list[str]:
    """Years recorded as a whole in one household and by month in the other (adding them would count twice)."""

    def kinds(household: Household) -> dict[int, set[bool]]:
        found: dict[int, set[bool]] = {}
        for year, month in IncomeRecord.objects.filter(household=household).values_list("year", "month"):
            found.setdefault(year, set()).add(month is None)
        return found

    mine, theirs = kinds(survivor), kinds(absorbed)
    return [
        _("%(year)s 年的收入一户按全年、另一户按月录入，请先统一录入方式再并户") % {"year": year}
        for year in sorted(set(mine) & set(theirs))
        if mine[year] != theirs[year]
    ]


def _combine_incomes(absorbed: Household, survivor: Household, *, actor: User, why: str) -> list[dict[str, Any]]:
    """Add each income record of ``absorbed`` to the survivor's of the same period (a new one where it has none);
    returns what was done, for the events."""
    done = []
    for record in IncomeRecord.objects.filter(household=absorbed).order_by("year", "month"):
        target = (
            IncomeRecord.objects.select_for_update()
            .filter(household=survivor, year=record.year, month=record.month)
            .first()
        )
        created = target is None
        if target is None:
            target = IncomeRecord(household=survivor, year=record.year, month=record.month)
        before = {name: getattr(target, name) or Decimal(0) for name in COMPONENTS}
        combined = rules.incomes_combined(before, {name: getattr(record, name) for name in COMPONENTS})
        for name in COMPONENTS:
            setattr(target, name, combined[name])
        target.note = (f"{target.note}；{why}" if target.note else why)[:200]
        target.recorded_by = actor
        target._change_reason = why  # type: ignore[attr-defined]
        target.save()
        done.append({"year": record.year, "month": record.month, "from": record.pk, "to": target.pk, "new": created})
    return done


@transaction.atomic
def household_merge(
    *,
    actor: User,
    absorbed: Household,
    survivor: Household,
    reason: str,
    on: datetime.date | None = None,
) -> Household:
    """并户 (SPEC §2.6): ``absorbed`` joins ``survivor`` — its present members, its income combined period by period,
    its rigid expenses and its open cases move to the survivor — and closes as 并户 naming the survivor. Refused, with
    every failing condition named, when a year is recorded differently in the two or both have open monitoring."""
    if not (can_change_areas(actor, absorbed) and can_change_areas(actor, survivor)):
        raise PermissionDenied
    on = on or timezone.localdate()
    reasons: list[str] = []
    if absorbed.pk == survivor.pk:
        raise DomainError(_("不能将农户并入其自身"), field="survivor")
    first, second = sorted([absorbed, survivor], key=lambda h: h.pk)  # one lock order: no deadlock with a twin
    locked = {h.pk: _lock_open(h, reasons) for h in (first, second)}
    absorbed, survivor = locked[absorbed.pk], locked[survivor.pk]
    reason = _reason(reason, reasons, what=_("并户"))
    _day(on, reasons, label=_("并户日期"))
    members = _present(absorbed)
    reasons += _income_conflicts(absorbed, survivor)
    for check in _merge_checks:
        reasons += check(absorbed, survivor)
    _refuse(reasons)
    why = _("并户：%(absorbed)s并入%(survivor)s") % {"absorbed": absorbed, "survivor": survivor}
    moved = _move_members(members, to=survivor, head=None, on=on, why=why)
    incomes = _combine_incomes(absorbed, survivor, actor=actor, why=why)
    expenses = RigidExpense.objects.filter(household=absorbed).order_by("pk")
    copies = [
        RigidExpense(
            household=survivor,
            incurred_on=expense.incurred_on,
            kind=expense.kind,
            gross_amount=expense.gross_amount,
            reimbursed_amount=expense.reimbursed_amount,
            note=(f"{expense.note}；{why}" if expense.note else why)[:200],
            recorded_by=actor,
        )
        for expense in expenses
    ]
    for copy in copies:
        copy._change_reason = why  # type: ignore[attr-defined]
        copy.save()
    household_members_moved.send(
        sender=household_merge,
        source=absorbed,
        target=survivor,
        members={old: copy.pk for old, copy in moved.items()},
        actor=actor,
    )
    cases: dict[str, Any] = {}
    for _receiver, answer in households_merged.send(
        sender=household_merge, absorbed=absorbed, survivor=survivor, actor=actor
    ):
        if isinstance(answer, dict):
            cases.update(answer)
    detail = {
        "members": {str(old): copy.pk for old, copy in moved.items()},
        "incomes": incomes,
        "rigid_expenses": [copy.pk for copy in copies],
        "cases": cases,
        "on": on.isoformat(),
    }
    HouseholdEvent.objects.bulk_create(
        [
            _event(
                absorbed,
                kind=LifeEventKind.ABSORBED,
                actor=actor,
                reason=reason,
                other_household=survivor,
                detail=detail,
            ),
            _event(
                survivor,
                kind=LifeEventKind.MERGED_IN,
                actor=actor,
                reason=reason,
                other_household=absorbed,
                detail=detail,
            ),
        ]
    )
    absorbed.closed_on = on
    absorbed.closed_reason = ClosedReason.MERGED
    absorbed._change_reason = _("注销：并户，并入%(survivor)s") % {"survivor": survivor}  # type: ignore[attr-defined]
    absorbed.save(update_fields=["closed_on", "closed_reason", "updated_at"])
    HouseholdFlag.objects.filter(household=absorbed, valid_to__isnull=True).update(valid_to=on)
    household_closed.send(sender=household_merge, household=absorbed, actor=actor)  # nothing open is left to end
    facts_refresh_households([absorbed.pk, survivor.pk])
    return survivor
