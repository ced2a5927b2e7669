"""The project library lifecycle (SPEC §8.3): 村社申请 → 论证 → 乡镇审核 → 县级审定 → 入库 → 年度计划 → 实施方案 →
实施 → 验收 → 绩效评价 → 资产移交, with the public notices of §8.8 between the levels ("逐级审查、公示公告").

Declared once as ``PROJECT`` (``core.workflow``): every state change is one transaction that locks the project,
re-checks the actor's right, checks the transition table and writes an append-only ``ProjectEvent`` (STYLE rule 6).
The gates of SPEC §8.4 are checked where the policy puts them: banned types at proposal and entry (NR-PRJ-04),
performance targets and benefit linkage at entry (NR-PRJ-01, NR-PRJ-03)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.models import User
from core.errors import DomainError, TransitionNotAllowed, required_text
from core.stored import stored
from core.workflow import Workflow, require
from geo.codes import AreaLevel, prefix_of, same_county
from geo.models import AdminArea
from geo.parameters import parameter
from geo.workdays import notice_long_enough
from households.choices import HouseholdFlagKind
from households.models import Household
from projects import permissions, policy, rules
from projects.choices import NON_FISCAL_SOURCES, DisclosureStage, FundingSource, LinkageMode, ProjectStatus
from projects.models import (
    PerformanceTarget,
    Project,
    ProjectBeneficiary,
    ProjectCategory,
    ProjectDisclosure,
    ProjectEvent,
    ProjectFunding,
)

P = ProjectStatus

# Every legal move of a project (SPEC §8.3); anything else is refused.
TRANSITIONS: Final[Mapping[ProjectStatus, frozenset[ProjectStatus]]] = {
    P.PROPOSED: frozenset({P.APPRAISED, P.REJECTED, P.WITHDRAWN}),
    P.APPRAISED: frozenset({P.TOWNSHIP_REVIEWED, P.REJECTED, P.WITHDRAWN}),
    # APPRAISED again reopens the township review; no withdrawal once the file is with the county, which decides.
    P.TOWNSHIP_REVIEWED: frozenset({P.COUNTY_APPROVED, P.APPRAISED, P.REJECTED}),
    P.COUNTY_APPROVED: frozenset({P.IN_LIBRARY, P.REJECTED}),
    # Rejection belongs to the reviews (SPEC §8.3: P-2 … P-4); once in the library a project is cancelled instead.
    P.IN_LIBRARY: frozenset({P.IN_ANNUAL_PLAN, P.CANCELLED}),
    P.IN_ANNUAL_PLAN: frozenset({P.APPROVED_FOR_IMPLEMENTATION, P.CANCELLED}),
    P.APPROVED_FOR_IMPLEMENTATION: frozenset({P.IN_PROGRESS, P.CANCELLED}),
    # No side exit once works have started: money is paid against the project (SPEC §9.6), so it ends in acceptance.
    P.IN_PROGRESS: frozenset({P.ACCEPTED}),
    P.ACCEPTED: frozenset({P.EVALUATED}),
    P.EVALUATED: frozenset({P.ASSETS_TRANSFERRED}),
    P.ASSETS_TRANSFERRED: frozenset(),
    P.REJECTED: frozenset(),
    P.WITHDRAWN: frozenset(),
    P.CANCELLED: frozenset(),
}
# Before library entry the file is still completed; afterwards it changes only by audited adjustment (SPEC §8.3).
EDITABLE: Final = frozenset({P.PROPOSED, P.APPRAISED, P.TOWNSHIP_REVIEWED, P.COUNTY_APPROVED})
# The notice that must have run before a step (SPEC §8.8, design reading of 三公示一公告).
NOTICE_BEFORE: Final[Mapping[ProjectStatus, DisclosureStage]] = {
    P.TOWNSHIP_REVIEWED: DisclosureStage.VILLAGE_APPLICATION,
    P.COUNTY_APPROVED: DisclosureStage.TOWNSHIP_REVIEW,
    P.IN_LIBRARY: DisclosureStage.COUNTY_APPROVAL,
}
# Which notice a project in each status may post.
NOTICE_OF: Final[Mapping[ProjectStatus, DisclosureStage]] = {
    P.PROPOSED: DisclosureStage.VILLAGE_APPLICATION,
    P.APPRAISED: DisclosureStage.VILLAGE_APPLICATION,
    P.TOWNSHIP_REVIEWED: DisclosureStage.TOWNSHIP_REVIEW,
    P.COUNTY_APPROVED: DisclosureStage.COUNTY_APPROVAL,
    P.IN_ANNUAL_PLAN: DisclosureStage.ANNUAL_PLAN,
}


def _notice_has_run(project: Project, to: str) -> None:
    """The notice of the level below must have run its course before a step up (SPEC §8.8)."""
    notice = NOTICE_BEFORE.get(ProjectStatus(to))
    if notice is not None and to != P.APPRAISED:
        posted = project.disclosures.filter(stage=notice).first()
        # The last day of a notice is still notice time (objections may come in): the next step waits for the day after.
        if posted is None or posted.ends_on >= timezone.localdate():
            raise DomainError(
                _("请先完成“%(label)s”（公示期满后方可办理下一步）") % {"label": notice.label}, field="notice"
            )


PROJECT: Final = Workflow(
    model=Project,
    states=ProjectStatus,
    transitions=TRANSITIONS,
    noun=gettext_lazy("项目"),
    event_model=ProjectEvent,
    event_case="project",
    state_field="status",
    lock_related=("area", "category"),
    # A guard of the engine, not a check in each service: no step can pass a level whose notice has not run.
    guard=_notice_has_run,
)


def _check_category(category: ProjectCategory) -> None:
    """NR-PRJ-04 and classification at the last level (SPEC §8.2)."""
    # Asked of the database each time: administrators keep the tree, and a class may have been split since proposal.
    is_leaf = not category.children.exists()
    if not rules.category_allowed(banned=category.banned, is_leaf=is_leaf):
        if category.banned:
            raise DomainError(
                _("“%(name)s”属于禁止入库的项目类型（宁乡振发〔2021〕34号：美化、绿化、亮化等）")
                % {"name": category.name},
                field="category",
            )
        raise DomainError(_("请选择“%(name)s”下的具体类别") % {"name": category.name}, field="category")


@dataclass(frozen=True)
class ProjectInput:
    """What a proposal records (SPEC §8.9)."""

    name: str
    year: int
    category: ProjectCategory
    area: AdminArea
    implementing_unit: str
    content: str
    planned_start: datetime.date
    planned_end: datetime.date
    fundings: list[tuple[str, Decimal]]
    responsible_unit: str = ""
    benefits_business_entity: bool = False
    is_work_relief: bool = False
    work_relief_posts: int = 0
    posts_for_groups: int = 0
    labour_pay: Decimal = Decimal(0)


def _validate(data: ProjectInput) -> None:
    required_text(data.name, "name", _("项目名称"))
    required_text(data.implementing_unit, "implementing_unit", _("实施单位"))
    required_text(data.content, "content", _("建设内容"))
    # SPEC §8.3 P-1: the location goes down to township and village (001 L312); a county is not a project site.
    if data.area.level not in (AreaLevel.TOWNSHIP, AreaLevel.VILLAGE):
        raise DomainError(_("建设地点须具体到乡镇或村（宁乡振发〔2021〕34号）"), field="area")
    if data.planned_end < data.planned_start:
        raise DomainError(_("计划完工不能早于计划开工"), field="planned_end")
    # 2021 opens the transition period (NR-POL-01); five years ahead covers the library's five-year plans (SPEC §8.1).
    if not 2021 <= data.year <= timezone.localdate().year + 5:
        raise DomainError(_("项目年度 %(year)s 不合理") % {"year": data.year}, field="year")
    _check_category(data.category)
    if not data.fundings:
        raise DomainError(_("请至少填写一项资金来源和计划投资"), field="fundings")
    sources = [source for source, _amount in data.fundings]
    # Mirrors projects_one_row_per_source, to name the field instead of failing with an IntegrityError.
    if len(set(sources)) != len(sources):
        raise DomainError(_("同一资金来源只能填写一行"), field="fundings")
    for source, amount in data.fundings:
        if source not in FundingSource.values:
            raise DomainError(_("资金来源“%(source)s”不存在") % {"source": source}, field="fundings")
        if amount <= 0:
            raise DomainError(
                _("“%(label)s”的计划投资须大于 0") % {"label": FundingSource(source).label}, field="fundings"
            )
    # Mirrors the projects_posts constraint, for the message; the 15 % share of NR-PRJ-07 is checked at entry.
    if data.posts_for_groups > data.work_relief_posts:
        raise DomainError(_("吸纳三类人员的岗位数不能超过用工岗位总数"), field="posts_for_groups")


@transaction.atomic
def project_propose(*, actor: User, data: ProjectInput) -> Project:
    """P-1 村社申请 (000 L571): a village, township, county or project unit proposes a project of its place."""
    require(permissions.can_propose(actor, data.area.code))
    _validate(data)
    # The code carries the row's pk, known only after the insert: a unique placeholder first, the real code after.
    project = Project.objects.create(
        code=f"TMP-{timezone.now().timestamp()}",
        name=data.name.strip(),
        year=data.year,
        category=data.category,
        area=data.area,
        implementing_unit=data.implementing_unit.strip(),
        responsible_unit=data.responsible_unit.strip(),
        content=data.content.strip(),
        planned_start=data.planned_start,
        planned_end=data.planned_end,
        benefits_business_entity=data.benefits_business_entity,
        is_work_relief=data.is_work_relief,
        work_relief_posts=data.work_relief_posts,
        posts_for_groups=data.posts_for_groups,
        labour_pay=data.labour_pay,
        created_by=actor,
    )
    project.code = f"XM{data.year}{prefix_of(data.area.code, AreaLevel.COUNTY)}{project.pk:05d}"
    project.save(update_fields=["code"])
    ProjectFunding.objects.bulk_create(
        [ProjectFunding(project=project, source=source, amount=amount) for source, amount in data.fundings]
    )
    PROJECT.opened(project, actor=actor, comment=stored(gettext_noop("村社申请")))
    return project


def _editable(project: Project, actor: User) -> Project:
    # Lock first, then check the right and the status on the fresh row, so a library entry cannot slip in between.
    project = PROJECT.lock(project)
    require(permissions.can_edit(actor, project))
    if project.status not in EDITABLE:
        raise TransitionNotAllowed(_("项目已%(status)s，不能再修改申报内容") % {"status": project.get_status_display()})
    return project


@transaction.atomic
def project_update(*, project: Project, actor: User, data: ProjectInput) -> Project:
    """Complete or correct the file before library entry (SPEC §8.3); the fundings are replaced as a whole."""
    project = _editable(project, actor)
    # A new place needs the right there too, or a proposer could move a file into an area they do not serve.
    require(permissions.can_propose(actor, data.area.code) or permissions.can_approve_as_county(actor, project))
    # The project stays in its county's library (SPEC §8.1): its code carries the county's prefix.
    if not same_county(data.area.code, project.area.code):
        raise DomainError(_("建设地点须在项目所在县"), field="area")
    _validate(data)
    for field in (
        "name", "implementing_unit", "responsible_unit", "content",
    ):  # fmt: skip
        setattr(project, field, getattr(data, field).strip())
    for field in (
        "year", "category", "area", "planned_start", "planned_end", "benefits_business_entity", "is_work_relief",
        "work_relief_posts", "posts_for_groups", "labour_pay",
    ):  # fmt: skip
        setattr(project, field, getattr(data, field))
    project.save()
    # Replaced as a whole, as the form sends the full list; simple-history keeps the deleted rows.
    project.fundings.all().delete()
    ProjectFunding.objects.bulk_create(
        [ProjectFunding(project=project, source=source, amount=amount) for source, amount in data.fundings]
    )
    return project


@transaction.atomic
def target_remove(*, target: PerformanceTarget, actor: User) -> None:
    # Only while the file is editable: after entry, removing the last target would undo the gate of NR-PRJ-01.
    _editable(target.project, actor)
    target.delete()


@transaction.atomic
def beneficiary_remove(*, beneficiary: ProjectBeneficiary, actor: User) -> None:
    # Likewise: after entry the beneficiaries are the benefit linkage the county approved (NR-PRJ-03).
    _editable(beneficiary.project, actor)
    beneficiary.delete()


@transaction.atomic
def target_add(
    *, project: Project, actor: User, indicator: str, target_value: str, unit: str = ""
) -> PerformanceTarget:
    """Add a performance target (绩效目标, NR-PRJ-01)."""
    project = _editable(project, actor)
    return PerformanceTarget.objects.create(
        project=project,
        indicator=required_text(indicator, "indicator", _("绩效指标")),
        target_value=required_text(target_value, "target_value", _("目标值")),
        unit=unit.strip(),
    )


@transaction.atomic
def beneficiary_add(
    *, project: Project, actor: User, household: Household, linkage_mode: str, expected_income: Decimal = Decimal(0)
) -> ProjectBeneficiary:
    """Link a household the project benefits (带贫益贫, SPEC §8.5); it must lie in the project's county and be
    visible to the actor."""
    project = _editable(project, actor)
    # The actor must see the household, not only the project: linking shows it on the project's page and notices.
    require(Household.objects.visible_to(actor).filter(pk=household.pk).exists())
    # A county's library serves its own households (SPEC §8.5); another county's cannot be counted here.
    if not same_county(household.managing_area.code, project.area.code):
        raise DomainError(_("受益农户须在项目所在县"), field="household")
    if linkage_mode not in LinkageMode.values:
        raise DomainError(_("请选择利益联结方式"), field="linkage_mode")
    if expected_income < 0:
        raise DomainError(_("预计增收不能为负数"), field="expected_income")
    if project.beneficiaries.filter(household=household).exists():
        raise DomainError(_("%(household)s已是该项目的受益农户") % {"household": household}, field="household")
    return ProjectBeneficiary.objects.create(
        project=project, household=household, linkage_mode=linkage_mode, expected_income=expected_income
    )


@transaction.atomic
def project_notice_post(
    *, project: Project, actor: User, places: str, starts_on: datetime.date, ends_on: datetime.date
) -> ProjectDisclosure:
    """Post the notice of the project's current level (SPEC §8.8), at least ``notice.project_days`` long."""
    # Locked so that two people posting one stage at once produce one notice; projects_one_notice_per_stage backs it.
    project = PROJECT.lock(project)
    stage = NOTICE_OF.get(ProjectStatus(project.status))
    if stage is None:
        raise TransitionNotAllowed(_("项目当前为“%(status)s”，无需公示") % {"status": project.get_status_display()})
    require(permissions.can_post_notice(actor, project, stage))
    # A setting, not a constant: the sources leave 三公示一公告 undefined, so its period is a design default
    # (SPEC §15 C-26: ``notice.project_days`` = 7).
    min_days = policy.notice_days(project.area.code, on=timezone.localdate())
    if not notice_long_enough(starts_on, ends_on, min_days):
        raise DomainError(_("公示期不少于 %(min_days)s 天") % {"min_days": min_days}, field="ends_on")
    if project.disclosures.filter(stage=stage).exists():
        raise DomainError(_("“%(label)s”已张贴") % {"label": stage.label}, field="stage")
    return ProjectDisclosure.objects.create(
        project=project,
        stage=stage,
        places=required_text(places, "places", _("公示地点")),
        starts_on=starts_on,
        ends_on=ends_on,
        posted_by=actor,
    )


