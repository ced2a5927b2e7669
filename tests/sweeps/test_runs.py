"""Sweep runs (SPEC §7.4): fan-out per township, idempotent re-runs, "no longer detected",
recurrence after closing, bounded queries, who may start one, and resuming what a dead worker left."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from core import bulk
from core.errors import DomainError
from households.choices import HealthStatus, SchoolingStatus
from households.models import Household
from notifications.models import Notification
from sweeps.choices import ProblemStatus, RunStatus
from sweeps.models import Problem, SweepChunk, SweepRun
from sweeps.rules import AUTOMATED
from sweeps.services import sweep_resume, sweep_run_chunk, sweep_start, sweeps_routine_start
from sweeps.services.runs import Hit, problem_values
from tests.factories import CountyFactory, MemberFactory, TownshipFactory, UserFactory, VillageFactory
from tests.worlds.sweeps import LAST, TODAY, World

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world():
    world = World()
    world.second_township = TownshipFactory(parent=world.county, code="640324101000", name="河西镇")
    world.second_village = VillageFactory(parent=world.second_township, code="640324101201")
    return world


def _run(world, work_off, actor=None, kind="routine"):
    return work_off(sweep_start(county=world.county, kind=kind, actor=actor or world.county_reviewer))


def _poor(world, village=None, per_capita=Decimal("5000")):
    household = world.family(per_capita=per_capita)
    if village is not None:
        household.managing_area = household.residence_area = village
        household.save()
    return household


def test_a_run_covers_every_township_and_counts_per_rule_and_township(world, work_off):
    # given: one household below the line in each township
    first, second = _poor(world), _poor(world, world.second_village)

    # when
    run = _run(world, work_off)

    # then: two chunks done, the run finished with its rule versions and counts
    assert run.status == RunStatus.DONE
    assert set(run.chunks.values_list("status", flat=True)) == {RunStatus.DONE}
    assert run.rule_versions == {rule.id: rule.version for rule in AUTOMATED}
    assert run.totals["FC-GAP-MISSED-REG-01"] == {"hits": 2, "new": 2, "gone": 0}
    assert run.township_totals[world.township.code]["new"] >= 1
    assert run.township_totals[world.second_township.code]["new"] >= 1
    assert run.seconds is not None
    problem = Problem.objects.get(rule_id="FC-GAP-MISSED-REG-01", household=first)
    assert (problem.status, problem.township, problem.area) == (ProblemStatus.OPEN, world.township, world.village)
    assert problem.deadline == TODAY + 30 * DAY  # SPEC §7.5 rect.deadline_days for household problems
    assert problem.first_run == run
    assert Problem.objects.filter(rule_id="FC-GAP-MISSED-REG-01", household=second, township=world.second_township)
    # the starter and the township cadres hear of it
    assert Notification.objects.filter(recipient=world.county_reviewer, topic="sweep").exists()
    assert Notification.objects.filter(recipient=world.township_cadre, topic="sweep").exists()


def test_rerunning_on_unchanged_data_opens_nothing_new(world, work_off):
    _poor(world)
    MemberFactory(
        household=_poor(world), schooling_status=SchoolingStatus.DROPOUT, birth_date=datetime.date(2014, 1, 1)
    )
    first = _run(world, work_off)
    before = list(Problem.objects.order_by("pk").values_list("pk", "rule_id", "subject_key", "status"))

    second = _run(world, work_off)

    assert sum(counts["new"] for counts in second.totals.values()) == 0
    assert list(Problem.objects.order_by("pk").values_list("pk", "rule_id", "subject_key", "status")) == before
    assert set(Problem.objects.values_list("last_seen_run", flat=True)) == {second.pk}
    assert set(Problem.objects.values_list("first_run", flat=True)) == {first.pk}


def test_a_problem_that_no_longer_holds_is_marked_not_closed(world, work_off):
    household = _poor(world)
    _run(world, work_off)
    record = household.incomes.get(year=LAST)
    record.wage_income = 40000  # 10,000 per head now, corrected by a save (a form, the admin)
    record.save()

    run = _run(world, work_off)

    problem = Problem.objects.get(rule_id="FC-GAP-MISSED-REG-01", household=household)
    assert problem.status == ProblemStatus.OPEN  # a person closes it (销号), never the machine
    assert problem.no_longer_detected_on == TODAY
    assert run.totals["FC-GAP-MISSED-REG-01"]["gone"] == 1


def test_a_closed_problem_that_comes_back_is_a_new_problem_linked_to_the_old(world, work_off):
    household = _poor(world)
    _run(world, work_off)
    old = Problem.objects.get(rule_id="FC-GAP-MISSED-REG-01", household=household)
    Problem.objects.filter(pk=old.pk).update(status=ProblemStatus.CLOSED)

    _run(world, work_off)

    new = Problem.objects.get(rule_id="FC-GAP-MISSED-REG-01", household=household, status=ProblemStatus.OPEN)
    assert new.pk != old.pk
    assert new.previous_problem == old


def test_problems_are_inserted_with_their_evidence_and_a_concurrent_duplicate_is_skipped(world, work_off):
    household = _poor(world)
    run = _run(world, work_off)
    problem = Problem.objects.get(rule_id="FC-GAP-MISSED-REG-01", household=household)
    # what the rule saw, as text a person reads (two decimals), and every column of the row
    assert problem.evidence["per_capita"] == "5000.00"
    assert (problem.rule_version, problem.subject_key, problem.last_seen_run, problem.last_seen_on) == (
        1,
        f"household:{household.pk}",
        run,
        TODAY,
    )
    assert (problem.responsible_unit, problem.measures_taken, problem.no_longer_detected_on) == ("", "", None)
    assert problem.updated_at is not None

    # a second run of the same county that found the same subject at the same moment inserts it again
    rule = next(rule for rule in AUTOMATED if rule.id == "FC-GAP-MISSED-REG-01")
    hit = Hit(
        key=problem.subject_key,
        household_id=household.pk,
        member_id=None,
        subject_id=None,
        area_id=world.village.pk,
        area_code=world.village.code,
        co_code="",
        evidence={},
    )
    row = problem_values(rule, hit=hit, township_id=world.township.pk, run_id=run.pk, on=TODAY, deadline=TODAY)
    bulk.insert_values(Problem, [row, row], skip_conflicts=True)

    # the constraint keeps one open problem per rule and subject; nothing fails
    assert Problem.objects.filter(rule_id=rule.id, subject_key=problem.subject_key).count() == 1


def _township_queries(world, households):
    """Queries of one township's chunk on its first run and on a re-run over unchanged data."""
    for _ in range(households):
        household = _poor(world)
        household.members.update(health_status=HealthStatus.SERIOUS_ILLNESS)
        MemberFactory(
            household=household, schooling_status=SchoolingStatus.DROPOUT, birth_date=datetime.date(2014, 1, 1)
        )
    counted = []
    for _ in range(2):
        run = SweepRun.objects.create(
            kind="routine", county=world.county, run_on=TODAY, rule_versions={r.id: r.version for r in AUTOMATED}
        )
        chunk = SweepChunk.objects.create(run=run, township=world.township)
        with CaptureQueriesContext(connection) as queries:
            sweep_run_chunk(chunk=chunk)
        counted.append(len(queries))
    return counted, Problem.objects.count()


