import pytest

from tests.credit.factories import TODAY, CreditWorld


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


@pytest.fixture
def world(db) -> CreditWorld:
    return CreditWorld()
