"""The public-welfare posts ledger (公益性岗位台账, L-12): one row per hire — the post, its holder, the period in post,
the monthly subsidy, the attendance, the latest assessment, the subsidy paid and the exit reason (SPEC §13.1, §11.4)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Capability
from ledgers.base import Context, LedgerDef
from ledgers.catalogue.cells import C, K, attr, id_number, place, shown
from welfare_posts.choices import PostType
from welfare_posts.models import PostHire
from welfare_posts.selectors import HireRecord, hire_record


def _hires(user: User) -> QuerySet[PostHire]:
    return (
        PostHire.objects.visible_to(user)
        .select_related("post__village__parent", "member")
        .prefetch_related("attendance", "payments")
    )


def _record(h: PostHire, ctx: Context) -> HireRecord:
    # Several columns read the same record: computed once per row (the prefetched months and payments).
    # One row's record is kept at a time, so memory stays flat on a large export.
    kept = ctx.memo.get("L-12 row")
    if kept is None or kept[0] != h.pk:
        kept = ctx.memo["L-12 row"] = (h.pk, hire_record(h))
    record: HireRecord = kept[1]
    return record


WELFARE_POSTS = LedgerDef(
    code="L-12",
    stock=True,
    title=_("公益性岗位台账"),
    basis="SPEC §13.1 L-12, §11.4; 003 L366",
    capability=Capability.VIEW_PROGRAMMES,
    columns=(
        *place(lambda h: h.post.village),
        attr("岗位名称", 20, "post.name"),
        shown("岗位类型", 10, "post_type", of=lambda h: h.post),
        shown("资金来源", 12, "funding_source", of=lambda h: h.post),
        attr("姓名", 10, "member.name"),
        id_number("身份证号", lambda h: h.member.id_number),
        shown("优先安置类别", 14, "priority_basis"),
        attr("上岗日期", 12, "hired_on", K.DATE),
        attr("退岗日期", 12, "ended_on", K.DATE),
        # A rate, like a line: shown as yuan, never added up (PER_CAPITA is the kind that formats and does not total).
        attr("月补贴标准（元）", 12, "post.monthly_subsidy", K.PER_CAPITA),
        C("出勤月数", 8, K.INT, value=lambda h, ctx: _record(h, ctx).months),
        C("出勤天数", 8, K.INT, value=lambda h, ctx: _record(h, ctx).days),
        C("最近考核", 8, value=lambda h, ctx: _record(h, ctx).last_assessment),
        C("已发补贴（元）", 13, K.MONEY, value=lambda h, ctx: _record(h, ctx).paid),
        shown("退岗原因", 14, "exit_reason"),
    ),
    queryset=_hires,
    area_path="post__village__code",
    date_path="hired_on",
    categories=PostType.choices,
    category_path="post__post_type",
    order=("post__name", "hired_on", "pk"),
    unit="人次",
)
