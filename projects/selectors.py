"""What the project pages read: the filtered library, a project's file with its counts, the steps a user may take
now, and the disclosure lists of SPEC §8.8 and §9.7 (STYLE rule 19: decisions here, not in templates)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.parameters import parameter
from households.choices import HouseholdFlagKind
from households.models import HouseholdFlag
from monitoring.choices import OPEN_SUBJECT_STATUSES
from monitoring.models import MonitoringSubject
from projects import permissions
from projects.choices import AssetNature, AssetStatus, ProjectStatus
from projects.models import AssetIncome, Project, ProjectAsset, ProjectBeneficiary
from projects.services.lifecycle import EDITABLE, NOTICE_OF, TRANSITIONS

P = ProjectStatus


@dataclass(frozen=True)
class ProjectFilter:
    status: str = ""
    year: str = ""
    township: str = ""
    category: str = ""
    query: str = ""


def areas_for_projects(user: User) -> QuerySet[AdminArea]:
    """The townships and villages a user may place a project in."""
    return (
        AdminArea.objects.visible_to(user)
        .active()
        .filter(level__in=(AreaLevel.TOWNSHIP, AreaLevel.VILLAGE))
        .order_by("code")
    )


def project_list_narrow(queryset: QuerySet[Project], *, chosen: ProjectFilter) -> QuerySet[Project]:
    if chosen.status == "open":
        queryset = queryset.exclude(status__in=(P.REJECTED, P.WITHDRAWN, P.CANCELLED))
    elif chosen.status:
        queryset = queryset.filter(status=chosen.status)
    if chosen.year.isdigit():
        queryset = queryset.filter(year=int(chosen.year))
    if chosen.township:
        # The first 9 digits are the township's prefix; filtering after visible_to() can only narrow the user's list.
        queryset = queryset.filter(area__code__startswith=chosen.township[:9])
    if chosen.category:
        # A class's code prefixes its subtree, so choosing a top-level class lists all its subtypes.
        queryset = queryset.filter(category__code__startswith=chosen.category)
    if chosen.query:
        queryset = queryset.filter(Q(name__icontains=chosen.query) | Q(code__icontains=chosen.query))
    return (
        queryset.select_related("area__parent", "category")
        # For display only: money a rule checks is summed in Python over Decimal values (see funds.selectors).
        .annotate(investment=Sum("fundings__amount"))
        .order_by("-year", "code")
    )


# Subqueries, not prefetched flags: the marks come with the beneficiaries in one query, however many there are.
def _flags() -> tuple[Exists, Exists]:
    exited = Exists(
        HouseholdFlag.objects.filter(
            household=OuterRef("household"), kind=HouseholdFlagKind.EXITED_POOR, valid_to__isnull=True
        )
    )
    # Monitored includes a subject whose elimination is under way or on hold: the risk is not gone (SPEC §4.11).
    monitored = Exists(
        MonitoringSubject.objects.filter(household=OuterRef("household"), status__in=OPEN_SUBJECT_STATUSES)
    )
    return exited, monitored


def beneficiaries_of(project: Project) -> QuerySet[ProjectBeneficiary]:
    """The households the project benefits, each marked 脱贫户 and/or 监测对象 (SPEC §8.5, computed)."""
    exited, monitored = _flags()
    return (
        project.beneficiaries.select_related("household__managing_area")
        .annotate(is_exited=exited, is_monitored=monitored)
        .order_by("household__household_no")
    )


@dataclass(frozen=True)
class BenefitCounts:
    households: int
    exited: int
    monitored: int
    expected_income: Decimal


def benefit_counts(rows: list[ProjectBeneficiary]) -> BenefitCounts:
    return BenefitCounts(
        households=len(rows),
        exited=sum(1 for r in rows if getattr(r, "is_exited", False)),
        monitored=sum(1 for r in rows if getattr(r, "is_monitored", False)),
        expected_income=sum((r.expected_income for r in rows), Decimal(0)),
    )


# The comment-only steps, by the status they leave, with who takes them (SPEC §8.3).
_STEP_FOR: dict[ProjectStatus, list[tuple[str, Any]]] = {
    P.PROPOSED: [("appraise", permissions.can_review_as_township)],
    P.APPRAISED: [("township_review", permissions.can_review_as_township)],
    P.TOWNSHIP_REVIEWED: [("county_approve", permissions.can_approve_as_county)],
    P.COUNTY_APPROVED: [("enter_library", permissions.can_approve_as_county)],
    P.IN_LIBRARY: [("plan", permissions.can_approve_as_county)],
    P.IN_ANNUAL_PLAN: [("implementation", permissions.can_approve_as_county)],
    P.APPROVED_FOR_IMPLEMENTATION: [("start", permissions.can_implement)],
    P.IN_PROGRESS: [("accept", permissions.can_approve_as_county)],
    P.ACCEPTED: [("evaluate", permissions.can_approve_as_county)],
    P.EVALUATED: [("transfer_assets", permissions.can_approve_as_county)],
}


def project_actions(user: User, project: Project) -> list[str]:
    """The commands the user may take on the project now (the services re-check everything)."""
    status = ProjectStatus(project.status)
    actions = [name for name, right in _STEP_FOR.get(status, []) if right(user, project)]
    stage = NOTICE_OF.get(status)
    if (
        # A stage's notice is posted once (projects_one_notice_per_stage), so the button goes once it is up.
        stage is not None
        and not project.disclosures.filter(stage=stage).exists()
        and permissions.can_post_notice(user, project, stage)
    ):
        actions.append("notice")
    if P.REJECTED in TRANSITIONS[status]:
        # Mirrors _close(): the township rejects at its own steps, the county at any review step.
        township_level = status in (P.PROPOSED, P.APPRAISED)
        if (township_level and permissions.can_review_as_township(user, project)) or permissions.can_approve_as_county(
            user, project
        ):
            actions.append("reject")
    if P.WITHDRAWN in TRANSITIONS[status] and permissions.can_edit(user, project):
        actions.append("withdraw")
    if P.CANCELLED in TRANSITIONS[status] and permissions.can_approve_as_county(user, project):
        actions.append("cancel")
    if status in EDITABLE and permissions.can_edit(user, project):
        actions.append("edit")
    if status in (P.ACCEPTED, P.EVALUATED) and permissions.can_manage_assets(user, project.area.code):
        actions.append("register_asset")
    return actions


def project_file(project_id: int, user: User) -> Project:
    return (
        Project.objects.visible_to(user)
        .select_related("area__parent", "category__parent", "created_by")
        .prefetch_related("fundings", "targets", "disclosures__posted_by", "events__actor", "assets")
        .get(pk=project_id)
    )


# --------------------------------------------------------------------------------------------------------- assets


@dataclass(frozen=True)
class AssetFilter:
    status: str = ""
    nature: str = ""
    asset_class: str = ""
    attention: str = ""  # "idle" | "undistributed" | "no_custodian"
    query: str = ""


def asset_attention(on: datetime.date, *, area_code: str = "") -> dict[str, Q]:
    """FC-GAP-MISSED-AID-06 (SPEC §7.3, §10): an operating asset idle or without income for 12 months, income not
    distributed within ``asset.distribution_due_days`` (180); NR-ASSET-02: a public-welfare asset with no
    custodian."""
    due_days = int(parameter("asset.distribution_due_days", area_code=area_code, on=on))
    # One year back; 29 February has no twin in the year before, so it steps back to the 28th.
    since = (
        on.replace(year=on.year - 1) if not (on.month == 2 and on.day == 29) else on.replace(year=on.year - 1, day=28)
    )
    recent_income = AssetIncome.objects.filter(asset=OuterRef("pk"), received_on__gte=since)
    old_income = (
        AssetIncome.objects.filter(asset=OuterRef("pk"), received_on__lt=on - datetime.timedelta(days=due_days))
        .annotate(used=Sum("uses__amount"))
        .filter(Q(used__isnull=True) | Q(used__lt=F("amount")))
    )
    return {
        # Q objects, not querysets: the asset list and the four-checks sweep (FC-GAP-MISSED-AID-06) apply the same
        # conditions. An asset transferred within the year has not had a year to earn, so it is not idle yet.
        "idle": Q(status=AssetStatus.IDLE)
        | Q(
            Q(nature=AssetNature.OPERATING, status=AssetStatus.IN_USE, transferred_on__lte=since),
            ~Exists(recent_income),
        ),
        "undistributed": Q(Exists(old_income)),
        # A disposed asset needs no custodian.
        "no_custodian": Q(nature=AssetNature.PUBLIC_WELFARE, custodian="") & ~Q(status=AssetStatus.DISPOSED),
    }


def asset_list_narrow(
    queryset: QuerySet[ProjectAsset], *, chosen: AssetFilter, on: datetime.date, area_code: str = ""
) -> QuerySet[Any]:
    if chosen.status:
        queryset = queryset.filter(status=chosen.status)
    if chosen.nature:
        queryset = queryset.filter(nature=chosen.nature)
    if chosen.asset_class:
        queryset = queryset.filter(asset_class=chosen.asset_class)
    attention = asset_attention(on, area_code=area_code)
    if chosen.attention in attention:
        queryset = queryset.filter(attention[chosen.attention])
    if chosen.query:
        queryset = queryset.filter(Q(name__icontains=chosen.query) | Q(code__icontains=chosen.query))
    return queryset.select_related("area__parent", "project")


def asset_file(asset_id: int, user: User) -> ProjectAsset:
    return (
        ProjectAsset.objects.visible_to(user)
        .select_related("area__parent", "project")
        .prefetch_related(
            Prefetch(
                "incomes", queryset=AssetIncome.objects.prefetch_related("uses__household").order_by("-received_on")
            )
        )
        .get(pk=asset_id)
    )


def today() -> datetime.date:
    return timezone.localdate()


def project_changes(project: Project, *, limit: int = 60) -> list[Any]:
    """Who changed what on a project, its fundings and targets (simple-history), newest first."""
    from django.utils.translation import gettext as _

    from households.selectors import changes_of
    from projects.models import PerformanceTarget, ProjectFunding

    skip = frozenset({"id", "updated_at", "created_at", "project", "project_id", "created_by"})
    changes = [
        *changes_of(Project.history.filter(id=project.pk), lambda r: _("项目信息"), skip),
        *changes_of(
            ProjectFunding.history.filter(project_id=project.pk),
            lambda r: _("资金来源 %(source)s") % {"source": r.get_source_display()},
            skip,
        ),
        *changes_of(
            PerformanceTarget.history.filter(project_id=project.pk),
            lambda r: _("绩效目标 %(name)s") % {"name": r.indicator},
            skip,
        ),
    ]
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:limit]


def asset_changes(asset: ProjectAsset, *, limit: int = 60) -> list[Any]:
    """Who registered, operated or changed the asset, its incomes and their distribution, newest first."""
    from django.utils.translation import gettext as _

    from households.selectors import changes_of
    from projects.models import AssetDistribution

    skip = frozenset({"id", "project", "asset", "income"})
    incomes = list(AssetIncome.objects.filter(asset=asset).values_list("pk", flat=True))
    changes = [
        *changes_of(ProjectAsset.history.filter(id=asset.pk), lambda r: _("资产信息"), skip),
        *changes_of(
            AssetIncome.history.filter(asset_id=asset.pk),
            lambda r: _("收益 %(period)s") % {"period": r.period},
            skip,
        ),
        *changes_of(
            AssetDistribution.history.filter(income_id__in=incomes),
            lambda r: _("收益分配 %(amount)s") % {"amount": r.amount},
            skip,
        ),
    ]
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:limit]