def _step(to: ProjectStatus, right: Callable[[Any, Project], bool], label: str) -> Callable[..., Project]:
    @transaction.atomic
    def step(*, project: Project, actor: User, comment: str = "") -> Project:
        project = PROJECT.lock(project)
        require(right(actor, project))
        # The label stands in for an empty comment, so every event of the trail says what was decided.
        PROJECT.move(project, to=to, actor=actor, comment=comment or label)
        project.save(update_fields=["status", "updated_at"])
        return project

    step.__doc__ = f"{label} (SPEC §8.3)."
    return step


project_appraise = _step(P.APPRAISED, permissions.can_review_as_township, "论证通过（合规性、科学性、必要性、可行性）")
project_township_review = _step(P.TOWNSHIP_REVIEWED, permissions.can_review_as_township, "乡镇审核通过")
project_county_approve = _step(P.COUNTY_APPROVED, permissions.can_approve_as_county, "县级审定通过")
project_plan = _step(P.IN_ANNUAL_PLAN, permissions.can_approve_as_county, "列入年度项目实施计划")
project_start = _step(P.IN_PROGRESS, permissions.can_implement, "开工实施")


@transaction.atomic
def project_enter_library(*, project: Project, actor: User, comment: str = "") -> Project:
    """P-5 入库: the county notice has run, the type is allowed and classified at the last level (NR-PRJ-04), there
    is a performance target (NR-PRJ-01), and business-entity support is linked with exited households (NR-PRJ-03)."""
    project = PROJECT.lock(project)
    require(permissions.can_approve_as_county(actor, project))
    PROJECT.allowed(project, P.IN_LIBRARY)
    # Checked again at entry: the class may have been banned or split since the proposal (NR-PRJ-04, SPEC §8.2).
    _check_category(project.category)
    if not rules.has_performance_targets(project.targets.count()):
        raise DomainError(_("未设置绩效目标的项目不得纳入项目库（宁乡振发〔2021〕34号）"), field="targets")
    # Declared by the proposer or implied by the class, so an undeclared business-entity project meets NR-PRJ-03 too.
    required = project.benefits_business_entity or project.category.requires_benefit_linkage
    # Exited households as of today: the 脱贫户 flag still open (valid_to unset).
    exited = project.beneficiaries.filter(
        household__flags__kind=HouseholdFlagKind.EXITED_POOR, household__flags__valid_to__isnull=True
    ).count()
    if not rules.benefit_linkage_ok(required=required, exited_beneficiaries=exited):
        raise DomainError(
            _("扶持新型经营主体的项目须与脱贫户建立紧密的利益联结（请登记受益脱贫户）"), field="beneficiaries"
        )
    # NR-PRJ-07/08 gate entry: afterwards the file is frozen, and the posts and pay could no longer be corrected.
    if project.is_work_relief:
        _check_work_relief(project)
    PROJECT.move(project, to=P.IN_LIBRARY, actor=actor, comment=comment or stored(gettext_noop("纳入项目库")))
    project.save(update_fields=["status", "updated_at"])
    return project


