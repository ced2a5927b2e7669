"""The set-based tools the sweep and the import write and read with: ``core.lookups.AnyOf`` (ids bound as one
parameter) and ``core.bulk.insert_values`` (columns alike in every row bound once). Each is checked against what
Django's own ``__in`` and ``bulk_create`` would leave, on whichever database the suite runs (PostgreSQL in CI); and
``core.bulk.collector_paused``, which pauses the cyclic garbage collector for a batch and always starts it again."""

import datetime
import gc
import weakref
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Q

from core import bulk
from core.lookups import AnyOf, InTable, day_start
from households.choices import HouseholdFlagKind
from households.models import Household, HouseholdFlag, HouseholdMember
from tests.factories import HouseholdFactory, MemberFactory, UserFactory

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


def _fields(obj: object) -> dict[str, object]:
    return {name: value for name, value in vars(obj).items() if name != "_state"}


def test_unsaved_holds_what_the_model_constructor_holds_and_inserts_with_its_history():
    household = HouseholdFactory()
    village = household.managing_area_id
    given = {"household_no": "N-1", "head_name": "李四", "managing_area_id": village, "residence_area_id": village}
    new_household = bulk.unsaved(Household, **given)
    assert _fields(new_household) == _fields(Household(**given))
    values = {"id_number": "640324197503080015", "name": "张三", "birth_date": datetime.date(1975, 3, 8)}
    for owner in (household, new_household):  # a related object given saved or not saved yet
        made, built = (
            bulk.unsaved(HouseholdMember, household=owner, **values),
            HouseholdMember(household=owner, **values),
        )
        assert _fields(made) == _fields(built)
        assert made.household is owner
        assert (made._state.adding, made._state.db) == (True, None)
    one, other = bulk.unsaved(HouseholdMember, **values), bulk.unsaved(HouseholdMember, **values)
    assert one.chronic_conditions == []
    assert one.chronic_conditions is not other.chronic_conditions  # default=list: a list of its own
    with pytest.raises(TypeError, match="no field 'nickname'"):
        bulk.unsaved(HouseholdMember, nickname="三儿")

    # Inserted: the new member takes the id its household was given a moment before, and both keep their history.
    member = bulk.unsaved(HouseholdMember, household=new_household, **values)
    bulk.insert(Household, [new_household])
    bulk.insert_with_history(HouseholdMember, [member], user=None, reason="测试")
    stored = HouseholdMember.objects.get(pk=member.pk)
    assert (stored.household_id, stored.name, stored.chronic_conditions) == (new_household.pk, "张三", [])
    assert list(stored.history.values_list("history_type", "history_change_reason")) == [("+", "测试")]
    with pytest.raises(ValueError, match=r"not saved yet|unsaved related object"):  # PostgreSQL's path, bulk_create's
        bulk.insert(HouseholdMember, [bulk.unsaved(HouseholdMember, household=Household(household_no="N-2"), **values)])


def test_text_dates_json_and_nulls_come_back_as_written_whatever_their_characters():
    """Rows inserted column by column (on PostgreSQL through COPY's text format) keep backslashes, tabs, line breaks,
    the two characters \\N (never NULL), quotes and Chinese text; NULLs, booleans, dates and JSON as given."""
    households = HouseholdFactory.create_batch(5)
    awkward = ["\\N", "a\tb", "第一行\n第二行\r\n", 'C:\\path "quoted"', ""]
    rows = [
        {
            "household_id": household.pk,
            "kind": HouseholdFlagKind.EXITED_POOR,
            "valid_from": datetime.date(2024, 2, 29),
            "valid_to": None if n % 2 else datetime.date(2026, 12, 31),
            "note": text,
        }
        for n, (household, text) in enumerate(zip(households, awkward, strict=True))
    ]
    bulk.insert_values(HouseholdFlag, rows)
    stored = {
        f.household_id: (f.note, f.valid_from, f.valid_to)
        for f in HouseholdFlag.objects.filter(household__in=households)
    }
    assert stored == {row["household_id"]: (row["note"], row["valid_from"], row["valid_to"]) for row in rows}

    members = [
        bulk.unsaved(
            HouseholdMember, household=household, name=text or "无名", id_number=f"64032419750308{n:04d}",
            birth_date=datetime.date(1975, 3, 8), chronic_conditions=[text, {"键": "a\\b\tc"}], is_main_labourer=n == 1,
            disability_grade=None if n else 2,
        )
        for n, (household, text) in enumerate(zip(households, awkward, strict=True))
    ]  # fmt: skip
    bulk.insert_with_history(HouseholdMember, members, user=None, reason="导入\t测试")
    for member in members:
        back = HouseholdMember.objects.get(pk=member.pk)
        assert (back.name, back.chronic_conditions, back.is_main_labourer, back.disability_grade) == (
            member.name, member.chronic_conditions, member.is_main_labourer, member.disability_grade,
        )  # fmt: skip
        assert back.history.get().history_change_reason == "导入\t测试"


