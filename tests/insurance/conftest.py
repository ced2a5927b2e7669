import pytest

from tests.insurance.factories import TODAY, InsuranceWorld


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world(db) -> InsuranceWorld:
    return InsuranceWorld()
