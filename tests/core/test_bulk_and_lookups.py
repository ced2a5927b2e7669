"""The set-based tools the sweep and the import write and read with: ``core.lookups.AnyOf`` (ids bound as one
parameter) and ``core.bulk.insert_values`` (columns alike in every row bound once). Each is checked against what
Django's own ``__in`` and ``bulk_create`` would leave, on whichever database the suite runs (PostgreSQL in CI)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Q

from core import bulk
from core.lookups import AnyOf, InTable, day_start
from households.choices import HouseholdFlagKind
from households.models import Household, HouseholdFlag, HouseholdMember
from tests.factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_any_of_matches_what_in_matches_across_a_join_and_inside_a_q():
    households = HouseholdFactory.create_batch(4)
    for household in households:
        MemberFactory(household=household)
    chosen = [households[0].pk, households[2].pk]

    assert set(Household.objects.filter(AnyOf("pk", chosen))) == {households[0], households[2]}
    by_any = HouseholdMember.objects.filter(AnyOf("household_id", chosen))
    assert set(by_any) == set(HouseholdMember.objects.filter(household_id__in=chosen))
    assert by_any.count() == 4  # a head and a member in each of the two
    areas = [households[1].managing_area_id]  # through a join: the member's household's village
    assert set(HouseholdMember.objects.filter(AnyOf("household__managing_area_id", areas))) == set(
        HouseholdMember.objects.filter(household=households[1])
    )
    either = Household.objects.filter(Q(AnyOf("pk", chosen)) | Q(pk=households[3].pk))
    assert set(either) == {households[0], households[2], households[3]}
    assert set(Household.objects.exclude(AnyOf("pk", chosen))) == {households[1], households[3]}


def test_any_of_an_empty_list_matches_nothing_and_ids_may_come_as_any_iterable():
    household = HouseholdFactory()
    assert not Household.objects.filter(AnyOf("pk", [])).exists()
    assert list(Household.objects.filter(AnyOf("pk", [None, household.pk]))) == [household]  # None left out
    assert list(Household.objects.filter(AnyOf("pk", (pk for pk in [household.pk, 0])))) == [household]
    assert list(Household.objects.filter(AnyOf("pk", [str(household.pk)]))) == [household]


def test_any_of_text_values_even_with_quotes_backslashes_and_commas():
    names = ['王"大"', "李\\四", "张,三", "{赵}"]
    households = [HouseholdFactory(head_name=name) for name in names]
    HouseholdFactory(head_name="王大")

    assert set(Household.objects.filter(AnyOf("head_name", names))) == set(households)
    assert list(Household.objects.filter(AnyOf("head_name", ["王大"])).values_list("head_name", flat=True)) == ["王大"]


def test_any_of_takes_only_integer_and_text_columns():
    HouseholdFactory()
    with pytest.raises(TypeError, match="DateField"):
        list(HouseholdMember.objects.filter(AnyOf("birth_date", [datetime.date(1980, 5, 17)])))


def test_in_table_matches_the_ids_a_cte_holds_duplicates_and_all():
    """``InTable``: the rows whose column is one of the ids of a table the statement names (the facts refresh's
    CTE of households), read as an array on PostgreSQL, as ``IN (SELECT …)`` elsewhere."""
    households = HouseholdFactory.create_batch(3)
    for household in households:
        MemberFactory(household=household)
    chosen = [households[0].pk, households[2].pk, households[2].pk]  # a set may hold an id twice
    members = HouseholdMember.objects.filter(InTable("household_id", "chosen")).order_by().values("pk")
    sql, params = members.query.sql_with_params()
    ids = " UNION ALL ".join(["SELECT %s"] * len(chosen))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH chosen(id) AS ({ids}) {sql}", [*chosen, *params])
        found = {row[0] for row in cursor.fetchall()}
    expected = set(HouseholdMember.objects.filter(household_id__in=chosen).values_list("pk", flat=True))
    assert found == expected
    assert len(found) == 4  # a head and a member in each of the two, once each
    assert ("= ANY(ARRAY(SELECT id FROM chosen))" in sql) is (connection.vendor == "postgresql")
    with pytest.raises(ValueError, match="plain table name"):
        InTable("household_id", "chosen; DROP TABLE x")


def test_day_start_keeps_what_date_gte_keeps_at_the_local_midnight():
    """``at__gte=day_start(d)`` is ``at__date__gte=d`` in the local calendar (Beijing), also across UTC's date line."""
    beijing = ZoneInfo("Asia/Shanghai")
    day = datetime.date(2026, 1, 1)
    times = {
        "last instant of the day before": datetime.datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=beijing),
        "midnight": datetime.datetime(2026, 1, 1, 0, 0, tzinfo=beijing),  # 2025-12-31 16:00 UTC
        "later that day": datetime.datetime(2026, 1, 1, 7, 30, tzinfo=beijing),
    }
    households = {}
    for name, at in times.items():
        households[name] = HouseholdFactory()
        Household.objects.filter(pk=households[name].pk).update(created_at=at)
    by_start = set(Household.objects.filter(created_at__gte=day_start(day)))
    by_date = set(Household.objects.filter(created_at__date__gte=day))
    assert by_start == by_date == {households["midnight"], households["later that day"]}


def test_insert_values_writes_varying_constant_and_empty_columns_as_given():
    households = HouseholdFactory.create_batch(3)
    first_day = datetime.date(2026, 3, 1)
    rows = [  # the kind and the first day alike in every row, the end day varying and sometimes empty
        {
            "household_id": household.pk,
            "kind": HouseholdFlagKind.EXITED_POOR,
            "valid_from": first_day,
            "valid_to": None if n == 1 else datetime.date(2026, 4, n + 1),
            "note": f"第{n}户",
        }
        for n, household in enumerate(households)
    ]
    bulk.insert_values(HouseholdFlag, rows)

    stored = {
        flag.household_id: (flag.kind, flag.valid_from, flag.valid_to, flag.note)
        for flag in HouseholdFlag.objects.filter(household__in=households)
    }
    assert stored == {
        row["household_id"]: (row["kind"], row["valid_from"], row["valid_to"], row["note"]) for row in rows
    }


def test_insert_values_of_one_row_or_identical_rows_skips_a_conflict_when_asked():
    household = HouseholdFactory()
    row = {"household_id": household.pk, "kind": HouseholdFlagKind.EXITED_POOR, "valid_from": datetime.date(2026, 1, 5)}
    bulk.insert_values(HouseholdFlag, [row])
    bulk.insert_values(HouseholdFlag, [row, row], skip_conflicts=True)  # one open flag of a kind per household

    flag = HouseholdFlag.objects.get(household=household)
    assert (flag.kind, flag.valid_from, flag.valid_to, flag.note) == (
        HouseholdFlagKind.EXITED_POOR,
        datetime.date(2026, 1, 5),
        None,
        "",
    )
