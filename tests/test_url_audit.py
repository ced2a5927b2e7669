"""Every route is checked automatically (STYLE §5.5).

1. Every view declares its scoping: the sealed ``JurisdictionScopedMixin`` or ``@scoped_view``/``@not_place_bound``.
2. The access matrix: for every role and every route, a user of the owning area gets in (when their role carries
   the capability the data needs) and a user of the sibling area gets 404 and sees no foreign data in lists,
   counts or search results. A new route is covered without editing this file; one the audit cannot exercise
   (an unknown URL parameter, a model without objects here) fails the test until it is taught.
"""

import json
from typing import Any
from urllib.parse import parse_qsl, quote_plus

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.roles import Role
from geo.codes import AreaLevel
from geo.mixins import JurisdictionScopedMixin
from households.models import Household
from tests.worlds.audit import NOT_PLACE_BOUND, World, app_routes, is_post_only, model_of, view_class_of


def test_every_view_declares_its_scoping():
    undeclared = set()
    for name, view, _pattern in app_routes():
        view_class = view_class_of(view)
        if name in NOT_PLACE_BOUND:
            continue
        if view_class is not None and issubclass(view_class, JurisdictionScopedMixin):
            continue
        if getattr(view, "jurisdiction_scoped", False):
            continue
        undeclared.add(name)
    assert undeclared == set(), "views without declared jurisdiction scoping"


def test_the_sealed_mixin_refuses_a_get_queryset_override():
    with pytest.raises(TypeError, match="scope_queryset"):

        class Leaky(JurisdictionScopedMixin):
            def get_queryset(self):
                return Household.objects.all()


def _expects_access(user: Any, model: type) -> bool:
    """Whether the user's role opens this model's rows in their own area (the territorial capability, or a grant)."""
    return model._default_manager.all().visible_to(user).exists()


def _get(client: Any, url: str, *, post: bool = False) -> tuple[int, str]:
    send = client.post if post else client.get
    response = send(url, HTTP_ACCEPT="application/json" if url.startswith("/api/") else "text/html")
    body = response.content.decode() if hasattr(response, "content") else ""
    return response.status_code, body


def _unescaped(body: str) -> str:
    try:
        return json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        return body


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_access_matrix_own_area_and_sibling_area(role, client):
    world = World()
    own_user = world.user(role, world.chain_a)
    sibling_user = world.user(role, world.chain_b)
    problems: list[str] = []

    for name, view, pattern in app_routes():
        if name in NOT_PLACE_BOUND:
            continue
        view_class = view_class_of(view)
        params = [p.split(">")[0].split(":")[-1] for p in pattern.split("<")[1:]]
        model = model_of(view, view_class)
        post_only = is_post_only(view)

        if params:  # a detail route: own object for the own user, the foreign object for the sibling user
            if params != ["pk"] or model not in world.objects:
                problems.append(f"{name}: the audit cannot build {params} for {model}; teach World about it")
                continue
            own_obj, foreign_obj = world.objects[model]
            # Sibling first: a command must not change the own object before the own user's turn.
            client.force_login(sibling_user)
            # The sibling-area user asks for the *other* chain's object: chain A's object is foreign to them.
            status, body = _get(client, reverse(name, kwargs={"pk": own_obj.pk}), post=post_only)
            if status != 404:
                problems.append(f"{name} foreign object: {status}, expected 404")
            client.force_login(own_user)
            status, body = _get(client, reverse(name, kwargs={"pk": foreign_obj.pk}), post=post_only)
            if status != 404:
                problems.append(f"{name} foreign object: {status}, expected 404")
            status, _ = _get(client, reverse(name, kwargs={"pk": own_obj.pk}), post=post_only)
            # Visible: the page (200), a command's redirect (302), or "not your role" (403). Invisible: 404.
            # A command posted empty may also be refused for its input (400) or the case's state (409).
            visible = {200, 302, 403} | ({400, 409} if post_only else set())
            expected = visible if _expects_access(own_user, model) else {404}
            if status not in expected:
                problems.append(f"{name} own object: {status}, expected one of {sorted(expected)}")
            continue

        # A list or page: the own user gets it without any trace of the foreign chain, also when searching.
        client.force_login(own_user)
        base = reverse(name)
        for query in (
            "",
            "?q=乙外户主",
            "?search=乙外户主",
            f"?area={world.chain_b[AreaLevel.VILLAGE].code}",
            f"?household_no={world.household_b.household_no}",
        ):
            status, body = _get(client, base + query)
            if status >= 500 or status in (301, 302, 404):
                problems.append(f"{name}{query}: status {status}")
                continue
            text = _unescaped(body)
            # What the user typed comes back in the search box and in paging links: an echo, not a leak.
            for key, echoed in parse_qsl(query.lstrip("?")):
                text = text.replace(f'value="{echoed}"', "").replace(f"{key}={quote_plus(echoed)}", "")
            leaked = [marker for marker in world.foreign_markers if marker in text]
            if leaked:
                problems.append(f"{name}{query}: shows foreign data {leaked}")
            if model is not None and status == 200 and text.startswith("{") and '"count"' in text:
                count = json.loads(body)["count"]
                visible = model._default_manager.all().visible_to(own_user)
                # A list may narrow what visible_to opens (the ledger exports leave out files pages hand out), never
                # widen it.
                if query == "" and count > visible.count():
                    problems.append(f"{name}: count {count} > visible {visible.count()}")

    assert problems == [], f"role {role}: {problems}"


@pytest.mark.django_db
def test_anonymous_visitors_get_the_login_page_or_401(client):
    world = World()
    for name, _view, pattern in app_routes():
        if name in NOT_PLACE_BOUND:
            continue
        model = model_of(_view, view_class_of(_view)) or Household
        obj = world.objects.get(model, (world.household_a,))[0]
        kwargs = {"pk": obj.pk} if "<int:pk>" in pattern or "<pk>" in pattern else {}
        url = reverse(name, kwargs=kwargs)
        post_only = is_post_only(_view)
        response = client.post(url) if post_only else client.get(url)
        if url.startswith("/api/"):
            assert response.status_code in (401, 403), url
        else:
            assert response.status_code == 302, url
            assert "/accounts/login/" in response["Location"], url


@pytest.mark.django_db
def test_the_admin_obeys_jurisdiction_for_staff_who_are_not_superusers(client):
    world = World()
    admin_user = world.user(Role.SYSTEM_ADMIN, world.chain_a)
    admin_user.is_staff = True
    admin_user.save()
    admin_user.user_permissions.add(*Permission.objects.filter(codename__in=["view_household", "view_adminarea"]))
    client.force_login(admin_user)
    page = client.get(reverse("admin:households_household_changelist")).content.decode()
    assert world.household_a.household_no in page
    assert world.household_b.household_no not in page
    assert client.get(reverse("admin:households_household_change", args=[world.household_b.pk])).status_code in (
        302,
        404,
    )
