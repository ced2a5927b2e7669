"""The log of full ID numbers shown (SPEC §1.3 scoping rule 4, §15 C-29), for those who audit it: each view of a
household's full numbers on its page, its edit form or through the API (``IdentityDisclosure``), and each export or
reconciliation written with full numbers (the ledger's own audit rows), inside the auditor's territory."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.permissions import has_capability
from accounts.roles import Capability
from geo.models import AdminArea
from households.models import IdentityDisclosure
from ledgers.models import LedgerExport, Reconciliation


def can_audit_disclosures(user: User) -> bool:
    return has_capability(user, Capability.AUDIT_DISCLOSURES)


@dataclass(frozen=True)
class DisclosureFilter:
    """What the auditor narrows the log to: who (user name prefix), through which channel, from and to a day."""

    who: str = ""
    channel: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None


def _who(field: str, who: str) -> Q:
    return (
        Q(**{f"{field}__username__startswith": who})
        | Q(**{f"{field}__first_name__startswith": who})
        | Q(**{f"{field}__last_name__startswith": who})
    )


def disclosures(user: User, chosen: DisclosureFilter) -> QuerySet[IdentityDisclosure]:
    """The views of full numbers of the households in the auditor's territory, newest first."""
    rows = IdentityDisclosure.objects.visible_to(user).select_related("user", "household__managing_area")
    if chosen.who:
        rows = rows.filter(_who("user", chosen.who))
    if chosen.channel:
        rows = rows.filter(channel=chosen.channel)
    if chosen.start:
        rows = rows.filter(at__date__gte=chosen.start)
    if chosen.end:
        rows = rows.filter(at__date__lte=chosen.end)
    return rows.order_by("-at", "-pk")


def full_id_files(user: User, chosen: DisclosureFilter, *, limit: int = 50) -> list[LedgerExport | Reconciliation]:
    """The ledger exports and reconciliation reports written with full numbers for a place in the territory,
    newest first (each is one row of the ledgers' own audit, whoever wrote it)."""
    if not can_audit_disclosures(user):
        return []
    # The files are their owners' (their querysets are owner-only); the auditor reads those of the places they see.
    places = AdminArea.objects.visible_to(user)
    exports = LedgerExport.objects.filter(area__in=places, full_ids=True)
    reports = Reconciliation.objects.filter(area__in=places, full_ids=True)
    if chosen.who:
        exports, reports = exports.filter(_who("owner", chosen.who)), reports.filter(_who("owner", chosen.who))
    if chosen.start:
        exports = exports.filter(created_at__date__gte=chosen.start)
        reports = reports.filter(created_at__date__gte=chosen.start)
    if chosen.end:
        exports = exports.filter(created_at__date__lte=chosen.end)
        reports = reports.filter(created_at__date__lte=chosen.end)
    found: list[LedgerExport | Reconciliation] = [
        *exports.select_related("owner", "area").order_by("-created_at")[:limit],
        *reports.select_related("owner", "area").order_by("-created_at")[:limit],
    ]
    return sorted(found, key=lambda row: row.created_at, reverse=True)[:limit]
