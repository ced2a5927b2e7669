"""Messages the system writes down for later readers: an import's or a screening list's row errors, the reason a
department's row was not matched, a reconciliation's findings.

Such a message is read days later, by someone else, maybe in another language than the worker that wrote it. So it
is kept as its Chinese source text (the catalogue's message id) and its parameters, and drawn in the reader's
language when it is shown (``shown``). The Chinese sentence is kept beside them, so that an old message id the
catalogue no longer has, or a reader of the raw JSON, still has the words.

Mark the source text for the catalogue with ``gettext_noop`` where the message is made::

    stored(gettext_noop("“%(text)s”应为 11 位数字"), text=text)

Parameters are data (what the file said, a row number, a year) and are shown as they are; a parameter that is
itself one of the app's labels (a choice's label such as 全户死亡, a step's name) is named in ``labels`` and is read in
the reader's language too::

    stored(gettext_noop("农户已注销（%(reason)s）"), labels=("reason",), reason=source_text(label))
"""

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

Params = Mapping[str, Any]
LABELS = "__labels__"  # the parameters that are labels of the app, translated when shown


class Stored(str):
    """A message that is its Chinese sentence (so it passes wherever a ``str`` does) and remembers how it was made."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, params: Params | None = None) -> "Stored":
        values = dict(params or {})
        message = super().__new__(cls, key % _plain(values) if values else key)
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


def stored(key: str, *, labels: tuple[str, ...] = (), **params: str | int) -> Stored:
    values: dict[str, Any] = dict(params)
    if labels:
        values[LABELS] = list(labels)
    return Stored(key, values)


def source_text(label: Any) -> str:
    """A label (a lazy translation, a choice's label) as its source text, the catalogue's message id, whatever
    language is active: what a ``labels`` parameter keeps."""
    with translation.override(None):
        return str(label)


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in params.items() if name != LABELS}


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
    values = _plain(params)
    for name in params.get(LABELS, ()):
        if isinstance(values.get(name), str):
            values[name] = gettext(values[name])
    try:
        return translated % values
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


class StoredComment(models.Model):
    """An event row whose comment the system may have written (``core.workflow`` stores a ``Stored`` comment's source
    text and parameters beside its sentence); ``comment_shown`` is what a reader sees, a person's own words as
    written."""

    comment_key = models.CharField(_("说明原文"), max_length=300, blank=True, default="")
    comment_params = models.JSONField(_("说明参数"), default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def comment_shown(self) -> str:
        return shown(getattr(self, "comment", ""), self.comment_key, self.comment_params)


class StoredMessage(models.Model):
    """A record whose ``message`` a worker wrote (a refused or failed file): its source text and parameters beside
    the sentence, read in the reader's language as ``message_shown``."""

    message_key = models.CharField(_("消息原文"), max_length=300, blank=True, default="")
    message_params = models.JSONField(_("消息参数"), default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def message_shown(self) -> str:
        return shown(getattr(self, "message", ""), self.message_key, self.message_params)

    @staticmethod
    def message_fields(message: str) -> dict[str, Any]:
        """The fields that store ``message`` (cut to the column's 500 characters), for an update or a save."""
        found = as_json_field("message", message)
        return {
            "message": found["message"][:500],
            "message_key": found.get("message_key", ""),
            "message_params": found.get("message_params", {}),
        }


class StoredClosingReason(models.Model):
    """A case whose ``closing_reason`` the system may write (a household closed, a report merged into an open case):
    kept with its source text and parameters (``keep_closing_reason``), read as ``closing_reason_shown``."""

    closing_reason_key = models.CharField(_("原因原文"), max_length=300, blank=True, default="")
    closing_reason_params = models.JSONField(_("原因参数"), default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def closing_reason_shown(self) -> str:
        return shown(getattr(self, "closing_reason", ""), self.closing_reason_key, self.closing_reason_params)

    def keep_closing_reason(self, reason: str) -> list[str]:
        """Set the reason (a person's words, or a ``Stored`` the system wrote); the fields to save."""
        found = as_json_field("closing_reason", reason)
        setattr(self, "closing_reason", found["closing_reason"])  # noqa: B010 - the concrete model declares it
        self.closing_reason_key = found.get("closing_reason_key", "")
        self.closing_reason_params = found.get("closing_reason_params", {})
        return ["closing_reason", "closing_reason_key", "closing_reason_params"]
