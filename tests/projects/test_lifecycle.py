"""The project library lifecycle (SPEC §8.3, §8.4, §8.6, §8.8) through the services: the whole chain, the gates
(performance targets NR-PRJ-01, banned types NR-PRJ-04, benefit linkage NR-PRJ-03, work-relief 15 % NR-PRJ-07/08),
the notices between the levels, and who may take each step."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import DomainError, TransitionNotAllowed
from projects import services
from projects.choices import ProjectStatus
from projects.models import Project, ProjectEvent
from tests.worlds.projects import DAY, TODAY

P = ProjectStatus
pytestmark = pytest.mark.django_db


def test_the_whole_chain_from_village_application_to_asset_transfer(world):
    project = world.to_implementation()
    services.project_start(project=project, actor=world.project_unit)
    services.project_accept(project=project, actor=world.county_reviewer, accepted_on=TODAY, comment="验收合格")
    target = project.targets.get()
    services.project_evaluate(
        project=project, actor=world.county_reviewer, evaluation="目标全部完成", actuals={target.pk: "20"}
    )
    services.asset_register(
        project=project,
        actor=world.county_reviewer,
        data=services.AssetInput(
            name="肉牛养殖圈棚 20 座", asset_class="industry", nature="operating", area=world.poor_village,
            owner_kind="village_collective", owner_name="张树村股份经济合作社", value=Decimal("850000.00"),
            transferred_on=TODAY, operating_mode="lease", operator="隆德县某养殖合作社",
        ),
    )  # fmt: skip
    services.project_transfer_assets(project=project, actor=world.county_reviewer)
    project.refresh_from_db()
    assert project.status == P.ASSETS_TRANSFERRED
    assert project.code.startswith(f"XM2026{world.county.code[:6]}")
    trail = list(ProjectEvent.objects.filter(project=project).values_list("to_status", flat=True))
    assert trail == [
        P.PROPOSED, P.APPRAISED, P.TOWNSHIP_REVIEWED, P.COUNTY_APPROVED, P.IN_LIBRARY, P.IN_ANNUAL_PLAN,
        P.APPROVED_FOR_IMPLEMENTATION, P.IN_PROGRESS, P.ACCEPTED, P.EVALUATED, P.ASSETS_TRANSFERRED,
    ]  # fmt: skip
    assert project.targets.get().actual_value == "20"


def test_a_project_without_performance_targets_does_not_enter_the_library(world):
    with pytest.raises(DomainError, match="未设置绩效目标的项目不得纳入项目库") as caught:
        world.to_library(target=False)
    assert caught.value.field == "targets"
    assert Project.objects.get().status == P.COUNTY_APPROVED


def test_a_banned_type_is_refused_at_proposal(world):
    with pytest.raises(DomainError, match="禁止入库") as caught:
        world.propose(category=world.category("0304"))
    assert caught.value.field == "category"
    assert not Project.objects.exists()


def test_a_type_banned_after_the_proposal_is_refused_at_library_entry(world):
    project = world.propose(category=world.category("0303"))
    world.category("0303").__class__.objects.filter(code="0303").update(banned=True)
    with pytest.raises(DomainError, match="禁止入库"):
        world.to_library(project)


def test_a_project_is_classified_at_the_last_level(world):
    with pytest.raises(DomainError, match="具体类别"):
        world.propose(category=world.category("01"))


def test_business_entity_support_needs_an_exited_beneficiary(world):
    project = world.propose(category=world.category("0102"))
    services.beneficiary_add(
        project=project, actor=world.village_worker, household=world.ordinary, linkage_mode="shares"
    )
    with pytest.raises(DomainError, match="利益联结"):
        world.to_library(project)
    services.beneficiary_add(
        project=project, actor=world.village_worker, household=world.exited, linkage_mode="employment",
        expected_income=Decimal("3600.00"),
    )  # fmt: skip
    services.project_enter_library(project=project, actor=world.county_reviewer)
    project.refresh_from_db()
    assert project.status == P.IN_LIBRARY


def test_the_next_level_waits_for_the_notice_to_run_out(world):
    project = world.propose()
    services.target_add(project=project, actor=world.village_worker, indicator="圈棚", target_value="20")
    services.project_appraise(project=project, actor=world.township_cadre)
    with pytest.raises(DomainError, match="村级申报公示"):
        services.project_township_review(project=project, actor=world.township_cadre)
    services.project_notice_post(
        project=project, actor=world.village_worker, places="村务公开栏", starts_on=TODAY - 6 * DAY, ends_on=TODAY
    )
    with pytest.raises(DomainError, match="公示期满"):
        services.project_township_review(project=project, actor=world.township_cadre)


def test_a_notice_lasts_at_least_seven_days(world):
    project = world.propose()
    with pytest.raises(DomainError, match="不少于 7 天"):
        services.project_notice_post(
            project=project, actor=world.village_worker, places="村部", starts_on=TODAY, ends_on=TODAY + 5 * DAY
        )
    notice = services.project_notice_post(
        project=project, actor=world.village_worker, places="村部", starts_on=TODAY, ends_on=TODAY + 6 * DAY
    )
    assert notice.stage == "village_application"


@pytest.mark.parametrize(
    ("posts", "for_groups", "pay", "message"),
    [
        (100, 14, Decimal("150000.00"), "三类人员"),  # 14 % of posts
        (100, 15, Decimal("149999.99"), "劳务报酬"),  # pay 14.99999 % of 1,000,000 fiscal
    ],
)
def test_work_relief_needs_fifteen_percent_of_posts_and_of_pay(world, posts, for_groups, pay, message):
    project = world.propose(
        is_work_relief=True, work_relief_posts=posts, posts_for_groups=for_groups, labour_pay=pay,
        fundings=[("work_relief_investment", Decimal("1000000.00")), ("social", Decimal("500000.00"))],
    )  # fmt: skip
    with pytest.raises(DomainError, match=message):
        world.to_library(project)


def test_work_relief_at_exactly_fifteen_percent_enters(world):
    project = world.propose(
        is_work_relief=True, work_relief_posts=100, posts_for_groups=15, labour_pay=Decimal("150000.00"),
        fundings=[("work_relief_investment", Decimal("1000000.00")), ("social", Decimal("500000.00"))],
    )  # fmt: skip
    assert world.to_library(project).status == P.IN_LIBRARY


def test_steps_outside_the_table_are_refused(world):
    project = world.propose()
    with pytest.raises(TransitionNotAllowed):
        services.project_enter_library(project=project, actor=world.county_reviewer)
    with pytest.raises(TransitionNotAllowed):
        services.project_start(project=project, actor=world.county_reviewer)


def test_each_level_takes_only_its_steps_in_its_place(world):
    project = world.propose()
    with pytest.raises(PermissionDenied):
        services.project_appraise(project=project, actor=world.village_worker)
    with pytest.raises(PermissionDenied):
        services.project_appraise(project=project, actor=world.other_cadre)
    with pytest.raises(PermissionDenied):
        services.project_reject(project=project, actor=world.foreign_reviewer, comment="不行")
    with pytest.raises(PermissionDenied):
        services.project_propose(actor=world.village_worker, data=world.data(area=world.far_village))


def test_a_proposal_is_checked_field_by_field(world):
    cases = [
        ({"name": " "}, "name"),
        ({"area": world.county}, "area"),
        ({"planned_end": datetime.date(2026, 3, 1)}, "planned_end"),
        ({"fundings": []}, "fundings"),
        ({"fundings": [("central_linkage", Decimal("0"))]}, "fundings"),
        ({"fundings": [("central_linkage", Decimal("1")), ("central_linkage", Decimal("2"))]}, "fundings"),
        ({"work_relief_posts": 3, "posts_for_groups": 4}, "posts_for_groups"),
    ]
    for overrides, field in cases:
        with pytest.raises(DomainError) as caught:
            services.project_propose(actor=world.county_reviewer, data=world.data(**overrides))
        assert caught.value.field == field, overrides
    assert not Project.objects.exists()


def test_the_file_is_completed_before_entry_and_frozen_after(world):
    project = world.propose()
    services.project_update(
        project=project, actor=world.village_worker,
        data=world.data(name="张树村肉牛圈棚（调整）", fundings=[("central_linkage", Decimal("900000.00"))]),
    )  # fmt: skip
    project.refresh_from_db()
    assert project.name == "张树村肉牛圈棚（调整）"
    assert [(f.source, f.amount) for f in project.fundings.all()] == [("central_linkage", Decimal("900000.00"))]
    world.to_library(project)
    with pytest.raises(TransitionNotAllowed):
        services.target_add(project=project, actor=world.county_reviewer, indicator="x", target_value="1")


def test_reject_and_withdraw_keep_their_reason(world):
    first = world.propose()
    services.project_reject(project=first, actor=world.township_cadre, comment="与村规划不符")
    second = world.propose(name="第二个项目")
    services.project_withdraw(project=second, actor=world.village_worker, comment="重复申报")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.closing_reason) == (P.REJECTED, "与村规划不符")
    assert (second.status, second.closing_reason) == (P.WITHDRAWN, "重复申报")
    with pytest.raises(DomainError, match="原因"):
        services.project_cancel(
            project=world.to_library(world.propose(name="三")), actor=world.county_reviewer, comment=""
        )


def test_assets_are_transferred_only_once_registered(world):
    project = world.to_implementation()
    services.project_start(project=project, actor=world.project_unit)
    services.project_accept(project=project, actor=world.county_reviewer, accepted_on=TODAY, comment="合格")
    services.project_evaluate(
        project=project, actor=world.county_reviewer, evaluation="完成", actuals={project.targets.get().pk: "20"}
    )
    with pytest.raises(DomainError, match="登记项目形成的资产"):
        services.project_transfer_assets(project=project, actor=world.county_reviewer)


def test_evaluation_needs_every_actual_value(world):
    project = world.to_implementation()
    services.project_start(project=project, actor=world.project_unit)
    services.project_accept(project=project, actor=world.county_reviewer, accepted_on=TODAY, comment="合格")
    with pytest.raises(DomainError, match="新建圈棚"):
        services.project_evaluate(project=project, actor=world.county_reviewer, evaluation="完成", actuals={})
