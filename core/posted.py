"""Sheets posted in the village for villagers (公示 notices, the funds disclosure) are printed in the site's
language, Chinese, whatever language the reader of the page chose: the buttons around a sheet follow the reader,
the sheet itself does not. Its element carries ``lang="zh-Hans"`` so browsers, screen readers and the English
page check know which part is Chinese on purpose."""

from django.conf import settings
from django.utils import translation

POSTED_LANGUAGE: str = settings.LANGUAGE_CODE


def in_posted_language() -> translation.override:
    """Build a posted sheet (its title, columns, Excel) inside this: ``with in_posted_language(): ...``."""
    return translation.override(POSTED_LANGUAGE)
