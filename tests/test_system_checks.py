"""Django's system checks (drf-spectacular's schema warnings included) pass at warning level, as CI's
``check --deploy --fail-level WARNING`` demands."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_system_checks_raise_no_warnings():
    call_command("check", fail_level="WARNING")


def test_the_openapi_schema_generates_without_warnings(tmp_path):
    """drf-spectacular's own warnings (enum name collisions …) run only under ``check --deploy``: generate the
    schema here so a new serializer cannot break CI's deploy check unnoticed."""
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