def fiscal_funds(project: Project) -> Decimal:
    """A project's planned fiscal money: every source but social funds and the households' own (SPEC §8.6)."""
    return sum(
        # Planned money, not allocations: the check runs at library entry, before any fund is allocated.
        (f.amount for f in project.fundings.all() if f.source not in NON_FISCAL_SOURCES),
        Decimal(0),
    )


def _check_work_relief(project: Project) -> None:
    """NR-PRJ-07 (≥15 % of posts to the 三类人员) and NR-PRJ-08 (labour pay ≥15 % of fiscal funds), two checks
    (SPEC §15 C-15) against ``project.work_relief_min_pct``."""
    today = timezone.localdate()
    # One setting for both rules: the sources say 15 % for posts and for pay (SPEC §15 C-15 keeps two checks).
    min_pct = Decimal(str(parameter("project.work_relief_min_pct", area_code=project.area.code, on=today)))
    # Without posts the share test has no whole and would fail with a meaningless ratio; ask for the posts instead.
    if project.work_relief_posts <= 0:
        raise DomainError(_("以工代赈项目请填写用工岗位数"), field="work_relief_posts")
    if not rules.work_relief_posts_ok(project.posts_for_groups, project.work_relief_posts, min_pct=min_pct):
        raise DomainError(
            _(
                "以工代赈项目吸纳三类人员的岗位不少于岗位总数的 %(min_pct)s%%（现为 "
                "%(posts_for_groups)s/%(work_relief_posts)s）"
            )
            % {
                "min_pct": min_pct,
                "posts_for_groups": project.posts_for_groups,
                "work_relief_posts": project.work_relief_posts,
            },
            field="posts_for_groups",
        )
    fiscal = fiscal_funds(project)
    if not rules.work_relief_pay_ok(project.labour_pay, fiscal, min_pct=min_pct):
        raise DomainError(
            _(
                "以工代赈项目劳务报酬不低于财政资金的 %(min_pct)s%%（财政资金 "
                "%(fiscal)s 元，劳务报酬 %(labour_pay)s 元）"
            )
            % {"min_pct": min_pct, "fiscal": fiscal, "labour_pay": project.labour_pay},
            field="labour_pay",
        )


