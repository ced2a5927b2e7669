"""Commands of the public-welfare posts (SPEC §11.4, "按需设岗、以岗聘任、在岗领补、有序退岗"): set up a post, hire to
it, record a month's attendance, pay a month's subsidy, end a hire. Each is one transaction that locks the row it
draws on (the post for hires, the hire for attendance, payments and the exit), so two clerks cannot fill the same
position or pay the same month twice; a refusal names every condition that fails."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError, refusal_text, required_text
from core.workflow import require
from geo.codes import AreaLevel
from geo.models import AdminArea
from households.choices import MemberStatus
from households.models import HouseholdMember
from households.rules import age_on
from monitoring.choices import MeasureStatus, MeasureType
from monitoring.models import AssistanceMeasure
from monitoring.permissions import can_record_measures
from monitoring.services.measures import measure_start, measure_update_status
from welfare_posts import permissions, rules, selectors
from welfare_posts.choices import (
    UNSUCCESSFUL_EXITS,
    Assessment,
    ExitReason,
    PostFunding,
    PostType,
    PriorityBasis,
)
from welfare_posts.models import PostAttendance, PostHire, PostPayment, WelfarePost

CENT = Decimal("0.01")
OPEN_MEASURE_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS, MeasureStatus.ADJUSTED)


def _money(value: Decimal, field: str, label: str) -> Decimal:
    if value != value.quantize(CENT):
        raise DomainError(_("%(label)s最多保留两位小数（分）") % {"label": label}, field=field)
    if value <= 0:
        raise DomainError(_("%(label)s须大于 0") % {"label": label}, field=field)
    return value


def _month_label(month: datetime.date) -> str:
    return _("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}


# --------------------------------------------------------------------------------------------- 按需设岗


@dataclass(frozen=True)
class PostInput:
    village: AdminArea
    name: str
    post_type: str
    funding_source: str
    monthly_subsidy: Decimal
    positions: int
    need: str
    created_on: datetime.date


@transaction.atomic
def post_create(*, actor: User, data: PostInput) -> WelfarePost:
    """按需设岗: a post of a village, set up for a stated need."""
    require(permissions.can_manage(actor, data.village.code))
    if data.village.level != AreaLevel.VILLAGE:
        raise DomainError(_("公益性岗位设在村"), field="village")
    if data.post_type not in PostType.values:
        raise DomainError(_("请选择岗位类型"), field="post_type")
    if data.funding_source not in PostFunding.values:
        raise DomainError(_("请选择资金来源"), field="funding_source")
    if data.positions < 1:
        raise DomainError(_("岗位数至少为 1"), field="positions")
    if data.created_on > timezone.localdate():
        raise DomainError(_("设岗日期不能晚于今天"), field="created_on")
    return WelfarePost.objects.create(
        village=data.village,
        name=required_text(data.name, "name", _("岗位名称")),
        post_type=data.post_type,
        funding_source=data.funding_source,
        monthly_subsidy=_money(data.monthly_subsidy, "monthly_subsidy", _("月补贴标准")),
        positions=data.positions,
        need=required_text(data.need, "need", _("设岗依据")),
        created_on=data.created_on,
        created_by=actor,
    )


@transaction.atomic
def post_close(*, actor: User, post: WelfarePost, closed_on: datetime.date) -> WelfarePost:
    """撤岗: a post no longer needed; its holders leave first (有序退岗), its history stays."""
    post = WelfarePost.objects.select_for_update(of=("self",)).select_related("village").get(pk=post.pk)
    require(permissions.can_manage(actor, post.village.code))
    reasons = []
    if not post.active:
        reasons.append(_("岗位已撤销"))
    holders = selectors.holders_count(post)
    if holders:
        reasons.append(_("岗位上还有 %(n)s 人在岗，请先办理退岗") % {"n": holders})
    if closed_on < post.created_on:
        reasons.append(_("撤岗日期不能早于设岗日期"))
    if closed_on > timezone.localdate():
        reasons.append(_("撤岗日期不能晚于今天"))
    if reasons:
        raise DomainError(refusal_text(reasons), field="closed_on")
    post.active = False
    post.closed_on = closed_on
    post.save(update_fields=["active", "closed_on"])
    return post


# --------------------------------------------------------------------------------------------- 以岗聘任


@transaction.atomic
def hire_create(
    *,
    actor: User,
    post: WelfarePost,
    member: HouseholdMember,
    hired_on: datetime.date,
    priority_waiver: str = "",
    measure: AssistanceMeasure | None = None,
) -> PostHire:
    """以岗聘任 (SPEC §11.4): a free position of an open post; a person of the post's village, of working age, able
    to work and holding no other post; priority people first — a person who is not one, hired while a priority
    person of the village waits, needs a written reason. A linked assistance measure (公益岗位帮扶) of the person's
    household starts with the hire."""
    # The post's lock orders hires to one post: a second clerk waits here, then counts the first hire.
    post = WelfarePost.objects.select_for_update(of=("self",)).select_related("village").get(pk=post.pk)
    require(permissions.can_manage(actor, post.village.code))
    member = HouseholdMember.objects.select_related("household__managing_area").get(pk=member.pk)
    household = member.household
    today = timezone.localdate()
    reasons: list[str] = []
    field = "member"
    if not post.active:
        reasons.append(_("岗位已撤销，不能聘任"))
    if not rules.has_free_position(holders=selectors.holders_count(post), positions=post.positions):
        reasons.append(_("岗位“%(name)s”的 %(n)s 个岗位已满") % {"name": post.name, "n": post.positions})
    if household.managing_area_id != post.village_id or household.closed_on is not None:
        reasons.append(_("%(name)s不是%(village)s的在册农户成员") % {"name": member.name, "village": post.village.name})
    if member.member_status != MemberStatus.PRESENT:
        reasons.append(
            _("%(name)s已不在户（%(status)s）") % {"name": member.name, "status": member.get_member_status_display()}
        )
    age_range = selectors.settings_of(post.village.code, hired_on).working_age
    if not rules.working_age(member.birth_date, on=hired_on, age_range=age_range):
        reasons.append(
            _("%(name)s上岗时 %(age)s 岁，不在 %(low)s–%(high)s 岁的劳动年龄内")
            % {"name": member.name, "age": age_on(member.birth_date, hired_on), "low": age_range[0],
               "high": age_range[1]}
        )  # fmt: skip
    if not rules.can_labour(member.labour_capacity):
        reasons.append(
            _("%(name)s%(capacity)s，不能上岗")
            % {"name": member.name, "capacity": member.get_labour_capacity_display()}
        )
    current = PostHire.objects.filter(member=member, ended_on__isnull=True).select_related("post").first()
    if current is not None:
        reasons.append(
            _("%(name)s已在岗位“%(post)s”上岗，一人只能同时在一个岗位")
            % {"name": member.name, "post": current.post.name}
        )
    if hired_on < post.created_on:
        reasons.append(_("上岗日期不能早于设岗日期"))
        field = "hired_on"
    if hired_on > today:
        reasons.append(_("上岗日期不能晚于今天"))
        field = "hired_on"
    basis = selectors.member_basis(member, on=hired_on)
    waiting = selectors.priority_waiting(post.village, on=hired_on, besides=member)
    waiver = (priority_waiver or "").strip()
    if rules.needs_waiver(basis, priority_waiting=waiting) and not waiver:
        reasons.append(
            _(
                "本村还有 %(n)s 名优先安置对象（零就业家庭成员、残疾人、三类人员中的就业困难人员）未上岗，"
                "聘任非优先人员须填写理由"
            )
            % {"n": waiting}
        )
        field = "priority_waiver" if len(reasons) == 1 else field
    if measure is not None:
        reasons += _measure_refusals(actor, measure, member)
    if reasons:
        raise DomainError(refusal_text(reasons), field=field if len(reasons) == 1 else None)
    hire = PostHire.objects.create(
        post=post,
        member=member,
        hired_on=hired_on,
        priority_basis=basis,
        priority_waiver=waiver if basis == PriorityBasis.NONE else "",
        measure=measure,
        hired_by=actor,
    )
    measure_start(actor=actor, measure_id=measure.pk if measure is not None else None)
    return hire


def _measure_refusals(actor: User, measure: AssistanceMeasure, member: HouseholdMember) -> list[str]:
    """A measure linked to a hire: a post measure (公益岗位帮扶) of the holder's household, open, not linked yet."""
    if not can_record_measures(actor):
        return [_("您无权关联帮扶措施")]
    measure = AssistanceMeasure.objects.select_related("subject").get(pk=measure.pk)
    reasons = []
    if measure.measure_type != MeasureType.PUBLIC_WELFARE_POST:
        reasons.append(_("关联的帮扶措施须为“公益岗位帮扶”"))
    if measure.subject.household_id != member.household_id:
        reasons.append(_("关联的帮扶措施不是%(name)s家庭的措施") % {"name": member.name})
    if measure.status not in OPEN_MEASURE_STATUSES:
        reasons.append(_("关联的帮扶措施已%(status)s") % {"status": measure.get_status_display()})
    if PostHire.objects.filter(measure=measure).exists():
        reasons.append(_("该帮扶措施已关联其他聘任"))
    return reasons


