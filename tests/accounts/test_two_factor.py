"""Two-factor sign-in (README "Security model"): a phone authenticator's code after the password — optional for
everyone, required for the roles the settings list; asked by the login, the API session and the token endpoint;
removable by the county account administrator when a phone is lost."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountAction, AccountEvent
from accounts.roles import Role
from tests.factories import CountyFactory, TownshipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Tongxin-2026!"


@pytest.fixture
def county():
    return CountyFactory()


@pytest.fixture
def reviewer(county):
    person = UserFactory(roles=[Role.COUNTY_REVIEWER], area=county, username="reviewer")
    person.set_password(PASSWORD)
    person.save()
    return person


def _code(device, *, drift=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + drift * device.step
    return f"{totp.token():06d}"


def _unthrottle(device):
    """django-otp makes each try after a wrong code wait twice as long as the last: the test does not wait."""
    device.refresh_from_db()
    device.throttle_reset()


def _login(client):
    return client.post(reverse("login"), {"username": "reviewer", "password": PASSWORD})


def _enrol(client):
    page = client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user__username="reviewer", confirmed=False)
    return page, device


def test_adding_an_authenticator_shows_a_qr_code_and_the_secret_and_needs_a_right_code(client, reviewer):
    _login(client)
    page, device = _enrol(client)
    html = page.content.decode()
    assert "<svg" in html
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")
    assert client.get(reverse("two-factor-setup")).context["secret"] == page.context["secret"]  # same on reload

    wrong = client.post(reverse("two-factor-setup"), {"token": "000000" if _code(device) != "000000" else "111111"})
    assert "验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    _unthrottle(device)
    right = client.post(reverse("two-factor-setup"), {"token": _code(device)})
    assert right.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200  # this session gave the code


def test_a_password_alone_no_longer_opens_pages_or_the_api_once_an_authenticator_is_added(client, reviewer):
    device = TOTPDevice.objects.create(user=reviewer, name="手机验证器", confirmed=True)
    _login(client)
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("two-factor-verify"))
    api = client.get("/api/v1/households/")
    assert api.status_code == 403
    assert "验证码" in api.json()["detail"]

    wrong = client.post(reverse("two-factor-verify"), {"token": "12345x", "next": "/households/"})
    assert wrong.status_code == 200
    assert "验证码不正确" in wrong.content.decode()
    _unthrottle(device)
    right = client.post(reverse("two-factor-verify"), {"token": _code(device), "next": "/households/"})
    assert right["Location"] == "/households/"
    assert client.get(reverse("home")).status_code == 200
    assert client.get("/api/v1/households/").status_code == 200


def test_the_verify_page_does_not_send_anyone_to_another_site(client, reviewer):
    device = TOTPDevice.objects.create(user=reviewer, name="手机验证器", confirmed=True)
    _login(client)
    response = client.post(reverse("two-factor-verify"), {"token": _code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_a_required_role_must_add_one_before_any_page(client, reviewer, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["county_reviewer"]
    _login(client)
    home = client.get(reverse("home"))
    assert home["Location"].startswith(reverse("two-factor-setup"))
    page, device = _enrol(client)
    assert 'data-testid="two-factor-required"' in page.content.decode()
    client.post(reverse("two-factor-setup"), {"token": _code(device)})
    assert client.get(reverse("home")).status_code == 200
    # Required: it cannot be turned off by its owner.
    client.post(reverse("two-factor-remove"))
    assert TOTPDevice.objects.filter(user=reviewer).exists()


def test_an_optional_authenticator_can_be_removed_by_its_owner(client, reviewer):
    device = TOTPDevice.objects.create(user=reviewer, name="手机验证器", confirmed=True)
    _login(client)
    client.post(reverse("two-factor-verify"), {"token": _code(device)})
    client.post(reverse("two-factor-remove"))
    assert not TOTPDevice.objects.filter(user=reviewer).exists()


def test_the_token_endpoint_asks_for_the_code(api_client, reviewer, settings):
    url = reverse("api:auth-token")
    device = TOTPDevice.objects.create(user=reviewer, name="手机验证器", confirmed=True)
    missing = api_client.post(url, {"username": "reviewer", "password": PASSWORD})
    assert missing.status_code == 400
    assert "otp_token" in missing.json()
    wrong = api_client.post(url, {"username": "reviewer", "password": PASSWORD, "otp_token": "99999x"})
    assert wrong.status_code == 400
    _unthrottle(device)
    issued = api_client.post(url, {"username": "reviewer", "password": PASSWORD, "otp_token": _code(device)})
    assert issued.status_code == 200
    assert issued.json()["token"]

    device.delete()
    settings.TWO_FACTOR_REQUIRED_ROLES = ["county_reviewer"]
    refused = api_client.post(url, {"username": "reviewer", "password": PASSWORD})
    assert refused.status_code == 403
    assert "两步验证" in refused.json()["detail"]


def test_the_county_account_administrator_resets_a_lost_phone(client, reviewer, county):
    TOTPDevice.objects.create(user=reviewer, name="手机验证器", confirmed=True)
    admin = UserFactory(roles=[Role.COUNTY_ADMIN], area=county)
    client.force_login(admin)
    assert 'data-testid="two-factor-reset"' in client.get(reverse("user-detail", args=[reviewer.pk])).content.decode()
    client.post(reverse("user-two-factor-reset", args=[reviewer.pk]))
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert AccountEvent.objects.filter(user=reviewer, actor=admin, action=AccountAction.TWO_FACTOR_RESET).exists()
    # Another county's administrator cannot.
    TOTPDevice.objects.create(user=reviewer, name="手机验证器", confirmed=True)
    stranger = UserFactory(roles=[Role.COUNTY_ADMIN], area=TownshipFactory().parent)
    client.force_login(stranger)
    assert client.post(reverse("user-two-factor-reset", args=[reviewer.pk])).status_code == 404
    assert TOTPDevice.objects.filter(user=reviewer).exists()


def test_a_misspelt_required_role_stops_the_start(settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["county_reveiwer"]
    with pytest.raises(SystemCheckError, match="county_reveiwer"):
        call_command("check")
