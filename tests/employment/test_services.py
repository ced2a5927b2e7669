"""Recording employment assistance through its services (SPEC §11.3): records with history, the transport subsidy
once per person and year, the workshop subsidies by people hired, refusals that name every failing condition and
change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from employment import services
from employment.choices import EmploymentStatus, ServiceKind, SubsidyKind
from employment.models import EmploymentRecord, EmploymentService, EmploymentSubsidy
from tests.employment.factories import TODAY, YEAR
from tests.factories import MemberFactory


def test_a_record_of_the_year_is_updated_and_its_history_kept(world):
    record = world.record(world.worker_a, status=EmploymentStatus.SEEKING, months_employed=0)
    assert record.stably_employed is False
    again = world.record(world.worker_a, months_employed=7)
    assert again.pk == record.pk
    assert again.stably_employed is True  # cross-province, 7 months ≥ 6
    assert EmploymentRecord.objects.count() == 1
    assert [h.status for h in again.history.order_by("history_date")] == ["seeking", "cross_province"]


def test_someone_outside_the_three_groups_is_refused(world):
    ordinary = MemberFactory(household=world.ordinary, name="李一般")
    with pytest.raises(services.DomainError, match="不属于脱贫人口、农村低收入人口或搬迁群众"):
        world.record(ordinary)
    assert not EmploymentRecord.objects.exists()


def test_another_township_may_not_record(world):
    with pytest.raises(PermissionDenied):
        world.record(world.worker_a, actor=world.other_cadre)
    with pytest.raises(PermissionDenied):
        world.record(world.worker_a, actor=world.reporter)  # reads, never records
    assert not EmploymentRecord.objects.exists()


# ------------------------------------------------------------------------------------- NR-EMP-01 transport


@pytest.mark.parametrize(
    ("status", "amount"),
    [(EmploymentStatus.CROSS_COUNTY, Decimal(200)), (EmploymentStatus.CROSS_PROVINCE, Decimal(800))],
)
def test_transport_subsidy_200_or_800_once_a_year(world, status, amount):
    world.record(world.worker_a, status=status, months_employed=6)
    subsidy = services.transport_subsidy_grant(actor=world.worker, member=world.worker_a, year=YEAR, granted_on=TODAY)
    assert subsidy.amount == amount
    with pytest.raises(services.DomainError, match="已享受过一次性交通补贴"):
        services.transport_subsidy_grant(actor=world.worker, member=world.worker_a, year=YEAR, granted_on=TODAY)
    assert EmploymentSubsidy.objects.count() == 1


def test_transport_subsidy_names_every_missing_condition(world):
    world.record(
        world.worker_a, status=EmploymentStatus.IN_COUNTY, months_employed=5, labour_contract=False,
        social_insurance=False,
    )  # fmt: skip
    with pytest.raises(services.DomainError) as refused:
        services.transport_subsidy_grant(actor=world.worker, member=world.worker_a, year=YEAR, granted_on=TODAY)
    message = refused.value.message
    for words in ("区内跨县或跨省", "不足 6 个月", "未签订劳动合同", "未缴纳社会保险"):
        assert words in message
    assert not EmploymentSubsidy.objects.exists()


def test_transport_subsidy_at_six_months_not_five(world):
    world.record(world.worker_a, months_employed=5)
    with pytest.raises(services.DomainError, match="不足 6 个月"):
        services.transport_subsidy_grant(actor=world.worker, member=world.worker_a, year=YEAR, granted_on=TODAY)
    world.record(world.worker_a, months_employed=6)
    assert services.transport_subsidy_grant(
        actor=world.worker, member=world.worker_a, year=YEAR, granted_on=TODAY
    ).amount == Decimal(800)


def test_a_new_year_is_a_new_transport_subsidy(world, today):
    world.record(world.worker_a)
    services.transport_subsidy_grant(actor=world.worker, member=world.worker_a, year=YEAR, granted_on=TODAY)
    today.set(datetime.date(YEAR + 1, 8, 1))
    world.record(world.worker_a, recorded_on=datetime.date(YEAR + 1, 8, 1), status=EmploymentStatus.CROSS_COUNTY)
    second = services.transport_subsidy_grant(
        actor=world.worker, member=world.worker_a, year=YEAR + 1, granted_on=datetime.date(YEAR + 1, 8, 1)
    )
    assert second.amount == Decimal(200)


# ------------------------------------------------------------------------------- NR-EMP-02/03 workshops


@pytest.mark.parametrize(("hired", "amount"), [(11, Decimal(20000)), (21, Decimal(30000)), (100, Decimal(60000))])
def test_workshop_subsidy_by_people_employed(world, hired, amount):
    workshop = world.workshop()
    world.hire(workshop, n=hired)
    subsidy = services.workshop_subsidy_grant(
        actor=world.cadre, workshop=workshop, kind=SubsidyKind.WORKSHOP, granted_on=TODAY
    )
    assert subsidy.amount == amount
    with pytest.raises(services.DomainError, match="已享受过此项一次性奖补"):
        services.workshop_subsidy_grant(
            actor=world.cadre, workshop=workshop, kind=SubsidyKind.WORKSHOP, granted_on=TODAY
        )


def test_ten_people_earn_nothing_and_leavers_do_not_count(world):
    workshop = world.workshop()
    hires = world.hire(workshop, n=11)
    services.hire_end(actor=world.cadre, hire=hires[0], left_on=datetime.date(2026, 6, 30))
    with pytest.raises(services.DomainError, match="吸纳就业 10 人，未达到奖补人数"):
        services.workshop_subsidy_grant(
            actor=world.cadre, workshop=workshop, kind=SubsidyKind.WORKSHOP, granted_on=TODAY
        )
    assert not EmploymentSubsidy.objects.exists()


def test_ten_disabled_people_earn_the_disabled_workshop_subsidy(world):
    workshop = world.workshop()
    world.hire(workshop, n=9, disabled=True)
    with pytest.raises(services.DomainError, match="残疾人"):
        services.workshop_subsidy_grant(
            actor=world.cadre, workshop=workshop, kind=SubsidyKind.DISABLED_WORKSHOP, granted_on=TODAY
        )
    household = world.household("exited_poor")
    services.hire_add(
        actor=world.cadre,
        workshop=workshop,
        hired_on=TODAY,
        disabled_or_guardian=False,
        member=MemberFactory(household=household, disability_category="physical", disability_grade=3),
    )  # fmt: skip  -- a registered disability counts whatever was ticked
    subsidy = services.workshop_subsidy_grant(
        actor=world.cadre, workshop=workshop, kind=SubsidyKind.DISABLED_WORKSHOP, granted_on=TODAY
    )
    assert subsidy.amount == Decimal(20000)


def test_a_subsidy_is_paid_once(world):
    world.record(world.worker_a)
    subsidy = services.transport_subsidy_grant(actor=world.worker, member=world.worker_a, year=YEAR, granted_on=TODAY)
    services.subsidy_mark_paid(actor=world.worker, subsidy=subsidy, paid_on=TODAY)
    with pytest.raises(services.DomainError, match="已于 2026-07-15 发放"):
        services.subsidy_mark_paid(actor=world.worker, subsidy=subsidy, paid_on=TODAY)


def test_a_service_needs_its_detail(world):
    with pytest.raises(services.DomainError, match="请填写服务内容"):
        services.service_record(
            actor=world.worker, member=world.worker_a, kind=ServiceKind.TRAINING, served_on=TODAY, detail="  "
        )
    assert not EmploymentService.objects.exists()


def test_this_year_s_record_is_the_register_s_employment_and_the_household_fact_agrees(world):
    """One fact of stable employment: the record writes the register's employment of the person, and the household
    facts (``stably_employed``), which the sweeps and dashboards read, count the person at once."""
    from households.models import HouseholdFacts

    member = world.worker_a
    world.record(member, status=EmploymentStatus.SEEKING, months_employed=0)
    member.refresh_from_db()
    assert (member.employment_status, member.employment_place) == ("not_working", "")
    assert HouseholdFacts.objects.get(household=member.household).stably_employed == 0
    world.record(member, status=EmploymentStatus.CROSS_PROVINCE, months_employed=7)
    member.refresh_from_db()
    assert (member.employment_status, member.employment_place, member.employment_months_this_year) == (
        "employed",
        "cross_province",
        7,
    )
    assert HouseholdFacts.objects.get(household=member.household).stably_employed == 1


def test_a_county_s_months_of_stable_employment_are_read_by_the_record_and_the_household_fact(world):
    """``employment.stable_months`` set by the county (8): seven months make neither the record nor the household
    fact stable; eight make both."""
    from geo.models import PolicyParameter
    from households.models import HouseholdFacts

    PolicyParameter.objects.create(
        key="employment.stable_months", area_code=world.county.code, value=8, valid_from=TODAY.replace(month=1, day=1)
    )
    member = world.worker_a
    for months, stable in ((7, 0), (8, 1)):
        record = world.record(member, status=EmploymentStatus.CROSS_PROVINCE, months_employed=months)
        assert record.stably_employed is bool(stable)
        assert HouseholdFacts.objects.get(household=member.household).stably_employed == stable