# --------------------------------------------------------------------------------------------- 在岗领补


def _days_in_post(hire: PostHire, month: datetime.date) -> int:
    """The days of ``month`` inside the hire (a first or last month may be partial)."""
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    start = max(month, hire.hired_on)
    end = min(last, hire.ended_on) if hire.ended_on else last
    return (end - start).days + 1


def _month_refusal(hire: PostHire, month: datetime.date) -> str | None:
    if month != rules.month_of(month):
        return _("月份须为当月 1 日")
    if not rules.month_in_hire(month, hired_on=hire.hired_on, ended_on=hire.ended_on):
        return _("%(month)s不在%(name)s的在岗期间（%(start)s 至 %(end)s）") % {
            "month": _month_label(month),
            "name": hire.member.name,
            "start": hire.hired_on,
            "end": hire.ended_on or _("今"),
        }
    if month > rules.month_of(timezone.localdate()):
        return _("%(month)s尚未到来") % {"month": _month_label(month)}
    return None


@dataclass(frozen=True)
class AttendanceInput:
    hire: PostHire
    days_worked: int
    assessment: str
    note: str = ""


def _attendance_refusals(hire: PostHire, month: datetime.date, row: AttendanceInput) -> list[str]:
    reasons = []
    refusal = _month_refusal(hire, month)
    if refusal:
        reasons.append(refusal)
    elif row.days_worked < 0 or row.days_worked > _days_in_post(hire, month):
        reasons.append(
            _("%(name)s%(month)s的出勤天数应在 0 到 %(max)s 之间")
            % {"name": hire.member.name, "month": _month_label(month), "max": _days_in_post(hire, month)}
        )
    if row.assessment not in Assessment.values:
        reasons.append(_("请选择%(name)s的考核结果") % {"name": hire.member.name})
    if PostPayment.objects.filter(hire=hire, month=month).exists():
        reasons.append(
            _("%(name)s%(month)s的补贴已发放，考勤不能再改") % {"name": hire.member.name, "month": _month_label(month)}
        )
    return reasons


