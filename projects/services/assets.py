"""Project assets (扶贫项目资产, SPEC §10): registration when a project is accepted (登记造册), operation and custody
(运营管护), income and its distribution (收益分配). Each command is one transaction that re-checks the actor's right
inside the asset's place."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError, TransitionNotAllowed, required_text
from core.workflow import require
from geo.codes import AreaLevel, prefix_of, same_county
from geo.models import AdminArea
from households.models import Household
from projects import permissions, rules
from projects.choices import (
    AssetClass,
    AssetNature,
    AssetOwnerKind,
    AssetStatus,
    IncomeUse,
    OperatingMode,
    ProjectStatus,
)
from projects.models import AssetDistribution, AssetIncome, Project, ProjectAsset

# Assets are registered once the works are accepted, before the project is closed by the transfer (SPEC §8.3 P-12).
REGISTRABLE = frozenset({ProjectStatus.ACCEPTED, ProjectStatus.EVALUATED})


@dataclass(frozen=True)
class AssetInput:
    """What the asset register records (SPEC §10 ``ProjectAsset`` fields)."""

    name: str
    asset_class: str
    nature: str
    area: AdminArea
    owner_kind: str
    owner_name: str
    value: Decimal
    transferred_on: datetime.date
    custodian: str = ""
    operating_mode: str = ""
    operator: str = ""


def _validate(project: Project, data: AssetInput) -> None:
    required_text(data.name, "name", _("资产名称"))
    required_text(data.owner_name, "owner_name", _("所有权人"))
    if data.asset_class not in AssetClass.values:
        raise DomainError(_("请选择资产类别"), field="asset_class")
    if data.nature not in AssetNature.values:
        raise DomainError(_("请选择资产性质"), field="nature")
    if data.owner_kind not in AssetOwnerKind.values:
        raise DomainError(_("请选择所有权人类型"), field="owner_kind")
    if data.operating_mode and data.operating_mode not in OperatingMode.values:
        raise DomainError(_("经营方式不存在"), field="operating_mode")
    if data.area.level not in (AreaLevel.TOWNSHIP, AreaLevel.VILLAGE):
        raise DomainError(_("资产所在地须具体到乡镇或村"), field="area")
    if not same_county(data.area.code, project.area.code):
        raise DomainError(_("资产所在地须在项目所在县"), field="area")
    if data.value < 0:
        raise DomainError(_("资产价值不能为负数"), field="value")
    if data.transferred_on > timezone.localdate():
        raise DomainError(_("移交日期不能晚于今天"), field="transferred_on")
    if not rules.custodian_ok(public_welfare=data.nature == AssetNature.PUBLIC_WELFARE, custodian=data.custodian):
        raise DomainError(_("公益性资产须明确管护责任人（管护主体）"), field="custodian")
    if data.nature == AssetNature.OPERATING and not data.operating_mode:
        raise DomainError(_("经营性资产请填写经营方式（承包、托管、租赁、合作或独资）"), field="operating_mode")


@transaction.atomic
def asset_register(*, project: Project, actor: User, data: AssetInput) -> ProjectAsset:
    """登记造册 (004 L342–L348): an asset the accepted project formed, with its owner confirmed once."""
    # Lock the project: a registration racing the transfer (P-12), which ends registration, waits for it.
    project = Project.objects.select_for_update(of=("self",)).select_related("area").get(pk=project.pk)
    require(permissions.can_manage_assets(actor, project.area.code))
    if project.status not in REGISTRABLE:
        raise TransitionNotAllowed(
            _("项目当前为“%(status)s”，完工验收后方可登记资产") % {"status": project.get_status_display()}
        )
    _validate(project, data)
    # As for project codes: the asset code carries the pk, known only after the insert.
    asset = ProjectAsset.objects.create(
        project=project,
        code=f"TMP-{timezone.now().timestamp()}",
        name=data.name.strip(),
        asset_class=data.asset_class,
        nature=data.nature,
        area=data.area,
        owner_kind=data.owner_kind,
        owner_name=data.owner_name.strip(),
        custodian=data.custodian.strip(),
        operating_mode=data.operating_mode,
        operator=data.operator.strip(),
        value=data.value,
        transferred_on=data.transferred_on,
    )
    asset.code = f"ZC{project.year}{prefix_of(project.area.code, AreaLevel.COUNTY)}{asset.pk:05d}"
    asset.save(update_fields=["code"])
    return asset


def _lock_asset(asset: ProjectAsset, actor: User) -> ProjectAsset:
    asset = ProjectAsset.objects.select_for_update(of=("self",)).select_related("area").get(pk=asset.pk)
    require(permissions.can_manage_assets(actor, asset.area.code))
    return asset


@transaction.atomic
def asset_update_operation(
    *, asset: ProjectAsset, actor: User, status: str, custodian: str, operating_mode: str = "", operator: str = ""
) -> ProjectAsset:
    """运营管护: the asset's state (in use, idle, damaged, disposed), custodian and operator."""
    asset = _lock_asset(asset, actor)
    if asset.status == AssetStatus.DISPOSED:
        raise TransitionNotAllowed(_("资产已处置，不能再变更"))
    if status not in AssetStatus.values:
        raise DomainError(_("请选择资产状态"), field="status")
    if operating_mode and operating_mode not in OperatingMode.values:
        raise DomainError(_("经营方式不存在"), field="operating_mode")
    if not rules.custodian_ok(public_welfare=asset.nature == AssetNature.PUBLIC_WELFARE, custodian=custodian):
        raise DomainError(_("公益性资产须明确管护责任人（管护主体）"), field="custodian")
    asset.status = status
    asset.custodian = custodian.strip()
    asset.operating_mode = operating_mode
    asset.operator = operator.strip()
    asset.save(update_fields=["status", "custodian", "operating_mode", "operator"])
    return asset


