"""What every command view does with a bound form (STYLE rule 18): refuse with the first invalid field, named."""

from typing import Any

from revitalization.errors import DomainError


def raise_first_error(form: Any) -> None:
    """Raise the form's first error as a ``DomainError`` whose message names the field ("意见：不能为空")."""
    if form.is_valid():
        return
    name, errors = next(iter(form.errors.items()))
    label = form.fields[name].label if name in form.fields else ""
    raise DomainError(f"{label}：{errors[0]}" if label else str(errors[0]), field=name)