def test_a_township_costs_a_bounded_number_of_queries_whatever_its_size(world):
    """Issue "four checks": a sweep runs with a bounded number of queries, independent of the household count. Each
    rule is one query plus the reconciliation; only inserting new problems goes in batches (SQLite takes about 39
    rows per INSERT, PostgreSQL 5,000)."""
    (_first_small, again_small), small_problems = _township_queries(world, 5)
    Problem.objects.all().delete()
    (first_large, again_large), large_problems = _township_queries(world, 55)

    assert large_problems == 12 * small_problems  # 3 rules trip on each household: 15 and 180 problems
    assert again_large == again_small, "a re-run's queries do not grow with the households"
    bound = 6 * len(AUTOMATED) + 40
    assert again_small <= bound
    assert first_large <= bound + large_problems // 30


def test_a_township_reads_its_policy_parameters_once(world):
    """The rules, the facts' context and the deadlines all ask for settings of the township (and of its county): a
    chunk reads each area's settings in one query, as a request does, however many rules ask; and the one setting a
    rule reads per subject's county (``measure.plan_due_days``, ``geo.parameters.parameter_q``) its scopes once."""
    _poor(world)
    run = SweepRun.objects.create(
        kind="routine", county=world.county, run_on=TODAY, rule_versions={r.id: r.version for r in AUTOMATED}
    )
    with CaptureQueriesContext(connection) as queries:
        sweep_run_chunk(chunk=SweepChunk.objects.create(run=run, township=world.township))

    assert Problem.objects.filter(household__isnull=False).exists()  # it found the household, deadlines and all
    parameter_reads = [query["sql"] for query in queries if '"geo_policyparameter"' in query["sql"]]
    assert len(parameter_reads) == len(set(parameter_reads)) <= 3, parameter_reads


