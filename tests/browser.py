"""Browser journeys: headless Debian Chromium driven by Playwright against pytest-django's ``live_server``.

Registered as a plugin (``pytest_plugins = ["tests.browser"]`` in tests/conftest.py). Browser tests are marked
``@pytest.mark.browser`` and use a transactional database, because the live server reads it from another thread.
Playwright never downloads a browser here: it drives the system Chromium, which CI installs (``make browser``).
"""

import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, Response, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# The machine has no network: without the background-networking flags Chromium stalls on refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 5_000  # pages are server-rendered on localhost; anything slower is a bug, so fail fast

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
DEVICES = {"phone": PHONE, "desktop": DESKTOP}

BOOTSTRAP_CSS = "/static/vendor/bootstrap/css/bootstrap.min.css"
SCREENSHOTS = Path(tempfile.gettempdir())
PASSWORD = "pw-Secret-123"  # what tests.factories.UserFactory sets


@dataclass
class PageProblems:
    """What went wrong while the page was open: failed requests, HTTP errors, uncaught JS errors, console errors."""

    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return self.failed_requests + self.bad_responses + self.page_errors + self.console_errors


@pytest.fixture(scope="session")
def playwright(django_db_setup: None) -> Iterator[Playwright]:
    """Playwright's sync driver. From start() to stop() it marks an asyncio loop as running in the test thread,
    which changes how Django behaves in that thread; the two adjustments below keep the database usable."""
    # 1. Django refuses ORM calls (factories, assertions) while a loop runs, with SynchronousOnlyOperation; the
    #    documented escape hatch is this variable, read at call time. Set only while Playwright runs, so the rest
    #    of the suite keeps Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # 2. Django keeps connections in an asgiref Local, which gives "async" code a fresh connection object. The test
    #    database was created (django_db_setup, requested above so it happens first) on the thread's connection,
    #    which alone carries the serialized rows that serialized_rollback restores; hand the same objects over.
    thread_connections = {connection.alias: connection for connection in connections.all()}
    driver = sync_playwright().start()
    for alias, connection in thread_connections.items():
        connections[alias] = connection
    yield driver
    driver.stop()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # Fail, never skip: a CI run without a browser must be red, not silently green.
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: browser tests need Debian's Chromium. Run `make browser` "
            "(apt-get install chromium); Playwright's own browser downloads are not used.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


def _open_page(
    browser: Browser, live_server: Any, problems: PageProblems, device: str, request: pytest.FixtureRequest
) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **DEVICES[device])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.bad_responses.append(f"{response.status} {response.request.method} {response.url}")

    def on_request_failed(failed: Request) -> None:
        if failed.failure == "net::ERR_ABORTED":
            return  # the page navigated on before this request finished: not a defect of the page
        problems.failed_requests.append(f"{failed.failure} {failed.method} {failed.url}")

    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.on("pageerror", lambda error: problems.page_errors.append(f"JS error: {error}"))
    page.on("console", lambda message: _record_console(problems, message))
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        shot = SCREENSHOTS / f"browser-failure-{request.node.name}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"\nbrowser failure screenshot: {shot}, last URL {page.url}")  # noqa: T201
    context.close()


def _record_console(problems: PageProblems, message: ConsoleMessage) -> None:
    source = message.location.get("url", "")
    if message.type == "error":
        problems.console_errors.append(f"console: {message.text} ({source})")


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, live_server: Any, page_problems: PageProblems
) -> Iterator[Page]:
    """A fresh browser context on the live server; relative URLs work (``page.goto("/")``). Desktop by default;
    for a phone, parametrize indirectly: ``@pytest.mark.parametrize("page", ["phone", "desktop"], indirect=True)``."""
    device = getattr(request, "param", "desktop")
    yield from _open_page(browser, live_server, page_problems, device, request)


@pytest.fixture
def phone_page(
    request: pytest.FixtureRequest, browser: Browser, live_server: Any, page_problems: PageProblems
) -> Iterator[Page]:
    yield from _open_page(browser, live_server, page_problems, "phone", request)


@pytest.fixture
def desktop_page(
    request: pytest.FixtureRequest, browser: Browser, live_server: Any, page_problems: PageProblems
) -> Iterator[Page]:
    yield from _open_page(browser, live_server, page_problems, "desktop", request)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests run last, after pytest-django's own ordering: while Playwright runs, the test thread looks
    # async to Django and asyncio (see the playwright fixture), and their flushes empty the migrated rows.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    # Keeps the call phase's report on the item, so the page fixture can screenshot a failed journey.
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


expect.set_options(timeout=TIMEOUT_MS)


# --- helpers for journeys -------------------------------------------------------------------------------------------


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Fill and submit the login form on the current page (the login page, or a redirect to it)."""
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def open_menu(page: Page) -> None:
    """On a phone the navbar is collapsed behind the toggler; open it so nav links and 退出 are clickable."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        # Wait for the end of Bootstrap's collapse transition ("collapsing" → "collapse show"): a click during
        # the animation can land on a link that is still moving.
        expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))


def click_nav(page: Page, label: str) -> None:
    open_menu(page)
    page.locator("#mainnav").get_by_role("link", name=label).click()
    page.wait_for_load_state()


def log_out(page: Page) -> None:
    open_menu(page)
    page.locator("#mainnav").get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def assert_bootstrap_applied(page: Page) -> None:
    """The vendored Bootstrap is served (settings.DEBUG is False under tests: the live server's static handler
    serves STATICFILES_DIRS, node_modules included) and its variables reach the page."""
    response = page.request.get(BOOTSTRAP_CSS)
    assert (response.status, response.headers.get("content-type", "").split(";")[0]) == (200, "text/css")
    blue = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--bs-blue').trim()")
    assert blue == "#0d6efd"


def assert_no_page_problems(problems: PageProblems) -> None:
    """Every request succeeded (static files included) and no script failed."""
    assert problems.all() == []
