"""Cases waiting past their time limit at every level of one county (SPEC §4.14), and the people above them: shared by
the escalation tests of monitoring and the home queue tests of web. Dates are counted from ``TODAY`` (a Monday)."""

import datetime
import zoneinfo
from decimal import Decimal

from accounts.roles import Role
from monitoring.services import entry_notice_complete
from tests.factories import CityFactory, TownshipFactory, UserFactory, VillageFactory
from tests.worlds.monitoring import (
    County,
    monitored_subject,
    open_elimination,
    report_entry,
    through_village,
    walk_to_county,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# TODAY is Monday 23 November 2026. Waiting since Mon 16 Nov: 5 working days; since Fri 13 Nov: 6; since Thu 19: 2.
SINCE_16, SINCE_13, SINCE_19 = datetime.date(2026, 11, 16), datetime.date(2026, 11, 13), datetime.date(2026, 11, 19)


def waiting_since(case, day: datetime.date) -> None:
    """The case's last step was taken at 10:00 on ``day``."""
    case.events.update(at=datetime.datetime.combine(day, datetime.time(10), tzinfo=SHANGHAI))


class OverdueCounty:
    """One county with cases at every level, some past their limit: 3 village entry steps and 1 village elimination
    step overdue, 1 village entry step within its limit, 1 township step and 1 county step overdue; supervisors of
    its city and province, of another city, and the cadre of a sibling township."""

    def __init__(self) -> None:
        self.county = county = County()
        self.village_entries = []
        for _ in range(3):
            application = report_entry(county, county.household(per_capita=Decimal("5000")))  # verify: 3 days
            waiting_since(application, SINCE_16)
            self.village_entries.append(application)
        self.within = report_entry(county, county.household(per_capita=Decimal("5000")))
        waiting_since(self.within, SINCE_19)
        self.elimination = open_elimination(county, monitored_subject(county))  # elimination.step_days: 5
        waiting_since(self.elimination, SINCE_13)
        township_step = report_entry(county, county.household(per_capita=Decimal("5000")))
        through_village(county, township_step)
        entry_notice_complete(application=township_step, actor=county.village_worker)  # township review: 3 days
        waiting_since(township_step, SINCE_16)
        self.township_step = township_step
        self.county_step = walk_to_county(county, county.household(per_capita=Decimal("5000")))  # approval: 5 days
        waiting_since(self.county_step, SINCE_13)

        city = county.county.parent
        self.city_supervisor = UserFactory(roles=[Role.SUPERVISOR], area=city)
        self.province_supervisor = UserFactory(roles=[Role.SUPERVISOR], area=city.parent)
        other_city = CityFactory(parent=city.parent, code="640500000000")
        self.other_city_supervisor = UserFactory(roles=[Role.SUPERVISOR], area=other_city)
        sibling = TownshipFactory(parent=county.county)
        VillageFactory(parent=sibling)
        self.sibling_cadre = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=sibling)
