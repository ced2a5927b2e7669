"""The sweep's queries keep their shape at a province's scale: on PostgreSQL, over a county built with COPY and
analysed, no rule — alone or in its set's single pass — and no facts refresh plans a subquery that is re-run per
row over a large table without an index (a non-hashed SubPlan scanning it). Such a plan is what made
FC-WEAK-INCOME-02 quadratic at a million households."""

from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from bench.county import build_territory
from geo.models import AdminArea
from households.facts import context_for, facts_refresh_area
from households.facts.table import facts_select
from households.models import Household
from sweeps.rules import AUTOMATED, Scope
from sweeps.services.runs import predicate_sets, set_query
from tests.factories import UserFactory
from tests.plans import LARGE, SCANS, explain, nodes, partial_indexes

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def per_row_scans(plan: dict[str, Any]) -> list[str]:
    """What a non-hashed SubPlan (run once per outer row) does that does not scale: scan a large table whole, or
    materialise a result to search it row by row."""
    partial = partial_indexes()
    found = []
    for node in nodes(plan):
        name = node.get("Subplan Name", "")
        if node.get("Parent Relationship") != "SubPlan" or name.startswith("hashed"):
            continue
        for inner in nodes(node):
            kind, relation = inner.get("Node Type"), inner.get("Relation Name")
            if kind == "Materialize":
                found.append(f"{name}: Materialize")
            elif (
                kind in SCANS
                and relation in LARGE
                and inner.get("Index Name") not in partial
                and not ({"Index Cond", "Recheck Cond"} & set(inner))
            ):
                found.append(f"{name}: {kind} on {relation}")
    return found


@pytest.fixture
def county_scope():
    recorder = UserFactory()
    county = build_territory(8000, recorder_id=recorder.pk).county
    township = AdminArea.objects.filter(parent=county).order_by("code").first()
    facts_refresh_area(township)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Scope.of(township, on=timezone.localdate())


def test_no_rule_rescans_a_large_table_per_row(county_scope):
    bad = {}
    for rule in AUTOMATED:
        sql, params = rule.query(county_scope).query.sql_with_params()
        found = per_row_scans(explain(sql, params))
        if found:
            bad[rule.id] = found
    for subject, group in predicate_sets(AUTOMATED).items():
        sql, params = set_query(subject, group, county_scope).query.sql_with_params()
        found = per_row_scans(explain(sql, params))
        if found:
            bad[f"the {subject} pass"] = found
    assert bad == {}


def test_the_facts_refresh_reads_each_input_once(county_scope):
    township = county_scope.township
    ctx = context_for(township.code, on=county_scope.on)
    select, _names = facts_select(Household.objects.managed_in(township), ctx)
    assert per_row_scans(explain(select.sql, select.params)) == []


def test_the_check_finds_the_quadratic_shape(county_scope):
    """The shape FC-WEAK-INCOME-02 once had: a count filtered by membership in a subquery over members."""
    from django.db.models import Count, Q

    from households.models import HouseholdMember

    members = HouseholdMember.objects.filter(household__managing_area__code__startswith=county_scope.township.prefix)
    villages = county_scope.villages().annotate(
        people=Count("managed_households__members", filter=Q(managed_households__members__in=members.values("pk")))
    )
    sql, params = villages.query.sql_with_params()
    assert per_row_scans(explain(sql, params)) != []
