"""Domain errors raised by services. A message is a sentence for people: translated where it is raised, or a
``core.stored`` message (its source text and parameters) that is read in the reader's language wherever it is shown
and kept with its source where it is stored (a worker's refusal of a file, read later)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from core.stored import shown


@dataclass(frozen=True)
class Fix:
    """Where a refused condition is put right, when that is another page: a refusal links to it."""

    label: StrOrPromise  # the step, as a link's words: "录入帮扶措施"
    url: str


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was saved. ``fixes`` link the steps elsewhere that put
    the failing conditions right."""

    def __init__(self, message: str, *, field: str | None = None, fixes: Sequence[Fix] = ()) -> None:
        super().__init__(message)
        self.stored = message  # as raised: a ``Stored`` keeps its source text and parameters
        self.field = field
        by_place: dict[str, Fix] = {}
        for fix in fixes:  # one link per place, in the order the conditions fail
            by_place.setdefault(fix.url, fix)
        self.fixes = tuple(by_place.values())

    @property
    def message(self) -> str:
        """The refusal in the reader's language."""
        return shown(self.stored)


class TransitionNotAllowed(DomainError):
    """A workflow step that the state machine does not allow from the current state."""


def refusal_text(reasons: list[str]) -> str:
    """One refusal naming every condition that fails: the reason itself when there is one, else numbered."""
    if len(reasons) == 1:
        return reasons[0]
    return "；".join(f"{n}. {reason}" for n, reason in enumerate(reasons, 1))


def required_text(value: str, field: str, label: str) -> str:
    """A free-text answer a step cannot go without (an opinion, a reason), stripped; refused as "请填写…" naming
    the field when it is blank."""
    value = (value or "").strip()
    if not value:
        raise DomainError(_("请填写%(label)s") % {"label": label}, field=field)
    return value
