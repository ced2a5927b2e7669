"""The sweep reads "a 脱贫户 or a household in monitoring" from the household facts table (``sweeps.rules.base``
``exited_or_monitored``), for speed; the fact itself is ``monitoring.facts.exited_or_monitored``. On the sweep's day
they name the same households, at every boundary of the flag (SPEC §2.4) and of the episode (SPEC §4.11) the
services can record: FC-GAP-MISSED-ITEM-06 (an exited or monitored household whose guarantees were never checked)
finds exactly the households the fact names."""

import datetime

import pytest

from households.choices import ClosedReason, HouseholdFlagKind
from households.models import Household, HouseholdFlag
from households.services import household_close
from monitoring.choices import SubjectCategory, SubjectStatus
from monitoring.facts import exited_or_monitored_q
from tests.worlds.monitoring import TODAY
from tests.worlds.sweeps import DAY, World, hits, key

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.date(2019, 12, 31)


@pytest.fixture(autouse=True)
def _today(today):
    today.set(TODAY)


def test_the_sweep_and_the_fact_name_the_same_exited_or_monitored_households():
    world = World()
    named: dict[str, Household] = {}

    def flagged(name, *, kind=HouseholdFlagKind.EXITED_POOR, valid_from=LONG_AGO, valid_to=None):
        named[name] = world.family()
        HouseholdFlag.objects.create(household=named[name], kind=kind, valid_from=valid_from, valid_to=valid_to)

    def monitored(name, *, category=SubjectCategory.MARGINAL_AT_RISK, **fields):
        named[name] = world.family()
        subject = world.subject(named[name], **fields)
        subject.category = category
        subject.save(update_fields=["category"])

    # given no household has had its guarantees checked
    named["ordinary"] = world.family()
    flagged("flag_from_today", valid_from=TODAY)
    flagged("flag_from_tomorrow", valid_from=TODAY + DAY)
    flagged("flag_ended_yesterday", valid_to=TODAY - DAY)
    flagged("flag_ends_today", valid_to=TODAY)
    flagged("stably_exited_only", kind=HouseholdFlagKind.STABLY_EXITED)
    monitored("entered_today", entered_on=TODAY)
    monitored("held", status=SubjectStatus.ELIMINATION_HOLD)
    monitored("in_elimination", status=SubjectStatus.ELIMINATION_IN_PROGRESS)
    monitored("eliminated_today", status=SubjectStatus.RISK_ELIMINATED, eliminated_on=TODAY)
    monitored("eliminated_yesterday", status=SubjectStatus.RISK_ELIMINATED, eliminated_on=TODAY - DAY)
    monitored("unstable_exited", category=SubjectCategory.UNSTABLE_EXITED)
    monitored("sudden_hardship", category=SubjectCategory.SUDDEN_HARDSHIP)
    flagged("closed_yesterday")
    world.subject(named["closed_yesterday"])
    household_close(
        actor=world.village_worker, household=named["closed_yesterday"], reason=ClosedReason.ALL_DECEASED,
        on=TODAY - DAY,
    )  # fmt: skip

    # when the sweep runs today
    found = hits(world, "FC-GAP-MISSED-ITEM-06")

    # then it finds the households the fact names, and those are the ones in force today
    by_fact = set(Household.objects.filter(exited_or_monitored_q(on=TODAY), pk__in=[h.pk for h in named.values()]))
    assert found == {key(h) for h in by_fact}
    assert {name for name, h in named.items() if key(h) in found} == {
        "flag_from_today", "flag_ends_today", "entered_today", "held", "in_elimination", "unstable_exited",
        "sudden_hardship",
    }  # fmt: skip