def _save_attendance(actor: User, hire: PostHire, month: datetime.date, row: AttendanceInput) -> PostAttendance:
    attendance, _created = PostAttendance.objects.update_or_create(
        hire=hire,
        month=month,
        defaults={
            "days_worked": row.days_worked,
            "assessment": row.assessment,
            "note": row.note.strip(),
            "recorded_by": actor,
        },
    )
    return attendance


@transaction.atomic
def attendance_record(*, actor: User, month: datetime.date, rows: Sequence[AttendanceInput]) -> list[PostAttendance]:
    """A month's attendance (考勤) and assessment for several holders at once — a village's grid — all or nothing:
    one refused row saves none, and the refusal names every row that fails. A month already paid is not changed."""
    hires = {
        h.pk: h
        for h in PostHire.objects.select_for_update(of=("self",))
        .select_related("post__village", "member")
        .filter(pk__in=[r.hire.pk for r in rows])
    }
    for hire in hires.values():
        require(permissions.can_manage(actor, hire.post.village.code))
    reasons = [reason for row in rows for reason in _attendance_refusals(hires[row.hire.pk], month, row)]
    if reasons:
        raise DomainError(refusal_text(reasons), field="month" if len(reasons) == 1 else None)
    return [_save_attendance(actor, hires[row.hire.pk], month, row) for row in rows]


@transaction.atomic
def payment_record(
    *, actor: User, hire: PostHire, month: datetime.date, amount: Decimal, paid_on: datetime.date
) -> PostPayment:
    """在岗领补 (NR-POST-01, 003 L366): one month's subsidy, only for a month of the hire that has its attendance,
    at most the post's monthly subsidy, once."""
    hire = PostHire.objects.select_for_update(of=("self",)).select_related("post__village", "member").get(pk=hire.pk)
    require(permissions.can_manage(actor, hire.post.village.code))
    amount = _money(amount, "amount", _("补贴金额"))
    failing: list[tuple[str, str]] = []  # (field, reason)
    refusal = _month_refusal(hire, month)
    if refusal:
        failing.append(("month", refusal))
    else:
        attendance = PostAttendance.objects.filter(hire=hire, month=month).first()
        days = attendance.days_worked if attendance else None
        if not rules.attended(days_worked=days, assessment=attendance.assessment if attendance else None):
            names = {"month": _month_label(month), "name": hire.member.name}
            if not days:
                failing.append(("month", _("%(month)s没有%(name)s的出勤记录，不能发放岗位补贴（在岗领补）") % names))
            else:
                failing.append(("month", _("%(name)s%(month)s考核不合格，当月不发放岗位补贴") % names))
    if PostPayment.objects.filter(hire=hire, month=month).exists():
        failing.append(("month", _("%(month)s的补贴已发放过") % {"month": _month_label(month)}))
    if not rules.amount_within_subsidy(amount, monthly_subsidy=hire.post.monthly_subsidy):
        failing.append(("amount", _("补贴金额不能超过岗位月补贴标准 %(max)s 元") % {"max": hire.post.monthly_subsidy}))
    if paid_on > timezone.localdate():
        failing.append(("paid_on", _("发放日期不能晚于今天")))
    elif paid_on < month:
        failing.append(("paid_on", _("发放日期不能早于补贴月份")))
    if failing:
        raise DomainError(
            refusal_text([reason for _field, reason in failing]), field=failing[0][0] if len(failing) == 1 else None
        )
    return PostPayment.objects.create(hire=hire, month=month, amount=amount, paid_on=paid_on, recorded_by=actor)


