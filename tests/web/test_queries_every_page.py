"""Every page keeps to its number of queries: each role, signed in as a user of chain A of the URL audit's world,
opens every page without a parameter the app has (lists, boards, forms) and none makes more than 10 SQL queries,
the home page no more than 15 (the scale issue's limits). The session, the user and their roles, the territory and
the unread notices are among them. A new page is covered without editing this file.

Counted on a user's second visit, as on every page after their first (the first reads what a session keeps). A
page's growth with its rows is held by its own tests at two sizes (the household list, the problems, the queues)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from tests.tallies import tally
from tests.worlds.audit import World, plain_pages

pytestmark = pytest.mark.django_db

LIMIT = 10
HOME_LIMIT = 15
COUNTED = tally("Queries per page", "{pages:,} pages for {roles} roles", pages=0, roles=0)


@pytest.mark.parametrize("role", list(Role))
def test_every_page_keeps_to_ten_queries(client, role):
    world = World()
    client.force_login(world.user(role, world.chain_a))
    over = []
    pages = 0
    for url in plain_pages():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue  # a download, a redirect, a page the role may not open
        pages += 1
        limit = HOME_LIMIT if url == reverse("home") else LIMIT
        if len(queries) > limit:
            over.append(f"{url}: {len(queries)} queries (at most {limit})")
    COUNTED.add("pages", pages)
    COUNTED.add("roles")
    COUNTED.failures += [f"{role}: {page}" for page in over]
    assert pages, f"{role} opened no page"
    assert over == []
