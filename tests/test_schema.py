"""The migrated database holds every index and constraint the models declare. Django's AlterField of a field that
loses ``db_index`` drops every single-column index of that column on PostgreSQL, a partial unique index too (the
rule of one present household per person, SPEC §2.6, would then hold no longer)."""

import pytest
from django.apps import apps
from django.db import connection


@pytest.mark.django_db
def test_every_declared_index_and_constraint_exists_in_the_database() -> None:
    missing = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if not model._meta.managed or model._meta.proxy:
                continue
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
            declared = [index.name for index in model._meta.indexes] + [c.name for c in model._meta.constraints]
            missing += [f"{model._meta.label}.{name}" for name in declared if name not in found]

    assert missing == []


@pytest.mark.django_db
def test_a_members_name_and_id_number_carry_only_the_indexes_declared() -> None:
    """Each index is written for each of an import's 200,000 members (migration households 0027 dropped by name
    the two that ``db_index`` had made and no query used)."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "households_householdmember")

    on_one = {name for name, about in found.items() if about["index"] and about["columns"] in (["name"], ["id_number"])}

    assert on_one == {
        "households_member_name_prefix",
        "households_member_id_number",
        "households_member_unique_present_id",
        "households_member_gone_id",
    }
