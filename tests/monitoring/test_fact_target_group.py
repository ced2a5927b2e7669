"""Whom the programmes of SPEC §11 serve, as one household fact (``monitoring.facts.exited_or_monitored``): on a day,
a 脱贫户 (an ``exited_poor`` flag in force) or a household in monitoring, of every category or of some. Both faces run
on the same households at the boundaries of the flag and of the episode, and microcredit, the health insurance and
the employment groups give the answers the fact gives."""

import datetime

import pytest

from accounts.roles import Role
from credit import rules as credit_rules
from credit.services import household_eligible
from employment.choices import TargetGroup
from employment.facts import target_group_q, target_groups
from households.choices import ClosedReason, HouseholdFlagKind
from households.models import Household, HouseholdFlag, HouseholdMember
from households.services import household_close
from insurance.selectors import is_subsidised, subsidised_q
from monitoring.choices import SubjectCategory, SubjectStatus
from monitoring.facts import ALL_CATEGORIES, exited_or_monitored, exited_or_monitored_q
from tests.factories import HouseholdFactory, MonitoringSubjectFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 6, 15)
DAY = datetime.timedelta(days=1)
LONG_AGO = datetime.date(2020, 12, 31)
MARGINAL = frozenset({SubjectCategory.MARGINAL_AT_RISK.value})


@pytest.fixture(autouse=True)
def _today(today):
    today.set(ON)


class Boundaries:
    """One household per boundary, named for what it shows; all in one village."""

    def __init__(self) -> None:
        self.village = VillageFactory()
        self.worker = UserFactory(roles=[Role.VILLAGE_WORKER], area=self.village)
        self.ordinary = self.household()
        # 脱贫户 by its flag: in force from ``valid_from`` through ``valid_to``, both days included.
        self.flag_from_today = self.flagged(valid_from=ON)
        self.flag_from_tomorrow = self.flagged(valid_from=ON + DAY)
        self.flag_ended_yesterday = self.flagged(valid_to=ON - DAY)
        self.flag_ends_today = self.flagged(valid_to=ON)
        self.stably_exited_only = self.flagged(kind=HouseholdFlagKind.STABLY_EXITED)
        # In monitoring: registered on ``entered_on``, no longer once eliminated or closed.
        self.entered_today = self.monitored(entered_on=ON)
        self.entering_tomorrow = self.monitored(entered_on=ON + DAY)
        self.eliminated_yesterday = self.monitored(status=SubjectStatus.RISK_ELIMINATED, eliminated_on=ON - DAY)
        self.eliminated_today = self.monitored(status=SubjectStatus.RISK_ELIMINATED, eliminated_on=ON)
        self.eliminated_tomorrow = self.monitored(status=SubjectStatus.RISK_ELIMINATED, eliminated_on=ON + DAY)
        self.held = self.monitored(status=SubjectStatus.ELIMINATION_HOLD)
        self.in_elimination = self.monitored(status=SubjectStatus.ELIMINATION_IN_PROGRESS)
        self.unstable_exited = self.monitored(category=SubjectCategory.UNSTABLE_EXITED)
        self.marginal = self.monitored(category=SubjectCategory.MARGINAL_AT_RISK)
        self.sudden_hardship = self.monitored(category=SubjectCategory.SUDDEN_HARDSHIP)
        # A 脱贫户 in monitoring that left the registry yesterday: its flag and its episode ended with it.
        self.closed_yesterday = self.flagged()
        MonitoringSubjectFactory(household=self.closed_yesterday, entered_on=LONG_AGO)
        household_close(
            actor=self.worker, household=self.closed_yesterday, reason=ClosedReason.ALL_DECEASED, on=ON - DAY
        )

    def household(self) -> Household:
        return HouseholdFactory(managing_area=self.village)

    def flagged(self, *, kind=HouseholdFlagKind.EXITED_POOR, valid_from=LONG_AGO, valid_to=None) -> Household:
        household = self.household()
        HouseholdFlag.objects.create(household=household, kind=kind, valid_from=valid_from, valid_to=valid_to)
        return household

    def monitored(self, *, category=SubjectCategory.MARGINAL_AT_RISK, entered_on=LONG_AGO, **fields) -> Household:
        household = self.household()
        MonitoringSubjectFactory(household=household, category=category, entered_on=entered_on, **fields)
        return household

    def named(self, pks: set[int]) -> set[str]:
        names = {getattr(self, name).pk: name for name, value in vars(self).items() if isinstance(value, Household)}
        return {names[pk] for pk in pks}


