"""The one implementation of visibility (STYLE rule 9, §5.1). Every place-bound queryset derives from
``JurisdictionQuerySet``; ``visible_to(user)`` alone decides which rows a user may see."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, NamedTuple, Self, TypeVar

from django.db import models
from django.db.models import Q

from geo.codes import PREFIX_LENGTH, ancestor_code

_M = TypeVar("_M", bound=models.Model)
GRANTS_MEMO = "_jurisdiction_grants"  # where a user object keeps the ids its pairings open, by day


def jurisdiction_prefixes(user: Any) -> list[str]:
    """The code prefixes a user's territory covers: the prefix of their one area, or none (deny by default)."""
    area = getattr(user, "area", None)
    if area is None:
        return []
    return [area.prefix]


def in_territory(user: Any, area_code: str) -> bool:
    """The object form of ``visible_to``'s territory test, without a query: ``area_code`` lies inside the user's
    territory (a superuser's is everything). The permission checks of every app ask this, and nothing else."""
    if user.is_superuser:
        return True
    return any(area_code.startswith(prefix) for prefix in jurisdiction_prefixes(user))


class JurisdictionQuerySet(models.QuerySet[_M]):
    """Base of every place-bound queryset.

    Territory is a code prefix on ``jurisdiction_fields`` (SPEC §1.3 scoping rule 1, §1.5 dual management).
    It opens only for users whose roles carry ``territory_capability`` (SPEC §1.3: a department screener does not
    browse households). Pairings in force open single households beyond the territory (a paired assistance cadre, §1.6).
    """

    # Lookup paths to area codes, e.g. ("managing_area__code", "co_managing_area__code").
    jurisdiction_fields: ClassVar[tuple[str, ...]] = ()
    # The capability (``app_label.codename``) a role needs to see these rows across its territory;
    # empty: any user with an area does.
    territory_capability: ClassVar[str] = ""
    # The path to the household a pairing in force opens (SPEC §1.6): None = pairings open nothing here, "" = the row
    # is the household, "household" = its household.
    grant_path: ClassVar[str | None] = None
    # Rows of an area that encloses the user's (lookup path to its code → its level): a township cadre sees the
    # campaign of the county they are in ({"county__code": "county"}), with the territory capability.
    enclosing_fields: ClassVar[Mapping[str, str]] = {}
    # Rows that are one user's only (an inbox, an export file): the lookup path to that user. It holds for
    # superusers too; with no ``jurisdiction_fields`` it is the whole test (the rows have no place of their own).
    owner_path: ClassVar[str] = ""
    # Users without ``department_capability`` (a department screener, who does not browse households) see only
    # the rows of their own department, by this path.
    department_path: ClassVar[str] = ""
    department_capability: ClassVar[str] = ""
    # Rows of different kinds need different capabilities: the field holding the kind, and ``kind_capabilities``
    # mapping each kind to the permission (``app_label.codename``) it needs.
    kind_field: ClassVar[str] = ""
    # The lookup path to the code of the area that decides on a row (``managed_by``), if any.
    managing_field: ClassVar[str] = ""

    @classmethod
    def kind_capabilities(cls) -> Mapping[str, str]:
        return {}

    def visible_to(self, user: Any) -> Self:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if self.owner_path and (user.is_superuser or not self.jurisdiction_fields):
            # An owner's rows with no place of their own (a ledger file) are theirs wherever they now work.
            return self.filter(**{self.owner_path: user})
        if user.is_superuser:
            return self
        allowed = Q(pk__in=[])  # deny by default: no area, no capability, no grant, no rows
        if not self.territory_capability or user.has_perm(self.territory_capability):
            for prefix in jurisdiction_prefixes(user):
                for field in self.jurisdiction_fields:
                    allowed |= _within(field, prefix)
            allowed |= self._enclosing(user)
        granted = self._granted_to(user)
        if granted is not None:
            allowed |= granted
        rows = self.filter(allowed)
        if self.owner_path:
            rows = rows.filter(**{self.owner_path: user})
        if self.department_path and not user.has_perm(self.department_capability):
            rows = rows.filter(**{self.department_path: getattr(user, "department", "") or "-"})
        if self.kind_field:
            kinds = [kind for kind, perm in self.kind_capabilities().items() if user.has_perm(perm)]
            rows = rows.filter(**{f"{self.kind_field}__in": kinds})
        return rows

    def _enclosing(self, user: Any) -> Q:
        """The rows of the areas that enclose the user's own, at the levels ``enclosing_fields`` names."""
        area = getattr(user, "area", None)
        found = Q(pk__in=[])
        if area is None:
            return found
        for field, level in self.enclosing_fields.items():
            if len(area.prefix) > PREFIX_LENGTH[level]:  # only an area below that level is enclosed by one
                found |= Q(**{field: ancestor_code(area.code, level)})
        return found

    def managed_by(self, user: Any) -> Self:
        """The rows whose ``managing_field`` lies in the user's territory: where the user may act, which is
        narrower than what they read (a co-managing area reads but does not decide, SPEC §1.3 rule 2, §1.5)."""
        if user.is_superuser:
            return self
        allowed = Q(pk__in=[])
        if self.managing_field:
            for prefix in jurisdiction_prefixes(user):
                allowed |= _within(self.managing_field, prefix)
        return self.filter(allowed)

    def territory_ids(self, user: Any) -> list[int] | None:
        """The ids of the areas whose rows make up everything ``user`` sees, when that is exactly their territory
        (no object grants, the capability held) and it was read as a list in this request; else None. A list can
        then be read area by area (``households.paging``)."""
        if not user.is_authenticated or user.is_superuser or _may_hold_grants(user):
            return None
        if self.territory_capability and not user.has_perm(self.territory_capability):
            return None
        area = getattr(user, "area", None)
        rows = areas_under(area.prefix) if area is not None else None
        return None if rows is None else [row.pk for row in rows]

    def in_area(self, area: Any) -> Self:
        """The same prefix test without a user, for system jobs such as sweeps."""
        allowed = Q(pk__in=[])
        for field in self.jurisdiction_fields:
            allowed |= _within(field, area.prefix)
        return self.filter(allowed)

    def _granted_to(self, user: Any) -> Q | None:
        """The rows of the households a pairing in force today opens to the user (a paired assistance cadre, SPEC
        §1.6), as a short ``pk__in`` list (keeps the main query indexable). The pairings are read by date on every
        request, so one that has ended, or not yet begun, opens nothing: no task has to catch up."""
        if self.grant_path is None or not _may_hold_grants(user):
            return None
        from django.apps import apps
        from django.utils import timezone

        path = f"{self.grant_path}__" if self.grant_path else ""
        today = timezone.localdate()
        # Read once per user object (a request's user): a page scopes several querysets by the same pairings.
        # The pairing services forget them when they change one of the user's pairings.
        memo = user.__dict__.setdefault(GRANTS_MEMO, {})
        if today not in memo:
            # By name: the pairings are the households app's, above this one (one integer index on the cadre).
            pairings = apps.get_model("households", "AssistancePairing")._default_manager
            memo[today] = list(pairings.in_force(today).filter(cadre=user).values_list("household_id", flat=True))
        ids = memo[today]
        if not ids:
            return None
        return Q(**{f"{path}pk__in": ids})


