"""The employment facts (SPEC §11.3): each Python face and its query face give the same answer, on the cases that
decide them — the year's record first, the register where there is none."""

import datetime

from employment import facts
from employment.choices import EmploymentStatus, ServiceKind, TargetGroup
from households.choices import EmploymentStatus as RegisterStatus
from households.choices import HouseholdFlagKind, LabourCapacity, MigrantType
from households.models import Household, HouseholdMember
from tests.employment.factories import TODAY
from tests.factories import MemberFactory, MonitoringSubjectFactory


def _settings(world):
    return facts.EmploymentSettings.of(world.village.code, on=TODAY)


def _households():
    return Household.objects.prefetch_related("members__employment_records", "flags", "monitoring_subjects")


def _both_faces(world, python, query, model=Household):
    """The rows the Python face finds, and those the query face finds: they must be the same."""
    rows = (
        _households()
        if model is Household
        else HouseholdMember.objects.prefetch_related(
            "employment_records", "employment_services", "household__flags", "household__monitoring_subjects"
        )
    )
    by_python = {row.pk for row in rows if python(row)}
    by_query = set(model.objects.filter(query).values_list("pk", flat=True))
    assert by_python == by_query
    return by_python


def test_the_three_groups_by_flag_and_by_open_monitoring(world):
    relocated = world.household(HouseholdFlagKind.RELOCATED)
    low = world.household(HouseholdFlagKind.SUBSISTENCE_ALLOWANCE)
    monitored = MonitoringSubjectFactory(household__managing_area=world.village).household
    ended = world.household()
    from households.models import HouseholdFlag

    HouseholdFlag.objects.create(
        household=ended, kind=HouseholdFlagKind.EXITED_POOR, valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2025, 12, 31),
    )  # fmt: skip
    found = _both_faces(
        world,
        lambda h: facts.target_groups(h.flags.all(), h.monitoring_subjects.all(), TODAY),
        facts.target_group_q(TODAY, path=""),
    )
    assert found == {world.exited.pk, world.far.pk, relocated.pk, low.pk, monitored.pk}
    assert facts.target_groups(relocated.flags.all(), [], TODAY) == {TargetGroup.RELOCATED}
    assert facts.target_groups([], monitored.monitoring_subjects.all(), TODAY) == {TargetGroup.LOW_INCOME}


def test_zero_employment_households(world):
    settings = _settings(world)
    # worker_a has no record and the register says nothing: the exited household has no one working.
    idle = world.exited
    by_register = world.household(HouseholdFlagKind.EXITED_POOR)
    MemberFactory(household=by_register, employment_status=RegisterStatus.EMPLOYED)
    by_record = world.household(HouseholdFlagKind.EXITED_POOR)
    world.record(MemberFactory(household=by_record), status=EmploymentStatus.LOCAL, months_employed=2)
    # The register says employed, this year's record says seeking: the record decides.
    overruled = world.household(HouseholdFlagKind.EXITED_POOR)
    world.record(MemberFactory(household=overruled, employment_status=RegisterStatus.EMPLOYED),
                 status=EmploymentStatus.SEEKING, months_employed=0)  # fmt: skip
    nobody_able = world.household(HouseholdFlagKind.EXITED_POOR, with_head=False)
    MemberFactory(household=nobody_able, labour_capacity=LabourCapacity.LOST)
    MemberFactory(household=nobody_able, birth_date=datetime.date(1950, 1, 1))  # past working age
    found = _both_faces(
        world,
        lambda h: facts.is_zero_employment_household(h, settings),
        facts.zero_employment_households_q(settings),
    )
    assert idle.pk in found
    assert overruled.pk in found
    assert not {by_register.pk, by_record.pk, nobody_able.pk} & found


def test_labour_without_stable_work(world):
    settings = _settings(world)
    stable = world.household(HouseholdFlagKind.RELOCATED)
    world.record(MemberFactory(household=stable), months_employed=6)
    short = world.household(HouseholdFlagKind.RELOCATED)
    world.record(MemberFactory(household=short), months_employed=5)
    found = _both_faces(
        world,
        lambda h: facts.has_labour_without_stable_work(h, settings),
        facts.labour_without_stable_work_q(settings),
    )
    assert short.pk in found
    assert stable.pk not in found


def test_migrant_households_by_flag_or_type(world):
    flagged = world.household(HouseholdFlagKind.LABOUR_MIGRANT)
    typed = world.household(migrant_type=MigrantType.POLICY_MIGRANT)
    found = _both_faces(world, lambda h: facts.is_migrant_household(h, TODAY), facts.migrant_household_q(TODAY))
    assert found == {flagged.pk, typed.pk}


def test_who_lacks_one_guidance_three_offers_one_training(world):
    settings = _settings(world)
    served = MemberFactory(household=world.exited, name="服务齐")
    world.record(served, status=EmploymentStatus.SEEKING, months_employed=0)
    world.serve(served, ServiceKind.GUIDANCE)
    world.serve(served, ServiceKind.JOB_OFFER, n=3)
    world.serve(served, ServiceKind.TRAINING)
    two_offers = MemberFactory(household=world.exited, name="两次推介")
    world.record(two_offers, status=EmploymentStatus.SEEKING, months_employed=0)
    world.serve(two_offers, ServiceKind.GUIDANCE)
    world.serve(two_offers, ServiceKind.JOB_OFFER, n=2)
    world.serve(two_offers, ServiceKind.TRAINING)
    last_year = MemberFactory(household=world.exited, name="去年服务")
    world.record(last_year, status=EmploymentStatus.SEEKING, months_employed=0)
    world.serve(last_year, ServiceKind.GUIDANCE, served_on=datetime.date(2025, 12, 31))
    not_wishing = MemberFactory(household=world.exited, name="无意愿")
    world.record(not_wishing, status=EmploymentStatus.NOT_SEEKING, months_employed=0, wish_to_work=False)
    found = _both_faces(
        world, lambda m: facts.lacks_services(m, settings), facts.lacking_services_q(settings), model=HouseholdMember
    )
    assert found == {two_offers.pk, last_year.pk}


def test_the_workforce_is_the_working_age_people_of_the_three_groups(world):
    settings = _settings(world)
    old = MemberFactory(household=world.exited, birth_date=datetime.date(1960, 1, 1))
    members = HouseholdMember.objects.filter(facts.workforce_q(settings))
    assert world.worker_a in members
    assert world.far_member in members
    assert old not in members
    assert not members.filter(household=world.ordinary).exists()
