"""The facts table: every column of ``HouseholdFacts`` by its Python face for one household (``household_facts``)
and by its query face for a set (``facts_select``, one INSERT … SELECT per township), and the refreshes that keep
the table true."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Protocol

from django.db import connection, transaction
from django.db.models import Max, Min, Model, QuerySet
from django.utils import timezone

from core.lookups import AnyOf, InTable
from core.signals import on_save_or_delete
from geo.codes import AreaLevel, ancestor_code
from geo.models import AdminArea
from households.facts.context import Dialect, FactContext, Fragment, compiled, context_for
from households.facts.flags import (
    FlagFacts,
    exited_since,
    flag_aggregates,
    flag_facts,
    flag_in_force,
    flag_in_force_q,
    special_identities,
)
from households.facts.guarantees import CheckFacts, guarantee_facts, guarantee_layers, latest_check, latest_checks
from households.facts.income import (
    BILL_KINDS,
    IncomeSql,
    IncomeYear,
    bill_aggregates,
    bill_totals,
    hardship,
    income_facts,
    income_year_aggregates,
    income_years,
    window_dates,
)
from households.facts.members import MEMBER_FACTS, member_count_aggregates, member_counts, present_members_q
from households.facts.risks import risk_aggregates, risk_open_on_q, risk_open_since
from households.facts.visits import CLASS_STARTS, visit_due, visit_layers
from households.models import (
    FactsRefresh,
    GuaranteeCheck,
    Household,
    HouseholdFacts,
    HouseholdFlag,
    HouseholdMember,
    IncomeRecord,
    RigidExpense,
    RiskFlag,
    Visit,
)

COLUMNS: Final[tuple[str, ...]] = tuple(
    f.attname for f in HouseholdFacts._meta.concrete_fields if f.attname not in ("household_id", "stale")
)
# The facts a refresh may leave as they are: a row is not rewritten only because the day moved on.
COMPARED: Final = tuple(column for column in COLUMNS if column != "computed_on")
IDS: Final = "facts_ids"  # the CTE of the households a refresh computes


# --------------------------------------------------------------------------------------- contributions above


@dataclass(frozen=True)
class ContributedSql:
    """An app's query face: derived tables (joined on ``household_id``) and layer-one expressions over them; the
    names include the visit-class starts the app knows (``visits.CLASS_STARTS``)."""

    joins: list[tuple[str, Fragment]]
    columns: dict[str, str]


class Contributor(Protocol):
    """Facts owned by an app above this one (monitoring), with both faces: ``one`` for one household (its values,
    and ``visit_classes``: class → the day the household entered it), ``sql`` for a set."""

    columns: tuple[str, ...]

    def one(self, household: Household, ctx: FactContext) -> dict[str, Any]: ...

    def sql(self, ids: Callable[[str], InTable], ctx: FactContext, d: Dialect) -> ContributedSql: ...


_CONTRIBUTORS: list[Contributor] = []


def register(contributor: Contributor) -> None:
    """Called from an app's ``ready()``."""
    if all(type(c) is not type(contributor) for c in _CONTRIBUTORS):
        _CONTRIBUTORS.append(contributor)


# ---------------------------------------------------------------------------------------------- Python face


@dataclass(frozen=True)
class Inputs:
    """One household's inputs as the Python face reads them."""

    household_id: int
    managing_area_id: int
    co_managing_area_id: int | None
    active: bool
    housing_safety: str
    risk_open_since: datetime.date | None
    counts: Mapping[str, int]
    years: Mapping[int, IncomeYear]
    bills: Mapping[str, Decimal]
    flags: FlagFacts
    check: CheckFacts
    last_visit: datetime.date | None
    planned_visit: datetime.date | None
    paired_cadre_id: int | None
    contributed: Mapping[str, Any] = field(default_factory=dict)