# A jurisdiction of at most this many areas (a county has a few hundred villages) is written into the query as a
# list of ids; a larger one (a province) stays a subquery.
AREA_LIST_LIMIT = 2000


def _within(field: str, prefix: str) -> Q:
    """Rows whose area code (``field``) starts with ``prefix``. A path to an area's code (``managing_area__code``)
    becomes a test of the foreign key against the areas' ids: the areas are matched once by their code index, and
    the rows by their foreign-key index — instead of joining every row to its area to read the code.

    Within a request the ids are read once and written into the query as a list: the planner can then combine the
    territory test with any other index (a name search reads the few matching households by key and checks their
    area) — a subquery's ids it can only hash, which forces a scan of every household to test them."""
    head, _sep, last = field.rpartition("__")
    if last == "code" and head:
        rows = areas_under(prefix)
        if rows is not None:
            return Q(**{f"{head}__in": [row.pk for row in rows]})
        from django.apps import apps

        areas = apps.get_model("geo", "AdminArea")._default_manager.filter(code__startswith=prefix).values("pk")
        return Q(**{f"{head}__in": areas})
    return Q(**{f"{field}__startswith": prefix})


class AreaRow(NamedTuple):
    pk: int
    level: str
    active: bool


def areas_under(prefix: str) -> list[AreaRow] | None:
    """The areas under ``prefix`` (itself included, closed ones too), read once per request; None outside a request
    or past ``AREA_LIST_LIMIT``."""
    from geo import once

    memo = once.memo("areas_under")
    if memo is None:
        return None
    if prefix not in memo:
        from django.apps import apps

        found = [
            AreaRow(pk, level, valid_to is None)
            for pk, level, valid_to in apps.get_model("geo", "AdminArea")
            ._default_manager.filter(code__startswith=prefix)
            .values_list("pk", "level", "valid_to")[: AREA_LIST_LIMIT + 1]
        ]
        memo[prefix] = found if len(found) <= AREA_LIST_LIMIT else None
    rows: list[AreaRow] | None = memo[prefix]
    return rows


def _may_hold_grants(user: Any) -> bool:
    """Only assistance cadres are paired (the pairing services refuse any other role): nobody else's page need look
    pairings up."""
    roles = getattr(user, "roles", None)
    return roles is None or "assistance_cadre" in {str(role) for role in roles}


class AdminAreaQuerySet(JurisdictionQuerySet[_M]):
    jurisdiction_fields = ("code",)

    def active(self) -> Self:
        return self.filter(valid_to__isnull=True)

    def of_level(self, level: str) -> Self:
        return self.filter(level=level)

    def ids_within(self, area: Any) -> list[int]:
        """The ids of ``area`` and every area inside it (a township: a few dozen), for filters that then read their
        rows by a plain index on the area's id rather than by joining the area table."""
        return list(self.filter(code__startswith=area.prefix).values_list("pk", flat=True))
