"""The everyday pages beyond the household list and the home page, as a township cadre and a county reviewer open
them at scale: each page's time, queries and slowest query, and its time against its own queries sent bare. No
target is set for them; the benchmark keeps them in view (a county's problem list once took 0.3 s, its employment
roster 0.4 s and its ledger page 0.2 s, none of which an earlier benchmark measured)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.cases import _client, _replay, _request, bench_user
from bench.county import Territory
from bench.harness import Report

SCREENS = (
    ("problems", "/sweeps/problems/"),
    ("problems overdue", "/sweeps/problems/?overdue=1"),
    ("visits overdue", "/households/visits/overdue/"),
    ("subjects", "/monitoring/subjects/"),
    ("entry queue", "/monitoring/"),
    ("elimination queue", "/monitoring/elimination/"),
    ("employment roster", "/employment/"),
    ("ledgers", "/ledgers/"),
    ("households overdue", "/households/?risk=overdue"),
    ("households exited", "/households/?flag=exited_poor"),
    ("households income missing", "/households/?income=missing"),
    ("households head missing", "/households/?head=missing"),
    ("pairings", "/households/pairings/"),
    ("sweep runs", "/sweeps/"),
    ("my pairings", "/households/pairings/mine/"),
    ("home", "/"),
)


def bench_screens(report: Report, territory: Territory, households: int, **_: Any) -> None:
    """Each page of ``SCREENS`` a user may open, for a township cadre, a county reviewer and an assistance cadre
    paired with a few households, of the last county (the sweep's problems are in place when the sweep ran
    before)."""
    from accounts.models import User

    county = territory.counties[-1]
    township = territory.townships_of(county)[0]
    users = {
        "township": bench_user("bench-screens-township", role="township_cadre", area_code=township.code),
        "county": bench_user("bench-screens-county", role="county_reviewer", area_code=county.code),
        # one of the county's cadres (bench.county), with their pairings
        "cadre": User.objects.filter(username__startswith=f"bench-cadre-{county.code[:6]}-").order_by("pk").first(),
    }
    requests = logging.getLogger("django.request")
    level = requests.level
    requests.setLevel(logging.ERROR)  # the probes' refusals below are expected
    try:
        for label, user in users.items():
            if user is None:  # a county too small to have cadres
                continue
            client = _client(user)
            for name, url in SCREENS:
                if client.get(url).status_code != 200:  # not this role's page
                    continue
                seconds, queries, statements = _request(client, url, repeat=5)
                with CaptureQueriesContext(connection) as captured:
                    client.get(url)
                slowest = max((float(query["time"]) for query in captured.captured_queries), default=0.0)
                own = _replay(statements, repeat=5)
                report.add(
                    f"screen {name} {label}", households, seconds=seconds, queries=queries, slowest_query=slowest,
                    own_queries_bare=own, ratio_to_own_queries=seconds / own if own else None,
                )  # fmt: skip
    finally:
        requests.setLevel(level)
