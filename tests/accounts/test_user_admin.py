"""A county administers its own accounts (README "Security model"): a county account administrator opens, changes,
disables and re-enables accounts of their county only, resets passwords and lifts lockouts, and every change is
an audited ``AccountEvent`` — with no superuser involved."""

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import AccountAction, AccountEvent, User
from accounts.roles import Role
from accounts.services import AccountRefused, user_create
from tests.factories import CountyFactory, TownshipFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Tongxin-2026!"


@pytest.fixture
def county():
    return CountyFactory()


@pytest.fixture
def admin(county):
    return UserFactory(roles=[Role.COUNTY_ADMIN], area=county, last_name="马主任")


@pytest.fixture
def township(county):
    return TownshipFactory(parent=county)


@pytest.fixture
def cadre(township):
    person = UserFactory(roles=[Role.TOWNSHIP_CADRE], area=township, last_name="杨干部", username="yang")
    person.set_password(PASSWORD)
    person.save()
    return person


@pytest.fixture
def foreign_cadre():
    return UserFactory(roles=[Role.TOWNSHIP_CADRE], area=TownshipFactory(), last_name="外县干部")


def _open(client, township, **extra):
    data = {"username": "li.village", "full_name": "李文书", "phone": "13900000001", "unit_name": "某村委会",
            "area": township.pk, "roles": [Role.TOWNSHIP_CADRE.value], "department": ""} | extra  # fmt: skip
    return client.post(reverse("user-create"), data)


def _login(client, password=PASSWORD):
    return client.post(reverse("login"), {"username": "yang", "password": password})


def test_the_administrator_sees_the_accounts_of_their_county_only(client, admin, cadre, foreign_cadre):
    client.force_login(admin)
    page = client.get(reverse("user-list")).content.decode()
    assert "杨干部" in page
    assert "乡镇干部" in page
    assert "外县干部" not in page
    assert client.get(reverse("user-detail", args=[foreign_cadre.pk])).status_code == 404
    assert client.post(reverse("user-disable", args=[foreign_cadre.pk]), {"reason": "x"}).status_code == 404
    foreign_cadre.refresh_from_db()
    assert foreign_cadre.is_active


def test_other_roles_have_no_account_administration(client, cadre, township):
    reviewer = UserFactory(roles=[Role.COUNTY_REVIEWER], area=township.parent)
    client.force_login(reviewer)
    assert client.get(reverse("user-list")).status_code == 403
    assert client.get(reverse("user-detail", args=[cadre.pk])).status_code == 404
    assert _open(client, township).status_code == 403
    assert not User.objects.filter(username="li.village").exists()


def test_opening_an_account_shows_a_one_time_password_that_must_be_changed(client, admin, township):
    client.force_login(admin)
    response = _open(client, township)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = response.context["password"]
    assert password in response.content.decode()
    account = User.objects.get(username="li.village")
    assert account.area == township
    assert account.roles == {Role.TOWNSHIP_CADRE}
    assert account.must_change_password
    assert account.check_password(password)
    (event,) = AccountEvent.objects.filter(user=account)
    assert (event.actor, event.action, event.area) == (admin, AccountAction.CREATED, township)
    assert event.changes == {"角色": ["", "乡镇干部"], "区划": ["", township.name]}
    assert password not in str(event.changes)

    client.logout()
    client.post(reverse("login"), {"username": "li.village", "password": password})
    assert client.get(reverse("home"))["Location"] == reverse("password-change")


