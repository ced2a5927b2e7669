"""A PostgreSQL restart, as the app sees it: every connection it holds is cut. The next request and the next task
succeed without restarting the app, because a kept connection is checked when a request starts
(``CONN_HEALTH_CHECKS``) and the worker opens a fresh one for each task.

The shared server is not restarted: a second connection terminates this test database's other backends, which is
what a restart does to the app's connections."""

import uuid
from wsgiref.util import setup_testing_defaults

import psycopg2
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection
from django.urls import reverse

from accounts.roles import Role
from accounts.tasks import sessions_cleanup_task
from tests.factories import HouseholdFactory, UserFactory, VillageFactory
from tests.workers import start_worker, stop_worker

# serialized_rollback: its flush must not re-run post_migrate, or later serialized tests collide on content types.
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _restart_as_the_app_sees_it() -> int:
    """Terminate every other backend of this database, waiting until they are gone; returns how many."""
    with psycopg2.connect(**connection.get_connection_params()) as other, other.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        terminated = cursor.fetchone()[0]
    other.close()
    return terminated


class Server:
    """One synchronous worker of a WSGI server (gunicorn's sync worker): requests one after another on this thread,
    through the real handler, so Django's request_started/finished hooks run as in production — the test client
    switches off the connection housekeeping that this test is about."""

    def __init__(self, session_key: str) -> None:
        self.handler = WSGIHandler()
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"

    def get(self, path: str) -> int:
        environ: dict = {}
        setup_testing_defaults(environ)
        environ.update(PATH_INFO=path, HTTP_HOST="testserver", HTTP_COOKIE=self.cookie)
        statuses = []
        response = self.handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
        try:
            b"".join(response)
        finally:
            response.close()  # request_finished: a kept connection stays open for the next request
        return int(statuses[0].split()[0])


@pytest.fixture
def server(client):
    """A signed-in village worker's browser on a server that keeps its connection between requests (the production
    CONN_MAX_AGE), with the health checks of the settings."""
    village = VillageFactory()
    HouseholdFactory(managing_area=village)
    client.force_login(UserFactory(roles=[Role.VILLAGE_WORKER], area=village))
    saved = connection.settings_dict["CONN_MAX_AGE"]
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 60
    try:
        yield Server(client.cookies[settings.SESSION_COOKIE_NAME].value)
    finally:
        connection.close()
        connection.settings_dict["CONN_MAX_AGE"] = saved
        close_old_connections()


def test_the_settings_check_a_kept_connection_before_each_request():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_the_next_page_and_api_call_after_a_restart_succeed(server):
    # given a server that has answered and kept its connection
    assert server.get(reverse("home")) == 200
    before = connection.connection.get_backend_pid()

    # when PostgreSQL drops it
    assert _restart_as_the_app_sees_it() >= 1

    # then the next requests reconnect by themselves
    assert server.get(reverse("home")) == 200
    assert connection.connection.get_backend_pid() != before
    assert server.get(reverse("api:household-list")) == 200


def test_without_the_health_check_the_first_request_after_a_restart_fails(server, caplog):
    """The control: the restart above is real enough to break a request when nothing checks the connection."""
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    try:
        assert server.get(reverse("home")) == 200
        _restart_as_the_app_sees_it()

        assert server.get(reverse("home")) == 500
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True
    # …and Django drops the broken connection at the end of that request, so the one after works again
    assert server.get(reverse("home")) == 200


def test_a_worker_runs_the_next_task_after_a_restart():
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue)
    try:
        assert sessions_cleanup_task.apply_async(queue=queue).get(timeout=90) == "ok"

        _restart_as_the_app_sees_it()

        assert sessions_cleanup_task.apply_async(queue=queue).get(timeout=90) == "ok"
    finally:
        print(stop_worker(worker))  # noqa: T201 - shown by pytest only when the test fails
        connection.close()  # this test's own connection was cut too
