"""The employment rules of the sweeps (SPEC §11.3, §7.3): who lacks "1 guidance, 3 offers, 1 training" (NR-EMP-04),
migrant households with labour and no stable work (NR-EMP-07), and FC-WEAK-RELOC-01 (= NR-EMP-06) reading the year's
employment records before the register."""

from employment.choices import EmploymentStatus, ServiceKind
from households.choices import EmploymentStatus as RegisterStatus
from households.choices import HouseholdFlagKind, LabourCapacity, MigrantType
from tests.factories import MemberFactory
from tests.worlds.sweeps import assert_rule


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