def test_a_refusal_names_every_problem_and_saves_nothing(client, admin, township, cadre):
    village = VillageFactory(parent=township)
    client.force_login(admin)
    # The user name is taken, a township cadre cannot sit in a village, a screener needs a department.
    response = _open(
        client, village, username="YANG", roles=[Role.TOWNSHIP_CADRE.value, Role.DEPARTMENT_SCREENER.value]
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "用户名“YANG”已存在" in errors["username"][0]
    assert any("乡镇干部" in e and "乡镇级" in e for e in errors["roles"])
    assert any("行业部门筛查人员" in e for e in errors["roles"])
    assert "必须指定所属部门" in errors["department"][0]
    assert User.objects.count() == 2
    assert not AccountEvent.objects.exists()


def test_an_administrator_cannot_bind_an_account_outside_their_county_or_hand_out_province_roles(admin, township):
    other = TownshipFactory()
    with pytest.raises(AccountRefused, match="不在您管理的范围内"):
        user_create(actor=admin, username="x1", role_codes=["township_cadre"], area_code=other.code,
                    password=PASSWORD)  # fmt: skip
    with pytest.raises(AccountRefused, match="只能绑定到省级区划"):
        user_create(actor=admin, username="x2", role_codes=["system_admin"], area_code=township.parent.code,
                    password=PASSWORD)  # fmt: skip
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()


def test_the_form_offers_only_areas_and_roles_of_the_county(client, admin, township):
    TownshipFactory(name="外县某乡")
    client.force_login(admin)
    page = client.get(reverse("user-create")).content.decode()
    assert township.name in page
    assert "外县某乡" not in page
    assert str(Role.TOWNSHIP_CADRE.label) in page
    assert str(Role.SYSTEM_ADMIN.label) not in page
    assert str(Role.SUPERVISOR.label) not in page


def test_a_re_role_needs_a_reason_is_audited_and_ends_the_api_tokens(client, admin, cadre, county):
    Token.objects.create(user=cadre)
    client.force_login(admin)
    url = reverse("user-detail", args=[cadre.pk])
    data = {"full_name": "杨干部", "phone": "", "unit_name": "", "area": county.pk,
            "roles": [Role.REPORTING_OFFICER.value], "department": ""}  # fmt: skip
    refused = client.post(url, data)
    assert refused.context["form"].errors["reason"] == ["调整角色或区划请填写原因"]
    cadre.refresh_from_db()
    assert cadre.roles == {Role.TOWNSHIP_CADRE}

    assert client.post(url, data | {"reason": "调县局报表岗"}).status_code == 302
    cadre = User.objects.get(pk=cadre.pk)
    assert cadre.roles == {Role.REPORTING_OFFICER}
    assert cadre.area == county
    assert not Token.objects.filter(user=cadre).exists()
    event = AccountEvent.objects.get(user=cadre, action=AccountAction.CHANGED)
    assert event.changes["角色"] == ["乡镇干部", "报表人员"]
    assert event.reason == "调县局报表岗"
    assert event.actor == admin
    page = client.get(url).content.decode()
    assert "调县局报表岗" in page
    assert "报表人员" in page


def test_disabling_ends_the_session_and_tokens_and_enabling_restores_the_login(client, admin, cadre):
    cadre_client = client.__class__()
    cadre_client.force_login(cadre)
    assert cadre_client.get(reverse("home")).status_code == 200
    Token.objects.create(user=cadre)

    client.force_login(admin)
    url = reverse("user-disable", args=[cadre.pk])
    client.post(url, {"reason": ""})
    cadre.refresh_from_db()
    assert cadre.is_active  # a reason is required
    client.post(url, {"reason": "调离"})
    cadre.refresh_from_db()
    assert not cadre.is_active
    assert not Token.objects.filter(user=cadre).exists()
    assert cadre_client.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert _login(client.__class__()).status_code == 200  # the login form again

    client.post(reverse("user-enable", args=[cadre.pk]), {"reason": "返岗"})
    assert _login(client.__class__()).status_code == 302
    actions = list(AccountEvent.objects.filter(user=cadre).values_list("action", "reason"))
    assert actions == [(AccountAction.ENABLED, "返岗"), (AccountAction.DISABLED, "调离")]


def test_an_administrator_cannot_disable_or_re_role_themselves(client, admin, county):
    client.force_login(admin)
    client.post(reverse("user-disable", args=[admin.pk]), {"reason": "x"})
    admin.refresh_from_db()
    assert admin.is_active
    data = {"full_name": "马主任", "phone": "", "unit_name": "", "area": county.pk,
            "roles": [Role.COUNTY_REVIEWER.value], "department": "", "reason": "想当审核人"}  # fmt: skip
    refused = client.post(reverse("user-detail", args=[admin.pk]), data)
    assert "不能修改自己的角色和区划" in refused.context["form"].errors["roles"][0]
    assert User.objects.get(pk=admin.pk).roles == {Role.COUNTY_ADMIN}


def test_superusers_are_out_of_a_county_administrators_reach(client, admin, township):
    operator = UserFactory(area=township, is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("user-detail", args=[operator.pk])).status_code == 404
    assert client.post(reverse("user-password-reset", args=[operator.pk])).status_code == 404


def test_a_password_reset_gives_a_one_time_password_and_lifts_the_lockout(client, admin, cadre):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "yang", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "yang", "password": PASSWORD}).status_code == 429

    client.force_login(admin)
    page = client.get(reverse("user-detail", args=[cadre.pk])).content.decode()
    assert 'data-testid="locked"' in page
    response = client.post(reverse("user-password-reset", args=[cadre.pk]))
    password = response.context["password"]
    assert response["Cache-Control"] == "no-store"
    client.logout()
    assert client.post(reverse("login"), {"username": "yang", "password": password}).status_code == 302
    assert User.objects.get(pk=cadre.pk).must_change_password
    assert AccountEvent.objects.filter(user=cadre, action=AccountAction.PASSWORD_RESET, actor=admin).exists()


def test_unlock_lifts_a_lockout_and_says_so_when_there_is_none(client, admin, cadre):
    client.force_login(admin)
    response = client.post(reverse("user-unlock", args=[cadre.pk]), follow=True)
    assert "没有被锁定" in response.content.decode()
    anonymous = client.__class__()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        anonymous.post(reverse("login"), {"username": "yang", "password": "wrong"})
    client.post(reverse("user-unlock", args=[cadre.pk]))
    assert anonymous.post(reverse("login"), {"username": "yang", "password": PASSWORD}).status_code == 302
    assert AccountEvent.objects.filter(user=cadre, action=AccountAction.UNLOCKED).exists()


def test_the_menu_offers_account_administration_to_administrators(client, admin, cadre):
    client.force_login(admin)
    assert reverse("user-list") in client.get(reverse("home")).content.decode()
    client.force_login(cadre)
    assert reverse("user-list") not in client.get(reverse("home")).content.decode()
