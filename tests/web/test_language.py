import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import TownshipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default_whatever_the_browser_asks(client):
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=TownshipFactory()))
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_switcher_chooses_english(client):
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=TownshipFactory()))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))
    assert response["Content-Language"] == "en"
