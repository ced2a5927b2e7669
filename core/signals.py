"""Signals only invalidate caches (STYLE rule 3): one way to say "when a row of these models is saved or deleted
through the ORM, forget what was derived from them"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save


def on_save_or_delete(receiver: Callable[..., Any], *models: type[Model], uid: str) -> None:
    """Connect ``receiver`` to the saves and deletes of each model (``dispatch_uid`` from ``uid`` and the model's
    label: connecting twice is harmless). ``update()``, bulk writes and raw SQL send nothing."""
    for model in models:
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.{model._meta.label}.save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.{model._meta.label}.delete")
