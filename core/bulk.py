"""Set-based writes of many model rows, with their django-simple-history rows, for the paths that write thousands
at once (a county's import, a sweep's problems).

Django's ``bulk_create`` prepares every value of every row in Python (a county's import: two million calls, most of
its commit). On PostgreSQL these write each batch as one statement over column arrays instead
(``INSERT … SELECT FROM unnest(…)``, ``UPDATE … FROM unnest(…)``), which the driver adapts in C; primary keys are
drawn from the table's sequence first, so the rows keep their ids in the caller's objects. Elsewhere (SQLite, the
embedded default) they fall back to Django's bulk methods. Signals are not sent, as with ``bulk_create``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Final

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connections, models, router
from django.utils import timezone

BATCH: Final = 5000
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
        return [None if v is None else json.dumps(v, cls=field.encoder, ensure_ascii=False) for v in values]
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
        _insert_columns(model, names, [[row[n] for row in batch] for n in range(len(names))], skip_conflicts)


def _insert_columns(
    model: type[models.Model], names: Sequence[str], columns: list[list[Any]], skip_conflicts: bool
) -> None:
    """Insert one batch given column by column (``columns[n]`` holds the values of ``names[n]``)."""
    connection = connections[router.db_for_write(model)]
    fields = _columns(model, names)
    quote = connection.ops.quote_name
    table, quoted = quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)
    values = [_column(field, column, connection) for field, column in zip(fields, columns, strict=True)]
    statement, params = _insert_statement(table, quoted, fields, values, connection)
    with connection.cursor() as cursor:
        cursor.execute(statement + (" ON CONFLICT DO NOTHING" if skip_conflicts else ""), params)


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


def allocate_ids(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Give unsaved objects their primary keys from the table's sequence (PostgreSQL), so that rows pointing at
    each other can be written in one pass (foreign keys are checked at commit)."""
    missing = [obj for obj in objs if obj.pk is None]
    if not missing:
        return
    connection = connections[router.db_for_write(model)]
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(missing)],
        )
        for obj, (value,) in zip(missing, cursor.fetchall(), strict=True):
            obj.pk = value


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """``bulk_create`` of unsaved objects, which keep the primary keys they were given."""
    if not objs:
        return
    if not _fast(model):
        model._default_manager.bulk_create(objs, batch_size=BATCH)
        return
    allocate_ids(model, objs)
    fields = list(model._meta.concrete_fields)
    alias = router.db_for_write(model)
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]  # as bulk_create does
        for field in fields:
            if _stamped(field):
                field.pre_save(obj, add=True)
        rows.append([getattr(obj, field.attname) for field in fields])
        obj._state.adding = False
        obj._state.db = alias
    insert_rows(model, [field.attname for field in fields], rows)


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
    ``bulk_history_create`` writes them: one per object, by ``user``, with ``reason``."""
    if not objs:
        return
    history = model.history.model  # type: ignore[attr-defined]
    assert not hasattr(history, "history_relation"), "related history models keep their own link"
    if not _fast(model):
        model.history.bulk_history_create(  # type: ignore[attr-defined]
            objs, batch_size=BATCH, update=updated, default_user=user, default_change_reason=reason
        )
        return
    tracked = [field.attname for field in history.tracked_fields]
    names = [*tracked, "history_date", "history_change_reason", "history_type", "history_user_id"]
    now = timezone.now()
    kind = "~" if updated else "+"
    user_id = getattr(user, "pk", None)
    rows = [[*(getattr(obj, name) for name in tracked), now, reason, kind, user_id] for obj in objs]
    insert_rows(history, names, rows)


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
