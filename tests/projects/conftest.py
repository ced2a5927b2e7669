"""The project tests' day and county (tests.worlds.projects): every test runs on TODAY with a fresh ProjectWorld."""

import pytest

from tests.worlds.projects import TODAY, ProjectWorld


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world(db) -> ProjectWorld:
    return ProjectWorld()
