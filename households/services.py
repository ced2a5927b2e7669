"""Writes to the registry (STYLE rule 1). Every write is atomic and names the bad field in Chinese."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.permissions import can_edit_households, can_view_identity
from geo.codes import AreaLevel
from geo.models import AdminArea
from households import idnumbers
from households.choices import Gender, HealthStatus, LabourCapacity, MemberStatus, Relationship, SchoolingStatus
from households.models import Household, HouseholdMember, IdentityDisclosure
from revitalization.errors import DomainError


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


def _member_from_input(data: MemberInput, *, household: Household, position: int) -> HouseholdMember:
    label = f"第 {position} 名成员"
    if not data.name.strip():
        raise DomainError(f"{label}：姓名不能为空", field="name")
    try:
        facts = idnumbers.parse(data.id_number)
    except idnumbers.IdNumberError as exc:
        raise DomainError(f"{label}（{data.name}）：{exc}", field="id_number") from exc
    for value, choices, name in (
        (data.relationship, Relationship, "与户主关系"),
        (data.labour_capacity, LabourCapacity, "劳动能力"),
        (data.schooling_status, SchoolingStatus, "在校生状况"),
        (data.health_status, HealthStatus, "健康状况"),
    ):
        if value not in choices.values:
            raise DomainError(f"{label}（{data.name}）：{name}“{value}”不在可选范围内", field=name)
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


@transaction.atomic
def household_register(
    *,
    actor: Any,
    household_no: str,
    residence_area: AdminArea,
    members: list[MemberInput],
    hukou_area: AdminArea | None = None,
    hukou_area_text: str = "",
    address: str = "",
    phone: str = "",
) -> Household:
    """Register a household with its members (SPEC §2.1, §2.2, §2.6). The managing area is the residence; a
    different hukou village in the system becomes the co-managing area (dual management, SPEC §1.5)."""
    if not can_edit_households(actor):
        raise PermissionDenied
    if not AdminArea.objects.visible_to(actor).filter(pk=residence_area.pk).exists():
        raise PermissionDenied
    if residence_area.level not in (AreaLevel.VILLAGE, AreaLevel.GROUP):
        raise DomainError(
            f"居住地须为村或村民小组，“{residence_area.name}”是{residence_area.get_level_display()}",
            field="residence_area",
        )
    household_no = household_no.strip()
    if not household_no:
        raise DomainError("户编号不能为空", field="household_no")
    if Household.objects.filter(household_no=household_no).exists():
        raise DomainError(f"户编号“{household_no}”已存在", field="household_no")
    heads = [m for m in members if m.relationship == Relationship.HEAD]
    if len(heads) != 1:
        raise DomainError(f"每户须有且只有一名户主，当前为 {len(heads)} 名", field="members")
    numbers = [idnumbers.normalize(m.id_number) for m in members]
    duplicated = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicated:
        raise DomainError(f"同一户内身份证号重复：{'、'.join(duplicated)}", field="id_number")
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
    built = [_member_from_input(m, household=household, position=i) for i, m in enumerate(members, start=1)]
    taken = set(
        HouseholdMember.objects.filter(
            id_number__in=[m.id_number for m in built], member_status=MemberStatus.PRESENT
        ).values_list("id_number", flat=True)
    )
    if taken:
        raise DomainError(f"身份证号已在其他农户中登记：{'、'.join(sorted(taken))}", field="id_number")
    for member in built:
        member.save()
        if member.relationship == Relationship.HEAD:
            household.head = member
    household.save(update_fields=["head", "updated_at"])
    return household


def identity_disclose(*, user: Any, household: Household, channel: str) -> bool:
    """Whether the user sees full ID and phone numbers of this (visible) household; a True answer is audited
    (SPEC §1.3 scoping rule 4)."""
    if not can_view_identity(user):
        return False
    IdentityDisclosure.objects.create(user=user, household=household, channel=channel)
    return True


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
