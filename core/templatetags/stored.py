"""``{{ error|shown }}``: a message the system stored (``core.stored``), in the reader's language."""

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import gettext

from core.stored import of_json
from core.stored import shown as shown_message

register = template.Library()


@register.filter
def shown(item: Mapping[str, Any], name: str = "message") -> str:
    """The stored row's message (or its ``name`` field, such as ``reason``) as the reader reads it."""
    return shown_message(of_json(item, name))


@register.filter
def shown_line(item: Mapping[str, Any] | str) -> str:
    """A stored row error as one line, "第 3 行“身份证号”：…" (a plain sentence, as older records keep it, as is)."""
    if isinstance(item, str):
        return item
    message = shown(item)
    if not item.get("row"):
        return message
    values = {"row": item["row"], "column": item.get("column", ""), "message": message}
    if values["column"]:
        return gettext("第 %(row)s 行“%(column)s”：%(message)s") % values
    return gettext("第 %(row)s 行：%(message)s") % values
