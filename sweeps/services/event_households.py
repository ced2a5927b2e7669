"""The households a large-scale risk event hit (SPEC §4.12): what each chunk of the event's sweep lists before its
rules run. Its own module so that the sweep runs (``runs``) and the events that start them (``events``) need not
import each other."""

from functools import reduce
from operator import or_

from django.db.models import Q

from geo.models import AdminArea
from households.models import Household
from sweeps.models import RiskEvent


def risk_event_households_derive(*, event: RiskEvent, township: AdminArea) -> int:
    """The households of ``township`` the event hit: the open households managed in its covered areas there (SPEC
    §4.12 affected households). Called by each chunk of the event's sweep; adds, never removes; returns how many
    are listed in the township."""
    covered = [area for area in event.areas.all() if area.code.startswith(township.prefix)]
    if not covered:
        return 0
    within = reduce(or_, (Q(managing_area__code__startswith=area.prefix) for area in covered))
    ids = sorted(
        Household.objects.filter(within, closed_on__isnull=True).order_by().values_list("pk", flat=True).distinct()
    )
    through = RiskEvent.affected_households.through
    through.objects.bulk_create(
        [through(riskevent_id=event.pk, household_id=pk) for pk in ids], batch_size=2000, ignore_conflicts=True
    )
    return len(ids)
