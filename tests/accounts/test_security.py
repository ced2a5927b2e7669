"""Accounts for a real roll-out (README "Security model"): wrong passwords lock the account on the form and the token
endpoint alike; API tokens end after API_TOKEN_HOURS, at logout and at a password change; page sessions end when
idle and a fixed time after their login; passwords need length and three kinds of character."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from accounts.sessions import LOGIN_AT, RENEW_AFTER, SEEN_AT
from tests.factories import UserFactory, VillageFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Tongxin-2026!"


@pytest.fixture
def user():
    person = UserFactory(roles=[Role.VILLAGE_WORKER], area=VillageFactory())
    person.set_password(PASSWORD)
    person.save()
    return person


def _form_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_on_the_form_even_for_the_right_one(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _form_login(client, user.username, "wrong-password").status_code == 200  # the form again
    locked = _form_login(client, user.username, "wrong-password")
    assert locked.status_code == 429
    assert "账号已暂时锁定" in locked.content.decode()
    right = _form_login(client, user.username, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_token_endpoint_counts_towards_the_same_lockout(api_client, user):
    url = reverse("api:auth-token")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert api_client.post(url, {"username": user.username, "password": "nope"}).status_code in (400, 429)
    refused = api_client.post(url, {"username": user.username, "password": PASSWORD})
    assert refused.status_code == 429
    assert "账号已暂时锁定" in refused.json()["detail"]
    assert not Token.objects.filter(user=user).exists()


def test_a_token_ends_after_its_hours_at_logout_and_at_a_password_change(api_client, client, user):
    url = reverse("api:auth-token")
    issued = api_client.post(url, {"username": user.username, "password": PASSWORD}).json()
    assert set(issued) == {"token", "expires_at"}
    reader = api_client.__class__()
    reader.credentials(HTTP_AUTHORIZATION=f"Token {issued['token']}")
    assert reader.get("/api/v1/households/").status_code == 200

    Token.objects.filter(key=issued["token"]).update(
        created=timezone.now() - datetime.timedelta(hours=settings.API_TOKEN_HOURS, minutes=1)
    )
    expired = reader.get("/api/v1/households/")
    assert expired.status_code == 401
    assert "令牌已过期" in expired.json()["detail"]

    fresh = api_client.post(url, {"username": user.username, "password": PASSWORD}).json()["token"]
    assert fresh != issued["token"]
    client.force_login(user)
    client.post(reverse("logout"))
    assert not Token.objects.filter(key=fresh).exists()

    again = api_client.post(url, {"username": user.username, "password": PASSWORD}).json()["token"]
    user.set_password("Another-2026!")
    user.save()
    assert not Token.objects.filter(key=again).exists()


def test_a_page_session_ends_when_idle_and_hours_after_its_login(client, user):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 30 * 60
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[SEEN_AT] -= RENEW_AFTER + 1
    session.save()
    before = Session.objects.get(pk=session.session_key).expire_date
    assert client.get(reverse("home")).status_code == 200  # a request renews the idle clock
    assert Session.objects.get(pk=session.session_key).expire_date > before
    session = client.session
    session[LOGIN_AT] = (
        timezone.now() - datetime.timedelta(hours=settings.SESSION_ABSOLUTE_HOURS, minutes=1)
    ).timestamp()
    session.save()
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert f"登录已超过 {settings.SESSION_ABSOLUTE_HOURS} 小时" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("password", ["demo12345", "short1A!", "alllowercaseletters", "1234567890123"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_strong_password_passes():
    validate_password(PASSWORD)


def test_a_provisioned_account_sets_its_own_password_before_anything_else(client, user, api_client):
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    token = api_client.post(reverse("api:auth-token"), {"username": user.username, "password": PASSWORD}).json()
    client.force_login(user)
    forced = client.get(reverse("households:household-list"))
    assert forced.status_code == 302
    assert forced["Location"] == reverse("password-change")
    page = client.get(reverse("password-change")).content.decode()
    assert "请先设置自己的密码" in page

    weak = client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": "demo12345", "new_password2": "demo12345"},
    )
    assert "至少 3 种" in weak.content.decode() or "太短" in weak.content.decode()
    new = "Haiyuan#2026x"
    done = client.post(
        reverse("password-change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert done["Location"] == reverse("home")
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password(new)
    assert client.get(reverse("households:household-list")).status_code == 200  # still signed in, free to work
    assert not Token.objects.filter(key=token["token"]).exists()  # the old password's token ended


def test_provisioned_accounts_must_change_and_demo_accounts_need_not():
    from accounts.services import user_create
    from tests.factories import CountyFactory

    county = CountyFactory()
    provisioned = user_create(username="li", role_codes=["county_reviewer"], area_code=county.code, password=PASSWORD)
    assert provisioned.must_change_password
    demo = user_create(
        username="demo", role_codes=["county_reviewer"], area_code=county.code, password=PASSWORD,
        must_change_password=False,
    )  # fmt: skip
    assert not demo.must_change_password


def test_password_reset_by_email_exists_only_with_a_mail_server(client):
    from django.urls import NoReverseMatch

    if settings.EMAIL_URL:
        assert client.get(reverse("password_reset")).status_code == 200
    else:
        with pytest.raises(NoReverseMatch):
            reverse("password_reset")
        assert "忘记密码" not in client.get(reverse("login")).content.decode()
