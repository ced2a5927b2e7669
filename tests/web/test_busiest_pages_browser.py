"""The four busiest pages of the demo county — the workbench, the household list, a household's page and the entry
queue — as the county reviewer and the township cadre see them on a 390 px phone and a 1366 px laptop: no sideways
scrolling, and a screenshot of each (in the temporary folder; with ``SCREENSHOT_DIR`` set, there, as the ones in
docs/screenshots/ were taken)."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings
from playwright.sync_api import Page

from accounts.models import User
from households.models import Household
from tests.browser import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WIDTHS = {390: 844, 1366: 768}


def _busiest(household: Household) -> dict[str, str]:
    return {
        "home": "/",
        "households": "/households/",
        "household": household.get_absolute_url(),
        "entry-queue": "/monitoring/?all=1",
    }


@pytest.mark.parametrize("username", ["county", "township"])
def test_the_busiest_pages_fit_and_are_photographed(page: Page, username):
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("load_demo", households=200, seed=7, stdout=io.StringIO())
    # The user's household with the most members: the longest household page.
    user = User.objects.get(username=username)
    household = Household.objects.visible_to(user).annotate(size=Count("members")).order_by("-size", "pk").first()
    folder = Path(os.environ.get("SCREENSHOT_DIR") or SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    too_wide = []
    for name, url in _busiest(household).items():
        for width, height in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto(url)
            assert response is not None
            assert response.status == 200, url
            wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if wide > 0:
                too_wide.append(f"{url} is {wide}px wider than {width}px")
            page.screenshot(path=str(folder / f"{username}-{name}-{width}.png"), full_page=True)
    assert too_wide == []
