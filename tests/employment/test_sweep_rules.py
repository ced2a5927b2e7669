"""The employment rules of the sweeps (SPEC §11.3, §7.3): who lacks "1 guidance, 3 offers, 1 training" (NR-EMP-04),
migrant households with labour and no stable work (NR-EMP-07), and FC-WEAK-RELOC-01 (= NR-EMP-06) reading the year's
employment records before the register."""

import datetime

from employment.choices import EmploymentStatus, ServiceKind
from employment.facts import target_group_q
from employment.models import EmploymentRecord
from households.choices import EmploymentStatus as RegisterStatus
from households.choices import HouseholdFlagKind, LabourCapacity, MigrantType
from households.models import HouseholdFlag, HouseholdMember
from monitoring.choices import SubjectCategory, SubjectStatus
from tests.employment.factories import TODAY
from tests.factories import MemberFactory, MonitoringSubjectFactory
from tests.worlds.sweeps import assert_rule, hits, key

DAY = datetime.timedelta(days=1)
LONG_AGO = datetime.date(2019, 12, 31)


def test_fc_gap_emp_04_wishing_to_work_without_the_services(world):
    lacking = world.worker_a
    world.record(lacking, status=EmploymentStatus.SEEKING, months_employed=0)
    world.serve(lacking, ServiceKind.GUIDANCE)
    world.serve(lacking, ServiceKind.JOB_OFFER, n=2)
    world.serve(lacking, ServiceKind.TRAINING)
    served = MemberFactory(household=world.exited, name="服务齐")
    world.record(served, status=EmploymentStatus.SEEKING, months_employed=0)
    world.serve(served, ServiceKind.GUIDANCE)
    world.serve(served, ServiceKind.JOB_OFFER, n=3)
    world.serve(served, ServiceKind.TRAINING)
    unwilling = MemberFactory(household=world.exited, name="无意愿")
    world.record(unwilling, status=EmploymentStatus.NOT_SEEKING, months_employed=0, wish_to_work=False)
    assert_rule(world, "FC-GAP-EMP-04", trips=[lacking], passes=[served, unwilling])


def test_fc_gap_emp_04_reads_the_three_groups_from_the_facts_as_the_fact_names_them(world):
    """The rule reads the groups from the household facts of the sweep's day (flags' bits, monitoring status); at
    every boundary of a flag and of an episode the services can record it names the people
    ``employment.facts.target_group_q`` names from the flags and episodes themselves."""
    people: dict[str, HouseholdMember] = {}

    def person(name, household):
        people[name] = MemberFactory(household=household, name=name[:10], birth_date=datetime.date(1990, 3, 1))
        EmploymentRecord.objects.create(  # wishes to work, unserved (the service records only the three groups)
            member=people[name], year=TODAY.year, recorded_on=TODAY, status=EmploymentStatus.SEEKING,
            wish_to_work=True, recorded_by=world.worker,
        )  # fmt: skip

    def flagged(name, kind=HouseholdFlagKind.EXITED_POOR, valid_from=LONG_AGO, valid_to=None):
        household = world.household()
        HouseholdFlag.objects.create(household=household, kind=kind, valid_from=valid_from, valid_to=valid_to)
        person(name, household)

    def monitored(name, **fields):
        household = world.household()
        MonitoringSubjectFactory(household=household, **{"entered_on": TODAY - 100 * DAY, **fields})
        person(name, household)

    person("ordinary", world.household())
    for kind in (
        HouseholdFlagKind.SUBSISTENCE_ALLOWANCE, HouseholdFlagKind.DESTITUTE_SUPPORT,
        HouseholdFlagKind.NEAR_SUBSISTENCE, HouseholdFlagKind.RETURNED_TO_POVERTY, HouseholdFlagKind.RELOCATED,
        HouseholdFlagKind.LABOUR_MIGRANT, HouseholdFlagKind.STABLY_EXITED, HouseholdFlagKind.ZERO_EMPLOYMENT,
    ):  # fmt: skip
        flagged(kind.value, kind=kind)
    flagged("exited_from_today", valid_from=TODAY)
    flagged("exited_from_tomorrow", valid_from=TODAY + DAY)
    flagged("exited_ended_yesterday", valid_to=TODAY - DAY)
    flagged("exited_ends_today", valid_to=TODAY)
    monitored("entered_today", entered_on=TODAY)
    monitored("held", status=SubjectStatus.ELIMINATION_HOLD)
    monitored("in_elimination", status=SubjectStatus.ELIMINATION_IN_PROGRESS)
    monitored("eliminated_today", status=SubjectStatus.RISK_ELIMINATED, eliminated_on=TODAY)
    monitored("eliminated_yesterday", status=SubjectStatus.RISK_ELIMINATED, eliminated_on=TODAY - DAY)
    monitored("sudden_hardship", category=SubjectCategory.SUDDEN_HARDSHIP)

    found = hits(world, "FC-GAP-EMP-04", on=TODAY)

    named = HouseholdMember.objects.filter(target_group_q(TODAY), pk__in=[p.pk for p in people.values()])
    by_name = {key(p): name for name, p in people.items()}
    assert {by_name[k] for k in found if k in by_name} == {by_name[key(p)] for p in named}
    assert {name for name, p in people.items() if key(p) in found} == {
        "subsistence_allowance", "destitute_support", "near_subsistence", "returned_to_poverty", "relocated",
        "labour_migrant", "exited_from_today", "exited_ends_today", "entered_today", "held", "in_elimination",
        "sudden_hardship",
    }  # fmt: skip


def test_fc_weak_emp_07_migrants_with_labour_and_no_stable_work(world):
    idle = world.household(migrant_type=MigrantType.LABOUR_MIGRANT)
    working = world.household(HouseholdFlagKind.POLICY_MIGRANT)
    world.record(MemberFactory(household=working), status=EmploymentStatus.IN_COUNTY, months_employed=6)
    no_labour = world.household(migrant_type=MigrantType.POLICY_MIGRANT, with_head=False)
    MemberFactory(household=no_labour, labour_capacity=LabourCapacity.LOST)
    not_migrant = world.household(HouseholdFlagKind.EXITED_POOR)
    assert_rule(world, "FC-WEAK-EMP-07", trips=[idle], passes=[working, no_labour, not_migrant])


def test_fc_weak_reloc_01_reads_the_years_record_before_the_register(world):
    # The register says working 8 months; this year's record says seeking work: the record decides.
    overruled = world.household(HouseholdFlagKind.RELOCATED)
    member = MemberFactory(
        household=overruled, employment_status=RegisterStatus.EMPLOYED, employment_months_this_year=8
    )
    world.record(member, status=EmploymentStatus.SEEKING, months_employed=0)
    # No record this year: the register's 8 months count.
    by_register = world.household(HouseholdFlagKind.RELOCATED)
    MemberFactory(household=by_register, employment_status=RegisterStatus.EMPLOYED, employment_months_this_year=8)
    by_record = world.household(HouseholdFlagKind.RELOCATED)
    world.record(MemberFactory(household=by_record), status=EmploymentStatus.SELF_EMPLOYED, months_employed=6)
    assert_rule(world, "FC-WEAK-RELOC-01", trips=[overruled], passes=[by_register, by_record])