def test_history_rows_written_in_bulk_hold_what_simple_history_writes_for_an_insert_and_an_update():
    """Every tracked value of each history row, its type, user and reason, as ``bulk_history_create`` writes them (on
    PostgreSQL the server copies them from the rows just written)."""
    user = UserFactory()
    households = HouseholdFactory.create_batch(3)
    members = [
        bulk.unsaved(
            HouseholdMember, household=household, name=f"成员{n}", id_number=f"64032419750308{n:04d}",
            birth_date=datetime.date(1975, 3, 8), chronic_conditions=["高血压"] if n else [],
            disability_grade=n or None,
        )
        for n, household in enumerate(households)
    ]  # fmt: skip
    bulk.insert_with_history(HouseholdMember, members, user=user, reason="导入")
    for member in members:
        member.name, member.member_status = member.name + "改", "deceased"
    bulk.update_with_history(HouseholdMember, members, ["name", "member_status"], user=user, reason="更正")

    history = HouseholdMember.history.model
    tracked = [field.attname for field in history.tracked_fields]
    for member in members:
        rows = list(history.objects.filter(id=member.pk).order_by("history_id").values())
        assert [(r["history_type"], r["history_user_id"], r["history_change_reason"]) for r in rows] == [
            ("+", user.pk, "导入"),
            ("~", user.pk, "更正"),
        ]
        inserted, updated = ({name: row[name] for name in tracked} for row in rows)
        now = {name: getattr(HouseholdMember.objects.get(pk=member.pk), name) for name in tracked}
        assert updated == now
        assert inserted == {**now, "name": now["name"].removesuffix("改"), "member_status": "present"}


def test_history_in_bulk_is_one_row_per_object_or_a_refusal():
    """An object listed twice: simple-history (SQLite) writes two rows; the copy from the table (PostgreSQL) would
    write one, and refuses instead."""
    member = MemberFactory()

    if connection.vendor == "postgresql":
        with pytest.raises(ValueError, match="2 HouseholdMember objects, 1 rows"):
            bulk.insert_history(HouseholdMember, [member, member], user=None, reason="测试")
    else:
        bulk.insert_history(HouseholdMember, [member, member], user=None, reason="测试")
        assert member.history.filter(history_change_reason="测试").count() == 2


def test_the_collector_is_paused_for_a_batch_and_started_again_after_it_even_when_the_batch_fails():
    assert gc.isenabled()
    with bulk.collector_paused():
        assert not gc.isenabled()
        with bulk.collector_paused():  # nested: still paused, and the outer pause is the one that ends it
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()

    with pytest.raises(ZeroDivisionError), bulk.collector_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_pause_leaves_a_collector_that_was_off_as_it_found_it():
    gc.disable()
    try:
        with bulk.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cycles_made_while_paused_wait_for_the_collector_which_takes_them_once_the_batch_ends():
    class Node:
        other: "Node"

    allocations = gc.get_threshold()[0] * 3  # enough to start a collection three times over, were it running
    with bulk.collector_paused():
        one, other = Node(), Node()
        one.other, other.other = other, one  # a household and its head point at each other
        kept = weakref.ref(one)
        del one, other
        batch = [[] for _ in range(allocations)]
        assert kept() is not None  # unreachable, but no collection ran
    del batch
    after = [[] for _ in range(allocations)]
    assert kept() is None  # the collector, running again, took the cycle by itself
    assert len(after) == allocations


@pytest.mark.services
@pytest.mark.parametrize("table_autovacuum", [True, False])
def test_a_write_past_autovacuums_mark_is_analyzed_where_autovacuum_does_not_run(
    table_autovacuum, django_capture_on_commit_callbacks
):
    """A write adding more than autovacuum waits for is left to autovacuum where it runs; where it does not (off on
    the server or for the table), the write brings the statistics up to date itself."""
    from geo.models import CalendarOverride

    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE geo_calendaroverride SET (autovacuum_enabled = {str(table_autovacuum).lower()})")
        cursor.execute("ANALYZE geo_calendaroverride")
        before = CalendarOverride.objects.count()
        cursor.execute("SELECT current_setting('autovacuum') = 'on'")
        (server_autovacuum,) = cursor.fetchone()
    first = datetime.date(2030, 1, 1)
    days = [CalendarOverride(day=first + datetime.timedelta(days=n), is_workday=n % 7 < 5) for n in range(120)]
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.bulk_create(days)  # past autovacuum's mark: 50 rows and a tenth of none
        bulk.analyze_on_commit(CalendarOverride, added=len(days))

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'geo_calendaroverride'")
        (counted,) = cursor.fetchone()
    left_to_autovacuum = server_autovacuum and table_autovacuum
    assert counted == (before if left_to_autovacuum else before + len(days))


@pytest.mark.services
def test_a_smaller_sample_is_taken_when_asked_and_the_session_keeps_its_own(django_capture_on_commit_callbacks):
    """``sample`` lowers the statistics target of that analysis only: the histogram of 120 distinct days has at most
    21 bounds at a target of 20, and the session's own target is the server's again afterwards."""
    from geo.models import CalendarOverride

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE geo_calendaroverride SET (autovacuum_enabled = false)")
        cursor.execute("SHOW default_statistics_target")
        (own,) = cursor.fetchone()
    first = datetime.date(2030, 1, 1)
    days = [CalendarOverride(day=first + datetime.timedelta(days=n), is_workday=True) for n in range(120)]
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.bulk_create(days)
        bulk.analyze_on_commit(CalendarOverride, added=len(days), columns=["day"], sample=20)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_length(histogram_bounds::text::date[], 1) FROM pg_stats "
            "WHERE tablename = 'geo_calendaroverride' AND attname = 'day'"
        )
        (bounds,) = cursor.fetchone()
        cursor.execute("SHOW default_statistics_target")
        (after,) = cursor.fetchone()
    assert bounds <= 21
    assert after == own
