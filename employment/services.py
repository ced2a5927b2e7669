"""Writes of employment assistance (SPEC §11.3): one ``@transaction.atomic`` function per command. Each re-checks
the actor's right, names every failing condition in one refusal and computes amounts with ``employment.rules`` from
the settings in force (SPEC §15.2)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Final

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError, refusal_text
from employment import permissions, rules, selectors
from employment.choices import EMPLOYED_STATUSES, PERSON_SUBSIDIES, EmploymentStatus, SubsidyKind
from employment.facts import EmploymentSettings, target_groups
from employment.models import EmploymentRecord, EmploymentService, EmploymentSubsidy, Workshop, WorkshopHire
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.parameters import parameter
from households.choices import EmploymentPlace
from households.choices import EmploymentStatus as RegisterStatus
from households.facts import facts_refresh_households
from households.models import HouseholdMember
from monitoring.choices import MeasureType
from monitoring.models import AssistanceMeasure
from monitoring.permissions import can_record_measures
from monitoring.services.measures import measure_start


def _area_code(member: HouseholdMember) -> str:
    return str(member.household.managing_area.code)


def _require_member_right(actor: User, member: HouseholdMember) -> None:
    if not permissions.can_manage_member(actor, member):
        raise PermissionDenied(_("您无权登记此人的就业帮扶信息"))


def _require_workshop_right(actor: User, area_code: str) -> None:
    if not permissions.can_manage_workshop(actor, area_code):
        raise PermissionDenied(_("您无权登记此帮扶车间"))


def _require_present_member_of_groups(member: HouseholdMember, on: datetime.date) -> None:
    """Employment assistance serves the present people of the three groups (SPEC §11.3)."""
    reasons = []
    if not member.is_present:
        reasons.append(_("%(name)s已不在户") % {"name": member.name})
    household = member.household
    if not target_groups(household.flags.all(), household.monitoring_subjects.all(), on):
        reasons.append(_("%(name)s所在农户不属于脱贫人口、农村低收入人口或搬迁群众") % {"name": member.name})
    if reasons:
        raise DomainError(refusal_text(reasons), field="member")


# --------------------------------------------------------------------------------------- employment records


@dataclass(frozen=True)
class RecordInput:
    recorded_on: datetime.date
    status: str
    place: str = ""
    employer: str = ""
    months_employed: int = 0
    labour_contract: bool = False
    social_insurance: bool = False
    skills: str = ""
    certificate: str = ""
    wish_to_work: bool = False
    wish_to_train: bool = False
    measure: AssistanceMeasure | None = None


def _check_measure(
    actor: User, measure: AssistanceMeasure | None, member: HouseholdMember, record: EmploymentRecord | None
) -> None:
    """A record points only to an employment measure of the member's own household, and one measure to one record;
    linking one anew takes monitoring's right to record measures."""
    if measure is None:
        return
    reasons = []
    if (record is None or record.measure_id != measure.pk) and not can_record_measures(actor):
        reasons.append(_("您无权关联帮扶措施"))
    if measure.measure_type != MeasureType.EMPLOYMENT:
        reasons.append(_("所选帮扶措施不是就业帮扶措施"))
    if measure.subject.household_id != member.household_id:
        reasons.append(_("所选帮扶措施不属于此人所在农户"))
    others = EmploymentRecord.objects.filter(measure=measure)
    if record is not None:
        others = others.exclude(pk=record.pk)
    if others.exists():
        reasons.append(_("所选帮扶措施已关联其他就业信息"))
    if reasons:
        raise DomainError(refusal_text(reasons), field="measure")


