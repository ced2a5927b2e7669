import datetime

import pytest

from core.errors import DomainError
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.services import area_create, area_get_by_code, area_merge, area_rename
from households.models import Household
from tests.factories import HouseholdFactory, TownshipFactory, VillageFactory

pytestmark = pytest.mark.django_db


def _county_tree():
    province = area_create(code="640000000000", name="宁夏回族自治区")
    city = area_create(code="640300000000", name="吴忠市")
    county = area_create(code="640324000000", name="同心县")
    township = area_create(code="640324100000", name="豫海镇")
    return province, city, county, township


def test_the_code_decides_level_and_parent():
    province, city, county, township = _county_tree()
    village = area_create(code="640324100201", name="南关村")
    assert (province.level, city.level, county.level, township.level) == (
        AreaLevel.PROVINCE,
        AreaLevel.CITY,
        AreaLevel.COUNTY,
        AreaLevel.TOWNSHIP,
    )
    assert village.level == AreaLevel.VILLAGE
    assert village.parent == township
    assert village.prefix == "640324100201"
    assert township.prefix == "640324100"
    assert county.prefix == "640324"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("64032410020", "格式不正确"),
        ("640324999201", "上级区划“640324999000”不存在"),
        ("640324100000", "已存在"),
    ],
)
def test_bad_codes_get_a_clear_error_and_nothing_is_saved(code, message):
    _county_tree()
    before = AdminArea.objects.count()
    with pytest.raises(DomainError, match=message):
        area_create(code=code, name="某村")
    assert AdminArea.objects.count() == before


def test_unknown_and_malformed_lookups_say_which_code():
    with pytest.raises(DomainError, match="“640324100299”不存在"):
        area_get_by_code("640324100299")
    with pytest.raises(DomainError, match="格式不正确"):
        area_get_by_code("abc")


def test_a_rename_keeps_the_old_name_in_history():
    village = VillageFactory(name="旧名村")
    area_rename(area=village, name="新名村", reason="2022 年区划调整")
    names = list(village.history.order_by("history_date").values_list("name", "history_change_reason"))
    assert names[0][0] == "旧名村"
    assert names[-1] == ("新名村", "2022 年区划调整")


def test_a_merged_village_keeps_its_households_and_points_to_its_successor():
    township = TownshipFactory()
    old, new = VillageFactory(parent=township), VillageFactory(parent=township)
    household = HouseholdFactory(managing_area=old)

    area_merge(area=old, into=new, on=datetime.date(2022, 1, 1), reason="撤并")

    old.refresh_from_db()
    assert old.valid_to == datetime.date(2022, 1, 1)
    assert old.replaced_by == new
    assert not old.is_active
    assert Household.objects.get(pk=household.pk).managing_area == old  # history is never lost
    assert Household.objects.in_area(township).filter(pk=household.pk).exists()


def test_merge_refuses_other_levels_and_retired_areas():
    township = TownshipFactory()
    village = VillageFactory(parent=township)
    with pytest.raises(DomainError, match="只能并入同级区划"):
        area_merge(area=village, into=township, on=datetime.date(2022, 1, 1), reason="x")
    other = VillageFactory(parent=township)
    area_merge(area=village, into=other, on=datetime.date(2022, 1, 1), reason="x")
    with pytest.raises(DomainError, match="已于 2022-01-01 停用"):
        area_merge(area=village, into=other, on=datetime.date(2023, 1, 1), reason="x")
