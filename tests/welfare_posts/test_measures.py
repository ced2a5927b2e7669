"""A post created by an assistance measure (公益岗位帮扶, SPEC §5.1, §11.4): the hire starts the measure, the measure's
page reads the post's progress and effect, and the exit closes the measure with the effect the record shows."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import DomainError
from monitoring.measure_records import records_of
from monitoring.services.measures import measure_add
from tests.factories import MonitoringSubjectFactory
from welfare_posts import services

pytestmark = pytest.mark.django_db
D = datetime.date


def _measure(world, member, measure_type="public_welfare_post", subtype="rural_post"):
    subject = member.household.monitoring_subjects.first() or MonitoringSubjectFactory(household=member.household)
    return measure_add(
        actor=world.village_worker, subject=subject, measure_type=measure_type, subtype=subtype,
        timing="remedial", funding_source="linkage_fund", responsible_department="human_resources",
        description="安排村道保洁公益岗位", started_on=D(2026, 3, 1),
    )  # fmt: skip


def _hire_with(world, member, measure):
    return services.hire_create(
        actor=world.village_worker, post=world.post(), member=member, hired_on=D(2026, 3, 20), measure=measure
    )


def _months(world, hire, months):
    for month in months:
        row = services.AttendanceInput(hire=hire, days_worked=20, assessment="qualified")
        services.attendance_record(actor=world.village_worker, month=month, rows=[row])
        services.payment_record(
            actor=world.village_worker, hire=hire, month=month, amount=Decimal("800.00"), paid_on=D(2026, 6, 10)
        )


def test_the_measure_starts_with_the_hire_and_its_page_reads_the_post(world):
    member = world.person(name="孙七")
    measure = _measure(world, member)
    hire = _hire_with(world, member, measure)
    measure.refresh_from_db()
    assert measure.status == "in_progress"
    _months(world, hire, [D(2026, 4, 1), D(2026, 5, 1)])

    (record,) = records_of([measure])[measure.pk]
    assert record.url == hire.get_absolute_url()
    assert "孙七" in str(record.label)
    assert "在岗" in str(record.progress)
    assert str(record.effect) == "出勤 2 个月 40 天，已领补贴 1600.00 元"


def test_the_exit_delivers_the_measure_with_the_effect_of_the_record(world):
    member = world.person()
    measure = _measure(world, member)
    hire = _hire_with(world, member, measure)
    _months(world, hire, [D(2026, 4, 1)])
    services.hire_end(actor=world.village_worker, hire=hire, ended_on=D(2026, 5, 10), exit_reason="found_job")
    measure.refresh_from_db()
    assert measure.status == "delivered"
    assert measure.ended_on == D(2026, 5, 10)
    assert "出勤 1 个月 20 天，领取补贴 800.00 元" in measure.outcome_note
    assert "实现稳定就业" in measure.outcome_note
    assert "已退岗" in str(records_of([measure])[measure.pk][0].progress)


@pytest.mark.parametrize("paid", [False, True])
def test_an_exit_without_effect_stops_the_measure(world, paid):
    member = world.person()
    measure = _measure(world, member)
    hire = _hire_with(world, member, measure)
    if paid:
        _months(world, hire, [D(2026, 4, 1)])
        reason = "failed_assessment"  # paid once, then failed: no effect
    else:
        reason = "resigned"  # never paid
    services.hire_end(actor=world.village_worker, hire=hire, ended_on=D(2026, 5, 10), exit_reason=reason)
    measure.refresh_from_db()
    assert measure.status == "stopped"


def test_only_an_open_post_measure_of_the_holders_household_is_linked(world):
    member = world.person()
    other = world.person()
    wrong_type = _measure(world, member, measure_type="employment", subtype="local_employment")
    foreign = _measure(world, other)
    for measure, text in ((wrong_type, "须为“公益岗位帮扶”"), (foreign, "不是")):
        with pytest.raises(DomainError, match=text):
            _hire_with(world, member, measure)
    linked = _measure(world, other)
    services.hire_create(
        actor=world.village_worker, post=world.post(), member=other, hired_on=D(2026, 3, 20), measure=linked
    )
    with pytest.raises(DomainError, match="已关联其他聘任"):
        _hire_with(world, world.person(), linked)


def test_a_reader_without_hires_returns_nothing_and_a_viewer_cannot_link(world):
    member = world.person()
    measure = _measure(world, member)
    assert records_of([measure])[measure.pk] == []
    with pytest.raises(PermissionDenied):
        services.hire_create(
            actor=world.reporting_officer, post=world.post(), member=member, hired_on=D(2026, 3, 20), measure=measure
        )
