"""The project ledgers: the project library (L-07) and the assets the projects formed (L-09)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Capability
from core.percent import share_pct
from households.facts import exited_on_q
from ledgers.base import Context, LedgerDef
from ledgers.catalogue.cells import C, K, attr, place, shown, total
from monitoring.facts import in_monitoring_q
from projects.choices import AssetClass, ProjectStatus
from projects.models import Project, ProjectAsset, ProjectBeneficiary

# ------------------------------------------------------------------------------------------- L-07 项目库台账


def _projects(user: User) -> QuerySet[Project]:
    """The projects with how many of their beneficiary households are, today, 脱贫户 and in monitoring: the two
    halves of the fact ``monitoring.facts.exited_or_monitored`` (SPEC §2.4 flags in force, §4.11 episodes)."""
    today = timezone.localdate()
    beneficiaries = ProjectBeneficiary.objects.filter(project=OuterRef("pk"))

    def households(condition: Q) -> Subquery:
        counted = beneficiaries.filter(condition).values("project").annotate(n=Count("household", distinct=True))
        return Subquery(counted.values("n"))

    return (
        Project.objects.visible_to(user)
        .select_related("area__parent", "category__parent")
        .prefetch_related("fundings", "targets", "allocations__disbursements")
        .annotate(
            exited=Coalesce(households(exited_on_q(today, path="household__")), 0),
            monitored=Coalesce(households(in_monitoring_q(today, path="household__")), 0),
        )
    )


def _allocated(p: Project) -> Decimal:
    return total(p.allocations.all())


def _paid(p: Project) -> Decimal:
    return total(d for a in p.allocations.all() for d in a.disbursements.all())


def _fundings(p: Project, ctx: Context) -> str:
    return "；".join(f"{ctx.display(f, 'source')} {f.amount}" for f in p.fundings.all())


def _targets(p: Project, ctx: Context) -> str:
    return "；".join(f"{t.indicator} {t.target_value}{t.unit}" for t in p.targets.all())


def _group_posts_pct(p: Project, ctx: Context) -> Decimal | None:
    """A work-relief project's share of posts held by the three groups (SPEC §8.6)."""
    return share_pct(Decimal(p.posts_for_groups), Decimal(p.work_relief_posts)) if p.is_work_relief else None


PROJECTS = LedgerDef(
    code="L-07",
    stock=True,
    title=_("项目库台账"),
    basis="SPEC §13.1 L-07; 003 L1464–L1521",
    capability=Capability.VIEW_PROJECTS,
    columns=(
        *place(lambda p: p.area),
        attr("项目编号", 22, "code", K.ID),
        attr("项目名称", 30, "name"),
        C("项目大类", 12, value=lambda p, ctx: p.category.parent.name if p.category.parent else ""),
        attr("项目类别", 16, "category.name"),
        attr("年度", 6, "year"),
        attr("实施单位", 18, "implementing_unit"),
        C(
            "资金来源及计划投资",
            36,
            value=lambda p, ctx: "；".join(f"{ctx.display(f, 'source')} {f.amount}" for f in p.fundings.all()),
        ),
        C("计划投资（元）", 14, K.MONEY, value=lambda p, ctx: total(p.fundings.all())),
        C(
            "绩效目标",
            30,
            value=lambda p, ctx: "；".join(f"{t.indicator} {t.target_value}{t.unit}" for t in p.targets.all()),
        ),
        shown("状态", 14, "status"),
        C("三类人员岗位占比（%）", 10, K.PCT, value=_group_posts_pct),
        C("劳务报酬（元）", 12, K.MONEY, value=lambda p, ctx: p.labour_pay if p.is_work_relief else None),
        C("受益脱贫户", 8, K.INT, value=lambda p, ctx: getattr(p, "exited", 0)),
        C("受益监测户", 8, K.INT, value=lambda p, ctx: getattr(p, "monitored", 0)),
        C("安排资金（元）", 14, K.MONEY, value=lambda p, ctx: _allocated(p)),
        C("已支付（元）", 14, K.MONEY, value=lambda p, ctx: _paid(p)),
        C("支付进度（%）", 8, K.PCT, value=lambda p, ctx: share_pct(_paid(p), _allocated(p))),
        attr("验收日期", 12, "accepted_on", K.DATE),
    ),
    queryset=_projects,
    area_path="area__code",
    date_path="planned_start",
    categories=ProjectStatus.choices,
    category_path="status",
    order=("year", "code"),
    unit="个",
)


# ----------------------------------------------------------------------------------------- L-09 资产管理台账


def _assets(user: User) -> QuerySet[ProjectAsset]:
    return (
        ProjectAsset.objects.visible_to(user)
        .select_related("area__parent", "project")
        .prefetch_related("project__fundings", "incomes__uses")
    )


def _incomes(a: ProjectAsset, ctx: Context) -> list[Any]:
    """The asset's incomes received in the export's year (SPEC §10)."""
    return [i for i in a.incomes.all() if i.received_on.year == ctx.today.year]


def _income(a: ProjectAsset, ctx: Context) -> Decimal:
    return total(_incomes(a, ctx))


def _distributed(a: ProjectAsset, ctx: Context) -> Decimal:
    return total(u for i in _incomes(a, ctx) for u in i.uses.all())


ASSETS = LedgerDef(
    code="L-09",
    stock=True,
    title=_("资产管理台账"),
    basis="SPEC §13.1 L-09; 004 L344; 003 L130; 002 L61",
    capability=Capability.VIEW_ASSETS,
    columns=(
        *place(lambda a: a.area),
        attr("资产编号", 22, "code", K.ID),
        attr("资产名称", 26, "name"),
        shown("资产类别", 10, "asset_class"),
        shown("资产性质", 10, "nature"),
        attr("来源项目", 22, "project.code", K.ID),
        C("资金来源", 20, value=lambda a, ctx: "；".join(ctx.display(f, "source") for f in a.project.fundings.all())),
        attr("资产价值（元）", 14, "value", K.MONEY),
        shown("所有权人类型", 10, "owner_kind"),
        attr("所有权人", 20, "owner_name"),
        attr("管护责任人", 14, "custodian"),
        shown("经营方式", 8, "operating_mode"),
        attr("经营主体", 18, "operator"),
        C("本年收益（元）", 13, K.MONEY, value=_income),
        C("已分配（元）", 13, K.MONEY, value=_distributed),
        C("未分配（元）", 13, K.MONEY, value=lambda a, ctx: _income(a, ctx) - _distributed(a, ctx)),
        shown("状态", 8, "status"),
        attr("移交日期", 12, "transferred_on", K.DATE),
    ),
    queryset=_assets,
    area_path="area__code",
    date_path="transferred_on",
    categories=AssetClass.choices,
    category_path="asset_class",
    order=("code",),
    unit="项",
)
