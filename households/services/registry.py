"""Household and member writes (SPEC §2). Nothing is hard-deleted: households close, members leave (§2.6)."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can_edit_households, can_view_identity
from accounts.roles import Capability
from core.errors import DomainError
from geo.codes import AreaLevel
from geo.models import AdminArea
from households import idnumbers
from households.choices import (
    ClosedReason,
    Gender,
    HealthStatus,
    HouseholdFlagKind,
    LabourCapacity,
    MemberStatus,
    Relationship,
    SchoolingStatus,
)
from households.facts import facts_refresh_households
from households.models import Household, HouseholdFlag, HouseholdMember, IdentityDisclosure
from households.services.access import require_household, require_open

# Sent (``household=``, ``actor=``) inside the transaction of ``household_close``, after the household is closed and
# before its facts are refreshed: the monitoring episode and the open cases of the household belong to the apps
# above this one, which end them in the same transaction (SPEC §4.11 ``closed_other``).
household_closed = Signal()

# Fields a household edit may change; identity and jurisdiction fields change through their own services.
HOUSEHOLD_EDITABLE = frozenset(
    {
        "address",
        "phone",
        "bank_name",
        "bank_account",
        "account_holder_name",
        "registered_poor_since",
        "exit_year",
        "destitute_mode",
        "relocation_batch",
        "resettlement_site",
        "migrant_type",
        "hukou_moved",
        "has_residence_permit",
        "land_rights_confirmed",
        "contracted_land_mu",
        "forest_land_mu",
        "housing_safety",
        "housing_remedy",
        "water_supply_type",
        "toilet_type",
        "cooperative_member",
        "consent_authorized_at",
        "consent_channel",
        "relatives_well_off_note",
        "dishonest_listed",
        "dishonest_listed_on",
        "dishonest_reason",
        "hukou_area_text",
    }
)
# Fields a member edit may change; the ID number fixes name-independent identity (sex, birth date).
MEMBER_EDITABLE_FIELDS = (  # in the order the member form shows them
    "name",
    "relationship",
    "ethnicity",
    "counts_in_household",
    "education_level",
    "schooling_status",
    "school_name",
    "health_status",
    "illness_confirmed_by_institution",
    "chronic_conditions",
    "in_37_disease_scheme",
    "disability_category",
    "disability_grade",
    "disability_certificate_no",
    "self_care",
    "labour_capacity",
    "is_main_labourer",
    "employment_status",
    "employment_place",
    "employment_months_this_year",
    "labour_contract",
    "social_insurance_paid",
    "employment_difficulty",
    "skills_certificate",
    "medical_insurance_enrolled",
    "medical_premium_subsidy",
    "critical_illness_insurance",
    "medical_assistance_eligible",
    "pension_enrolled",
    "pension_grade",
    "pension_paid_by_government",
    "anti_poverty_insurance_year",
    "is_post_school_youth",
    "child_status",
    "left_behind",
)
MEMBER_EDITABLE = frozenset(MEMBER_EDITABLE_FIELDS)


@dataclass
class MemberInput:
    name: str
    id_number: str
    relationship: str
    labour_capacity: str = LabourCapacity.ORDINARY
    schooling_status: str = SchoolingStatus.LEFT_SCHOOL
    health_status: str = HealthStatus.HEALTHY
    ethnicity: str = "汉族"
    extra: dict[str, Any] = field(default_factory=dict)


def _member_from_input(data: MemberInput, *, household: Household, position: int | None = None) -> HouseholdMember:
    label = _("第 %(position)s 名成员") % {"position": position} if position else _("成员")
    if not data.name.strip():
        raise DomainError(_("%(label)s：姓名不能为空") % {"label": label}, field="name")
    try:
        facts = idnumbers.parse(data.id_number)
    except idnumbers.IdNumberError as exc:
        raise DomainError(
            _("%(label)s（%(name)s）：%(problem)s")
            % {"label": label, "name": data.name, "problem": exc.message.shown()},
            field="id_number",
        ) from exc
    for value, choices, name in (
        (data.relationship, Relationship, _("与户主关系")),
        (data.labour_capacity, LabourCapacity, _("劳动能力")),
        (data.schooling_status, SchoolingStatus, _("在校生状况")),
        (data.health_status, HealthStatus, _("健康状况")),
    ):
        if value not in choices.values:
            raise DomainError(
                _("%(label)s（%(name)s）：%(name2)s“%(value)s”不在可选范围内")
                % {"label": label, "name": data.name, "name2": name, "value": value},
                field=name,
            )
    unknown = set(data.extra) - MEMBER_EDITABLE
    if unknown:
        raise DomainError(_("不能直接设置字段：%(join)s") % {"join": "、".join(sorted(unknown))}, field="extra")
    return HouseholdMember(
        household=household,
        name=data.name.strip(),
        id_number=idnumbers.normalize(data.id_number),
        gender=Gender.MALE if facts.is_male else Gender.FEMALE,
        birth_date=facts.birth_date,
        ethnicity=data.ethnicity,
        relationship=data.relationship,
        labour_capacity=data.labour_capacity,
        schooling_status=data.schooling_status,
        health_status=data.health_status,
        **data.extra,
    )


def _check_member(member: HouseholdMember) -> None:
    """Field-level rules a form cannot see alone (SPEC §2.2)."""
    if member.disability_grade is not None and not member.disability_category:
        raise DomainError(
            _("%(name)s：填写残疾等级时须同时选择残疾类别") % {"name": member.name}, field="disability_category"
        )
    if member.health_status == HealthStatus.DISABLED and member.disability_grade is None:
        raise DomainError(
            _("%(name)s：健康状况为残疾时须填写残疾等级（1–4 级）") % {"name": member.name}, field="disability_grade"
        )
    if member.employment_months_this_year and not member.employment_status:
        raise DomainError(
            _("%(name)s：填写务工月数时须选择就业状况") % {"name": member.name}, field="employment_status"
        )


def _check_id_free(id_number: str, *, except_member: HouseholdMember | None = None) -> None:
    taken = HouseholdMember.objects.filter(id_number=id_number, member_status=MemberStatus.PRESENT)
    if except_member is not None:
        taken = taken.exclude(pk=except_member.pk)
    other = taken.select_related("household").first()
    if other is not None:
        raise DomainError(
            _("身份证号 %(id_number)s 已在户 %(household_no)s（%(head_name)s）登记为在户成员，请先办理迁出")
            % {
                "id_number": id_number,
                "household_no": other.household.household_no,
                "head_name": other.household.head_name,
            },
            field="id_number",
        )


@transaction.atomic
def household_register(
    *,
    actor: User,
    household_no: str,
    residence_area: AdminArea,
    members: list[MemberInput],
    hukou_area: AdminArea | None = None,
    hukou_area_text: str = "",
    address: str = "",
    phone: str = "",
    flags: list[tuple[str, datetime.date]] | None = None,
) -> Household:
    """Register a household with its members (SPEC §2.1, §2.2, §2.6). The managing area is the residence; a
    different hukou village in the system becomes the co-managing area (dual management, SPEC §1.5)."""
    if not can_edit_households(actor):
        raise PermissionDenied
    if not AdminArea.objects.visible_to(actor).filter(pk=residence_area.pk).exists():
        raise PermissionDenied
    if residence_area.level not in (AreaLevel.VILLAGE, AreaLevel.GROUP):
        raise DomainError(
            _("居住地须为村或村民小组，“%(name)s”是%(level)s")
            % {"name": residence_area.name, "level": residence_area.get_level_display()},
            field="residence_area",
        )
    if not residence_area.is_active:
        raise DomainError(_("“%(name)s”已停用，请选择现行区划") % {"name": residence_area.name}, field="residence_area")
    household_no = household_no.strip()
    if not household_no:
        raise DomainError(_("户编号不能为空"), field="household_no")
    if Household.objects.filter(household_no=household_no).exists():
        raise DomainError(_("户编号“%(household_no)s”已存在") % {"household_no": household_no}, field="household_no")
    _check_phone(phone)
    heads = [m for m in members if m.relationship == Relationship.HEAD]
    if len(heads) != 1:
        raise DomainError(_("每户须有且只有一名户主，当前为 %(len)s 名") % {"len": len(heads)}, field="members")
    numbers = [idnumbers.normalize(m.id_number) for m in members]
    duplicated = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicated:
        raise DomainError(_("同一户内身份证号重复：%(join)s") % {"join": "、".join(duplicated)}, field="id_number")
    household = Household.objects.create(
        household_no=household_no,
        managing_area=residence_area,
        residence_area=residence_area,
        hukou_area=hukou_area,
        hukou_area_text=hukou_area_text.strip(),
        co_managing_area=hukou_area if hukou_area is not None and hukou_area.pk != residence_area.pk else None,
        head_name=heads[0].name.strip(),
        address=address,
        phone=phone,
    )
    for position, data in enumerate(members, start=1):
        member = _member_from_input(data, household=household, position=position)
        _check_member(member)
        _check_id_free(member.id_number)
        member.save()
        if member.relationship == Relationship.HEAD:
            household.head = member
    household.save(update_fields=["head", "updated_at"])
    for kind, valid_from in flags or []:
        household_flag_set(actor=actor, household=household, kind=kind, valid_from=valid_from)
    facts_refresh_households([household.pk])
    return household


def _check_phone(phone: str) -> None:
    if phone and not (phone.isdigit() and (len(phone) == 11 or 7 <= len(phone) <= 12)):
        raise DomainError(_("联系电话“%(phone)s”格式不正确：手机号应为 11 位数字") % {"phone": phone}, field="phone")


@transaction.atomic
def household_update(*, actor: User, household: Household, changes: dict[str, Any], reason: str = "") -> Household:
    """Edit the registry fields of a household; who and when are recorded by django-simple-history."""
    require_household(actor, household, Capability.EDIT_HOUSEHOLD)
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_open(household)
    unknown = set(changes) - HOUSEHOLD_EDITABLE
    if unknown:
        raise DomainError(_("不能在此修改：%(join)s") % {"join": "、".join(sorted(unknown))}, field=sorted(unknown)[0])
    if "phone" in changes:
        _check_phone(changes["phone"])
    if changes.get("dishonest_listed") and not (changes.get("dishonest_listed_on") or household.dishonest_listed_on):
        raise DomainError(_("列入失信名单时须填写列入日期"), field="dishonest_listed_on")
    changed = [name for name, value in changes.items() if getattr(household, name) != value]
    if not changed:
        return household
    for name in changed:
        setattr(household, name, changes[name])
    household._change_reason = reason or "修改农户信息"  # type: ignore[attr-defined]
    household.save(update_fields=[*changed, "updated_at"])
    facts_refresh_households([household.pk])
    return household


@transaction.atomic
def member_add(*, actor: User, household: Household, data: MemberInput) -> HouseholdMember:
    """A new member (birth, marriage, return); the ID number must not be present in another household."""
    require_household(actor, household, Capability.EDIT_HOUSEHOLD)
    require_open(household)
    if data.relationship == Relationship.HEAD:
        raise DomainError(_("已有户主：新增成员不能登记为户主，如需变更户主请编辑现户主"), field="relationship")
    member = _member_from_input(data, household=household)
    _check_member(member)
    _check_id_free(member.id_number)
    member.save()
    facts_refresh_households([household.pk])
    return member


@transaction.atomic
def member_update(*, actor: User, member: HouseholdMember, changes: dict[str, Any]) -> HouseholdMember:
    require_household(actor, member.household, Capability.EDIT_HOUSEHOLD)
    require_open(member.household)
    member = HouseholdMember.objects.select_for_update().get(pk=member.pk)
    unknown = set(changes) - MEMBER_EDITABLE
    if unknown:
        raise DomainError(_("不能在此修改：%(join)s") % {"join": "、".join(sorted(unknown))}, field=sorted(unknown)[0])
    relationship = changes.get("relationship", member.relationship)
    if (relationship == Relationship.HEAD) != (member.relationship == Relationship.HEAD):
        raise DomainError(_("户主不能在此变更，请使用“变更户主”"), field="relationship")
    changed = [name for name, value in changes.items() if getattr(member, name) != value]
    for name in changed:
        setattr(member, name, changes[name])
    _check_member(member)
    if changed:
        member.save(update_fields=changed)
        if "name" in changed and member.relationship == Relationship.HEAD:
            household = Household.objects.select_for_update().get(pk=member.household_id)
            household.head_name = member.name
            household.save(update_fields=["head_name", "updated_at"])
        facts_refresh_households([member.household_id])
    return member


@transaction.atomic
def member_leave(
    *, actor: User, member: HouseholdMember, status: str, on: datetime.date, new_head: HouseholdMember | None = None
) -> HouseholdMember:
    """A member leaves (death, moving out, marriage, service, prison) with a date; the row stays (SPEC §2.6).
    When the head leaves, another present member becomes head in the same step."""
    require_household(actor, member.household, Capability.EDIT_HOUSEHOLD)
    member = HouseholdMember.objects.select_for_update().select_related("household").get(pk=member.pk)
    household = member.household
    require_open(household)
    if status not in MemberStatus.values or status == MemberStatus.PRESENT:
        raise DomainError(_("请选择离户原因（死亡、迁出、嫁出、服兵役、服刑）"), field="member_status")
    if member.member_status != MemberStatus.PRESENT:
        raise DomainError(_("%(name)s已不是在户成员") % {"name": member.name}, field="member_status")
    if on > timezone.localdate():
        raise DomainError(_("变更日期不能晚于今天"), field="status_changed_on")
    if on < member.birth_date:
        raise DomainError(_("变更日期不能早于出生日期"), field="status_changed_on")
    others = household.members.filter(member_status=MemberStatus.PRESENT).exclude(pk=member.pk)
    if member.relationship == Relationship.HEAD:
        if not others.exists():
            raise DomainError(_("这是该户最后一名在户成员：请注销整户，而不是办理成员离户"), field="member_status")
        if new_head is None or not others.filter(pk=new_head.pk).exists():
            raise DomainError(_("户主离户时须指定一名在户成员为新户主"), field="new_head")
    member.member_status = status
    member.status_changed_on = on
    member.counts_in_household = False
    if member.relationship == Relationship.HEAD and new_head is not None:
        member.relationship = Relationship.OTHER
        member.save(update_fields=["member_status", "status_changed_on", "counts_in_household", "relationship"])
        head = HouseholdMember.objects.select_for_update().get(pk=new_head.pk)
        head.relationship = Relationship.HEAD
        head.save(update_fields=["relationship"])
        household.head = head
        household.head_name = head.name
        household._change_reason = f"原户主{member.name}{member.get_member_status_display()}，变更户主"  # type: ignore[attr-defined]
        household.save(update_fields=["head", "head_name", "updated_at"])
    else:
        member.save(update_fields=["member_status", "status_changed_on", "counts_in_household"])
    facts_refresh_households([household.pk])
    return member


@transaction.atomic
def household_change_head(*, actor: User, household: Household, new_head: HouseholdMember, reason: str) -> Household:
    """Another present member becomes head; the former head stays a member with relationship "other" until
    edited (SPEC §2.6: one head per household, a present member)."""
    require_household(actor, household, Capability.EDIT_HOUSEHOLD)
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_open(household)
    head = HouseholdMember.objects.select_for_update().get(pk=new_head.pk)
    if head.household_id != household.pk or head.member_status != MemberStatus.PRESENT:
        raise DomainError(_("新户主须为本户在户成员"), field="new_head")
    if head.pk == household.head_id:
        return household
    if not reason.strip():
        raise DomainError(_("请填写变更户主的原因"), field="reason")
    if household.head_id is not None:  # saved one by one so django-simple-history records both changes
        former = HouseholdMember.objects.select_for_update().get(pk=household.head_id)
        former.relationship = Relationship.OTHER
        former.save(update_fields=["relationship"])
    head.relationship = Relationship.HEAD
    head.save(update_fields=["relationship"])
    household.head = head
    household.head_name = head.name
    household._change_reason = f"变更户主：{reason.strip()}"  # type: ignore[attr-defined]
    household.save(update_fields=["head", "head_name", "updated_at"])
    facts_refresh_households([household.pk])
    return household


@transaction.atomic
def household_close(*, actor: User, household: Household, reason: str, on: datetime.date) -> Household:
    """The household leaves the registry with a reason and a date; it and its history stay (SPEC §2.6). Its open
    monitoring episode and cases end with it (``household_closed``, SPEC §4.11)."""
    require_household(actor, household, Capability.EDIT_HOUSEHOLD)
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_open(household)
    if reason not in ClosedReason.values:
        raise DomainError(_("请选择注销原因"), field="closed_reason")
    if on > timezone.localdate():
        raise DomainError(_("注销日期不能晚于今天"), field="closed_on")
    household.closed_on = on
    household.closed_reason = reason
    household._change_reason = f"注销：{ClosedReason(reason).label}"  # type: ignore[attr-defined]
    household.save(update_fields=["closed_on", "closed_reason", "updated_at"])
    HouseholdFlag.objects.filter(household=household, valid_to__isnull=True).update(valid_to=on)
    household_closed.send(sender=household_close, household=household, actor=actor)
    facts_refresh_households([household.pk])
    return household


@transaction.atomic
def household_flag_set(
    *, actor: User, household: Household, kind: str, valid_from: datetime.date, note: str = ""
) -> HouseholdFlag:
    """Open a flag (SPEC §2.4); opening one that is already open is refused rather than duplicated."""
    require_household(actor, household, Capability.EDIT_HOUSEHOLD)
    require_open(household)
    if kind not in HouseholdFlagKind.values:
        raise DomainError(_("标识“%(kind)s”不存在") % {"kind": kind}, field="kind")
    if kind == HouseholdFlagKind.RETURNED_TO_POVERTY:  # SPEC §4.10: a decision of the county, not a hand-set flag
        raise DomainError(_("返贫致贫户由县级批准纳入监测时认定，不能手工设置"), field="kind")
    if HouseholdFlag.objects.filter(household=household, kind=kind, valid_to__isnull=True).exists():
        raise DomainError(_("该户已有有效的“%(label)s”标识") % {"label": HouseholdFlagKind(kind).label}, field="kind")
    if valid_from > timezone.localdate():
        raise DomainError(_("起始日期不能晚于今天"), field="valid_from")
    flag = HouseholdFlag.objects.create(household=household, kind=kind, valid_from=valid_from, note=note)
    facts_refresh_households([household.pk])
    return flag


@transaction.atomic
def household_flag_end(*, actor: User, flag: HouseholdFlag, valid_to: datetime.date) -> HouseholdFlag:
    require_household(actor, flag.household, Capability.EDIT_HOUSEHOLD)
    flag = HouseholdFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.valid_to is not None:
        raise DomainError(
            _("“%(kind)s”标识已于 %(valid_to)s 终止") % {"kind": flag.get_kind_display(), "valid_to": flag.valid_to},
            field="valid_to",
        )
    if valid_to < flag.valid_from:
        raise DomainError(_("终止日期不能早于起始日期"), field="valid_to")
    flag.valid_to = valid_to
    flag.save(update_fields=["valid_to"])
    facts_refresh_households([flag.household_id])
    return flag


def identity_disclose(*, user: User, household: Household, channel: str) -> bool:
    """Whether the user sees full ID and phone numbers of this (visible) household; a True answer is audited
    (SPEC §1.3 scoping rule 4)."""
    if not can_view_identity(user):
        return False
    IdentityDisclosure.objects.create(user=user, household=household, channel=channel)
    return True