@pytest.fixture
def boundaries() -> Boundaries:
    return Boundaries()


def faces(*, on: datetime.date, categories: frozenset[str] = ALL_CATEGORIES) -> set[int]:
    """The households the Python face finds and those the query face finds, over households and over members: the
    same, or the test fails."""
    households = Household.objects.prefetch_related("flags", "monitoring_subjects")
    by_row = {h.pk for h in households if exited_or_monitored(h, on=on, categories=categories)}
    by_set = set(
        Household.objects.filter(exited_or_monitored_q(on=on, categories=categories)).values_list("pk", flat=True)
    )
    by_member = set(
        HouseholdMember.objects.filter(
            exited_or_monitored_q(on=on, categories=categories, path="household__")
        ).values_list("household_id", flat=True)
    )
    assert by_row == by_set == by_member
    return by_row


MONITORED_TODAY = {"entered_today", "eliminated_tomorrow", "held", "in_elimination", "unstable_exited", "marginal",
                   "sudden_hardship"}  # fmt: skip
EXITED_TODAY = {"flag_from_today", "flag_ends_today"}


def test_on_the_day_the_flag_and_the_episode_count_from_their_first_day_to_their_last(boundaries):
    assert boundaries.named(faces(on=ON)) == EXITED_TODAY | MONITORED_TODAY


def test_only_the_categories_asked_for(boundaries):
    assert boundaries.named(faces(on=ON, categories=MARGINAL)) == EXITED_TODAY | {
        "entered_today", "eliminated_tomorrow", "held", "in_elimination", "marginal",
    }  # fmt: skip


def test_the_day_before_and_the_day_after(boundaries):
    yesterday = boundaries.named(faces(on=ON - DAY))
    # Yesterday the flag ending yesterday was in force and the episode eliminated today was open; the household
    # closed yesterday was still a 脱贫户 (its flag's last day), and the episode eliminated yesterday had ended that
    # day. Today's arrivals were not there yet.
    assert {"flag_ended_yesterday", "eliminated_today", "closed_yesterday"} <= yesterday
    assert not {"flag_from_today", "entered_today", "eliminated_yesterday"} & yesterday
    assert "eliminated_yesterday" in boundaries.named(faces(on=ON - 2 * DAY))
    tomorrow = boundaries.named(faces(on=ON + DAY))
    assert {"flag_from_tomorrow", "entering_tomorrow"} <= tomorrow
    assert not {"flag_ends_today", "eliminated_tomorrow", "closed_yesterday"} & tomorrow


def test_a_closed_household_is_neither_after_it_left(boundaries):
    assert boundaries.closed_yesterday.pk not in faces(on=ON)
    assert boundaries.closed_yesterday.pk in faces(on=ON - 2 * DAY)


def test_the_three_programmes_read_the_one_fact(boundaries):
    everyone = Household.objects.prefetch_related("flags", "monitoring_subjects")
    served = faces(on=ON)
    # 乡村振兴健康保: 脱贫户 and every monitoring subject (SPEC §11.2).
    members = HouseholdMember.objects.select_related("household")
    assert {m.household_id for m in members if is_subsidised(m, on=ON)} == served
    assert set(HouseholdMember.objects.filter(subsidised_q(on=ON)).values_list("household_id", flat=True)) == served
    # Microcredit: 脱贫户 and 边缘易致贫户 (NR-LOAN-01).
    borrowers = {h.pk for h in everyone if household_eligible(h, ON)}
    assert borrowers == faces(on=ON, categories=credit_rules.BORROWING_CATEGORIES)
    assert boundaries.named(borrowers) == EXITED_TODAY | MONITORED_TODAY - {"unstable_exited", "sudden_hardship"}
    # Employment: 脱贫人口 are the 脱贫户's people, low-income people include every household in monitoring.
    by_group = {
        group: {h.pk for h in everyone if group in target_groups(h.flags.all(), h.monitoring_subjects.all(), ON)}
        for group in (TargetGroup.EXITED, TargetGroup.LOW_INCOME)
    }
    assert by_group[TargetGroup.EXITED] | by_group[TargetGroup.LOW_INCOME] == served
    for group, pks in by_group.items():
        assert set(Household.objects.filter(target_group_q(ON, group, path="")).values_list("pk", flat=True)) == pks
