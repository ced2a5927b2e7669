"""Every page fits its screen: each role, signed in as a user of chain A of the URL audit's world, opens every page
the app has (the audit's routes: lists, detail pages of its own objects, forms, and the 403/404 pages it meets),
and none is wider than a 390 px phone or a 1366 px laptop, or shows developer text (SPEC sections, rule codes,
file names). A new page is covered without editing this file.

A page is loaded once at 1366 px, measured, narrowed to 390 px (the layout reflows as on a phone) and measured
again. Downloads (ledgers, templates, photos) are not pages and are passed over; so are the routes that sign out
or change the language on a GET. The run's total is printed at its end (tests/tallies.py)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from accounts.roles import Role
from tests.browser import SCREENSHOTS, log_in
from tests.tallies import tally
from tests.worlds.audit import NOT_PAGES, World, app_routes, is_post_only, model_of, view_class_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (1366, 390)
HEIGHT = {1366: 768, 390: 844}
# Developer text a user must never read (rule codes may stay in a tooltip): SPEC sections, source lines of the
# policy documents, rule codes, file names, the code of a regional profile.
DEVELOPER_TEXT = re.compile(
    r"SPEC|§|\b0\d\d L\d+|\b[A-Z]{2,}(?:-[A-Z0-9]+){2,}\b|\b[\w/-]+\.(?:md|py|html)\b|\bningxia\b"
)
WIDTH_CHECK = tally("Page widths", "{pages:,} pages × 2 widths for {roles} roles", pages=0, roles=0)


def _page_urls(world: World) -> list[str]:
    urls = []
    for name, view, pattern in app_routes():
        if pattern.startswith("api/") or name in NOT_PAGES or is_post_only(view):
            continue
        if "<" in pattern:
            model = model_of(view, view_class_of(view))
            own, _foreign = world.objects[model]  # the URL audit fails first on a route it cannot build
            urls.append(reverse(name, kwargs={"pk": own.pk}))
        else:
            urls.append(reverse(name))
    return urls


def _overflow(page: Page) -> int:
    # Let scripts that lay out on resize (the dashboard's charts redraw on the next frames) settle first.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


# The innermost elements that stick out on the right, named like a CSS selector: where to look when a page is wide.
_CULPRITS = """() => [...document.body.querySelectorAll('*')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
               && ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 3)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + [...e.classList].map(c => '.' + c).join('')
            + ' "' + (e.textContent || '').trim().slice(0, 20) + '"')"""


@pytest.mark.parametrize("role", list(Role))
def test_every_page_fits_the_phone_and_the_laptop(page: Page, role):
    world = World()
    user = world.user(role, world.chain_a)
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT[WIDTHS[0]]})
    page.goto("/")
    log_in(page, user.username)
    too_wide: list[str] = []
    developer_text: list[str] = []
    measured = 0
    for url in _page_urls(world):
        probe = page.request.get(url, max_redirects=0)
        content_type = probe.headers.get("content-type", "")
        if probe.status not in (200, 403, 404) or not content_type.startswith("text/html"):
            continue  # a download, or a redirect to the page that comes first
        page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT[WIDTHS[0]]})
        page.goto(url)
        for shown in DEVELOPER_TEXT.finditer(page.inner_text("body")):
            developer_text.append(f"{url} shows {shown.group(0)!r}")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT[width]})
            wide = _overflow(page)
            if wide > 0:
                culprits = ", ".join(page.evaluate(_CULPRITS))
                too_wide.append(f"{url} ({probe.status}) is {wide}px wider than {width}px: {culprits}")
                shot = SCREENSHOTS / f"too-wide-{role}-{width}-{url.strip('/').replace('/', '_')}.png"
                page.screenshot(path=str(shot), full_page=True)
        measured += 1
    WIDTH_CHECK.add("pages", measured)
    WIDTH_CHECK.add("roles")
    WIDTH_CHECK.failures.extend(f"{role}: {problem}" for problem in too_wide)
    # Every role has its home, its password page and the pages its own objects open; a handful would mean the
    # sign-in failed and only the login page was measured.
    assert measured >= 20, f"only {measured} pages were measured for {role}"
    assert too_wide == [], too_wide
    assert developer_text == [], developer_text


def test_the_login_and_error_pages_fit(page: Page):
    """What a visitor sees before signing in: the login page and the 404 page."""
    for url in ("/accounts/login/", "/no-such-page/"):
        for width in reversed(WIDTHS):
            page.set_viewport_size({"width": width, "height": HEIGHT[width]})
            page.goto(url)
            assert _overflow(page) <= 0, f"{url} is wider than {width}px"