# --------------------------------------------------------------------------------------------- 有序退岗


@transaction.atomic
def hire_end(
    *, actor: User, hire: PostHire, ended_on: datetime.date, exit_reason: str, exit_note: str = ""
) -> PostHire:
    """有序退岗 (SPEC §11.4): the hire ends with a reason; its attendance and payments stay. A linked measure is
    closed with the effect the record shows: delivered when the holder was paid for a month and did not leave for
    failing, stopped otherwise."""
    hire = PostHire.objects.select_for_update(of=("self",)).select_related("post__village", "member").get(pk=hire.pk)
    require(permissions.can_manage(actor, hire.post.village.code))
    reasons = []
    if hire.ended_on is not None:
        reasons.append(_("%(name)s已于 %(on)s 退岗") % {"name": hire.member.name, "on": hire.ended_on})
    if exit_reason not in ExitReason.values:
        reasons.append(_("请选择退岗原因"))
    if exit_reason == ExitReason.OTHER and not (exit_note or "").strip():
        reasons.append(_("退岗原因为“其他”时请填写退岗说明"))
    if ended_on < hire.hired_on:
        reasons.append(_("退岗日期不能早于上岗日期 %(on)s") % {"on": hire.hired_on})
    if ended_on > timezone.localdate():
        reasons.append(_("退岗日期不能晚于今天"))
    later = PostAttendance.objects.filter(hire=hire, month__gt=rules.month_of(ended_on)).exists() or (
        PostPayment.objects.filter(hire=hire, month__gt=rules.month_of(ended_on)).exists()
    )
    if later:
        reasons.append(_("退岗日期之后的月份已有考勤或补贴记录"))
    if hire.measure_id is not None and not can_record_measures(actor):
        reasons.append(_("该聘任关联了帮扶措施，您无权办理"))
    if reasons:
        raise DomainError(refusal_text(reasons), field="ended_on" if len(reasons) > 1 else None)
    hire.ended_on = ended_on
    hire.exit_reason = exit_reason
    hire.exit_note = (exit_note or "").strip()
    hire.ended_by = actor
    hire.save(update_fields=["ended_on", "exit_reason", "exit_note", "ended_by"])
    if hire.measure_id is not None:
        _close_measure(actor, hire)
    return hire


def measure_outcome(hire: PostHire) -> tuple[str, str]:
    """The linked measure's status and effect at the end of a hire, derived from the hire's record."""
    record = selectors.hire_record(hire)
    label = ExitReason(hire.exit_reason).label
    note = _(
        "公益岗位“%(post)s”在岗 %(start)s 至 %(end)s，出勤 %(months)s 个月 %(days)s 天，"
        "领取补贴 %(paid)s 元；退岗原因：%(reason)s"
    ) % {
        "post": hire.post.name,
        "start": hire.hired_on,
        "end": hire.ended_on,
        "months": record.months,
        "days": record.days,
        "paid": record.paid,
        "reason": label,
    }
    delivered = record.paid > 0 and hire.exit_reason not in UNSUCCESSFUL_EXITS
    return (MeasureStatus.DELIVERED if delivered else MeasureStatus.STOPPED), note


def _close_measure(actor: User, hire: PostHire) -> None:
    assert hire.measure_id is not None
    measure = AssistanceMeasure.objects.get(pk=hire.measure_id)
    if measure.status not in OPEN_MEASURE_STATUSES:
        return  # closed on the measure's own page already: its record stays as it was written
    status, note = measure_outcome(hire)
    assert hire.ended_on is not None
    measure_update_status(
        actor=actor, measure=measure, status=status, outcome_note=note, ended_on=max(hire.ended_on, measure.started_on)
    )
