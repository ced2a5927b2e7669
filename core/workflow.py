"""One workflow engine for every case that moves through states (STYLE rule 6): an entry application, an
elimination case, a project, a rectification problem.

A workflow is declared once, next to its services, as a ``Workflow``: the model and its state field, the table of
legal moves, the append-only event row every move writes, how a refusal names the case ("申请", "项目" …) and the
hook that tells people. A service step is then the same five lines everywhere: lock the case row
(``Workflow.lock``), check the actor's right (``require``), check the current state (``Workflow.in_state``), move
(``Workflow.move``: table check, event row, new state, hook) and save. Two reviewers acting at once produce one
transition: the second waits on the lock and then finds the state moved on.

The engine imports no app: rights, notices and notifications stay with the workflow that owns them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.errors import TransitionNotAllowed
from core.stored import Stored

M = TypeVar("M", bound=models.Model)

# The hook a move runs after its event row is written: (case, actor, comment).
Hook = Callable[[Any, Any, str], None]


def require(allowed: bool) -> None:
    """Refuse with 403 when the actor lacks the right; the view turns it into "您没有权限" (no detail leaks)."""
    if not allowed:
        raise PermissionDenied


@dataclass(frozen=True)
class Workflow(Generic[M]):
    """A state machine declared once: anything not in ``transitions`` is refused with a sentence that names the
    case's current state and the state asked for."""

    model: type[M]
    states: type[models.TextChoices]
    transitions: Mapping[Any, frozenset[Any]]  # a workflow's own TextChoices, which are str
    noun: str | Promise  # how refusals name the case: "申请当前为“…”" (a lazy translation)
    event_model: type[models.Model]
    event_case: str  # the event row's foreign key to the case
    state_field: str = "state"  # the event row records from_<state_field> and to_<state_field>
    lock_related: tuple[str, ...] = ()  # what every step reads with the locked row
    on_move: Hook | None = None  # tells people after a move (and after a case opens)
    guard: Callable[[Any, str], None] | None = None  # a condition of the destination, checked after the table

    def __post_init__(self) -> None:
        # A table that forgets a state would raise KeyError at the worst moment: in a reviewer's request.
        missing = set(self.states.values) - set(self.transitions)
        if missing:
            raise ValueError(f"{self.model.__name__} workflow: no transitions declared for {sorted(missing)}")

    # ------------------------------------------------------------------------------------------------ reading

    def state_of(self, case: M) -> str:
        return str(getattr(case, self.state_field))

    def label(self, state: str) -> str:
        return str(self.states(state).label) if state in self.states.values else state

    # ------------------------------------------------------------------------------------------------ a step

    def lock(self, case: M) -> M:
        """The case row, locked for the rest of the transaction (and only it: ``of=self`` leaves related rows
        free), read fresh so a step never acts on a state another request has already moved."""
        return (
            self.model._default_manager.select_for_update(of=("self",))
            .select_related(*self.lock_related)
            .get(pk=case.pk)
        )

    def in_state(self, case: M, *states: str) -> None:
        """Refuse a step that belongs to other states, naming where the case is and where the step belongs."""
        current = self.state_of(case)
        if current not in states:
            expected = _("、").join(self.label(state) for state in states)
            raise TransitionNotAllowed(
                _("%(noun)s当前为“%(state)s”，此步骤只能在“%(expected)s”时办理")
                % {"noun": self.noun, "state": self.label(current), "expected": expected}
            )

    def can_move(self, case: M, to: str) -> bool:
        return to in self.transitions[self.state_of(case)]

    def allowed(self, case: M, to: str) -> None:
        """Refuse a move the table does not hold (before a step does any work of its own)."""
        if not self.can_move(case, to):
            current = self.state_of(case)
            raise TransitionNotAllowed(
                _("%(noun)s当前为“%(state)s”，不能变为“%(to)s”")
                % {"noun": self.noun, "state": self.label(current), "to": self.label(to)}
            )

    def move(
        self, case: M, *, to: str, actor: AbstractBaseUser | None, comment: str, **event_fields: Any
    ) -> models.Model:
        """Check the table, write the event row, set the new state and run the hook. The caller saves the case
        (with the other fields its step changed) in the same transaction."""
        self.allowed(case, to)
        if self.guard is not None:
            self.guard(case, to)
        event = self._event(
            case, from_state=self.state_of(case), to_state=to, actor=actor, comment=comment, **event_fields
        )
        setattr(case, self.state_field, to)
        if self.on_move is not None:
            self.on_move(case, actor, comment)
        return event

    def note(self, case: M, *, actor: AbstractBaseUser | None, comment: str, **event_fields: Any) -> models.Model:
        """A record inside a step (a review, a notice, an objection) leaves an event without moving the state."""
        state = self.state_of(case)
        return self._event(case, from_state=state, to_state=state, actor=actor, comment=comment, **event_fields)

    def opened(self, case: M, *, actor: AbstractBaseUser | None, comment: str, tell: bool = True) -> models.Model:
        """The first event of a saved case (from no state to its initial one), and the hook unless ``tell`` is
        false (a report merged into an open case tells no one)."""
        event = self._event(case, from_state="", to_state=self.state_of(case), actor=actor, comment=comment)
        if tell and self.on_move is not None:
            self.on_move(case, actor, comment)
        return event

    def _event(
        self, case: M, *, from_state: str, to_state: str, actor: AbstractBaseUser | None, comment: str, **fields: Any
    ) -> models.Model:
        values = {name: value for name, value in fields.items() if value is not None}
        if isinstance(comment, Stored):  # written by the system: kept so each reader reads it in their language
            values.update(comment_key=comment.key, comment_params=comment.params)
        return self.event_model._default_manager.create(
            **{
                self.event_case: case,
                f"from_{self.state_field}": from_state,
                f"to_{self.state_field}": to_state,
                "actor": actor,
                "comment": comment,
                **values,
            }
        )