@transaction.atomic
def record_save(*, actor: User, member: HouseholdMember, data: RecordInput) -> EmploymentRecord:
    """Records or updates the member's employment of the year of ``recorded_on`` (SPEC §11.3, L-11); the change is
    kept in the record's history. ``stably_employed`` follows from the status and months (NR-EMP-06). A record that
    shows the person at work starts its planned employment measure (in progress)."""
    _require_member_right(actor, member)
    _require_present_member_of_groups(member, data.recorded_on)
    if not 0 <= data.months_employed <= 12:
        raise DomainError(_("本年务工月数应在 0 到 12 之间"), field="months_employed")
    if data.recorded_on > timezone.localdate():
        raise DomainError(_("信息日期不能晚于今天"), field="recorded_on")
    settings = EmploymentSettings.of(_area_code(member), on=data.recorded_on)
    year = data.recorded_on.year
    record = EmploymentRecord.objects.select_for_update().filter(member=member, year=year).first()
    _check_measure(actor, data.measure, member, record)
    values = {
        "recorded_on": data.recorded_on,
        "status": data.status,
        "place": data.place.strip(),
        "employer": data.employer.strip(),
        "months_employed": data.months_employed,
        "labour_contract": data.labour_contract,
        "social_insurance": data.social_insurance,
        "skills": data.skills.strip(),
        "certificate": data.certificate.strip(),
        "wish_to_work": data.wish_to_work,
        "wish_to_train": data.wish_to_train,
        "stably_employed": rules.is_stably_employed(
            data.status, data.months_employed, stable_months=settings.stable_months
        ),
        "recorded_by": actor,
    }
    if data.measure is not None or record is None:
        values["measure"] = data.measure
    if record is None:
        try:
            with transaction.atomic():
                record = EmploymentRecord.objects.create(member=member, year=year, **values)
        except IntegrityError as exc:  # recorded at the same moment by someone else
            raise DomainError(_("此人本年度的就业信息刚被他人登记，请刷新后再改"), field="recorded_on") from exc
    else:
        for name, value in values.items():
            setattr(record, name, value)
        record.save()
    if year == timezone.localdate().year:
        _write_register(member, data)
    if record.status in EMPLOYED_STATUSES:  # the person at work: the measure is being carried out
        record.measure = measure_start(actor=actor, measure_id=record.measure_id)
    return record


# The register's words for this year's record (households.choices): the record is the newer word, so the register's
# employment and the household fact ``stably_employed`` read from it agree with the employment pages.
REGISTER_STATUS: Final = {
    EmploymentStatus.LOCAL: (RegisterStatus.EMPLOYED, EmploymentPlace.IN_TOWNSHIP),
    EmploymentStatus.IN_COUNTY: (RegisterStatus.EMPLOYED, EmploymentPlace.IN_COUNTY),
    EmploymentStatus.CROSS_COUNTY: (RegisterStatus.EMPLOYED, EmploymentPlace.CROSS_COUNTY_IN_PROVINCE),
    EmploymentStatus.CROSS_PROVINCE: (RegisterStatus.EMPLOYED, EmploymentPlace.CROSS_PROVINCE),
    EmploymentStatus.SELF_EMPLOYED: (RegisterStatus.SELF_EMPLOYED, ""),
    EmploymentStatus.SEEKING: (RegisterStatus.NOT_WORKING, ""),
    EmploymentStatus.NOT_SEEKING: (RegisterStatus.NOT_WORKING, ""),
}


def _write_register(member: HouseholdMember, data: RecordInput) -> None:
    """This year's record written into the household register's employment of the person (its history keeps the
    former words), and the household's facts refreshed in the same transaction."""
    status, place = REGISTER_STATUS[EmploymentStatus(data.status)]
    member.employment_status = status
    member.employment_place = place
    member.employment_months_this_year = min(data.months_employed, 12)
    member.save(update_fields=["employment_status", "employment_place", "employment_months_this_year"])
    facts_refresh_households([member.household_id])


# ------------------------------------------------------------------------------------------------ services


@transaction.atomic
def service_record(
    *, actor: User, member: HouseholdMember, kind: str, served_on: datetime.date, detail: str
) -> EmploymentService:
    """Records one service of "1 guidance, 3 offers, 1 training" (NR-EMP-04; 003 L662)."""
    _require_member_right(actor, member)
    _require_present_member_of_groups(member, served_on)
    if served_on > timezone.localdate():
        raise DomainError(_("服务日期不能晚于今天"), field="served_on")
    detail = detail.strip()
    if not detail:
        raise DomainError(_("请填写服务内容"), field="detail")
    return EmploymentService.objects.create(
        member=member, kind=kind, served_on=served_on, detail=detail, recorded_by=actor
    )


# ----------------------------------------------------------------------------------------------- workshops


