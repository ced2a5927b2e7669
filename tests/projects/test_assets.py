"""Project assets (SPEC §10): registered after acceptance, custodian for public-welfare assets (NR-ASSET-02),
operating mode for operating ones, income and its distribution never beyond the income and never as plain cash to a
household (NR-ASSET-01)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import DomainError, TransitionNotAllowed
from projects import services
from projects.choices import AssetStatus
from tests.worlds.projects import DAY, TODAY

pytestmark = pytest.mark.django_db


def _accepted(world):
    project = world.to_implementation()
    services.project_start(project=project, actor=world.project_unit)
    services.project_accept(project=project, actor=world.county_reviewer, accepted_on=TODAY, comment="合格")
    return project


def _asset_input(world, **overrides):
    values = {
        "name": "村级光伏电站", "asset_class": "industry", "nature": "operating", "area": world.poor_village,
        "owner_kind": "village_collective", "owner_name": "张树村股份经济合作社", "value": Decimal("300000.00"),
        "transferred_on": TODAY, "operating_mode": "entrusted", "operator": "县光伏公司", "custodian": "",
    }  # fmt: skip
    values.update(overrides)
    return services.AssetInput(**values)


def test_assets_wait_for_acceptance(world):
    project = world.to_implementation()
    with pytest.raises(TransitionNotAllowed, match="完工验收"):
        services.asset_register(project=project, actor=world.county_reviewer, data=_asset_input(world))


def test_a_public_welfare_asset_names_its_custodian(world):
    project = _accepted(world)
    road = _asset_input(
        world, name="村组道路 3 公里", asset_class="infrastructure", nature="public_welfare", operating_mode=""
    )
    with pytest.raises(DomainError, match="管护责任人") as caught:
        services.asset_register(project=project, actor=world.county_reviewer, data=road)
    assert caught.value.field == "custodian"
    asset = services.asset_register(
        project=project, actor=world.county_reviewer, data=_asset_input(
            world, name="村组道路 3 公里", asset_class="infrastructure", nature="public_welfare", operating_mode="",
            custodian="张树村村委会",
        ),
    )  # fmt: skip
    assert asset.code.startswith("ZC2026")


def test_an_operating_asset_names_its_operating_mode(world):
    with pytest.raises(DomainError, match="经营方式"):
        services.asset_register(
            project=_accepted(world), actor=world.county_reviewer, data=_asset_input(world, operating_mode="")
        )


def test_income_is_distributed_at_most_once_and_never_as_plain_cash(world):
    asset = services.asset_register(project=_accepted(world), actor=world.county_reviewer, data=_asset_input(world))
    income = services.income_record(
        asset=asset, actor=world.village_worker, period="2026-H1", amount=Decimal("10000.01"), received_on=TODAY - DAY
    )
    with pytest.raises(DomainError, match="严禁简单发钱发物") as caught:
        services.distribution_record(
            income=income, actor=world.village_worker, use="consolidation", amount=Decimal("500.00"), paid_on=TODAY,
            household=world.exited,
        )  # fmt: skip
    assert caught.value.field == "labour_based"
    services.distribution_record(
        income=income, actor=world.village_worker, use="consolidation", amount=Decimal("3000.00"), paid_on=TODAY,
        household=world.exited, labour_based=True, note="公益岗位劳务报酬",
    )  # fmt: skip
    services.distribution_record(
        income=income, actor=world.village_worker, use="operation_maintenance", amount=Decimal("7000.00"),
        paid_on=TODAY,
    )  # fmt: skip
    assert services.undistributed(income) == Decimal("0.01")
    with pytest.raises(DomainError, match=r"未分配余额 0\.01"):
        services.distribution_record(
            income=income, actor=world.village_worker, use="village_public_welfare", amount=Decimal("0.02"),
            paid_on=TODAY,
        )  # fmt: skip


def test_assets_are_kept_by_their_place(world):
    asset = services.asset_register(project=_accepted(world), actor=world.county_reviewer, data=_asset_input(world))
    with pytest.raises(PermissionDenied):
        services.income_record(
            asset=asset, actor=world.other_cadre, period="2026", amount=Decimal("1"), received_on=TODAY
        )
    services.asset_update_operation(
        asset=asset, actor=world.township_cadre, status=AssetStatus.IDLE, custodian="张树村村委会",
        operating_mode="entrusted", operator="",
    )  # fmt: skip
    asset.refresh_from_db()
    assert asset.status == AssetStatus.IDLE
