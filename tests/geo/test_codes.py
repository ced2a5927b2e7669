import pytest

from geo.codes import AreaCodeError, AreaLevel, level_of, parent_code, prefix_of


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("640000000000", AreaLevel.PROVINCE, None),
        ("640300000000", AreaLevel.CITY, "640000000000"),
        ("640324000000", AreaLevel.COUNTY, "640300000000"),
        ("640324100000", AreaLevel.TOWNSHIP, "640324000000"),
        ("640324100201", AreaLevel.VILLAGE, "640324100000"),
        ("640324100201003", AreaLevel.GROUP, "640324100201"),
    ],
)
def test_the_code_names_level_and_parent(code, level, parent):
    assert level_of(code) == level
    assert parent_code(code) == parent


def test_prefixes_are_6_9_12_digits_for_county_township_village():
    assert prefix_of("640324100201", AreaLevel.COUNTY) == "640324"
    assert prefix_of("640324100201", AreaLevel.TOWNSHIP) == "640324100"
    assert prefix_of("640324100201", AreaLevel.VILLAGE) == "640324100201"


@pytest.mark.parametrize("bad", ["", "6403", "64032410020A", "6403241002011", " 640324100201x", "000000000000"])
def test_malformed_codes_are_refused_with_a_chinese_message(bad):
    with pytest.raises(AreaCodeError, match="区划代码"):
        level_of(bad)
