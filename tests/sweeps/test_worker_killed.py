"""Issue "four checks" §3: a sweep fanned out per township over real Celery workers on Redis, with the worker killed
(SIGKILL) in the middle of a township and started again, completes with the same problems as the rules give, none
twice. Runs in CI on PostgreSQL and Redis (marker ``services``)."""

import time
import uuid
from decimal import Decimal

import pytest
from django.conf import settings

from revitalization.celery import app
from sweeps.choices import RunStatus
from sweeps.models import Problem, SweepChunk
from sweeps.rules import AUTOMATED, Scope
from sweeps.services import rule_hits, sweep_resume, sweep_start
from tests.factories import TownshipFactory, VillageFactory
from tests.workers import start_worker, stop_worker
from tests.worlds.sweeps import World

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _wait(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_sweep_survives_a_killed_worker():
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    # given: a county of three townships with problems in each
    world = World()
    townships = [world.township]
    for number in (1, 2):
        township = TownshipFactory(parent=world.county, code=f"64032410{number}000")
        VillageFactory(parent=township, code=f"64032410{number}201")
        townships.append(township)
    for township in townships:
        village = township.children.first()
        for _ in range(3):
            household = world.family(per_capita=Decimal("5000"))
            household.managing_area = household.residence_area = village
            household.save()
    queue = f"sweep-{uuid.uuid4().hex[:8]}"
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue  # the run's messages go to this test's workers only
    slow = {"SWEEP_CHUNK_PAUSE_SECONDS": "3", "CELERY_VISIBILITY_TIMEOUT": "5"}
    worker = start_worker(queue, **slow)
    outputs = []
    try:
        # when: the run starts, and the worker dies inside the second township
        run = sweep_start(county=world.county, kind="centralized", actor=world.county_reviewer)
        started = _wait(lambda: SweepChunk.objects.filter(run=run, status=RunStatus.DONE).count() == 1, 60)
        assert started, "the first township never finished"
        time.sleep(1)  # inside the next chunk's pause
        worker.kill()
        outputs.append(stop_worker(worker))
        assert SweepChunk.objects.filter(run=run, status=RunStatus.DONE).count() == 1

        # then: a new worker, and the stalled-run job resumes what was lost; the run completes
        worker = start_worker(queue, **slow)
        sweep_resume(run=run)
        finished = _wait(lambda: type(run).objects.get(pk=run.pk).status == RunStatus.DONE, 120)
    finally:
        outputs.append(stop_worker(worker))
        app.conf.task_default_queue = default_queue
    assert finished, "\n".join(outputs)

    expected = set()
    for township in townships:
        scope = Scope.of(township, on=run.run_on)
        for rule in AUTOMATED:
            expected |= {(rule.id, key) for key in rule_hits(rule, scope)}
    found = list(Problem.objects.values_list("rule_id", "subject_key"))
    assert len(found) == len(set(found))  # nothing twice
    assert set(found) == expected
    assert ("FC-GAP-MISSED-REG-01", f"household:{household.pk}") in expected
    assert all(chunk.status == RunStatus.DONE for chunk in SweepChunk.objects.filter(run=run))
