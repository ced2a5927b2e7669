"""Two county reviewers approve the same application at the same moment: exactly one transition happens
(row lock in the transition service). Needs PostgreSQL: SQLite serialises writers and proves nothing."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from accounts.roles import Role
from core.errors import TransitionNotAllowed
from monitoring.choices import EntryState
from monitoring.models import EntryApplication, EntryEvent
from monitoring.services import entry_approve
from tests.factories import HouseholdFactory, IncomeFactory, UserFactory, VillageFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_reviewers_approving_at_once_make_one_transition():
    village = VillageFactory(
        code="640324100201",
        parent__code="640324100000",
        parent__parent__code="640324000000",
        parent__parent__parent__code="640300000000",
        parent__parent__parent__parent__code="640000000000",
    )
    county = village.parent.parent
    household = HouseholdFactory(managing_area=village)
    for year in (2025, 2026):
        IncomeFactory(household=household, year=year, wage_income=Decimal("4000"))
    reviewers = [UserFactory(roles=[Role.COUNTY_REVIEWER], area=county) for _ in range(2)]
    application = EntryApplication.objects.create(
        household=household,
        channel="cadre_screening",
        proposed_category="marginal_at_risk",
        risk_types=["illness"],
        triggers=["MA-1"],
        reason="因病",
        reported_by=reviewers[0],
        reported_on="2026-11-01",
        state=EntryState.TOWNSHIP_REVIEWED,
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(reviewer):
        try:
            start.wait()
            entry_approve(application=application, actor=reviewer, category="marginal_at_risk", risk_types=["illness"])
            outcomes.append("approved")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(reviewer,)) for reviewer in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["approved", "refused"]
    assert EntryEvent.objects.filter(application=application, to_state=EntryState.APPROVED).count() == 1
    application.refresh_from_db()
    assert application.state == EntryState.APPROVED
