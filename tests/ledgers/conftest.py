"""The demo county (every ledger has rows in it), loaded once for the module and rolled back after it, and helpers
that export through the pages and read the file back with python-calamine and with LibreOffice."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from accounts.models import User

DEMO_HOUSEHOLDS = 300


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
    )
    with django_db_blocker.unblock(), fast, transaction.atomic():
        call_command("load_demo", households=DEMO_HOUSEHOLDS, seed=7, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def login(demo, db, client):
    def log_in(username: str) -> User:
        user = User.objects.get(username=username)
        client.force_login(user)
        return user

    return log_in
