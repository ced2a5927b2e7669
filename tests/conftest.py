import datetime
import os

import pytest
from django.conf import settings as django_settings
from django.utils import timezone, translation
from rest_framework.test import APIClient

pytest_plugins = ["tests.browser", "tests.tallies"]
_real_localdate = timezone.localdate  # before any test fixes the day


def _services_available() -> bool:
    engine = django_settings.DATABASES["default"]["ENGINE"]
    return bool(django_settings.REDIS_URL) and "postgresql" in engine


def pytest_collection_modifyitems(config, items):
    if _services_available():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); .ci/run provides both")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """CI (FAIL_ON_SKIP=1) fails when any test was skipped: a skipped service test proves nothing."""
    if os.environ.get("FAIL_ON_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"FAIL_ON_SKIP: {skipped} test(s) were skipped", red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded photos and import files go to a per-test folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the house language: a page asked for in English leaves English active on the thread
    (the locale middleware activates a language per request and nothing deactivates it), and a later test that
    reads labels outside a request would read them in English."""
    translation.deactivate()


@pytest.fixture(autouse=True)
def _calendar_overrides_read_fresh():
    """A test's overrides vanish with its rolled-back transaction, which no signal reports: each test starts without
    the cached table (only that key: the cache may be the Redis of a running worker)."""
    from geo.workdays import forget_overrides

    forget_overrides()


@pytest.fixture(autouse=True)
def _dashboards_rendered_fresh():
    """A test's fund books and indicators vanish with its rolled-back transaction, but the dashboards rendered from
    them stay in the cache: each test starts a new generation (only that key, as above)."""
    from ledgers.dashboard import dashboard_inputs_changed

    dashboard_inputs_changed()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


class Clock:
    """The day the code under test reads (``timezone.localdate``); ``set`` fixes it. Unset, it is the real day."""

    def __init__(self) -> None:
        self.day: datetime.date | None = None

    def set(self, day: datetime.date) -> datetime.date:
        self.day = day
        return day


@pytest.fixture
def today(monkeypatch) -> Clock:
    """One clock for every test that fixes the date, instead of each module patching ``localdate`` its own way."""
    clock = Clock()
    monkeypatch.setattr(
        "django.utils.timezone.localdate",
        lambda *a, **k: clock.day if clock.day is not None else _real_localdate(*a, **k),
    )
    return clock
