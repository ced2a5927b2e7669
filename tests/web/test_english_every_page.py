"""Every page in English: each role, signed in as a user of chain A of the URL audit's world with English chosen,
opens every page the app has (the routes of tests/web/test_fit_every_page.py), and no Chinese is left on it except
data. Data is what people typed or imported: names of households, villages, units and users, notes, reasons. It is
told apart by looking it up: every Chinese run of a page must occur in a text value stored in the database; a run
found nowhere there came from the code or a template, untranslated.

Sheets posted in the village for villagers (公示 notices, the funds disclosure) are Chinese by design, whatever the
reader's language (core.posted): their element says so with ``lang="zh-Hans"`` and its text is passed over."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from accounts.roles import Role
from tests.worlds.audit import NOT_PAGES, World, app_routes, is_post_only, model_of, view_class_of

pytestmark = pytest.mark.django_db

CHINESE_RUN = re.compile(r"[\u3400-\u9fff]+")  # Chinese characters; punctuation around data is not text
# The language switcher offers each language under its own name.
LANGUAGE_NAMES = ("中文", "简体中文")
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    """The text a reader sees in the page's language: text nodes outside scripts and styles and outside an element
    in Chinese on purpose (``lang="zh-…"``), and the attributes read out or hovered."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._open: list[tuple[str, bool]] = []  # open elements, and whether each hides its text

    @property
    def _hidden(self) -> bool:
        return any(hides for _tag, hides in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        hides = tag in ("script", "style", "template") or (attributes.get("lang") or "").lower().startswith("zh")
        if tag not in VOID:
            self._open.append((tag, hides))
        if hides or self._hidden or (tag == "option" and attributes.get("value") == "zh-hans"):
            return
        self.parts += [value for name, value in attrs if name in SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):  # close it, and any element left open inside it
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _shown_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def _data() -> str:
    """Every text value stored in the database, one per line: what a page may show in Chinese."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                values.update(value for value in row if value and CHINESE_RUN.search(value))
    return "\n".join(values)


def _pages(world: World) -> list[tuple[str, str]]:
    pages = []
    for name, view, pattern in app_routes():
        if pattern.startswith("api/") or name in NOT_PAGES or is_post_only(view):
            continue
        if "<" in pattern:
            own, _foreign = world.objects[model_of(view, view_class_of(view))]
            pages.append((name, reverse(name, kwargs={"pk": own.pk})))
        else:
            pages.append((name, reverse(name)))
    return pages


def _of_data(run: str, data: str) -> bool:
    """Whether a run of Chinese is data, or data put side by side ("甲村" + "走访台账" stored as a title): it cuts
    into pieces of at least two characters that each occur in a stored value. A lone character must occur itself."""
    if len(run) == 1:
        return run in data
    ends = {0}  # the positions a cut into data pieces can reach
    for end in range(2, len(run) + 1):
        if any(start in ends and run[start:end] in data for start in range(end - 1)):
            ends.add(end)
    return len(run) in ends


def _untranslated(html: str, data: str) -> set[str]:
    return {
        run for run in CHINESE_RUN.findall(_shown_text(html)) if run not in LANGUAGE_NAMES and not _of_data(run, data)
    }


@pytest.mark.parametrize("role", list(Role))
def test_every_page_reads_in_english(client, role):
    world = World()
    user = world.user(role, world.chain_a)
    client.force_login(user)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    data = _data()
    left: dict[str, set[str]] = {}
    read = 0
    for name, url in _pages(world):
        response = client.get(url)
        if response.status_code not in (200, 403, 404) or not response["Content-Type"].startswith("text/html"):
            continue  # a download, or a redirect to the page that comes first
        assert response["Content-Language"] == "en", url
        read += 1
        untranslated = _untranslated(response.content.decode(), data)
        if untranslated:
            left[f"{name} {url}"] = untranslated
    assert read > 3, "the role reads its home, its password page and the pages of its own objects"
    assert left == {}, "Chinese left on English pages (mark it for translation, then fill locale/en)"


def test_the_check_finds_an_untranslated_label_and_passes_data():
    page = (
        '<p title="提示">申报纳入监测</p><p>甲本户主（甲村走访台账）</p><script>var x = "脚本";</script>'
        '<option value="zh-hans">中文</option>'
        '<article lang="zh-Hans"><h1>公示</h1><br><p>公示期</p></article><p>公示期</p>'
    )
    assert _untranslated(page, data="甲本户主\n甲村\n走访台账\n乙外户主") == {"提示", "申报纳入监测", "公示期"}
