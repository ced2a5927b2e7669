"""以岗聘任、在岗领补、有序退岗 through the services (SPEC §11.4, NR-POST-01): priority, positions, one post a person,
working age, the months of a hire, attendance, payments and the exit. A refusal changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import DomainError
from welfare_posts import selectors, services
from welfare_posts.choices import PriorityBasis
from welfare_posts.models import PostAttendance, PostHire, PostPayment

pytestmark = pytest.mark.django_db
D = datetime.date


def _hire(world, post, member, on=None, **kwargs):
    on = on or D(2026, 3, 20)
    return services.hire_create(actor=world.village_worker, post=post, member=member, hired_on=on, **kwargs)


def _attend(world, hire, month, days=20, assessment="qualified"):
    row = services.AttendanceInput(hire=hire, days_worked=days, assessment=assessment)
    return services.attendance_record(actor=world.village_worker, month=month, rows=[row])


def _pay(world, hire, month, amount="800.00", paid_on=None):
    paid_on = paid_on or D(2026, 6, 10)
    return services.payment_record(
        actor=world.village_worker, hire=hire, month=month, amount=Decimal(amount), paid_on=paid_on
    )


# ------------------------------------------------------------------------------------------------ priority


def test_the_hire_records_the_priority_of_each_kind_of_person(world):
    post = world.post(positions=4)
    zero = world.zero_employment_person(name="零就业")
    disabled = world.disabled_person(name="残疾人")
    difficult = world.person(name="就业困难", employment_difficulty=True)
    world.flag(difficult)  # 脱贫户: of the three groups
    hires = [_hire(world, post, m) for m in (zero, disabled, difficult)]
    assert [h.priority_basis for h in hires] == [
        PriorityBasis.ZERO_EMPLOYMENT, PriorityBasis.DISABLED, PriorityBasis.GROUP_DIFFICULTY
    ]  # fmt: skip


def test_a_household_flagged_zero_employment_is_a_priority_even_with_register_employment(world):
    member = world.person(name="有标识")
    world.flag(member, "zero_employment")
    assert selectors.member_basis(member, on=D(2026, 3, 20)) == PriorityBasis.ZERO_EMPLOYMENT


def test_a_non_priority_hire_while_a_priority_person_waits_needs_a_written_reason(world):
    post = world.post()
    world.zero_employment_person(name="待安置")
    plain = world.person(name="普通人")
    with pytest.raises(DomainError, match="1 名优先安置对象") as refused:
        _hire(world, post, plain)
    assert refused.value.field == "priority_waiver"
    assert not PostHire.objects.exists()

    hire = _hire(world, post, plain, priority_waiver="待安置人员本人不愿从事保洁")
    assert (hire.priority_basis, hire.priority_waiver) == (PriorityBasis.NONE, "待安置人员本人不愿从事保洁")


def test_no_reason_is_needed_when_no_priority_person_waits(world):
    post = world.post()
    plain = world.person(name="普通人")
    world.zero_employment_person(village=world.sibling)  # waits in another village: not this post's
    assert _hire(world, post, plain).priority_waiver == ""


def test_a_priority_person_of_working_age_who_cannot_work_does_not_wait(world):
    post = world.post()
    world.zero_employment_person(labour_capacity="lost")
    assert _hire(world, post, world.person()).priority_basis == PriorityBasis.NONE


# ----------------------------------------------------------------------------------- positions and persons


def test_a_post_never_has_more_holders_than_positions(world):
    post = world.post(positions=1)
    first = _hire(world, post, world.person(name="甲"))
    second = world.person(name="乙")
    with pytest.raises(DomainError, match="1 个岗位已满"):
        _hire(world, post, second)
    services.hire_end(actor=world.village_worker, hire=first, ended_on=D(2026, 4, 30), exit_reason="found_job")
    assert _hire(world, post, second, on=D(2026, 5, 1)).post == post


def test_one_person_holds_one_post_at_a_time(world):
    member = world.person(name="张三")
    first = _hire(world, world.post(name="保洁"), member)
    other = world.post(name="护路", post_type="road")
    with pytest.raises(DomainError, match="已在岗位“保洁”上岗"):
        _hire(world, other, member)
    services.hire_end(actor=world.village_worker, hire=first, ended_on=D(2026, 4, 30), exit_reason="resigned")
    assert _hire(world, other, member, on=D(2026, 5, 1)).post == other


@pytest.mark.parametrize(
    ("birth", "allowed"),
    [
        (D(2010, 3, 20), True),  # 16 on the day of hire
        (D(2010, 3, 21), False),  # 15, the day before the 16th birthday
        (D(1966, 3, 21), True),  # 59, the day before the 60th birthday
        (D(1966, 3, 20), False),  # 60 on the day of hire
    ],
)
def test_a_holder_is_of_working_age_on_the_day_of_hire(world, birth, allowed):
    post = world.post()
    member = world.person(birth_date=birth)
    if allowed:
        assert _hire(world, post, member).member == member
    else:
        with pytest.raises(DomainError, match="不在 16–59 岁的劳动年龄内"):
            _hire(world, post, member)


def test_a_person_of_another_village_is_refused_naming_every_failing_condition(world):
    post = world.post(positions=1)
    _hire(world, post, world.person())
    stranger = world.person(village=world.sibling, name="外村人", birth_date=D(2012, 1, 1))
    with pytest.raises(DomainError) as refused:
        _hire(world, post, stranger)
    message = refused.value.message
    assert "岗位已满" in message
    assert "不是河东村的在册农户成员" in message
    assert "劳动年龄" in message


def test_only_the_village_side_with_the_right_may_hire(world):
    post = world.post()
    member = world.person()
    for user in (world.reporting_officer, world.sibling_worker, world.foreign_worker):
        with pytest.raises(PermissionDenied):
            services.hire_create(actor=user, post=post, member=member, hired_on=D(2026, 3, 20))
    assert services.hire_create(actor=world.township_cadre, post=post, member=member, hired_on=D(2026, 3, 20))


# ------------------------------------------------------------------------------------ attendance and payments


def test_the_first_and_last_months_of_a_hire_are_paid_and_no_month_outside(world):
    hire = _hire(world, world.post(), world.person(name="李四"), on=D(2026, 3, 20))
    _attend(world, hire, D(2026, 3, 1), days=12)  # 20–31 March: 12 days in post
    assert _pay(world, hire, D(2026, 3, 1)).amount == Decimal("800.00")
    services.hire_end(actor=world.village_worker, hire=hire, ended_on=D(2026, 5, 10), exit_reason="found_job")
    _attend(world, hire, D(2026, 5, 1), days=8)
    assert _pay(world, hire, D(2026, 5, 1), amount="300.00").amount == Decimal("300.00")
    for month, name in ((D(2026, 2, 1), "2026年2月"), (D(2026, 6, 1), "2026年6月")):
        with pytest.raises(DomainError, match=f"{name}不在李四的在岗期间"):
            _pay(world, hire, month)
    assert PostPayment.objects.count() == 2


def test_a_month_without_attendance_is_refused_naming_the_month(world):
    hire = _hire(world, world.post(), world.person(name="王五"))
    with pytest.raises(DomainError, match="2026年4月没有王五的出勤记录") as refused:
        _pay(world, hire, D(2026, 4, 1))
    assert refused.value.field == "month"
    _attend(world, hire, D(2026, 4, 1), days=0, assessment="qualified")
    with pytest.raises(DomainError, match="2026年4月没有王五的出勤记录"):
        _pay(world, hire, D(2026, 4, 1))
    assert not PostPayment.objects.exists()


def test_a_month_assessed_unqualified_earns_no_subsidy(world):
    hire = _hire(world, world.post(), world.person())
    _attend(world, hire, D(2026, 4, 1), assessment="unqualified")
    with pytest.raises(DomainError, match="考核不合格"):
        _pay(world, hire, D(2026, 4, 1))


def test_a_payment_is_at_most_the_subsidy_and_once_a_month(world):
    hire = _hire(world, world.post(), world.person())
    _attend(world, hire, D(2026, 4, 1))
    with pytest.raises(DomainError, match=r"不能超过岗位月补贴标准 800\.00 元") as refused:
        _pay(world, hire, D(2026, 4, 1), amount="800.01")
    assert refused.value.field == "amount"
    _pay(world, hire, D(2026, 4, 1), amount="800.00")
    with pytest.raises(DomainError, match="2026年4月的补贴已发放过"):
        _pay(world, hire, D(2026, 4, 1), amount="100.00")
    assert PostPayment.objects.count() == 1


def test_attendance_days_fit_the_days_in_post_and_a_paid_month_is_settled(world):
    hire = _hire(world, world.post(), world.person(name="赵六"), on=D(2026, 3, 20))
    with pytest.raises(DomainError, match="出勤天数应在 0 到 12 之间"):
        _attend(world, hire, D(2026, 3, 1), days=13)
    _attend(world, hire, D(2026, 3, 1), days=12)
    _attend(world, hire, D(2026, 3, 1), days=10)  # corrected before payment
    assert PostAttendance.objects.get().days_worked == 10
    _pay(world, hire, D(2026, 3, 1))
    with pytest.raises(DomainError, match="补贴已发放，考勤不能再改"):
        _attend(world, hire, D(2026, 3, 1), days=12)
    with pytest.raises(DomainError, match="尚未到来"):
        _attend(world, hire, D(2026, 7, 1))


def test_a_village_grid_is_saved_all_or_nothing(world):
    post = world.post(positions=2)
    good = _hire(world, post, world.person(name="甲"), on=D(2026, 3, 1))
    late = _hire(world, post, world.person(name="乙"), on=D(2026, 5, 1))
    rows = [
        services.AttendanceInput(hire=good, days_worked=22, assessment="qualified"),
        services.AttendanceInput(hire=late, days_worked=22, assessment="qualified"),  # not in post in April
    ]
    with pytest.raises(DomainError, match="2026年4月不在乙的在岗期间"):
        services.attendance_record(actor=world.village_worker, month=D(2026, 4, 1), rows=rows)
    assert not PostAttendance.objects.exists()


# --------------------------------------------------------------------------------------------- 有序退岗


def test_an_exit_needs_a_reason_and_keeps_the_history(world):
    hire = _hire(world, world.post(), world.person())
    _attend(world, hire, D(2026, 4, 1))
    _pay(world, hire, D(2026, 4, 1))
    with pytest.raises(DomainError, match="请选择退岗原因"):
        services.hire_end(actor=world.village_worker, hire=hire, ended_on=D(2026, 5, 31), exit_reason="")
    with pytest.raises(DomainError, match="请填写退岗说明"):
        services.hire_end(actor=world.village_worker, hire=hire, ended_on=D(2026, 5, 31), exit_reason="other")
    with pytest.raises(DomainError, match="不能早于上岗日期"):
        services.hire_end(actor=world.village_worker, hire=hire, ended_on=D(2026, 3, 1), exit_reason="found_job")
    services.hire_end(actor=world.village_worker, hire=hire, ended_on=D(2026, 5, 31), exit_reason="found_job")
    hire.refresh_from_db()
    assert (hire.ended_on, hire.exit_reason, hire.ended_by) == (D(2026, 5, 31), "found_job", world.village_worker)
    assert hire.attendance.count() == hire.payments.count() == 1
    assert hire.history.count() == 2  # type: ignore[attr-defined]
    with pytest.raises(DomainError, match="已于 2026-05-31 退岗"):
        services.hire_end(actor=world.village_worker, hire=hire, ended_on=D(2026, 5, 31), exit_reason="found_job")


def test_an_exit_before_months_already_recorded_is_refused(world):
    hire = _hire(world, world.post(), world.person())
    _attend(world, hire, D(2026, 5, 1))
    with pytest.raises(DomainError, match="退岗日期之后的月份已有考勤"):
        services.hire_end(actor=world.village_worker, hire=hire, ended_on=D(2026, 4, 30), exit_reason="resigned")


def test_a_post_closes_only_without_holders(world):
    post = world.post()
    hire = _hire(world, post, world.person())
    with pytest.raises(DomainError, match="还有 1 人在岗"):
        services.post_close(actor=world.village_worker, post=post, closed_on=D(2026, 6, 1))
    services.hire_end(actor=world.village_worker, hire=hire, ended_on=D(2026, 5, 31), exit_reason="post_removed")
    services.post_close(actor=world.village_worker, post=post, closed_on=D(2026, 6, 1))
    post.refresh_from_db()
    assert (post.active, post.closed_on) == (False, D(2026, 6, 1))
    with pytest.raises(DomainError, match="岗位已撤销"):
        _hire(world, post, world.person(), on=D(2026, 6, 2))