def derive(inputs: Inputs, ctx: FactContext) -> dict[str, Any]:
    """Every column of ``HouseholdFacts`` from one household's inputs (the Python face)."""
    counts = inputs.counts
    income = income_facts(inputs.years, size=counts["size"], ctx=ctx)
    hard = hardship(income, inputs.bills, ctx)
    guarantee = guarantee_facts(counts, inputs.housing_safety, inputs.check, ctx)
    classes: dict[str, datetime.date] = dict(inputs.contributed.get("visit_classes", {}))
    exited = exited_since(inputs.flags)
    if exited is not None:
        classes["exited"] = exited
    if inputs.risk_open_since is not None:
        classes["risk_flagged"] = inputs.risk_open_since
    visit_class, due = visit_due(inputs.last_visit, inputs.planned_visit, classes, ctx)
    row: dict[str, Any] = {
        "managing_area_id": inputs.managing_area_id,
        "co_managing_area_id": inputs.co_managing_area_id,
        "active": inputs.active,
        "computed_on": ctx.on,
        **{fact.name: counts[fact.name] for fact in MEMBER_FACTS},
        "flags": inputs.flags.bits,
        "special_identities": special_identities(inputs.flags),
        "income_window": income.window.label if income.income.months == 12 else "",
        "income_months": income.income.months,
        "net_income": income.net_income,
        "per_capita": income.per_capita,
        "line": income.line,
        "line_position": str(income.position),
        "exit_income_met": income.exit_income_met,
        "net_last_year": income.net_last_year,
        "policy_last_year": income.policy_last_year,
        "rigid_total": hard.rigid_total,
        "medical_oop": hard.medical_oop,
        "disaster_loss": inputs.bills["disaster"],
        "epidemic_cost": inputs.bills["epidemic"],
        "emergency_cost": inputs.bills["emergency"],
        "sudden_cost": inputs.bills["sudden"],
        "net_current": income.net_current,
        "net_previous": income.net_previous,
        "business_current": income.business_current,
        "business_previous": income.business_previous,
        "work_current": income.work_current,
        "work_previous": income.work_previous,
        "rigid_exceeds_income": hard.rigid_exceeds_income,
        "sharp_income_drop": hard.sharp_income_drop,
        "large_medical_oop": hard.large_medical_oop,
        "business_loss": hard.business_loss,
        "work_income_drop": hard.work_income_drop,
        "education_ok": guarantee.education_ok,
        "medical_ok": guarantee.medical_ok,
        "housing_ok": guarantee.housing_ok,
        "latest_check_on": guarantee.check.on,
        "latest_check_ok": guarantee.check.all_ok,
        "latest_water_ok": guarantee.check.water_ok,
        "guarantees_secure": guarantee.secure,
        "last_visit_on": inputs.last_visit,
        "visit_class": visit_class,
        "visit_due_on": due,
        "paired_cadre_id": inputs.paired_cadre_id,
        "risk_open_since": inputs.risk_open_since,
    }
    for contributor in _CONTRIBUTORS:
        for column in contributor.columns:
            row[column] = inputs.contributed[column]
    return row


def household_inputs(household: Household, ctx: FactContext) -> Inputs:
    """One household's inputs from its rows (prefetch members, incomes, flags, rigid_expenses, guarantee_checks,
    visits and risks to keep it to a few queries)."""
    from accounts.grants import paired_cadre_ids

    contributed: dict[str, Any] = {}
    for contributor in _CONTRIBUTORS:
        contributed.update(contributor.one(household, ctx))
    visits = list(household.visits.all())
    return Inputs(
        household_id=household.pk,
        managing_area_id=household.managing_area_id,
        co_managing_area_id=household.co_managing_area_id,
        active=household.closed_on is None,
        housing_safety=household.housing_safety,
        risk_open_since=risk_open_since(household.risks.all(), ctx.on),
        counts=member_counts(household.members.all(), ctx),
        years=income_years(household.incomes.all(), split=ctx.on.month),
        bills=bill_totals(household.rigid_expenses.all(), ctx),
        flags=flag_facts((f.kind, f.valid_from) for f in household.flags.all() if flag_in_force(f, ctx.on)),
        check=latest_check(household.guarantee_checks.all()),
        last_visit=max((v.visited_on for v in visits), default=None),
        planned_visit=max((v.next_visit_on for v in visits if v.next_visit_on), default=None),
        paired_cadre_id=min(paired_cadre_ids(household, ctx.on), default=None),
        contributed=contributed,
    )


def household_facts(household: Household, *, on: datetime.date, ctx: FactContext | None = None) -> dict[str, Any]:
    """Python face of every fact of one household on ``on``: what the facts table holds for it."""
    ctx = ctx or context_for(household.managing_area.code, on=on)
    return derive(household_inputs(household, ctx), ctx)


# ------------------------------------------------------------------------------------------------ query face


def in_ids(column: str) -> InTable:
    """The condition "``column`` holds one of the households this refresh computes" (the ``facts_ids`` CTE)."""
    return InTable(column, IDS)


