"""What the apps above ``monitoring`` show on a monitoring subject's page (its entries into the national system):
each registers, in its ``AppConfig.ready``, a function of the user and the subject that returns a ``Panel`` or
``None``. The page includes each panel's template, so ``monitoring`` imports none of those apps (README, layering)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accounts.models import User

if TYPE_CHECKING:
    from monitoring.models import MonitoringSubject


@dataclass(frozen=True)
class Panel:
    template: str  # included with ``panel`` bound to ``context``
    context: dict[str, Any]


PanelSource = Callable[[Any, "MonitoringSubject"], Panel | None]
_sources: list[PanelSource] = []


def register(source: PanelSource) -> PanelSource:
    """Add a panel to every subject page (idempotent, so a second ``ready`` adds nothing)."""
    if source not in _sources:
        _sources.append(source)
    return source


def panels_for(user: User, subject: MonitoringSubject) -> list[Panel]:
    """The panels ``user`` sees on ``subject``'s page, in the order the apps registered them."""
    return [panel for source in _sources if (panel := source(user, subject)) is not None]
