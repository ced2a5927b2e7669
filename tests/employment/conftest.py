"""The employment tests' day and county: every test runs on TODAY with a fresh EmploymentWorld."""

import pytest

from tests.employment.factories import TODAY, EmploymentWorld


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world(db) -> EmploymentWorld:
    return EmploymentWorld()