@transaction.atomic
def income_record(
    *, asset: ProjectAsset, actor: User, period: str, amount: Decimal, received_on: datetime.date
) -> AssetIncome:
    """资产收益: income an asset earned in a period (e.g. "2026" or "2026-H1")."""
    asset = _lock_asset(asset, actor)
    if asset.status == AssetStatus.DISPOSED:
        raise TransitionNotAllowed(_("资产已处置，不能再登记收益"))
    if amount <= 0:
        raise DomainError(_("收益金额须大于 0"), field="amount")
    if received_on > timezone.localdate():
        raise DomainError(_("到账日期不能晚于今天"), field="received_on")
    return AssetIncome.objects.create(
        asset=asset, period=required_text(period, "period", _("收益期间")), amount=amount, received_on=received_on
    )


def undistributed(income: AssetIncome) -> Decimal:
    used = income.uses.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return income.amount - used


@transaction.atomic
def distribution_record(
    *,
    income: AssetIncome,
    actor: User,
    use: str,
    amount: Decimal,
    paid_on: datetime.date,
    household: Household | None = None,
    labour_based: bool = False,
    note: str = "",
) -> AssetDistribution:
    """收益分配 (004 L348): a use of an income, never more than what is left of it. Payments to a household must be
    paid labour (NR-ASSET-01, "严禁简单发钱发物"); anything else is refused with the rule named."""
    # Lock the income before reading what is left of it: two distributions at once cannot spend it twice.
    income = AssetIncome.objects.select_for_update(of=("self",)).select_related("asset__area").get(pk=income.pk)
    require(permissions.can_manage_assets(actor, income.asset.area.code))
    if use not in IncomeUse.values:
        raise DomainError(_("请选择收益用途"), field="use")
    if amount <= 0:
        raise DomainError(_("分配金额须大于 0"), field="amount")
    if paid_on < income.received_on:
        raise DomainError(_("发放日期不能早于收益到账日期"), field="paid_on")
    if paid_on > timezone.localdate():
        raise DomainError(_("发放日期不能晚于今天"), field="paid_on")
    left = undistributed(income)
    if amount > left:
        raise DomainError(_("分配金额超过该笔收益的未分配余额 %(left)s 元") % {"left": left}, field="amount")
    if household is not None:
        require(Household.objects.visible_to(actor).filter(pk=household.pk).exists())
        if not same_county(household.managing_area.code, income.asset.area.code):
            raise DomainError(_("受益农户须在资产所在县"), field="household")
    if not rules.distribution_labour_ok(to_household=household is not None, labour_based=labour_based):
        raise DomainError(
            _("收益分配到户须通过设置公益岗位、参加村内项目建设等劳动报酬方式发放，严禁简单发钱发物"),
            field="labour_based",
        )
    return AssetDistribution.objects.create(
        income=income,
        use=use,
        household=household,
        amount=amount,
        paid_on=paid_on,
        labour_based=labour_based,
        note=note.strip(),
    )