@transaction.atomic
def project_transfer_assets(*, project: Project, actor: User, comment: str = "") -> Project:
    """P-12 资产移交: the assets the project formed are registered (SPEC §10)."""
    project = PROJECT.lock(project)
    require(permissions.can_approve_as_county(actor, project))
    PROJECT.allowed(project, P.ASSETS_TRANSFERRED)
    # P-12's gate: the transfer closes the project, and no asset can be registered afterwards (REGISTRABLE).
    if not project.assets.exists():
        raise DomainError(_("请先登记项目形成的资产（资产名称、类别、性质、所有权人、管护责任人）"), field="assets")
    PROJECT.move(
        project, to=P.ASSETS_TRANSFERRED, actor=actor, comment=comment or stored(gettext_noop("资产已登记移交"))
    )
    project.save(update_fields=["status", "updated_at"])
    return project


@transaction.atomic
def project_approve_implementation(*, project: Project, actor: User, plan: str) -> Project:
    """P-7 实施方案批复 (by 31 March, NR-PRJ-10): the implementation and payment plan."""
    project = PROJECT.lock(project)
    require(permissions.can_approve_as_county(actor, project))
    PROJECT.allowed(project, P.APPROVED_FOR_IMPLEMENTATION)
    # Required: P-7's gate is the implementation and payment plan (003 L1492); payments open after it.
    project.implementation_plan = required_text(plan, "plan", _("实施方案和资金支付计划"))
    PROJECT.move(project, to=P.APPROVED_FOR_IMPLEMENTATION, actor=actor, comment=stored(gettext_noop("批复实施方案")))
    project.save(update_fields=["status", "implementation_plan", "updated_at"])
    return project


