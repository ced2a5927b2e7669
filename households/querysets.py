import datetime
from typing import Any, ClassVar, Self, TypeVar

from django.db.models import Model, Q

from core.lookups import AnyOf
from geo.querysets import AREA_LIST_LIMIT, JurisdictionQuerySet, _within

_M = TypeVar("_M", bound=Model)  # the model of the manager the queryset serves
FORMER_MEMO = "households_formerly_managed"  # the request memo of formerly_managed_ids


def formerly_managed_ids(user: Any) -> list[int] | Any:
    """The households transferred out of the user's territory to a place outside it (SPEC §1.3 rule 1 after a
    transfer, ``HouseholdEvent``): the old village keeps reading their history, never writing. A short list of ids
    read once per request by the transfer index (a county sees its own transfers anyway, so only those that left
    it count); past ``AREA_LIST_LIMIT`` a subquery. Only roles that browse households read them."""
    area = getattr(user, "area", None)
    if not user.is_authenticated or not user.is_active or user.is_superuser or area is None:
        return []
    if not user.has_perm("accounts.browse_households"):
        return []
    from geo import once

    memo = once.memo(FORMER_MEMO)
    if memo is not None and area.prefix in memo:
        return memo[area.prefix]
    from django.apps import apps

    events = apps.get_model("households", "HouseholdEvent")._default_manager
    left = (
        events.filter(_within("from_area__code", area.prefix), kind="transfer")
        .exclude(_within("to_area__code", area.prefix))
        .values_list("household_id", flat=True)
        .distinct()
    )
    ids: list[int] | Any = list(left[: AREA_LIST_LIMIT + 1])
    if len(ids) > AREA_LIST_LIMIT:
        ids = left
    if memo is not None:
        memo[area.prefix] = ids
    return ids


class FormerReadQuerySet(JurisdictionQuerySet[_M]):
    """Reads add the households that left the user's territory by a transfer (``formerly_managed_ids``); writes,
    work lists and counters use ``current_to``, the territory (and pairings) of today."""

    former_path: ClassVar[str] = ""  # the path to the household: "" the row is it, "household__" its household

    def current_to(self, user: Any) -> Self:
        """What the user's territory (and pairings in force) hold today: the gate of every write (SPEC §1.3 rule 2:
        writes need the current managing area) and the set work lists and counters count."""
        return super().visible_to(user)

    def visible_to(self, user: Any) -> Self:
        rows = self.current_to(user)
        ids = formerly_managed_ids(user)
        if isinstance(ids, list) and not ids:
            return rows
        return rows | self.filter(**{f"{self.former_path}pk__in": ids})


class HouseholdQuerySet(FormerReadQuerySet[_M]):
    # A self-migrant household is seen from its residence (managing) and its hukou (co-managing) area (SPEC §1.5).
    jurisdiction_fields = ("managing_area__code", "co_managing_area__code")
    territory_capability = "accounts.browse_households"
    grant_path = ""

    def active(self) -> Self:
        return self.filter(closed_on__isnull=True)

    def managed_in(self, area: Any) -> Self:
        """Households whose **managing** area lies in ``area``: those it answers for in workflows, sweeps and
        rectification (SPEC §1.3 rule 2; the co-managing area reads but does not decide, §1.5). For system jobs,
        not for what a user may see (that is ``visible_to``)."""
        from geo.models import AdminArea

        # The areas' ids first (a township has a few dozen): the planner then reads the households by their
        # managing-area index instead of joining every household to the area table.
        return self.filter(AnyOf("managing_area_id", AdminArea.objects.ids_within(area)))


class HouseholdPartQuerySet(FormerReadQuerySet[_M]):
    """Rows that belong to one household (members, incomes): visible exactly when their household is."""

    jurisdiction_fields = ("household__managing_area__code", "household__co_managing_area__code")
    territory_capability = "accounts.browse_households"
    grant_path = "household"
    former_path = "household__"


class HouseholdEventQuerySet(HouseholdPartQuerySet[_M]):
    """A household's life events (``HouseholdEvent``): read where the household is read, the old village included."""


class VillageMergeQuerySet(JurisdictionQuerySet[_M]):
    """A village merge is read where the retired village or its successor lies."""

    jurisdiction_fields = ("village__code", "successor__code")
    territory_capability = "accounts.browse_households"


class PairingQuerySet(HouseholdPartQuerySet[_M]):
    """Pairings (结对帮扶, SPEC §1.6): seen where their household is; a paired cadre sees those of the households
    their pairings open."""

    def in_force(self, on: datetime.date) -> Self:
        """The pairings that open their household on ``on``: begun, and not yet ended (the end day included)."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


class VisitPhotoQuerySet(FormerReadQuerySet[_M]):
    """A photo is visible exactly when its visit's household is."""

    jurisdiction_fields = ("visit__household__managing_area__code", "visit__household__co_managing_area__code")
    territory_capability = "accounts.browse_households"
    grant_path = "visit__household"
    former_path = "visit__household__"


class ImportJobQuerySet(JurisdictionQuerySet[_M]):
    # The area the rows are imported into; only roles that may edit households see import jobs at all. An upload
    # holds personal data of whole villages: it is its uploader's only, while the area is still theirs (colleagues
    # of the same area get the same 404 as strangers).
    jurisdiction_fields = ("area__code",)
    territory_capability = "accounts.edit_household"
    owner_path = "created_by"


class DisclosureQuerySet(JurisdictionQuerySet[_M]):
    """The log of who saw full ID numbers (SPEC §1.3 scoping rule 4): read where the household lies, by the roles
    that audit it (a county reviewer, a supervisor, an administrator); nobody else, the viewers themselves included."""

    jurisdiction_fields = ("household__managing_area__code", "household__co_managing_area__code")
    territory_capability = "accounts.audit_disclosures"

    def visible_to(self, user: Any) -> Self:
        # The territory is the whole test: a capability-less user with grants (a paired cadre) sees no log rows.
        if not user.is_superuser and not user.has_perm(self.territory_capability):
            return self.none()
        return super().visible_to(user)
