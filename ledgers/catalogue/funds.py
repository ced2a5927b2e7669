"""The linkage-funds ledger (L-08): each batch a county received, its allocation and the shares SPEC §9.5 caps or
expects."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Capability
from core.percent import share_pct
from funds.models import FundBatch
from funds.selectors import due_pct, for_industry, management_fee, to_non_poor_village
from ledgers.base import Context, LedgerDef
from ledgers.catalogue.cells import C, K, attr, shown, total


def _batches(user: User) -> QuerySet[FundBatch]:
    return (
        FundBatch.objects.visible_to(user)
        .select_related("county")
        .prefetch_related("allocations__project__area", "allocations__disbursements")
    )


def _allocated(b: FundBatch, ctx: Context) -> Decimal:
    return total(b.allocations.all())


def _industry(b: FundBatch, ctx: Context) -> Decimal:
    return total(a for a in b.allocations.all() if for_industry(a))


def _non_poor(b: FundBatch, ctx: Context) -> Decimal:
    return total(a for a in b.allocations.all() if to_non_poor_village(a))


def _fee(b: FundBatch, ctx: Context) -> Decimal:
    return total(a for a in b.allocations.all() if management_fee(a))


def _paid(b: FundBatch, ctx: Context) -> Decimal:
    return total(d for a in b.allocations.all() for d in a.disbursements.all())


def _due(b: FundBatch, ctx: Context) -> Decimal:
    """The payment progress due by the export's day (SPEC §8.7), one lookup per county and year per export."""
    return ctx.once(("due", b.year, b.county.code), lambda: due_pct(b.year, ctx.today, area_code=b.county.code))


FUNDS = LedgerDef(
    code="L-08",
    title=_("衔接资金台账"),
    basis="SPEC §13.1 L-08; 003 L1368–L1418",
    capability=Capability.VIEW_FUNDS,
    columns=(
        attr("县（区）", 12, "county.name"),
        attr("区划代码", 14, "county.code", K.ID),
        attr("年度", 6, "year"),
        shown("层级", 8, "level"),
        shown("资金来源", 18, "source"),
        attr("文号", 26, "document_no"),
        shown("资金类别", 22, "category"),
        attr("下达日期", 12, "issued_on", K.DATE),
        attr("下达金额（元）", 15, "amount", K.MONEY),
        C("已分配（元）", 15, K.MONEY, value=_allocated),
        C("产业发展（元）", 15, K.MONEY, value=_industry),
        C("产业占比（%）", 8, K.PCT, value=lambda b, ctx: share_pct(_industry(b, ctx), b.amount)),
        C("非贫困村（元）", 15, K.MONEY, value=_non_poor),
        C("非贫困村占比（%）", 8, K.PCT, value=lambda b, ctx: share_pct(_non_poor(b, ctx), b.amount)),
        C("项目管理费（元）", 13, K.MONEY, value=_fee),
        C("管理费占比（%）", 8, K.PCT, value=lambda b, ctx: share_pct(_fee(b, ctx), b.amount)),
        C("已支付（元）", 15, K.MONEY, value=_paid),
        C("支付进度（%）", 8, K.PCT, value=lambda b, ctx: share_pct(_paid(b, ctx), _allocated(b, ctx))),
        C("应达进度（%）", 8, K.PCT, value=_due),
        C("未分配余额（元）", 15, K.MONEY, value=lambda b, ctx: b.amount - _allocated(b, ctx)),
    ),
    queryset=_batches,
    area_path="county__code",
    date_path="issued_on",
    order=("year", "issued_on", "pk"),
    unit="笔",
)
