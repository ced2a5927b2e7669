"""Batches (STYLE rules 6 and 7): one request takes many cases through the same step, each through the step's own
service — the one that checks the actor's right, the case's state and the step's conditions and writes the case's
event row, exactly as on the case's page. A batch adds no rule of its own. What every batch does, whatever its
cases, is here; what one workflow's batch shares (a meeting, a notice, a responsible unit) stays with that workflow.

* All or nothing: the batch is one transaction. The first refusal stops it and raises ``BatchRefused``, whose
  message names the case (its place in the batch and how its app names it) and the service's reason; everything the
  earlier cases wrote is rolled back.
* The cases are locked in primary-key order before the first step runs, so two batches over overlapping cases queue
  up instead of deadlocking: both take the same locks in the same order.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.errors import DomainError, Fix

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")


class BatchRefused(DomainError):
    """A case of the batch was refused; the message names it, and nothing of the batch was saved. ``pk`` is the
    refused case's, so that a page can mark its row."""

    def __init__(self, message: str, *, pk: int, field: str | None = None, fixes: Sequence[Fix] = ()) -> None:
        super().__init__(message, field=field, fixes=fixes)
        self.pk = pk


def batch_refusal_text(*, position: int, counter: str, name: str, reason: str, nothing: str) -> str:
    """Which case stopped the batch, why, and that nothing of the batch was done: "第 4 个问题 红星村张三户：
    <reason>。本批未办理任何问题，请更正后重新提交" (``counter`` counts the cases: "户", "个问题")."""
    return _("第 %(position)d %(counter)s %(name)s：%(reason)s。本批未办理任何%(nothing)s，请更正后重新提交") % {
        "position": position,
        "counter": counter,
        "name": name,
        "reason": reason.rstrip("。"),
        "nothing": nothing,
    }


def batch_pick(queryset: QuerySet[M], pks: Sequence[int]) -> tuple[list[M], list[int]]:
    """The rows a batch names, in the batch's order, out of ``queryset`` (what the user may see), and the numbers it
    names that are not there — missing and outside the user's jurisdiction alike (STYLE rule 11)."""
    found = {row.pk: row for row in queryset.filter(pk__in=set(pks))}
    return [found[pk] for pk in pks if pk in found], sorted({pk for pk in pks if pk not in found})


def batch_check(pks: Sequence[int], *, empty: str, twice: str, field: str) -> None:
    """What every batch is: at least one case, and each case once."""
    if not pks:
        raise DomainError(empty, field=field)
    if len(set(pks)) != len(pks):
        raise DomainError(twice, field=field)


def batch_lock(model: type[M], pks: Iterable[int]) -> dict[int, M]:
    """Lock the batch's rows in primary-key order (``of=self``: the rows alone, not what they join) for the rest of
    the transaction; the rows as locked, by primary key."""
    rows = model._default_manager.select_for_update(of=("self",)).filter(pk__in=set(pks)).order_by("pk")
    return {row.pk: row for row in rows}


def batch_each(
    items: Sequence[T],
    *,
    model: type[M],
    pk: Callable[[T], int],
    step: Callable[[T, M], Any],
    refusal: Callable[[int, T, str], str],
    forbidden: str,
) -> int:
    """Lock every case of ``items`` (``pk`` gives an item's case), then run ``step(item, locked_case)`` for each in
    the batch's order, all in one transaction. A refusal of the step's service — a ``DomainError``, or
    ``PermissionDenied`` for a case the actor sees but may not decide, whose reason is ``forbidden`` — becomes
    ``BatchRefused`` with the sentence ``refusal(position, item, reason)``, and the transaction rolls back what the
    earlier cases wrote. Returns the number of cases."""
    with transaction.atomic():
        locked = batch_lock(model, [pk(item) for item in items])
        for position, item in enumerate(items, 1):
            key = pk(item)
            try:
                step(item, locked[key])
            except PermissionDenied as exc:
                raise BatchRefused(refusal(position, item, forbidden), pk=key) from exc
            except DomainError as exc:
                message = refusal(position, item, exc.message)
                raise BatchRefused(message, pk=key, field=exc.field, fixes=exc.fixes) from exc
    return len(items)
