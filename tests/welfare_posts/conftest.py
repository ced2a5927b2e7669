import pytest

from tests.welfare_posts.factories import TODAY, PostWorld


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world(db) -> PostWorld:
    return PostWorld()
