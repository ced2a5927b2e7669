"""A real Celery worker against Redis and PostgreSQL runs a task end to end."""

import datetime
import uuid

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import sessions_cleanup_task
from tests.workers import start_worker, stop_worker

# serialized_rollback: its flush must not re-run post_migrate, or later serialized tests collide on content types.
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def worker_queue():
    """A worker process on its own queue, connected to the test database and the real broker."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue)
    try:
        yield queue
    finally:
        print(stop_worker(worker))  # noqa: T201 - shown by pytest only when the test fails


def test_a_worker_runs_the_session_cleanup_task(worker_queue):
    assert not settings.CELERY_TASK_ALWAYS_EAGER  # a real broker, not in-process execution
    expired = timezone.now() - datetime.timedelta(days=1)
    Session.objects.create(session_key="expired-session-key", session_data="e30:", expire_date=expired)
    Session.objects.create(
        session_key="live-session-key", session_data="e30:", expire_date=timezone.now() + datetime.timedelta(days=1)
    )

    result = sessions_cleanup_task.apply_async(queue=worker_queue)

    assert result.get(timeout=90) == "ok"
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live-session-key"]
