import pytest

from tests.worlds.projects import TODAY, ProjectWorld


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world(db) -> ProjectWorld:
    """The same county and people as the project tests."""
    return ProjectWorld()
