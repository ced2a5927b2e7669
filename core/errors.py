"""Domain errors raised by services. Messages are Chinese sentences shown to users as they are."""


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was saved."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


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
        raise DomainError(f"请填写{label}", field=field)
    return value
