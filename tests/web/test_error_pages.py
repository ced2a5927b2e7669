"""Error pages speak Chinese: a server error shows the house's 500 page (no stack, no English), standalone so that it
renders even when the error came from the database or a context processor."""

import os
import subprocess
import sys

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from accounts.roles import Role
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_server_error_shows_the_chinese_500_page():
    response = server_error(RequestFactory().get("/households/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了，您的操作没有完成" in page
    assert "Traceback" not in page
    assert "Server Error" not in page


@pytest.mark.django_db
def test_an_unknown_page_is_the_chinese_404_in_production(client, settings):
    settings.DEBUG = False
    client.force_login(UserFactory(roles=[Role.VILLAGE_WORKER]))
    page = client.get("/no-such-page/", HTTP_ACCEPT="text/html")
    assert page.status_code == 404
    assert "页面不存在或不在您的管辖范围内" in page.content.decode()


def test_make_run_shows_the_users_pages_not_djangos_debug_pages():
    """The settings as `make run` reads them (no DEBUG in the environment): debug pages are off, and the static
    files are still served, by WhiteNoise from the source folders."""
    environment = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "DJANGO_ENV")}
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEBUG, settings.WHITENOISE_USE_FINDERS)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script],
        env={**environment, "DJANGO_SETTINGS_MODULE": "revitalization.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert shown == ["False", "True"]


@pytest.mark.django_db
def test_a_form_from_an_expired_page_gets_the_chinese_403_page():
    """CSRF verification fails (the form's token is stale): the house's page says what to do, in Chinese."""
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(UserFactory(roles=[Role.VILLAGE_WORKER]))
    page = csrf_client.post("/households/new/", {"head_name": "马"}, HTTP_ACCEPT="text/html")
    assert page.status_code == 403
    text = page.content.decode()
    assert "页面已过期或来源无法确认" in text
    assert "CSRF verification failed" not in text
