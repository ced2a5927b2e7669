"""Set-based writes of many model rows, with their django-simple-history rows, for the paths that write thousands
at once (a county's import, a sweep's problems).

Django's ``bulk_create`` prepares every value of every row in Python (a county's import: two million calls, most of
its commit). On PostgreSQL these write each batch as one statement built column by column instead: new rows through
``COPY`` (its text format, a fifth of the server's time for an INSERT of the same rows: 214,000 members with their
eight indexes in 2.5 s against 14.6 s), updates and inserts that skip conflicts as ``… FROM unnest(arrays)``, which
the driver adapts in C. Primary keys are drawn from the table's sequence first, so the rows keep their ids in the
caller's objects, and ``unsaved`` makes new objects without ``Model.__init__``'s work per field. Elsewhere (SQLite,
the embedded default) they fall back to Django's bulk methods. Signals are not sent, as with ``bulk_create``.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import gc
import io
import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connections, models, router, transaction
from django.db.models.base import ModelState
from django.utils import timezone

BATCH: Final = 5000
COPY_READ: Final = 1 << 20  # characters the driver reads from a COPY's text at a time
_COPY_ESCAPES: Final = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_COPY_SPECIAL: Final = re.compile(r"[\\\t\n\r]")  # what _COPY_ESCAPES escapes
_M = TypeVar("_M", bound=models.Model)
# Field classes whose Python value the driver writes as Django would; any other goes through get_db_prep_save.
_PLAIN: Final = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.DateField,  # and DateTimeField
    models.DecimalField,
    models.BooleanField,
    models.ForeignKey,
)


def _fast(model: type[models.Model]) -> bool:
    return connections[router.db_for_write(model)].vendor == "postgresql"


def _column(field: models.Field[Any, Any], values: list[Any], connection: Any) -> list[Any]:
    """One column's values as the driver takes them, converted column by column (a county's import: millions)."""
    if isinstance(field, models.JSONField):
        dumps = functools.partial(json.dumps, cls=field.encoder, ensure_ascii=False)
        # An empty list is what a list field holds by default (a member's chronic conditions: 400,000 in an import).
        return [None if v is None else "[]" if v == [] else dumps(v) for v in values]
    if isinstance(field, _PLAIN):  # choices' enums are str and int: the driver writes them as such
        return values
    return [None if v is None else field.get_db_prep_save(v, connection) for v in values]


def _array_type(field: models.Field[Any, Any], connection: Any) -> str:
    return "jsonb" if isinstance(field, models.JSONField) else str(field.db_type(connection))


def _columns(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    by_name = {field.attname: field for field in model._meta.concrete_fields}
    return [by_name[name] for name in names]


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]], *, skip_conflicts: bool = False
) -> None:
    """Insert rows given as values of the fields ``names`` (attnames), in batches: PostgreSQL only.
    ``skip_conflicts``: a row that would break a unique constraint is left out (``ON CONFLICT DO NOTHING``)."""
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        _insert_columns(model, names, [list(column) for column in zip(*batch, strict=True)], skip_conflicts)


def _insert_columns(
    model: type[models.Model], names: Sequence[str], columns: list[list[Any]], skip_conflicts: bool
) -> None:
    """Insert one batch given column by column (``columns[n]`` holds the values of ``names[n]``)."""
    connection = connections[router.db_for_write(model)]
    fields = _columns(model, names)
    quote = connection.ops.quote_name
    table, quoted = quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)
    values = [_column(field, column, connection) for field, column in zip(fields, columns, strict=True)]
    copy = f"COPY {table} ({quoted}) FROM STDIN"
    with connection.cursor() as cursor:
        # COPY: a fifth of the time an INSERT takes to read and write the same rows. Its errors are Django's, as an
        # INSERT's would be (an import catches IntegrityError).
        if not skip_conflicts:
            with connection.wrap_database_errors:
                cursor.cursor.copy_expert(copy, io.StringIO(_copy_text(values)), size=COPY_READ)
            return
        # COPY cannot skip a row. Measured for a sweep's problems (3,500 a township, a statement per rule), a COPY in
        # a savepoint that a conflict undoes was no faster than this INSERT (bench/results/2026-12-05T0044-60000.json).
        statement, params = _insert_statement(table, quoted, fields, values, connection)
        cursor.execute(statement + " ON CONFLICT DO NOTHING", params)


def _copy_text(columns: list[list[Any]]) -> str:
    """A batch given column by column as the lines of COPY's text format: a column alike in every row is written
    once and repeated (a default, a run's day, the history's user and reason)."""
    rows = len(columns[0])
    texts = [
        [_copy_value(column[0])] * rows if column.count(column[0]) == rows else _copy_column(column)
        for column in columns
    ]
    return "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"


def _copy_column(column: list[Any]) -> list[str]:
    """``_copy_value`` of every value, with the common kinds written inline (a county's import: five million)."""
    kinds = set(map(type, column))
    escapes = _COPY_ESCAPES
    if kinds == {str} and not _COPY_SPECIAL.search("".join(column)):
        return column  # nothing to escape, as in most columns: one search in C instead of a call per value
    if kinds <= {str, type(None)}:
        return ["\\N" if value is None else value.translate(escapes) for value in column]
    if kinds <= {int, type(None)}:
        return ["\\N" if value is None else str(value) for value in column]
    return list(map(_copy_value, column))


def _copy_value(value: Any) -> str:
    """One value in COPY's text format: NULL as \\N, booleans as t and f, dates and times in ISO 8601 (with their
    offset), and any text with its backslashes, tabs and line breaks escaped."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.date):  # and datetime
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _insert_statement(
    table: str, columns: str, fields: list[models.Field[Any, Any]], values: list[list[Any]], connection: Any
) -> tuple[str, list[Any]]:
    """``INSERT … SELECT … FROM unnest(arrays)`` for one batch given column by column. A column with one value in
    every row (a run's id, its day, a default) is bound once rather than as an array of as many copies: the driver
    quotes and the server parses every copy (a sweep's problems have 17 such columns of 32)."""
    same = [column.count(column[0]) == len(column) for column in values]  # compared in C: 3,400 rows × 32 columns
    if all(same):  # one row, or rows alike: the first column still counts them
        same[0] = False
    types = [_array_type(field, connection) for field in fields]
    selected = [f"%s::{types[n]}" if one else f"u.c{n}" for n, one in enumerate(same)]
    arrays = [n for n, one in enumerate(same) if not one]
    statement = (
        f"INSERT INTO {table} ({columns}) SELECT {', '.join(selected)}"  # noqa: S608 - the model's own names
        f" FROM unnest({', '.join(f'%s::{types[n]}[]' for n in arrays)}) AS u({', '.join(f'c{n}' for n in arrays)})"
    )
    return statement, [values[n][0] for n, one in enumerate(same) if one] + [values[n] for n in arrays]


def _stamped(field: models.Field[Any, Any]) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def insert_values(model: type[models.Model], rows: Sequence[dict[str, Any]], *, skip_conflicts: bool = False) -> None:
    """Insert new rows given as dicts of field values (attnames, the same keys in every row); a field left out
    takes its default, a time stamp (``auto_now``) the time of the insert, the primary key its sequence.
    ``skip_conflicts``: a row that would break a unique constraint is left out."""
    if not rows:
        return
    if not _fast(model):
        model._default_manager.bulk_create(
            [model(**row) for row in rows], batch_size=BATCH, ignore_conflicts=skip_conflicts
        )
        return
    given = list(rows[0])
    rest = [field for field in model._meta.concrete_fields if field.attname not in given and not field.primary_key]
    names = [*given, *(field.attname for field in rest)]
    now = timezone.now()
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        columns = [[row[name] for row in batch] for name in given]  # built column by column, as they are sent
        for field in rest:  # a default computed per row (a callable) is computed per row; others once
            if field.has_default() and callable(field.default):
                columns.append([field.get_default() for _row in batch])
            else:
                columns.append([now if _stamped(field) else field.get_default()] * len(batch))
        _insert_columns(model, names, columns, skip_conflicts)


def allocate_ids(model: type[models.Model], objs: Sequence[models.Model]) -> bool:
    """Give unsaved objects their primary keys from the table's sequence, so that rows pointing at each other can be
    written in one pass (foreign keys are checked at commit). True when they have them: on PostgreSQL; elsewhere (the
    embedded SQLite) the keys come with the insert, and False is returned."""
    if not _fast(model):
        return False
    missing = [obj for obj in objs if obj.pk is None]
    if not missing:
        return True
    connection = connections[router.db_for_write(model)]
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        # The sequence is named once (pg_get_serial_sequence per row took nine tenths of the statement: 0.23 s
        # against 0.03 s for 100,000 ids).
        cursor.execute(
            "WITH q AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS s) "
            "SELECT nextval(q.s) FROM q, generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(missing)],
        )
        for obj, (value,) in zip(missing, cursor.fetchall(), strict=True):
            obj.pk = value
    return True


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a batch makes hundreds of thousands of objects and drops them
    (a county's import: reading its file, and each bucket of 2,000 households checked, planned and written). Every
    collection of the oldest generation walks every object still alive, and a batch that keeps its objects until
    it ends triggers one every few ten thousand objects: at 60,000 households it was a sixth of the import (4 of 29 s
    reading the file, 5 of 12 s loading and planning a pass over the buckets). Objects are still freed as their last
    reference goes; only the few cycles made inside wait, and the collector, running again when the batch ends,
    takes them. Keep the batch bounded: memory then stays the batch's.
    Leaves the collector as it found it (a nested pause does nothing)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@dataclass(frozen=True)
class _Blank:
    """What ``model()`` holds before its arguments: the defaults computed once, the fields whose default is computed
    per object (a callable such as ``list``), and every attname an argument may set directly."""

    fixed: dict[str, Any]
    per_object: tuple[models.Field[Any, Any], ...]
    attnames: frozenset[str]


@functools.cache
def _blank(model: type[models.Model]) -> _Blank:
    fixed: dict[str, Any] = {}
    per_object = []
    for field in model._meta.concrete_fields:
        if field.has_default() and callable(field.default):
            per_object.append(field)
        else:
            fixed[field.attname] = field.get_default()
    return _Blank(fixed, tuple(per_object), frozenset(field.attname for field in model._meta.concrete_fields))


@functools.cache
def _relations(model: type[models.Model]) -> dict[str, models.ForeignKey[Any, Any]]:
    return {field.name: field for field in model._meta.concrete_fields if isinstance(field, models.ForeignKey)}


def unsaved(model: type[_M], **values: Any) -> _M:
    """``model(**values)`` for the paths that make many new rows at once (a county's import: 300,000 objects), without
    ``Model.__init__``'s work for each of some forty fields: the defaults, then ``values`` by attname, or by name
    for a foreign key given as an object (cached on the new object, as ``__init__`` caches it, so that ``insert``
    takes its id once it has one). No pre_init or post_init signal is sent (only an ImageField listens)."""
    blank = _blank(model)
    obj = model.__new__(model)
    state = obj.__dict__
    state["_state"] = ModelState()
    state.update(blank.fixed)
    for field in blank.per_object:
        state[field.attname] = field.get_default()
    for name, value in values.items():
        if name in blank.attnames:
            state[name] = value
            continue
        relation = _relations(model).get(name)
        if relation is None:
            raise TypeError(f"{model.__name__} has no field {name!r}")
        state[relation.attname] = None if value is None else value.pk
        relation.set_cached_value(obj, value)
    return obj


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """``bulk_create`` of unsaved objects, which keep the primary keys they were given."""
    if not objs:
        return
    if not _fast(model):
        model._default_manager.bulk_create(objs, batch_size=BATCH)
        return
    allocate_ids(model, objs)
    fields = list(model._meta.concrete_fields)
    # The batch's time stamps (auto_now, auto_now_add), taken once: the same instant for every row of one insert.
    stamps = {field.attname: field.pre_save(objs[0], add=True) for field in fields if _stamped(field)}
    relations = list(_relations(model).values())
    alias = router.db_for_write(model)
    for obj in objs:
        for relation in relations:  # an object pointing at one inserted a moment ago takes its id (as bulk_create does)
            if getattr(obj, relation.attname) is None and relation.is_cached(obj):
                related = relation.get_cached_value(obj)
                if related is not None:
                    if related.pk is None:
                        raise ValueError(f"{model.__name__}.{relation.name} points at an object not saved yet")
                    setattr(obj, relation.attname, related.pk)
        obj.__dict__.update(stamps)
        obj._state.adding = False
        obj._state.db = alias
    names = [field.attname for field in fields]
    insert_rows(model, names, list(map(_getter(names), objs)))


def _getter(names: Sequence[str]) -> Callable[[models.Model], tuple[Any, ...]]:
    """The values of the attributes ``names`` of an object, as a tuple, in one C call."""
    if len(names) == 1:
        return lambda obj: (getattr(obj, names[0]),)
    return operator.attrgetter(*names)


def update(model: type[models.Model], objs: Sequence[models.Model], names: Iterable[str]) -> None:
    """``bulk_update`` of saved objects: the fields ``names`` (field names) of each, by primary key."""
    names = list(names)
    if not objs or not names:
        return
    if not _fast(model):
        model._default_manager.bulk_update(objs, names, batch_size=BATCH)
        return
    connection = connections[router.db_for_write(model)]
    pk = model._meta.pk
    assert pk is not None
    fields = [model._meta.get_field(name) for name in names]
    concrete = [field for field in fields if isinstance(field, models.Field)]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(field.column)} = v.c{n}" for n, field in enumerate(concrete))
    arrays = ", ".join(f"%s::{_array_type(field, connection)}[]" for field in [pk, *concrete])
    aliases = ", ".join(["id", *(f"c{n}" for n in range(len(concrete)))])
    statement = (  # the model's own names only
        f"UPDATE {quote(model._meta.db_table)} AS t SET {sets} "  # noqa: S608
        f"FROM unnest({arrays}) AS v({aliases}) WHERE t.{quote(pk.column)} = v.id"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            batch = objs[start : start + BATCH]
            values = [[obj.pk for obj in batch]]
            values += [_column(field, [getattr(obj, field.attname) for obj in batch], connection) for field in concrete]
            cursor.execute(statement, values)


def insert_history(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    user: AbstractBaseUser | None,
    reason: str,
    updated: bool = False,
) -> None:
    """The django-simple-history rows of objects just inserted (``+``) or updated (``~``), as
    ``bulk_history_create`` writes them: one per object, by ``user``, with ``reason``. On PostgreSQL the rows are
    copied by the server from the table, as the caller's write left them in this transaction, instead of being
    sent a second time (a county's import: 274,000 rows of some forty values: 3.7 s sent from Python, 2.3 s copied): the
    history holds the rows as the table holds them, which is what the caller wrote (an update writes every field it
    changed: ``names``). Each object once, saved, with an integer key."""
    if not objs:
        return
    history = model.history.model  # type: ignore[attr-defined]
    assert not hasattr(history, "history_relation"), "related history models keep their own link"
    if not _fast(model):
        model.history.bulk_history_create(  # type: ignore[attr-defined]
            objs, batch_size=BATCH, update=updated, default_user=user, default_change_reason=reason
        )
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    tracked = [field.attname for field in history.tracked_fields]
    names = [*tracked, "history_date", "history_change_reason", "history_type", "history_user_id"]
    into = ", ".join(quote(field.column) for field in _columns(history, names))
    selected = ", ".join(f"s.{quote(field.column)}" for field in _columns(model, tracked))
    key = f"s.{quote(pk.column)} = ANY(%s::{_array_type(pk, connection)}[])"
    statement = (  # the models' own names only
        f"INSERT INTO {quote(history._meta.db_table)} ({into}) "  # noqa: S608
        f"SELECT {selected}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} AS s WHERE {key}"
    )
    same = [timezone.now(), reason, "~" if updated else "+", getattr(user, "pk", None)]
    with connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            batch = objs[start : start + BATCH]
            cursor.execute(statement, [*same, "{" + ",".join(str(int(obj.pk)) for obj in batch) + "}"])
            if cursor.rowcount != len(batch):  # an object twice, or one whose row is not there: not one row each
                raise ValueError(f"{len(batch)} {model.__name__} objects, {cursor.rowcount} rows to copy to history")


# A write that adds at least this share of a table's rows brings its statistics up to date where autovacuum would not
# (``analyze_on_commit``): a county's first sweep in a province of thirty counties adds about a thirtieth.
ANALYZE_SHARE: Final = 0.01


def analyze_on_commit(
    model: type[models.Model], *, added: int, columns: Sequence[str] = (), sample: int | None = None
) -> None:
    """Once the transaction commits, bring PostgreSQL's statistics of ``model``'s table up to date (``ANALYZE``) where
    autovacuum leaves them behind: the write added ``added`` rows, at least ``ANALYZE_SHARE`` of the rows the
    statistics know, but with the changes since the last analysis fewer than the share of the table autovacuum waits
    for (``autovacuum_analyze_scale_factor``, a tenth). A county's sweep in a province (35,000 problems among
    550,000, under codes the statistics have never seen) left that county's problem list planned for four rows: it
    hashed and joined all 35,000 before sorting (280 ms for the first page, 41 ms planned on its statistics).
    Where the write passes autovacuum's mark (a province's first sweep, county after county) autovacuum analyzes the
    table within its minute and nothing is done here: a run each would have sampled the table seventeen times. Where
    autovacuum does not run (off on the server, or for the table), nothing else would: the write analyzes whatever
    the changes since the last analysis (a province's sweep on a server without autovacuum left the problem list
    planned on an empty table's statistics: 40 ms a count of a township's problems, by a bitmap of every open one).
    ``columns`` (field names) limits it to the columns lists filter and sort on: the problems' whole rows, their
    evidence with them, take 0.22 s to sample at 35,000, their codes, states and deadlines 0.08 s. ``sample`` (a
    statistics target, 300 rows a unit; the server's default is 100) samples fewer rows where the lists need the
    table's size, its states and its places rather than fine histograms: the problems of a province, 365 ms at the
    default and 80 ms at 20, their lists planned alike. The table's owner
    analyzes it (the app's role, which created it); an error is logged, never raised into a write that has
    committed."""
    alias = router.db_for_write(model)
    if connections[alias].vendor != "postgresql" or added <= 0:
        return
    connection = connections[alias]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields = {field.name: field.column for field in model._meta.concrete_fields}
    if unknown := set(columns) - set(fields):
        raise ValueError(f"{model.__name__} has no column for {sorted(unknown)}")
    listed = ", ".join(quote(fields[name]) for name in columns)
    statement = f"ANALYZE {table} ({listed})" if listed else f"ANALYZE {table}"

    def analyze() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT greatest(c.reltuples, 0), coalesce(s.n_mod_since_analyze, 0), "
                "current_setting('autovacuum_analyze_threshold')::float8, "
                "current_setting('autovacuum_analyze_scale_factor')::float8, "
                "current_setting('autovacuum') = 'on' AND NOT EXISTS (SELECT FROM unnest(c.reloptions) AS o "
                "WHERE o ~* '^autovacuum_enabled=(false|off|no|0)$') "
                "FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = %s::regclass",
                [model._meta.db_table],
            )
            known, changed, threshold, scale, autovacuum = cursor.fetchone()
            changed = max(changed, added)  # this write's changes may not be counted yet
            if added < ANALYZE_SHARE * known or (autovacuum and changed >= threshold + scale * known):
                return
            if sample is None:
                cursor.execute(statement)
                return
            cursor.execute("SET default_statistics_target = %s", [sample])
            try:
                cursor.execute(statement)
            finally:
                cursor.execute("RESET default_statistics_target")

    transaction.on_commit(analyze, using=alias, robust=True)


def insert_with_history(
    model: type[models.Model], objs: Sequence[models.Model], *, user: AbstractBaseUser | None, reason: str
) -> None:
    insert(model, objs)
    insert_history(model, objs, user=user, reason=reason)


def update_with_history(
    model: type[models.Model],
    objs: Sequence[models.Model],
    names: Iterable[str],
    *,
    user: AbstractBaseUser | None,
    reason: str,
) -> None:
    update(model, objs, names)
    insert_history(model, objs, user=user, reason=reason, updated=True)
