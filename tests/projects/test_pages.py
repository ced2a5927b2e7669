"""The project pages through HTTP: propose with the investment by source, refusals shown on the field (a banned
type), the steps in the order of SPEC §8.3, the library gate (no targets), the notice sheet, assets and the change
history; the admin shows projects read-only, so no gate can be skipped there."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import User
from projects import services
from projects.choices import ProjectStatus
from projects.models import Project, ProjectAsset
from tests.worlds.projects import DAY, TODAY

pytestmark = pytest.mark.django_db
P = ProjectStatus


def _proposal(world, **overrides):
    data = {
        "name": "张树村冷链库", "year": "2026", "category": str(world.category("0103").pk),
        "area": world.poor_village.code, "implementing_unit": "沙塘镇人民政府", "content": "冷库 500 吨",
        "planned_start": "2026-04-01", "planned_end": "2026-09-30",
        "funding-TOTAL_FORMS": "4", "funding-INITIAL_FORMS": "0", "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "13",
        "funding-0-source": "central_linkage", "funding-0-amount": "600000.00",
        "funding-1-source": "household_own", "funding-1-amount": "20000.50",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_a_village_worker_proposes_a_project_with_its_investment(client, world):
    client.force_login(world.village_worker)
    response = client.post(reverse("projects:project-create"), _proposal(world))
    project = Project.objects.get()
    assert response.status_code == 302
    assert response.url == project.get_absolute_url()
    page = client.get(project.get_absolute_url()).content.decode()
    assert "620000.50" in page
    assert "尚未设置绩效目标" in page
    listing = client.get(reverse("projects:project-list")).content.decode()
    assert "张树村冷链库" in listing


def test_a_banned_type_is_refused_on_the_page_with_the_policy_named(client, world):
    client.force_login(world.village_worker)
    response = client.post(
        reverse("projects:project-create"), _proposal(world, category=str(world.category("0304").pk))
    )
    assert response.status_code == 200  # the form again, with the error on its field
    body = response.content.decode()
    assert 'data-field="category"' in body
    assert "禁止入库" in body
    assert not Project.objects.exists()


def test_a_bad_amount_is_named_by_its_row(client, world):
    client.force_login(world.village_worker)
    response = client.post(reverse("projects:project-create"), _proposal(world, **{"funding-1-amount": ""}))
    assert response.status_code == 200  # the form again, with the error on its field
    assert "请填写计划投资" in response.content.decode()
    assert not Project.objects.exists()


def test_the_library_refuses_a_project_without_targets_on_the_page(client, world):
    project = world.propose()
    world.notice(project, world.village_worker)
    client.force_login(world.township_cadre)
    client.post(reverse("projects:project-appraise", args=[project.pk]), {"comment": "可行"})
    client.post(reverse("projects:project-township_review", args=[project.pk]), {"comment": ""})
    project.refresh_from_db()
    world.notice(project, world.township_cadre)
    client.force_login(world.county_reviewer)
    client.post(reverse("projects:project-county_approve", args=[project.pk]), {"comment": "同意"})
    project.refresh_from_db()
    world.notice(project, world.county_reviewer)
    response = client.post(reverse("projects:project-enter_library", args=[project.pk]), {"comment": ""}, follow=True)
    assert "未设置绩效目标的项目不得纳入项目库" in response.content.decode()
    project.refresh_from_db()
    assert project.status == P.COUNTY_APPROVED
    client.force_login(world.village_worker)
    client.post(
        reverse("projects:project-target", args=[project.pk]),
        {"indicator": "冷库", "target_value": "500", "unit": "吨"},
    )
    client.force_login(world.county_reviewer)
    client.post(reverse("projects:project-enter_library", args=[project.pk]), {"comment": ""})
    project.refresh_from_db()
    assert project.status == P.IN_LIBRARY


def test_each_user_sees_only_the_steps_they_may_take(client, world):
    project = world.propose()
    client.force_login(world.village_worker)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="step-notice"' in page
    assert 'data-testid="step-appraise"' not in page
    client.force_login(world.township_cadre)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="step-appraise"' in page
    assert 'data-testid="step-reject"' in page
    assert client.post(reverse("projects:project-appraise", args=[project.pk])).status_code == 302
    client.force_login(world.village_worker)
    assert client.post(reverse("projects:project-township_review", args=[project.pk])).status_code == 403


def test_a_township_sees_its_projects_and_not_the_neighbours(client, world):
    mine = world.propose()
    theirs = services.project_propose(
        actor=world.other_cadre, data=world.data(name="联财村道路", area=world.far_village)
    )
    client.force_login(world.township_cadre)
    listing = client.get(reverse("projects:project-list")).content.decode()
    assert mine.name in listing
    assert theirs.name not in listing
    assert client.get(theirs.get_absolute_url()).status_code == 404
    client.force_login(world.county_reviewer)
    listing = client.get(reverse("projects:project-list")).content.decode()
    assert mine.name in listing
    assert theirs.name in listing


def test_beneficiaries_show_their_counts(client, world):
    project = world.propose(category=world.category("0102"))
    client.force_login(world.village_worker)
    for household, mode in ((world.exited, "employment"), (world.ordinary, "shares")):
        client.post(
            reverse("projects:project-beneficiary", args=[project.pk]),
            {"household_no": household.household_no, "linkage_mode": mode, "expected_income": "1200.00"},
        )
    response = client.post(
        reverse("projects:project-beneficiary", args=[project.pk]),
        {"household_no": "不存在", "linkage_mode": "order", "expected_income": "0"},
        follow=True,
    )
    body = response.content.decode()
    assert "户编号“不存在”不存在" in body
    assert "受益农户 2 户，其中脱贫户 1 户、监测对象 0 户；预计年增收合计 2400.00 元" in body


def test_the_notice_sheet_prints_the_project(client, world):
    project = world.propose()
    notice = services.project_notice_post(
        project=project, actor=world.village_worker, places="张树村村务公开栏", starts_on=TODAY, ends_on=TODAY + 6 * DAY
    )
    client.force_login(world.village_worker)
    body = client.get(reverse("projects:notice-print", args=[notice.pk])).content.decode()
    assert "张树村村级申报公示" in body
    assert "张树村村务公开栏" in body
    assert "850000.00" in body


def test_assets_are_registered_and_their_income_distributed_on_the_pages(client, world):
    project = world.to_implementation()
    services.project_start(project=project, actor=world.project_unit)
    services.project_accept(project=project, actor=world.county_reviewer, accepted_on=TODAY, comment="合格")
    client.force_login(world.county_reviewer)
    response = client.post(
        reverse("projects:asset-register", args=[project.pk]),
        {"name": "圈棚", "asset_class": "industry", "nature": "public_welfare", "area": world.poor_village.code,
         "owner_kind": "village_collective", "owner_name": "张树村", "value": "850000", "transferred_on": "2026-07-15"},
    )  # fmt: skip
    assert response.status_code == 200  # the form again, with the error on its field
    assert "管护责任人" in response.content.decode()
    response = client.post(
        reverse("projects:asset-register", args=[project.pk]),
        {"name": "圈棚", "asset_class": "industry", "nature": "operating", "area": world.poor_village.code,
         "owner_kind": "village_collective", "owner_name": "张树村", "value": "850000", "transferred_on": "2026-07-15",
         "operating_mode": "lease", "operator": "合作社"},
    )  # fmt: skip
    asset = ProjectAsset.objects.get()
    assert response.url == asset.get_absolute_url()
    client.force_login(world.village_worker)
    client.post(
        reverse("projects:asset-income", args=[asset.pk]),
        {"period": "2026", "amount": "5000", "received_on": "2026-07-10"},
    )
    income = asset.incomes.get()
    response = client.post(
        reverse("projects:distribution-add", args=[income.pk]),
        {"use": "consolidation", "amount": "100", "paid_on": "2026-07-14", "household_no": world.exited.household_no},
        follow=True,
    )
    assert "严禁简单发钱发物" in response.content.decode()
    client.post(
        reverse("projects:distribution-add", args=[income.pk]),
        {"use": "consolidation", "amount": "100", "paid_on": "2026-07-14", "household_no": world.exited.household_no,
         "labour_based": "on", "note": "护林员工资"},
    )  # fmt: skip
    body = client.get(asset.get_absolute_url()).content.decode()
    assert "累计收益 5000.00 元，未分配 4900.00 元" in body
    listing = client.get(reverse("projects:asset-list") + "?attention=undistributed").content.decode()
    assert "圈棚" not in listing  # received five days ago: not yet overdue
    client.post(
        reverse("projects:asset-operation", args=[asset.pk]),
        {"status": "idle", "custodian": "张树村村委会", "operating_mode": "lease", "operator": ""},
    )
    body = client.get(asset.get_absolute_url()).content.decode()
    assert "状态：正常运营 → 闲置" in body
    assert "收益分配 100.00" in body
    listing = client.get(reverse("projects:asset-list") + "?attention=idle").content.decode()
    assert "圈棚" in listing


def test_the_change_history_names_who_changed_what(client, world):
    project = world.propose()
    client.force_login(world.village_worker)
    data = _proposal(world, name="张树村肉牛圈棚（扩建）", category=str(project.category_id))
    client.post(reverse("projects:project-edit", args=[project.pk]), data)
    body = client.get(project.get_absolute_url()).content.decode()
    assert "张树村肉牛养殖圈棚建设 → 张树村肉牛圈棚（扩建）" in body


def test_the_admin_shows_projects_and_funds_read_only(client, world):
    admin = User.objects.create_superuser("root", password="pw-Secret-123")
    client.force_login(admin)
    project = world.propose()
    assert client.get(reverse("admin:projects_project_change", args=[project.pk])).status_code == 200
    for name in ("admin:projects_project_add", "admin:funds_fundallocation_add", "admin:funds_fundbatch_add",
                 "admin:funds_disbursement_add", "admin:projects_projectasset_add"):  # fmt: skip
        assert client.get(reverse(name)).status_code == 403, name
        assert client.post(reverse(name), {"name": "绕过", "status": "in_library"}).status_code == 403, name
    response = client.post(reverse("admin:projects_project_change", args=[project.pk]), {"status": "in_library"})
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.status == P.PROPOSED
    assert Decimal(0) == sum(a.amount for a in project.allocations.all())


def test_the_notice_length_is_the_countys_parameter_on_the_page_the_form_and_the_service(client, world):
    """``notice.project_days`` (SPEC §8.8) set to 10 for the county: the step names 10 days, the form proposes a
    10-day notice, and the service refuses 9."""
    from core.errors import DomainError
    from geo.models import PolicyParameter

    PolicyParameter.objects.create(key="notice.project_days", area_code=world.county.code, valid_from=TODAY, value=10)
    project = world.propose()
    client.force_login(world.village_worker)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "张贴公示（不少于 10 天，期满后方可办理下一步）" in page
    assert f'value="{(TODAY + 9 * DAY).isoformat()}"' in page
    with pytest.raises(DomainError, match="公示期不少于 10 天"):
        services.project_notice_post(
            project=project, actor=world.village_worker, places="村部公示栏", starts_on=TODAY, ends_on=TODAY + 8 * DAY
        )
