"""The household page's "帮扶项目" section (``{% household_programmes household %}``): households cannot import
the programmes, so the section is drawn by the web layer, which sits above them all (tests/test_layering.py)."""

from typing import Any

from django import template

from web.programmes import household_programmes as programmes_of

register = template.Library()


@register.inclusion_tag("web/_household_programmes.html", takes_context=True)
def household_programmes(context: dict[str, Any], household: Any) -> dict[str, Any]:
    return {"household": household, "programmes": programmes_of(context["request"].user, household)}
