"""What a field user may take offline, and the compact record of each household a visit needs on the phone
(issue "Visits without signal", item 2). Only the fields a visit needs leave the server: household number, head,
address, village, members' names and ages (full ID numbers only for a role that sees them unmasked), the last
visit, open risks and the registry's housing grade the checklist starts from."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can_view_identity, has_capability
from accounts.roles import Capability
from core.errors import DomainError
from geo.codes import village_of
from geo.models import AdminArea
from geo.parameters import parameter
from households.choices import MemberStatus
from households.masking import mask_id_number
from households.models import Household, HouseholdMember, RiskFlag
from households.rules import age_on
from households.selectors import with_facts
from monitoring.choices import SubjectCategory, SubjectStatus

MINE = "mine"
VILLAGE = "village:"


@dataclass(frozen=True)
class Scope:
    """One choice of "which households": ``mine`` (the user's territory and pairings today) or one village."""

    key: str
    label: str
    count: int


def can_go_offline(user: User) -> bool:
    """The field roles: whoever records visits (village worker, township cadre, assistance cadre)."""
    return has_capability(user, Capability.RECORD_VISIT)


def keep_days(user: User) -> int:
    """``offline.keep_days`` of the user's area (7 unless an administrator set another)."""
    code = user.area.code if user.area is not None else ""
    return int(parameter("offline.keep_days", area_code=code, on=timezone.localdate()))


def _households(user: User) -> QuerySet[Household]:
    # Writes use the territory of today (``current_to``): a household transferred away is no longer visited here.
    return Household.objects.current_to(user).active()


def scopes(user: User) -> list[Scope]:
    """What the user may take offline. Everything they are responsible for when it fits on a phone
    (``OFFLINE_MAX_HOUSEHOLDS``); otherwise one village at a time, with the households counted per village."""
    if not can_go_offline(user):
        return []
    households = _households(user)
    total = households.count()
    limit = settings.OFFLINE_MAX_HOUSEHOLDS
    if total <= limit:
        return [Scope(MINE, _("我负责的全部农户"), total)] if total else []
    by_village = households.values("managing_area__code").annotate(n=Count("pk")).order_by("managing_area__code")
    counts: dict[str, int] = defaultdict(int)
    for row in by_village:
        counts[village_of(row["managing_area__code"])] += row["n"]
    names = dict(AdminArea.objects.filter(code__in=counts).values_list("code", "name"))
    return [Scope(f"{VILLAGE}{code}", names.get(code, code), n) for code, n in sorted(counts.items())]


def scope_of(user: User, key: str) -> Scope:
    """The scope named ``key`` among the user's, or a refusal naming what may be chosen."""
    for scope in scopes(user):
        if scope.key == key:
            return scope
    if not can_go_offline(user):
        raise DomainError(_("您的角色不登记走访，不能下载农户到手机"), field="scope")
    raise DomainError(_("请选择要下载的范围（我负责的农户或其中一个村）"), field="scope")


def scope_households(user: User, scope: Scope) -> QuerySet[Household]:
    households = _households(user)
    if scope.key.startswith(VILLAGE):
        code = scope.key.removeprefix(VILLAGE)
        households = households.filter(managing_area__code__startswith=code)
    return households


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, "")) if value else ""


def household_records(user: User, scope: Scope, *, today: datetime.date) -> list[dict[str, Any]]:
    """The phone's record of each household of the scope, in household-number order. Four queries whatever the
    size: the households with their facts and village, the present members, the open risks."""
    unmasked = can_view_identity(user)
    present: Any = HouseholdMember.objects.filter(member_status=MemberStatus.PRESENT).order_by("birth_date", "pk")
    open_risks: Any = RiskFlag.objects.filter(resolved_on__isnull=True)
    households: list[Any] = list(
        scope_households(user, scope)
        .select_related("facts", "managing_area")
        .prefetch_related(
            Prefetch("members", queryset=present, to_attr="present_members"),
            Prefetch("risks", queryset=open_risks, to_attr="open_risks"),
        )
        .order_by("household_no")
    )
    with_facts(households)
    records = []
    for household in households:
        facts = household.facts
        status = _label(SubjectStatus, facts.monitoring_status)
        category = _label(SubjectCategory, facts.monitoring_category)
        records.append(
            {
                "id": household.pk,
                "no": household.household_no,
                "head": household.head_name,
                "address": household.address,
                "village": household.managing_area.name,
                "area": household.managing_area.code,
                "housing_safety": household.housing_safety,
                "monitoring": _("%(category)s（%(status)s）") % {"category": category, "status": status}
                if category and status
                else status,
                "last_visit": facts.last_visit_on.isoformat() if facts.last_visit_on else None,
                "visit_due": facts.visit_due_on.isoformat() if facts.visit_due_on else None,
                "members": [
                    {
                        "id": member.pk,
                        "name": member.name,
                        "age": age_on(member.birth_date, today),
                        "relationship": member.get_relationship_display(),
                        "id_number": member.id_number if unmasked else mask_id_number(member.id_number),
                    }
                    for member in household.present_members
                ],
                "risks": [
                    {"type": risk.get_risk_type_display(), "found_on": risk.found_on.isoformat()}
                    for risk in household.open_risks
                ],
            }
        )
    return records
