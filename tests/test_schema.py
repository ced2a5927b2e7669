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