@dataclass(frozen=True)
class WorkshopInput:
    name: str
    area: AdminArea
    operator: str
    recognised_on: datetime.date
    note: str = ""


@transaction.atomic
def workshop_register(*, actor: User, data: WorkshopInput) -> Workshop:
    """Registers a recognised assistance workshop (就业帮扶车间, SPEC §11.3) in a village or a township."""
    _require_workshop_right(actor, data.area.code)
    reasons = []
    if data.area.level not in (AreaLevel.VILLAGE, AreaLevel.TOWNSHIP):
        reasons.append(_("所在地应为乡镇或村"))
    if not data.name.strip():
        reasons.append(_("请填写车间名称"))
    if not data.operator.strip():
        reasons.append(_("请填写经营主体"))
    if data.recognised_on > timezone.localdate():
        reasons.append(_("认定日期不能晚于今天"))
    if reasons:
        raise DomainError(refusal_text(reasons))
    return Workshop.objects.create(
        name=data.name.strip(),
        area=data.area,
        operator=data.operator.strip(),
        recognised_on=data.recognised_on,
        note=data.note.strip(),
        created_by=actor,
    )


@transaction.atomic
def hire_add(
    *, actor: User, workshop: Workshop, member: HouseholdMember, hired_on: datetime.date, disabled_or_guardian: bool
) -> WorkshopHire:
    """A person hired by the workshop from ``hired_on``; a person with a disability registered in the household
    register counts as disabled for NR-EMP-03 whatever was ticked."""
    _require_workshop_right(actor, workshop.area.code)
    reasons = []
    if not member.is_present:
        reasons.append(_("%(name)s已不在户") % {"name": member.name})
    if hired_on < workshop.recognised_on:
        reasons.append(_("入职日期不能早于车间认定日期"))
    if hired_on > timezone.localdate():
        reasons.append(_("入职日期不能晚于今天"))
    if WorkshopHire.objects.filter(workshop=workshop, member=member, left_on__isnull=True).exists():
        reasons.append(_("%(name)s已在本车间就业") % {"name": member.name})
    if reasons:
        raise DomainError(refusal_text(reasons), field="member")
    disabled = disabled_or_guardian or bool(member.disability_category)
    return WorkshopHire.objects.create(
        workshop=workshop, member=member, hired_on=hired_on, disabled_or_guardian=disabled
    )


@transaction.atomic
def hire_end(*, actor: User, hire: WorkshopHire, left_on: datetime.date) -> WorkshopHire:
    """The person left the workshop on ``left_on``."""
    hire = WorkshopHire.objects.select_for_update().select_related("workshop__area").get(pk=hire.pk)
    _require_workshop_right(actor, hire.workshop.area.code)
    if hire.left_on is not None:
        raise DomainError(_("此人已于 %(day)s 离职") % {"day": hire.left_on}, field="left_on")
    if left_on < hire.hired_on:
        raise DomainError(_("离职日期不能早于入职日期"), field="left_on")
    hire.left_on = left_on
    hire.save(update_fields=["left_on"])
    return hire


# ------------------------------------------------------------------------------------------------- subsidies


