"""FC-GAP-MISSED-AID-05 (SPEC §7.3): a township whose extended loans are more than 20 % of its matured loans."""

import datetime
from decimal import Decimal

import pytest

from credit.models import MicroLoan
from sweeps.rules import BY_ID, Scope
from sweeps.services import rule_hits

pytestmark = pytest.mark.django_db


def _loan(world, n, status, maturity=datetime.date(2025, 3, 1)):
    return MicroLoan.objects.create(
        household=world.exited, borrower=world.exited.head, bank="黄河农商行", contract_no=f"S-{n}",
        amount=Decimal("1000.00"), subsidised_amount=Decimal("1000.00"), signed_on=datetime.date(2024, 3, 1),
        maturity=maturity, rate=Decimal("3.45"), lpr=Decimal("3.45"), purpose="breeding", status=status,
        created_by=world.village_worker,
    )  # fmt: skip


def _hits(world):
    return rule_hits(BY_ID["FC-GAP-MISSED-AID-05"], Scope.of(world.township, on=datetime.date(2025, 6, 16)))


def test_twenty_percent_exactly_passes_and_above_trips(world):
    _loan(world, 1, "extended")
    for n in range(2, 6):
        _loan(world, n, "repaid")
    _loan(world, 99, "active", maturity=datetime.date(2026, 3, 1))  # not matured: not counted
    assert _hits(world) == {}  # 1 of 5
    _loan(world, 6, "extended")  # 2 of 6
    (hit,) = _hits(world).values()
    assert hit.key == f"village:{world.township.pk}"
    assert hit.evidence == {"matured": 6, "extended": 2}
    assert hit.area_code == world.township.code


def test_no_matured_loans_no_problem(world):
    assert _hits(world) == {}


def test_a_sweep_run_records_the_township_s_problem(world, django_capture_on_commit_callbacks):
    from sweeps.models import Problem
    from sweeps.services import sweep_run_chunk, sweep_start

    _loan(world, 1, "extended")
    _loan(world, 2, "repaid")
    run = sweep_start(county=world.county, kind="routine", actor=world.county_reviewer)
    for chunk in run.chunks.order_by("pk"):
        with django_capture_on_commit_callbacks(execute=True):
            sweep_run_chunk(chunk=chunk)
    problem = Problem.objects.get(rule_id="FC-GAP-MISSED-AID-05")
    assert (problem.area, problem.township) == (world.township, world.township)
    assert problem.evidence == {"matured": 2, "extended": 1}
    assert problem.mode == "semi"
