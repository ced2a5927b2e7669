"""The support programmes' entry page (SPEC §11): one menu entry opens microcredit, insurance, employment and
public-welfare posts, for the roles that see them."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import TownshipFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_a_township_cadre_opens_the_four_programmes_from_the_menu(client):
    township = TownshipFactory()
    VillageFactory(parent=township)
    client.force_login(UserFactory(roles=[Role.TOWNSHIP_CADRE], area=township))
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("programmes")}"' in home
    page = client.get(reverse("programmes")).content.decode()
    for name in ("credit:loan-list", "insurance:policy-list", "employment:roster", "welfare_posts:post-list"):
        assert f'href="{reverse(name)}"' in page
        assert client.get(reverse(name)).status_code == 200


def test_a_department_screener_has_no_programmes(client):
    client.force_login(UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=TownshipFactory().parent))
    assert f'href="{reverse("programmes")}"' not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("programmes")).status_code == 403