def test_only_a_county_reviewer_of_the_county_starts_a_sweep(world, work_off):
    for actor in (
        world.township_cadre,
        world.village_worker,
        UserFactory(roles=[Role.COUNTY_REVIEWER], area=CountyFactory()),
    ):
        with pytest.raises(PermissionDenied):
            sweep_start(county=world.county, kind="centralized", actor=actor)
    assert not SweepRun.objects.exists()
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN], area=world.county.parent.parent)
    assert _run(world, work_off, actor=admin, kind="centralized").status == RunStatus.DONE


def test_a_second_start_waits_for_the_first(world):
    sweep_start(county=world.county, kind="centralized", actor=world.county_reviewer)  # not dispatched: pending

    with pytest.raises(DomainError, match="已有一次排查正在进行"):
        sweep_start(county=world.county, kind="centralized", actor=world.county_reviewer)


def test_a_chunk_run_twice_changes_nothing_the_second_time(world):
    _poor(world)
    run = sweep_start(county=world.county, kind="routine", actor=world.county_reviewer)
    chunk = run.chunks.get(township=world.township)
    first = sweep_run_chunk(chunk=chunk)
    problems = Problem.objects.count()

    again = sweep_run_chunk(chunk=chunk)  # a redelivered message

    assert again == first
    assert Problem.objects.count() == problems
    assert SweepChunk.objects.get(pk=chunk.pk).attempts == 1


def test_resuming_sends_again_only_what_a_lost_worker_left(world, work_off, monkeypatch):
    _poor(world)
    run = sweep_start(county=world.county, kind="routine", actor=world.county_reviewer)  # messages lost
    sweep_run_chunk(chunk=run.chunks.get(township=world.township))  # one chunk got through
    sent = []

    class Group:
        def __init__(self, signatures):
            self.signatures = list(signatures)

        def apply_async(self):
            sent.extend(signature.args[0] for signature in self.signatures)

    monkeypatch.setattr("celery.group", Group)

    assert sweep_resume(run=run) == 1
    assert sent == [run.chunks.get(township=world.second_township).pk]
    work_off(run)  # the chunk sent again, done by a worker
    assert run.status == RunStatus.DONE


def test_the_routine_schedule_starts_one_run_per_county(world):
    started = sweeps_routine_start()

    assert [run.county for run in started] == [world.county]
    assert started[0].started_by is None