@transaction.atomic
def project_accept(*, project: Project, actor: User, accepted_on: datetime.date, comment: str) -> Project:
    """P-10 完工验收 (003 L1492)."""
    project = PROJECT.lock(project)
    require(permissions.can_approve_as_county(actor, project))
    PROJECT.allowed(project, P.ACCEPTED)
    if accepted_on > timezone.localdate():
        raise DomainError(_("验收日期不能晚于今天"), field="accepted_on")
    project.accepted_on = accepted_on
    PROJECT.move(project, to=P.ACCEPTED, actor=actor, comment=required_text(comment, "comment", _("验收意见")))
    project.save(update_fields=["status", "accepted_on", "updated_at"])
    return project


@transaction.atomic
def project_evaluate(*, project: Project, actor: User, evaluation: str, actuals: dict[int, str]) -> Project:
    """P-11 绩效评价: the actual value of every target and the evaluation (003 L1492)."""
    project = PROJECT.lock(project)
    require(permissions.can_approve_as_county(actor, project))
    PROJECT.allowed(project, P.EVALUATED)
    targets = list(project.targets.all())
    # Every target needs its actual value: P-11 weighs the results against the targets set for entry (NR-PRJ-01).
    missing = [t.indicator for t in targets if not (actuals.get(t.pk) or "").strip()]
    if missing:
        raise DomainError(_("请填写绩效指标的完成值：%(join)s") % {"join": "、".join(missing)}, field="actuals")
    for target in targets:
        target.actual_value = actuals[target.pk].strip()
        target.save(update_fields=["actual_value"])
    project.evaluation = required_text(evaluation, "evaluation", _("绩效评价结论"))
    PROJECT.move(project, to=P.EVALUATED, actor=actor, comment=project.evaluation)
    project.save(update_fields=["status", "evaluation", "updated_at"])
    return project