def facts_select(households: QuerySet[Household], ctx: FactContext) -> tuple[Fragment, list[str]]:
    """The query face of every column for a set of households: ``WITH`` the households and their income by year,
    one derived table per input (a GROUP BY over the set) joined to the household, then four layers of
    expressions. Returns the SELECT and its column names (``household_id`` first)."""
    from accounts.grants import pairings

    d = Dialect()
    first, last = window_dates(ctx)
    income = IncomeSql(ctx, d)
    derived: list[tuple[str, Fragment]] = [
        (
            "m",
            compiled(
                HouseholdMember.objects.filter(present_members_q(), in_ids("household_id"))
                .order_by()
                .values("household_id")
                .annotate(**member_count_aggregates(ctx))
            ),
        ),
        (
            "b",
            compiled(
                RigidExpense.objects.filter(in_ids("household_id"), incurred_on__gte=first, incurred_on__lte=last)
                .order_by()
                .values("household_id")
                .annotate(**bill_aggregates())
            ),
        ),
        (
            "f",
            compiled(
                HouseholdFlag.objects.filter(flag_in_force_q(ctx.on), in_ids("household_id"))
                .order_by()
                .values("household_id")
                .annotate(**flag_aggregates())
            ),
        ),
        ("c", compiled(latest_checks(GuaranteeCheck.objects.filter(in_ids("household_id"))))),
        (
            "v",
            compiled(
                Visit.objects.filter(in_ids("household_id"))
                .order_by()
                .values("household_id")
                .annotate(last=Max("visited_on"), planned=Max("next_visit_on"))
            ),
        ),
        (
            "rk",
            compiled(
                RiskFlag.objects.filter(risk_open_on_q(ctx.on), in_ids("household_id"))
                .order_by()
                .values("household_id")
                .annotate(**risk_aggregates())
            ),
        ),
        (
            "p",
            compiled(
                pairings(ctx.on)
                .filter(in_ids("household_id"))
                .order_by()
                .values("household_id")
                .annotate(cadre=Min("cadre_id"))
            ),
        ),
    ]
    layer_one: dict[str, str] = {
        "household_id": "h.id",
        "managing_area_id": "h.managing_area_id",
        "co_managing_area_id": "h.co_managing_area_id",
        "active": "(h.closed_on IS NULL)",
        "computed_on": d.date(ctx.on),
        "risk_open_since": "rk.since",
        **{fact.name: f"COALESCE(m.{fact.name}, 0)" for fact in MEMBER_FACTS},
        "flags": "COALESCE(f.bits, 0)",
        "special_identities": "COALESCE(f.special, 0)",
        "exited_since": "f.exited_since",
        "paired_cadre_id": "p.cadre",
        **{f"bills_{name}": f"COALESCE(b.{name}, 0)" for name in BILL_KINDS},
    }
    layer_one.update(disaster_loss="bills_disaster", epidemic_cost="bills_epidemic", emergency_cost="bills_emergency")
    for contributor in _CONTRIBUTORS:
        contribution = contributor.sql(in_ids, ctx, d)
        derived += contribution.joins
        layer_one.update(contribution.columns)
    for start in CLASS_STARTS.values():
        layer_one.setdefault(start, d.null("DATE"))  # a class no registered app knows: nobody is in it
    layers = [layer_one, {}, {}, {}]
    for extra in (income.layers(), guarantee_layers(ctx, d), visit_layers(ctx, d)):
        for level, expressions in enumerate(extra):
            layers[level].update(expressions)
    # Layer one may not read its own names: the bills' aliases and the guarantees' names move to layer two.
    for name in ("disaster_loss", "epidemic_cost", "emergency_cost"):
        layers[1][name] = layers[0].pop(name)
    layers[1]["sudden_cost"] = "bills_sudden"

    iy = compiled(
        IncomeRecord.objects.filter(in_ids("household_id"))
        .order_by()
        .values("household_id", "year")
        .annotate(**income_year_aggregates(ctx.on.month))
    )
    # The households drive the query: only their rows are joined to the inputs' totals. They are read once (a
    # materialised CTE) and every input reads its rows by their ids through its household index.
    # (Reading them from the table again by their ids, 6,000 probes of its primary key, took a sixth of the query.)
    driving = ("id", "managing_area_id", "co_managing_area_id", "closed_on", "housing_safety")
    household_columns = ", ".join(driving)
    ids_sql = compiled(households.order_by().values(*driving))
    params: list[Any] = [*ids_sql.params, *iy.params]
    joins = []
    for alias, fragment in derived:
        joins.append(f"LEFT JOIN ({fragment.sql}) {alias} ON {alias}.household_id = h.id")
        params += fragment.params
    joins += income.joins("iy")
    # Layer one reads the joins; each later layer reads the names of the layer before it, behind a fence.
    select = "SELECT " + ", ".join(f"{expression} AS {name}" for name, expression in layers[0].items())
    # Every value is a parameter of a compiled queryset or a literal of the settings (Dialect): no user text.
    sql = f"{select} FROM (SELECT {household_columns} FROM {IDS}) h {' '.join(joins)} {d.fence()}"  # noqa: S608
    for level, expressions in enumerate(layers[1:], start=2):
        more = ", ".join(f"{expression} AS {name}" for name, expression in expressions.items())
        sql = f"SELECT l{level}.*, {more} FROM ({sql}) l{level} {d.fence()}"  # noqa: S608
    names = ["household_id", *COLUMNS]
    outer = ", ".join(names)
    text = (
        f"WITH {IDS}({household_columns}) AS MATERIALIZED ({ids_sql.sql}), iy AS MATERIALIZED ({iy.sql}) "  # noqa: S608
        f"SELECT {outer} FROM ({sql}) facts WHERE 1 = 1"
    )
    return Fragment(text, tuple(params)), names


