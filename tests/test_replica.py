"""The read replica (``core.replica``) with a second PostgreSQL database standing in for it: a copy of the
test database, then given rows of its own, so that every read shows which database answered it. Ledgers read the
replica; writes, and reads inside a transaction on the primary, stay on the primary."""

import datetime

import psycopg2
import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from psycopg2 import sql

from accounts.roles import Role
from core.replica import REPLICA, reading_replica, replica_caught_up
from households.models import Household
from ledgers.base import Filters
from ledgers.dashboard import dashboard_for
from ledgers.models import AreaCounts, LedgerExport
from ledgers.services import export_start
from tests.factories import HouseholdFactory, MemberFactory, UserFactory, VillageFactory

# serialized_rollback: the role groups and parameters come from data migrations, and a transactional test flushes
# them; the stand-in is copied from the database as the migrations left it.
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _server(settings: dict) -> psycopg2.extensions.connection:
    server = psycopg2.connect(
        dbname="postgres", user=settings["USER"], password=settings["PASSWORD"] or None, host=settings["HOST"],
        port=settings["PORT"] or 5432,
    )  # fmt: skip
    server.autocommit = True
    return server


@pytest.fixture
def replica(django_db_serialized_rollback, transactional_db):
    """A stand-in replica: a copy of the (empty, migrated, seeded) test database under another name, registered as
    the ``replica`` alias for the test."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    name = f"{primary['NAME']}_replica"
    connections[DEFAULT_DB_ALIAS].close()  # a template must have no other session
    server = _server(primary)
    with server.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(primary["NAME"]))
        )
    connections.settings[REPLICA] = {**primary, "NAME": name, "TEST": {"NAME": name}}
    # The test case admits connections of its declared aliases only ("default"): the stand-in's wrapper answers to
    # that name while it is registered as the replica.
    wrapper = type(connections[DEFAULT_DB_ALIAS])(connections.settings[REPLICA], alias=DEFAULT_DB_ALIAS)
    connections[REPLICA] = wrapper
    try:
        yield wrapper
    finally:
        wrapper.close()
        del connections[REPLICA]
        del connections.settings[REPLICA]
        with server.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        server.close()


def _copy(obj, fields=None):
    """Write ``obj`` to the replica too, with the same primary key (what replication would do)."""
    obj.save(using=REPLICA, force_insert=True)
    return obj


def test_reads_inside_reading_replica_go_to_the_replica_and_writes_to_the_primary(replica):
    village = VillageFactory()
    on_the_replica = HouseholdFactory.build(managing_area=village, residence_area=village, household_no="R-1")
    for area in (
        village.parent.parent.parent.parent,
        village.parent.parent.parent,
        village.parent.parent,
        village.parent,
        village,
    ):
        _copy(area)
    on_the_replica.save(using=REPLICA)
    assert Household.objects.filter(household_no="R-1").count() == 0
    with reading_replica():
        assert Household.objects.filter(household_no="R-1").count() == 1  # read from the replica
        HouseholdFactory(managing_area=village, household_no="P-1")  # written to the primary
        with transaction.atomic():  # a transition reads the primary
            assert not Household.objects.filter(household_no="R-1").exists()
            assert Household.objects.filter(household_no="P-1").exists()
    assert Household.objects.using(REPLICA).filter(household_no="P-1").count() == 0
    assert not replica_caught_up(timeout=0.1)  # a stand-in is no standby: sweeps read the primary


def _county_user_on_both(village, role):
    """A user of ``role`` in the village's county, with the county's areas, on the primary and on the replica (as
    replication would have them)."""
    county = village.parent.parent
    user = UserFactory(roles=[role], area=county)
    for area in (village.parent.parent.parent.parent, village.parent.parent.parent, county, village.parent, village):
        _copy(area)
    _copy(user)
    user.groups.through.objects.using(REPLICA).bulk_create(
        [user.groups.through(user_id=user.pk, group_id=group.pk) for group in user.groups.all()]
    )
    return user


def test_a_ledger_is_written_from_the_replica(replica, settings):
    settings.LEDGER_SYNC_MAX_ROWS = 1000
    village = VillageFactory()
    officer = _county_user_on_both(village, Role.REPORTING_OFFICER)
    for number in range(3):  # three households the replica holds, none on the primary
        household = HouseholdFactory.build(
            managing_area=village, residence_area=village, household_no=f"R-{number}", head=None
        )
        household.save(using=REPLICA)
        member = MemberFactory.build(household=household, birth_date=datetime.date(1980, 1, 1))
        member.save(using=REPLICA)

    export = export_start(actor=officer, code="L-00", filters=Filters())

    export = LedgerExport.objects.get(pk=export.pk)  # the audit row is the primary's
    assert export.status == "done"
    assert export.total == 3
    assert not Household.objects.exists()


def test_the_dashboard_reads_the_replica_s_counts(replica):
    village = VillageFactory()
    reviewer = _county_user_on_both(village, Role.COUNTY_REVIEWER)
    on_the_replica = timezone.now() - datetime.timedelta(minutes=7)
    AreaCounts.objects.create(area=village, counted_at=timezone.now(), households=1)
    AreaCounts(area=village, counted_at=on_the_replica, households=9).save(using=REPLICA)

    dashboard = dashboard_for(reviewer, today=timezone.localdate())

    assert dashboard.counted_at == on_the_replica


def test_a_dashboard_never_counted_counts_on_the_primary_and_shows_it(replica):
    """The first view after a deploy counts the territory: written to the primary and read back from it, not from
    a replica that does not have the rows yet."""
    village = VillageFactory()
    reviewer = _county_user_on_both(village, Role.COUNTY_REVIEWER)
    HouseholdFactory(managing_area=village)

    dashboard = dashboard_for(reviewer, today=timezone.localdate())

    assert dashboard.counted_at is not None
    assert AreaCounts.objects.get(area=village).households == 1
    assert not AreaCounts.objects.using(REPLICA).exists()
