"""Django's system checks (drf-spectacular's schema warnings included) pass at warning level, as CI's
``check --deploy --fail-level WARNING`` demands."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_system_checks_raise_no_warnings():
    call_command("check", fail_level="WARNING")