# ------------------------------------------------------------------------------------------------- refreshing


@transaction.atomic
def facts_refresh(households: QuerySet[Household], *, ctx: FactContext) -> int:
    """Recompute the facts of a set of households with the query face, in one statement: rows that did not change
    are left alone. Returns the rows written (counting the households is the caller's, where it logs them: an
    import's bucket or a service's household would pay a second read of the set for nothing)."""
    select, names = facts_select(households, ctx)
    d = Dialect()
    table = HouseholdFacts._meta.db_table

    def changed(old: str, new: str) -> str:
        return " OR ".join([f"{old}.stale", *(d.differs(f"{old}.{column}", f"{new}.{column}") for column in COMPARED)])

    columns = ", ".join(names)
    upsert = (
        f"ON CONFLICT (household_id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in COLUMNS)}, "
        f"stale = {d.false()} WHERE {changed(table, 'excluded')}"
    )
    sql = f"INSERT INTO {table} ({columns}) {select.sql} {upsert}"  # SQLite: one writer, no row locks
    if d.postgresql:
        # Only the rows that are new or changed reach the INSERT: ON CONFLICT DO UPDATE … WHERE locks every row it
        # compares, changed or not, and a lock is a write (3.4 MB of WAL for a county where nothing changed, each
        # page of its facts dirtied, all of it replayed by a replica). The present rows are read by the new rows'
        # ids (the array keeps the planner from hashing the whole table); a row another transaction writes
        # meanwhile still meets the upsert. Names and literals of the code (Dialect); the values are bound.
        sql = (
            f"WITH new AS MATERIALIZED ({select.sql}) "  # noqa: S608
            f"INSERT INTO {table} ({columns}) SELECT {', '.join(f'n.{c}' for c in names)} FROM new n "
            f"LEFT JOIN {table} t ON t.household_id = n.household_id "
            f"AND t.household_id = ANY(ARRAY(SELECT household_id FROM new)) "
            f"WHERE t.household_id IS NULL OR {changed('t', 'n')} {upsert}"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, select.params)
        written = cursor.rowcount
    return max(written, 0)


def facts_refresh_area(area: AdminArea, *, on: datetime.date | None = None) -> FactsRefresh:
    """Refresh the facts of every household managed in ``area`` (a township at a time: the sweep's unit) and log
    how fresh they are."""
    on = on or timezone.localdate()
    started = timezone.now()
    ctx = context_for(area.code, on=on)
    managed = Household.objects.managed_in(area)
    changed = facts_refresh(managed, ctx=ctx)
    return FactsRefresh.objects.create(
        area=area, on=on, started_at=started, finished_at=timezone.now(), households=managed.count(), changed=changed,
        context_key=ctx.key,
    )  # fmt: skip


def facts_bring_up_to_date(township: AdminArea, *, on: datetime.date) -> FactsRefresh | None:
    """Make the facts of a township's households true of ``on`` at the least cost (what a sweep does before it
    detects): when the township was refreshed whole for that day with today's settings (the nightly job), only
    the households saved since (``stale``), without facts, or whose facts place them in another village (moved by
    a set-based write, which marks nothing) are computed again; otherwise the whole township. Returns the whole
    refresh's log, or None when the day's refresh stood. A household moved out of the township by such a write is
    computed by its new township's chunk; until then its old facts still count here."""
    ctx = context_for(township.code, on=on)
    if not FactsRefresh.objects.filter(area=township, on=on, context_key=ctx.key).exists():
        return facts_refresh_area(township, on=on)
    # Up to date: a fresh facts row that places the household in its own village. Both sides are read by the
    # township's areas through their indexes (6,000 rows each) and compared here: as one anti-join, the planner of
    # a province merged them on the village and compared every household with every facts row of it (70 ms a
    # township at 1,000,000), and without the areas on the facts side it hashed the whole facts table.
    areas = AdminArea.objects.ids_within(township)
    fresh = set(
        HouseholdFacts.objects.filter(AnyOf("managing_area_id", areas), stale=False)
        .order_by()
        .values_list("household_id", "managing_area_id")
    )
    managed = Household.objects.managed_in(township).order_by().values_list("pk", "managing_area_id")
    ids = [pk for pk, area_id in managed if (pk, area_id) not in fresh]
    if ids:
        facts_refresh(Household.objects.filter(AnyOf("pk", ids)), ctx=ctx)
    return None


