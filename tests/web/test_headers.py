"""Browser-side defences (README "Security model"): every page carries a Content-Security-Policy that allows this
site's own scripts only — so no template may hold inline script or event handlers — and a Permissions-Policy; the API
documentation is for signed-in users."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory, VillageFactory

pytestmark = pytest.mark.django_db
INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>|\son[a-z]+=\"|javascript:", re.I)


def _policy(response) -> dict[str, str]:
    return {d.split()[0]: d for d in (p.strip() for p in response["Content-Security-Policy"].split(";")) if d}


def test_pages_allow_only_their_own_scripts_and_only_the_position_and_camera(client):
    client.force_login(UserFactory(roles=[Role.VILLAGE_WORKER], area=VillageFactory()))
    for url in (reverse("home"), reverse("households:household-list"), reverse("login")):
        response = client.get(url)
        policy = _policy(response)
        assert policy["script-src"] == "script-src 'self'", url
        assert policy["frame-ancestors"] == "frame-ancestors 'none'"
        assert policy["object-src"] == "object-src 'none'"
        assert response["Permissions-Policy"].startswith("geolocation=(self), camera=(self), microphone=()")


def test_no_template_holds_inline_script_or_event_handlers():
    root = Path(settings.BASE_DIR)
    templates = [
        p for p in root.glob("**/templates/**/*.html") if ".venv" not in p.parts and "node_modules" not in p.parts
    ]
    assert len(templates) > 50
    found = [f"{p.relative_to(root)}: {m.group(0)}" for p in templates for m in INLINE.finditer(p.read_text("utf-8"))]
    assert found == []


def test_the_api_documentation_is_for_signed_in_users(client):
    assert client.get(reverse("api-docs")).status_code in (401, 403)
    assert client.get(reverse("api-schema")).status_code in (401, 403)
    client.force_login(UserFactory(roles=[Role.VILLAGE_WORKER], area=VillageFactory()))
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    assert not INLINE.search(docs.content.decode())
