"""Recording linkage funds (SPEC §9): a batch issued to the county, its allocation to library projects, payments
against an allocation. Each command is one transaction that locks the row it draws on, so two clerks cannot spend the
same yuan twice; every amount is Decimal to the fen and checked exactly (no floats)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError, required_text
from core.workflow import require
from funds import permissions, rules
from funds.choices import FundCategory, FundLevel, FundUse
from funds.models import Disbursement, FundAllocation, FundBatch
from geo.codes import AreaLevel, same_county
from geo.models import AdminArea
from projects.choices import FUNDABLE_STATUSES, LIBRARY_ONLY_SOURCES, PAYABLE_STATUSES, FundingSource
from projects.models import Project

CENT = Decimal("0.01")


def _money(value: Decimal, field: str, label: str) -> Decimal:
    # Refused, not rounded: the amount must match the document or voucher to the fen.
    if value != value.quantize(CENT):
        raise DomainError(_("%(label)s最多保留两位小数（分）") % {"label": label}, field=field)
    if value <= 0:
        raise DomainError(_("%(label)s须大于 0") % {"label": label}, field=field)
    return value


@dataclass(frozen=True)
class BatchInput:
    county: AdminArea
    year: int
    level: str
    source: str
    category: str
    document_no: str
    amount: Decimal
    issued_on: datetime.date
    industry_share_required: Decimal | None = None
    fee_withheld: Decimal = Decimal(0)


@transaction.atomic
def batch_register(*, actor: User, data: BatchInput) -> FundBatch:
    """资金下达 (SPEC §9.1, §9.2): money issued to a county by a document."""
    require(permissions.can_record_funds(actor, data.county.code))
    if data.county.level != AreaLevel.COUNTY:
        raise DomainError(_("资金下达到县（区）"), field="county")
    if data.level not in FundLevel.values:
        raise DomainError(_("请选择下达层级"), field="level")
    if data.source not in FundingSource.values:
        raise DomainError(_("请选择资金来源"), field="source")
    if data.category not in FundCategory.values:
        raise DomainError(_("请选择资金类别"), field="category")
    document_no = required_text(data.document_no, "document_no", _("资金文号"))
    amount = _money(data.amount, "amount", "下达金额")
    # 2021 opens the transition period (NR-POL-01); next year's money may be issued before the year starts (提前下达).
    if not 2021 <= data.year <= timezone.localdate().year + 1:
        raise DomainError(_("资金年度 %(year)s 不合理") % {"year": data.year}, field="year")
    if data.issued_on > timezone.localdate():
        raise DomainError(_("下达日期不能晚于今天"), field="issued_on")
    required = data.industry_share_required
    if required is not None and not Decimal(0) <= required <= Decimal(100):
        raise DomainError(_("文件要求的产业资金占比应在 0 到 100 之间"), field="industry_share_required")
    if data.fee_withheld < 0:
        raise DomainError(_("提取的管理费不能为负数"), field="fee_withheld")
    # NR-FUND-05 binds the city only: the SPEC caps nothing the central or regional level withholds.
    if data.level == FundLevel.CITY and not rules.management_fee_ok(
        data.fee_withheld, amount, max_pct=Decimal(0), level=FundLevel.CITY
    ):
        raise DomainError(_("市级不得从分配到县的衔接资金中提取项目管理费（NR-FUND-05）"), field="fee_withheld")
    # funds_one_batch_per_document is the guard; this turns a duplicate into a field message, not an IntegrityError.
    if FundBatch.objects.filter(county=data.county, document_no=document_no, source=data.source).exists():
        raise DomainError(
            _("文号“%(document_no)s”的%(label)s已登记")
            % {"document_no": document_no, "label": FundingSource(data.source).label},
            field="document_no",
        )
    return FundBatch.objects.create(
        county=data.county,
        year=data.year,
        level=data.level,
        source=data.source,
        category=data.category,
        document_no=document_no,
        amount=amount,
        issued_on=data.issued_on,
        industry_share_required=required,
        fee_withheld=data.fee_withheld,
        created_by=actor,
    )


# Summed in Python over Decimal, not SQL SUM: SQLite's numeric is inexact and overspending is checked to the fen.
def allocated_total(batch: FundBatch) -> Decimal:
    return sum(batch.allocations.values_list("amount", flat=True), Decimal(0))


def paid_total(allocation: FundAllocation) -> Decimal:
    return sum(allocation.disbursements.values_list("amount", flat=True), Decimal(0))


@transaction.atomic
def allocation_create(
    *,
    actor: User,
    batch: FundBatch,
    project: Project,
    use: str,
    amount: Decimal,
    allocated_on: datetime.date,
    document_no: str = "",
) -> FundAllocation:
    """资金分配: money of a batch to a project for one use. Refused: a project not in the library for the sources that
    pay library projects only (NR-PRJ-02, "项目先入库再立项实施"), a banned use (NR-FUND-01), a banned project type
    (NR-PRJ-04), more than the batch has left."""
    # Lock the batch before anything reads its balance: a second clerk allocating from it waits here, then sees the
    # first allocation in the total. ``of=self`` leaves the county row (joined for the check) unlocked.
    batch = FundBatch.objects.select_for_update(of=("self",)).select_related("county").get(pk=batch.pk)
    require(permissions.can_record_funds(actor, batch.county.code))
    project = Project.objects.select_related("area", "category").get(pk=project.pk)
    # A batch is issued to one county (资金下达): it cannot pay another county's project, even one the actor sees.
    if not same_county(project.area.code, batch.county.code):
        raise DomainError(_("资金只能分配给本县的项目"), field="project")
    # NR-PRJ-02 binds only the sources it names; social money, for one, may pay a project not in the library yet.
    if batch.source in LIBRARY_ONLY_SOURCES and project.status not in FUNDABLE_STATUSES:
        raise DomainError(
            _("项目“%(name)s”尚未入库（当前：%(status)s），不得安排%(label)s（项目先入库再立项实施，NR-PRJ-02）")
            % {
                "name": project.name,
                "status": project.get_status_display(),
                "label": FundingSource(batch.source).label,
            },
            field="project",
        )
    # Checked again although entry refuses banned types: an administrator may ban a class after its projects
    # entered the library, and NR-PRJ-04 bars funding as well as entry.
    if project.category.banned:
        raise DomainError(
            _("“%(name)s”属于禁止安排资金的项目类型（NR-PRJ-04）") % {"name": project.category.name}, field="project"
        )
    if use not in FundUse.values:
        raise DomainError(_("请选择资金用途"), field="use")
    if not rules.use_allowed(use, document_no=document_no):
        if use in rules.BANNED_USES:
            raise DomainError(
                _("衔接资金不得用于“%(label)s”（NR-FUND-01）") % {"label": FundUse(use).label}, field="use"
            )
        raise DomainError(_("偿还“十三五”易地扶贫搬迁债务须填写依据文件文号"), field="document_no")
    amount = _money(amount, "amount", "分配金额")
    if allocated_on < batch.issued_on:
        raise DomainError(_("分配日期不能早于资金下达日期"), field="allocated_on")
    if allocated_on > timezone.localdate():
        raise DomainError(_("分配日期不能晚于今天"), field="allocated_on")
    left = batch.amount - allocated_total(batch)
    if amount > left:
        raise DomainError(_("分配金额超过该批资金的未分配余额 %(left)s 元") % {"left": left}, field="amount")
    return FundAllocation.objects.create(
        batch=batch,
        project=project,
        use=use,
        amount=amount,
        allocated_on=allocated_on,
        document_no=document_no.strip(),
        created_by=actor,
    )


@transaction.atomic
def disbursement_record(
    *, actor: User, allocation: FundAllocation, paid_on: datetime.date, amount: Decimal, payee: str, voucher_no: str
) -> Disbursement:
    """资金支付 (SPEC §9.6): a payment against an allocation, while the project is built and until its assets are
    handed over; never more than the allocation has left."""
    # Lock the allocation, not its batch: a payment draws on the allocation's balance, and payments against
    # different allocations of one batch need not wait for each other.
    allocation = (
        FundAllocation.objects.select_for_update(of=("self",))
        .select_related("project__area", "batch")
        .get(pk=allocation.pk)
    )
    project = allocation.project
    require(permissions.can_record_payment(actor, project.area.code))
    # Money is paid once the implementation plan with its payment plan is approved (P-7, 003 L1492), and no more
    # after the assets are handed over (P-12 closes the project).
    if project.status not in PAYABLE_STATUSES:
        raise DomainError(
            _("项目当前为“%(status)s”，批复实施方案后方可支付资金") % {"status": project.get_status_display()},
            field="allocation",
        )
    amount = _money(amount, "amount", "支付金额")
    if paid_on < allocation.allocated_on:
        raise DomainError(_("支付日期不能早于资金分配日期"), field="paid_on")
    if paid_on > timezone.localdate():
        raise DomainError(_("支付日期不能晚于今天"), field="paid_on")
    left = allocation.amount - paid_total(allocation)
    if amount > left:
        raise DomainError(_("支付金额超过该笔分配的未支付余额 %(left)s 元") % {"left": left}, field="amount")
    return Disbursement.objects.create(
        allocation=allocation,
        paid_on=paid_on,
        amount=amount,
        payee=required_text(payee, "payee", _("收款单位")),
        voucher_no=required_text(voucher_no, "voucher_no", _("凭证号")),
        created_by=actor,
    )