def facts_mark_stale(household_ids: Iterable[int | None]) -> None:
    """These households' inputs changed where no refresh followed (yet): their facts are computed again before a
    sweep trusts them. A service that refreshes in its transaction clears the mark it set."""
    ids = [pk for pk in set(household_ids) if pk is not None]
    if ids:
        HouseholdFacts.objects.filter(household_id__in=ids, stale=False).update(stale=True)


def _input_saved(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if isinstance(instance, Household):
        facts_mark_stale([instance.pk])
    else:
        facts_mark_stale([getattr(instance, "household_id", None)])


def watch(*models: type[Model]) -> None:
    """Mark a household's facts stale whenever a row of these input models (each with ``household_id``, or the
    household itself) is saved or deleted through the ORM, whatever the path: a service, the admin, a shell, a
    test's factory. Set-based writers (the import, ``update()``) refresh the households they touch instead."""
    on_save_or_delete(_input_saved, *models, uid="households.facts.stale")


def facts_refresh_households(household_ids: Iterable[int], *, on: datetime.date | None = None) -> None:
    """What a service calls after changing an input: the facts of these households, in the service's transaction.
    Households of different counties read their own county's settings."""
    ids = sorted(set(household_ids))
    if not ids:
        return
    on = on or timezone.localdate()
    by_county: dict[str, list[int]] = {}
    for pk, code in Household.objects.filter(AnyOf("pk", ids)).order_by().values_list("pk", "managing_area__code"):
        by_county.setdefault(ancestor_code(code, AreaLevel.COUNTY), []).append(pk)
    for county_code, members in by_county.items():
        facts_refresh(Household.objects.filter(AnyOf("pk", members)), ctx=FactContext.of(county_code, on=on))


def facts_refresh_missing(prefix: str = "", *, limit: int = 50_000) -> int:
    """Households without facts (written before the facts table, or by a path that does not refresh them) under the
    area code ``prefix`` get them now, a thousand at a time, so that what reads the facts (the counts, a ledger)
    holds them. Returns how many were computed."""
    missing = Household.objects.filter(facts__isnull=True)
    if prefix:
        missing = missing.filter(managing_area__code__startswith=prefix)
    ids = list(missing.values_list("pk", flat=True)[:limit])
    for start in range(0, len(ids), 1000):
        facts_refresh_households(ids[start : start + 1000])
    return len(ids)


def facts_of(household: Household) -> HouseholdFacts:
    """The stored facts of one household, computed now when missing."""
    try:
        return HouseholdFacts.objects.get(household=household)
    except HouseholdFacts.DoesNotExist:
        facts_refresh_households([household.pk])
        return HouseholdFacts.objects.get(household=household)


def facts_fresh_as_of(area: AdminArea) -> datetime.datetime | None:
    """When the facts of ``area``'s households were last refreshed whole: its own refresh, one of an area above it,
    or the oldest of the latest refreshes of the areas inside it."""
    from geo.parameters import area_codes_up

    above = FactsRefresh.objects.filter(area__code__in=area_codes_up(area.code)).aggregate(at=Max("finished_at"))["at"]
    inside = (
        FactsRefresh.objects.filter(area__code__startswith=area.prefix)
        .values("area")
        .annotate(at=Max("finished_at"))
        .aggregate(oldest=Min("at"))["oldest"]
    )
    candidates = [at for at in (above, inside) if at is not None]
    return max(candidates) if candidates else None


def facts_dispatch_all(*, on: datetime.date | None = None) -> int:
    """Send one refresh task per township that manages households (a Celery group: they run in parallel)."""
    from celery import group

    from households.tasks import facts_refresh_area_task

    on = on or timezone.localdate()
    townships = AdminArea.objects.filter(level=AreaLevel.TOWNSHIP, valid_to__isnull=True).values_list("pk", flat=True)
    ids = list(townships)
    if ids:
        group(facts_refresh_area_task.s(pk, on.isoformat()) for pk in ids).apply_async()
    return len(ids)
