"""Every read of every page is served by an index (the scale issue's item 5). On PostgreSQL, a township cadre and
a county reviewer — the two whose lists are a county's — open every page without a parameter and the household
list's filters; every read a page sends is planned with sequential scans, hash joins and merge joins priced out,
and none may still read a large table whole: a sequential scan, or an index walked from end to end without a
condition. Which way is faster at a province's size is the planner's to choose; that an index can serve the read
is what this holds; the plans it chooses at a province's size are measured by ``bench/explain_pages.py``
(docs/adr/0001, "Plans")."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from households.models import Household
from tests.plans import LARGE, explain, nodes, partial_indexes
from tests.tallies import tally
from tests.worlds.audit import World, plain_pages

pytestmark = [pytest.mark.django_db, pytest.mark.services]

READS = ("SELECT", "WITH", "(", "SET LOCAL")
FILTERED = ("/households/?flag=exited_poor", "/households/?risk=overdue", "/households/?income=missing")
# Reads that take a large table whole by a decision of the ADR ("Plans", found and kept): the subjects carry no area
# of their own, and the subject and national-entry pages read the subjects and keep the territory's (a
# province's 30,000: the way by key measured no faster).
KEPT = {
    "/monitoring/subjects/": "monitoring_monitoringsubject",
    "/national/": "monitoring_monitoringsubject",
    "/national/batch/": "monitoring_monitoringsubject",
}
COUNTED = tally("Plans of every page", "{reads:,} reads of {pages:,} pages planned", reads=0, pages=0)


def whole_reads(plan: dict[str, Any], partial: set[str]) -> list[str]:
    """The nodes of ``plan`` that read a large table whole."""
    found = []
    for node in nodes(plan):
        kind, relation = node["Node Type"], node.get("Relation Name")
        if relation not in LARGE:
            continue
        walked = kind in {"Index Scan", "Index Only Scan"} and "Index Cond" not in node
        if kind == "Seq Scan" or (walked and node.get("Index Name") not in partial):
            found.append(f"{kind} on {relation}{' by ' + node['Index Name'] if walked else ''}")
    return found


@pytest.mark.parametrize("role", [Role.TOWNSHIP_CADRE, Role.COUNTY_REVIEWER])
def test_every_read_of_every_page_is_served_by_an_index(client, role):
    world = World()
    client.force_login(world.user(role, world.chain_a))
    partial = partial_indexes()
    found = []
    for url in [*plain_pages(), *FILTERED, "/api/v1/households/"]:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        kind = response.get("Content-Type", "")
        if response.status_code != 200 or not kind.startswith(("text/html", "application/json")):
            continue  # a page the role may not open, or a download (an export: the ledgers' own plans)
        COUNTED.add("pages")
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(READS):
                continue
            COUNTED.add("reads")
            scans = whole_reads(explain(sql, by_key=True), partial)
            found += [f"{url}: {scan}\n  {sql[:400]}" for scan in scans if f" on {KEPT.get(url)}" not in scan]
    assert found == []


def test_the_check_finds_a_read_no_index_serves():
    """A filter on a column without an index reads the households whole, whatever the planner is told."""
    sql, params = Household.objects.filter(hukou_area_text="区外某地").order_by().query.sql_with_params()
    assert whole_reads(explain(sql, params), partial_indexes()) == ["Seq Scan on households_household"]


def test_the_check_finds_an_index_walked_end_to_end():
    """Sorted by a key and read whole, the households are walked along their primary key: no condition bounds it."""
    sql, params = Household.objects.order_by("pk").query.sql_with_params()
    assert whole_reads(explain(sql, params), partial_indexes()) == [
        "Index Scan on households_household by households_household_pkey"
    ]
