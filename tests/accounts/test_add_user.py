import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role
from geo.services import area_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    area_create(code="640000000000", name="宁夏回族自治区")
    area_create(code="640300000000", name="吴忠市")
    county = area_create(code="640324000000", name="同心县")
    area_create(code="640324100000", name="豫海镇")
    area_create(code="640324100201", name="南关村")
    return county


def _add(*args):
    out = io.StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


def test_add_user_binds_area_and_roles(county):
    output = _add("wang", "--role", "township_cadre", "--area", "640324100000", "--password", "Tongxin-2026!")
    user = User.objects.get(username="wang")
    assert user.area.code == "640324100000"
    assert user.roles == {Role.TOWNSHIP_CADRE}
    assert user.check_password("Tongxin-2026!")
    assert "已创建用户 wang" in output


def test_several_roles_can_be_given(county):
    _add(
        "li",
        "--role",
        "county_reviewer",
        "--role",
        "reporting_officer",
        "--area",
        "640324000000",
        "--password",
        "Tongxin-2026!",
    )
    assert User.objects.get(username="li").roles == {Role.COUNTY_REVIEWER, Role.REPORTING_OFFICER}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "mayor", "--area", "640324100000"], "角色“mayor”不存在"),
        (["--role", "township_cadre", "--area", "640324999000"], "区划代码“640324999000”不存在"),
        (["--role", "township_cadre", "--area", "6403"], "格式不正确"),
        (["--role", "township_cadre", "--area", "640324000000"], "只能绑定到乡镇级区划"),
        (["--role", "village_worker", "--area", "640324100000"], "只能绑定到村"),
        (["--role", "department_screener", "--area", "640324000000"], "必须指定所属部门"),
        (["--role", "county_reviewer", "--area", "640324000000", "--department", "police"], "部门“police”不存在"),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_saved(county, args, message):
    with pytest.raises(CommandError, match=message):
        _add("zhao", *args, "--password", "Tongxin-2026!")
    assert not User.objects.filter(username="zhao").exists()


def test_weak_passwords_and_duplicates_are_refused(county):
    with pytest.raises(CommandError, match="密码不符合要求"):
        _add("zhao", "--role", "county_reviewer", "--area", "640324000000", "--password", "123")
    _add("zhao", "--role", "county_reviewer", "--area", "640324000000", "--password", "Tongxin-2026!")
    with pytest.raises(CommandError, match="用户名“zhao”已存在"):
        _add("zhao", "--role", "county_reviewer", "--area", "640324000000", "--password", "Tongxin-2026!")
