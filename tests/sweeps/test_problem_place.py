"""A problem's pages name its place by the area's level: a township's own problem (too many loans extended,
FC-GAP-MISSED-AID-05) is in a township, a household's problem in a village."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from credit.models import MicroLoan
from sweeps.models import Problem
from sweeps.services import sweep_start
from tests.worlds.sweeps import TODAY, World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


def _loan(world, household, n, status):
    return MicroLoan.objects.create(
        household=household, borrower=household.head, bank="黄河农商行", contract_no=f"S-{n}",
        amount=Decimal("1000.00"), subsidised_amount=Decimal("1000.00"), signed_on=datetime.date(2024, 3, 1),
        maturity=datetime.date(2025, 3, 1), rate=Decimal("3.45"), lpr=Decimal("3.45"), purpose="breeding",
        status=status, created_by=world.village_worker,
    )  # fmt: skip


@pytest.fixture
def problems(work_off):
    """A sweep that finds a household below the line in the village and, in the township, one loan of two matured
    extended."""
    world = World()
    poor = world.family(per_capita=Decimal("5000"))
    borrower = world.family(per_capita=Decimal("20000"))
    _loan(world, borrower, 1, "extended")
    _loan(world, borrower, 2, "repaid")
    work_off(sweep_start(county=world.county, kind="routine", actor=world.county_reviewer))
    township = Problem.objects.get(rule_id="FC-GAP-MISSED-AID-05")
    village = Problem.objects.get(rule_id="FC-GAP-MISSED-REG-01", household=poor)
    return world, township, village


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_detail_page_names_a_township_problem_s_place_as_a_township(client, problems):
    world, township, village = problems
    client.force_login(world.county_reviewer)

    page = client.get(township.get_absolute_url())
    assert page.status_code == 200
    text = _text(page)
    assert f"所在乡镇 {world.township.name} " in text
    assert "所在村" not in text
    assert f"{world.township.name} · {world.township.name}" not in text  # the township once
    assert re.search(r'data-testid="problem-subject-kind">\s*乡镇', page.content.decode())

    page = client.get(village.get_absolute_url())
    text = _text(page)
    assert f"所在村 {world.township.name} · {world.village.name} " in text
    assert "所在乡镇" not in text
    assert re.search(r'data-testid="problem-subject-kind">\s*农户', page.content.decode())


def test_the_list_names_the_township_once_and_the_village_under_its_township(client, problems):
    world, township, village = problems
    client.force_login(world.county_reviewer)

    listing = client.get(reverse("sweeps:problem-list"), {"rule": "FC-GAP-MISSED-AID-05"})
    assert list(listing.context["object_list"]) == [township]
    text = _text(listing)
    assert f"{world.township.name} · {world.township.name}" not in text
    assert f"· {world.township.name} · 期限" in text

    listing = client.get(reverse("sweeps:problem-list"), {"rule": "FC-GAP-MISSED-REG-01"})
    assert village in listing.context["object_list"]
    assert f"· {world.township.name} · {world.village.name} ·" in _text(listing)
