"""The employment assistance ledger (就业帮扶台账, L-11, SPEC §13.1, §11.3): one row per person and year of the three
groups' employment records — who (ID masked unless the role may see it), which group, labour capacity, where and how
long they worked, contract and social insurance, training, certificate, post, subsidies, wish to work and to train."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Capability
from employment.choices import EmploymentStatus, ServiceKind, TargetGroup
from employment.facts import target_groups
from employment.models import EmploymentRecord, EmploymentService
from ledgers.base import Context, LedgerDef
from ledgers.catalogue.cells import YES_NO, C, K, attr, id_number, labels, place, shown, total


def _records(user: User) -> QuerySet[EmploymentRecord]:
    trainings = EmploymentService.objects.filter(kind=ServiceKind.TRAINING)
    return (
        EmploymentRecord.objects.visible_to(user)
        .select_related("member__household__managing_area__parent")
        .prefetch_related(
            "member__household__flags", "member__household__monitoring_subjects", "member__employment_subsidies"
        )
        .prefetch_related(Prefetch("member__employment_services", queryset=trainings, to_attr="trainings"))
    )


def _groups(r: EmploymentRecord, ctx: Context) -> str:
    household = r.member.household
    groups = target_groups(household.flags.all(), household.monitoring_subjects.all(), r.recorded_on)
    return labels([g for g in TargetGroup.values if g in groups], TargetGroup.choices)


def _trainings(r: EmploymentRecord, ctx: Context) -> int:
    return sum(1 for s in getattr(r.member, "trainings", ()) if s.served_on.year == r.year)


def _subsidies(r: EmploymentRecord, ctx: Context) -> Decimal:
    return total(s for s in r.member.employment_subsidies.all() if s.year == r.year)


EMPLOYMENT = LedgerDef(
    code="L-11",
    title=_("就业帮扶台账"),
    basis="SPEC §13.1 L-11; §11.3; 003 L362, L662; 001 L236, L360; 000 L257",
    capability=Capability.VIEW_PROGRAMMES,
    columns=(
        *place(lambda r: r.member.household.managing_area),
        attr("户编号", 16, "member.household.household_no", K.ID),
        attr("姓名", 10, "member.name"),
        id_number("身份证号", lambda r: r.member.id_number),
        C("人员类别", 16, value=_groups),
        shown("劳动能力", 14, "labour_capacity", of=lambda r: r.member),
        attr("年度", 6, "year"),
        shown("就业状态", 14, "status"),
        attr("就业地点", 18, "place"),
        attr("就业单位（岗位）", 18, "employer"),
        attr("务工月数", 8, "months_employed", K.DAYS),  # whole and never totalled, like days
        C("劳动合同", 8, value=lambda r, ctx: YES_NO[r.labour_contract]),
        C("社会保险", 8, value=lambda r, ctx: YES_NO[r.social_insurance]),
        C("稳定就业", 8, value=lambda r, ctx: YES_NO[r.stably_employed]),
        C("参加培训（次）", 8, K.INT, value=_trainings),
        attr("掌握技能", 14, "skills"),
        attr("技能证书", 14, "certificate"),
        C("享受补贴（元）", 12, K.MONEY, value=_subsidies),
        C("就业意愿", 8, value=lambda r, ctx: YES_NO[r.wish_to_work]),
        C("培训意愿", 8, value=lambda r, ctx: YES_NO[r.wish_to_train]),
        attr("信息日期", 12, "recorded_on", K.DATE),
    ),
    queryset=_records,
    area_path="member__household__managing_area__code",
    date_path="recorded_on",
    categories=EmploymentStatus.choices,
    category_path="status",
    order=("member__household__household_no", "member_id", "year"),
    stock=True,
    unit="人",
)