def _close(to: ProjectStatus, label: str) -> Callable[..., Project]:
    @transaction.atomic
    def close(*, project: Project, actor: User, comment: str) -> Project:
        project = PROJECT.lock(project)
        status = ProjectStatus(project.status)
        # The level that holds the file decides: the proposer withdraws, the township rejects at its own steps, and
        # the county rejects later on and cancels.
        right = (
            permissions.can_edit(actor, project)
            if to == P.WITHDRAWN
            else permissions.can_review_as_township(actor, project)
            if status in (P.PROPOSED, P.APPRAISED)
            else permissions.can_approve_as_county(actor, project)
        )
        require(right)
        # Every side exit needs a reason (STYLE rule 6): the proposer reads it, and the trail keeps it.
        project.closing_reason = required_text(comment, "comment", _("%(label)s原因") % {"label": label})
        PROJECT.move(project, to=to, actor=actor, comment=project.closing_reason)
        project.save(update_fields=["status", "closing_reason", "updated_at"])
        return project

    close.__doc__ = f"{label}, with its reason (SPEC §8.3 side states)."
    return close


project_reject = _close(P.REJECTED, "不予通过")
project_withdraw = _close(P.WITHDRAWN, "撤回")
project_cancel = _close(P.CANCELLED, "取消")

# The comment-only commands the pages and the API take by name.
PROJECT_STEPS: Final[Mapping[str, Callable[..., Project]]] = {
    "appraise": project_appraise,
    "township_review": project_township_review,
    "county_approve": project_county_approve,
    "enter_library": project_enter_library,
    "plan": project_plan,
    "start": project_start,
    "transfer_assets": project_transfer_assets,
    "reject": project_reject,
    "withdraw": project_withdraw,
    "cancel": project_cancel,
}