def test_after_the_days_refresh_a_sweep_computes_again_only_the_households_saved_since(world, work_off):
    from geo.models import PolicyParameter
    from households.models import FactsRefresh, HouseholdFacts

    poor, other = _poor(world), _poor(world)
    _run(world, work_off)  # the township's first refresh of the day: every household
    whole = FactsRefresh.objects.filter(area=world.township).count()
    computed = HouseholdFacts.objects.get(household=other).computed_on
    record = poor.incomes.get(year=LAST)
    record.wage_income = 40000  # corrected by a save: its household is marked, the other is not
    record.save()
    assert HouseholdFacts.objects.get(household=poor).stale
    assert not HouseholdFacts.objects.get(household=other).stale

    _run(world, work_off)

    assert FactsRefresh.objects.filter(area=world.township).count() == whole  # the day's refresh stood
    assert not HouseholdFacts.objects.get(household=poor).stale
    assert Problem.objects.get(rule_id="FC-GAP-MISSED-REG-01", household=poor).no_longer_detected_on == TODAY
    assert Problem.objects.get(rule_id="FC-GAP-MISSED-REG-01", household=other).no_longer_detected_on is None
    assert HouseholdFacts.objects.get(household=other).computed_on == computed

    # An administrator changes a setting the facts read: the next sweep computes the whole township again.
    PolicyParameter.objects.create(
        key="exit.income_margin_pct", area_code=world.county.code, valid_from=TODAY - DAY, value=20
    )
    _run(world, work_off)
    assert FactsRefresh.objects.filter(area=world.township).count() == whole + 1


def test_a_household_saved_without_facts_and_a_deactivated_cadre_reach_the_next_sweep(world, work_off):
    from households.models import HouseholdFacts
    from households.services.pairing import pairing_start

    paired = _poor(world)
    cadre = UserFactory(roles=[Role.ASSISTANCE_CADRE], area=world.village)
    pairing_start(actor=world.township_cadre, cadre=cadre, household=paired, unit="县农业农村局", valid_from=TODAY)
    _run(world, work_off)
    assert HouseholdFacts.objects.get(household=paired).paired_cadre_id == cadre.pk
    newcomer = _poor(world)  # saved after the day's refresh
    HouseholdFacts.objects.filter(household=newcomer).delete()  # and without facts

    cadre.is_active = False  # the account is deactivated: it pairs no one any more
    cadre.save()
    assert HouseholdFacts.objects.get(household=paired).stale
    _run(world, work_off)

    assert Problem.objects.filter(rule_id="FC-GAP-MISSED-REG-01", household=newcomer).exists()
    assert HouseholdFacts.objects.get(household=paired).paired_cadre_id is None


def test_a_household_moved_in_by_a_set_based_write_is_computed_by_the_next_sweep_of_its_new_township(world, work_off):
    from households.models import FactsRefresh, HouseholdFacts

    mover = _poor(world, world.second_village)
    _run(world, work_off)  # the day's refresh of both townships: the mover's facts place it in the second
    whole = FactsRefresh.objects.count()
    # moved by an update() (no signal, so no stale mark): its facts still say the second township
    Household.objects.filter(pk=mover.pk).update(managing_area=world.village, residence_area=world.village)
    assert not HouseholdFacts.objects.get(household=mover).stale

    _run(world, work_off)

    assert FactsRefresh.objects.count() == whole  # the day's refreshes stood; the mover alone was computed again
    assert HouseholdFacts.objects.get(household=mover).managing_area_id == world.village.pk

    # and on to another village of the same township, again without a mark
    neighbour = VillageFactory(parent=world.township, code="640324100299")
    Household.objects.filter(pk=mover.pk).update(managing_area=neighbour, residence_area=neighbour)
    _run(world, work_off)
    assert HouseholdFacts.objects.get(household=mover).managing_area_id == neighbour.pk


@pytest.mark.services
def test_a_finished_run_leaves_the_planner_the_numbers_of_its_problems(world, work_off):
    """Autovacuum analyzes a table only once a tenth of it changed: a county's first sweep would leave its problem
    list planned on statistics that never saw its codes. The finished run brings them up to date."""
    for _ in range(3):
        _poor(world)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sweeps_problem")  # the table as it stood before the run: empty

    _run(world, work_off)

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'sweeps_problem'")
        (counted,) = cursor.fetchone()
    assert Problem.objects.count() >= 3
    assert counted == Problem.objects.count()
