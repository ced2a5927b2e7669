"""Error pages speak Chinese: a server error shows the house's 500 page (no stack, no English), standalone so that it
renders even when the error came from the database or a context processor."""

import pytest
from django.test import RequestFactory
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