@transaction.atomic
def transport_subsidy_grant(
    *, actor: User, member: HouseholdMember, year: int, granted_on: datetime.date
) -> EmploymentSubsidy:
    """NR-EMP-01 (003 L660): the one-off transport subsidy of ``year`` from the member's record of that year — 200
    yuan cross-county within the region, 800 cross-province; at least 6 months away with a labour contract and
    social insurance; once per person per year."""
    _require_member_right(actor, member)
    _require_present_member_of_groups(member, granted_on)
    record = EmploymentRecord.objects.filter(member=member, year=year).first()
    if record is None:
        raise DomainError(_("请先登记此人 %(year)s 年的就业信息") % {"year": year}, field="year")
    code = _area_code(member)
    min_months = int(parameter("employment.transport_min_months", area_code=code, on=granted_on))
    failures = rules.transport_subsidy_failures(
        status=record.status,
        months=record.months_employed,
        labour_contract=record.labour_contract,
        social_insurance=record.social_insurance,
        min_months=min_months,
    )
    words = {
        rules.PLACE: _("就业地点应为区内跨县或跨省（当前：%(status)s）") % {"status": record.get_status_display()},
        rules.MONTHS: _("外出务工不足 %(min)s 个月（当前 %(months)s 个月）")
        % {"min": min_months, "months": record.months_employed},
        rules.CONTRACT: _("未签订劳动合同"),
        rules.INSURANCE: _("未缴纳社会保险"),
    }
    reasons = [words[f] for f in failures]
    if EmploymentSubsidy.objects.filter(member=member, kind=SubsidyKind.TRANSPORT, year=year).exists():
        reasons.append(_("%(year)s 年已享受过一次性交通补贴") % {"year": year})
    if reasons:
        raise DomainError(refusal_text(reasons), field="year")
    amounts = parameter("employment.transport_subsidy", area_code=code, on=granted_on)
    amount = rules.transport_subsidy_amount(record.status, amounts)
    assert amount is not None  # the place passed
    return EmploymentSubsidy.objects.create(
        kind=SubsidyKind.TRANSPORT,
        member=member,
        year=year,
        amount=amount,
        basis=_("%(status)s %(months)s 个月")
        % {"status": record.get_status_display(), "months": record.months_employed},
        granted_on=granted_on,
        recorded_by=actor,
    )


@transaction.atomic
def workshop_subsidy_grant(
    *, actor: User, workshop: Workshop, kind: str, granted_on: datetime.date
) -> EmploymentSubsidy:
    """NR-EMP-02 / NR-EMP-03: a workshop's one-off subsidy by the people (or disabled people) it employs on
    ``granted_on``, once per workshop and kind."""
    workshop = Workshop.objects.select_for_update().select_related("area").get(pk=workshop.pk)
    _require_workshop_right(actor, workshop.area.code)
    if kind in PERSON_SUBSIDIES:
        raise DomainError(_("交通补贴发给个人，不发给车间"), field="kind")
    people, disabled = selectors.hired_on_day(workshop, granted_on)
    amount = selectors.workshop_subsidy_due(workshop, kind, granted_on)
    reasons = []
    if amount is None:
        if kind == SubsidyKind.WORKSHOP:
            reasons.append(_("车间吸纳就业 %(n)s 人，未达到奖补人数") % {"n": people})
        else:
            reasons.append(_("车间吸纳残疾人（含重度残疾人监护人）%(n)s 人，未达到奖补人数") % {"n": disabled})
    if EmploymentSubsidy.objects.filter(workshop=workshop, kind=kind).exists():
        reasons.append(_("本车间已享受过此项一次性奖补"))
    if reasons:
        raise DomainError(refusal_text(reasons), field="kind")
    assert amount is not None
    basis = _("吸纳就业 %(people)s 人，其中残疾人 %(disabled)s 人") % {"people": people, "disabled": disabled}
    return EmploymentSubsidy.objects.create(
        kind=kind,
        workshop=workshop,
        year=granted_on.year,
        amount=amount,
        basis=basis,
        granted_on=granted_on,
        recorded_by=actor,
    )


@transaction.atomic
def subsidy_mark_paid(*, actor: User, subsidy: EmploymentSubsidy, paid_on: datetime.date) -> EmploymentSubsidy:
    """Records the day the subsidy was paid."""
    subsidy = (
        EmploymentSubsidy.objects.select_for_update(of=("self",))
        .select_related("member__household__managing_area", "workshop__area")
        .get(pk=subsidy.pk)
    )
    if subsidy.member is not None:
        _require_member_right(actor, subsidy.member)
    else:
        assert subsidy.workshop is not None
        _require_workshop_right(actor, subsidy.workshop.area.code)
    reasons = []
    if subsidy.paid_on is not None:
        reasons.append(_("此项补贴已于 %(day)s 发放") % {"day": subsidy.paid_on})
    if paid_on < subsidy.granted_on:
        reasons.append(_("发放日期不能早于核定日期"))
    if paid_on > timezone.localdate():
        reasons.append(_("发放日期不能晚于今天"))
    if reasons:
        raise DomainError(refusal_text(reasons), field="paid_on")
    subsidy.paid_on = paid_on
    subsidy.save(update_fields=["paid_on"])
    return subsidy
