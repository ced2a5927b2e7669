"""Messages the system writes down for later readers: an import's or a screening list's row errors, the reason a
department's row was not matched, a reconciliation's findings.

Such a message is read days later, by someone else, maybe in another language than the worker that wrote it. So it
is kept as its Chinese source text (the catalogue's message id) and its parameters, and drawn in the reader's
language when it is shown (``shown``). The Chinese sentence is kept beside them, so that an old message id the
catalogue no longer has, or a reader of the raw JSON, still has the words.

Mark the source text for the catalogue with ``gettext_noop`` where the message is made::

    stored(gettext_noop("“%(text)s”应为 11 位数字"), text=text)

Parameters are data (what the file said, a row number, a year) and are shown as they are.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext

Params = Mapping[str, str | int]


class Stored(str):
    """A message that is its Chinese sentence (so it passes wherever a ``str`` does) and remembers how it was made."""

    key: str
    params: dict[str, str | int]

    def __new__(cls, key: str, params: Params | None = None) -> "Stored":
        values = dict(params or {})
        message = super().__new__(cls, key % values if values else key)
        message.key = key
        message.params = values
        return message

    def __reduce__(self) -> tuple[Any, ...]:
        return (Stored, (self.key, self.params))

    def shown(self) -> str:
        return shown(str(self), self.key, self.params)

    def as_json(self) -> dict[str, Any]:
        """The message for a JSON column: the sentence, and its source text and parameters if it has them."""
        return {"message": str(self), "key": self.key, "params": self.params}


def stored(key: str, **params: str | int) -> Stored:
    return Stored(key, params)


def as_json(message: str) -> dict[str, Any]:
    """Any message for a JSON column: a ``Stored`` keeps its source text and parameters, a plain sentence (a
    person's words, a service's refusal already in words) is kept as written."""
    if isinstance(message, Stored):
        return message.as_json()
    return {"message": str(message)}


def of_json(item: Mapping[str, Any], name: str = "message") -> str:
    """A message read back from a JSON column (see ``as_json``), a ``Stored`` again when it was one."""
    key = item.get(f"{name}_key") if name != "message" else item.get("key")
    params = item.get(f"{name}_params") if name != "message" else item.get("params")
    if key:
        return Stored(str(key), params or {})
    return str(item.get(name) or "")


def shown(text: str, key: str = "", params: Params | None = None) -> str:
    """The message in the reader's language: the catalogue's translation of its source text with its parameters,
    or the sentence as written when it has no source text (or a translation has lost a parameter)."""
    if isinstance(text, Stored) and not key:
        key, params = text.key, text.params
    if not key:
        return str(text)
    translated = gettext(key)
    if not params:
        return translated
    try:
        return translated % dict(params)
    except (KeyError, ValueError, TypeError):
        return str(text)


def shown_item(item: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """A stored row (``{"row": 3, "column": "身份证号", "message": …, "key": …, "params": …}``) with its message
    fields drawn in the reader's language, and without the source text and parameters."""
    result = {k: v for k, v in item.items() if k not in ("key", "params") and not k.endswith(("_key", "_params"))}
    for name in names or ("message",):
        if name in item:
            result[name] = shown(of_json(item, name))
    return result


def as_json_field(name: str, message: str) -> dict[str, Any]:
    """``as_json`` for a message kept under another name than ``message`` (``reason``): ``reason``,
    ``reason_key``, ``reason_params``."""
    found = as_json(message)
    result: dict[str, Any] = {name: found["message"]}
    if "key" in found:
        result[f"{name}_key"] = found["key"]
        result[f"{name}_params"] = found["params"]
    return result
