"""A real Celery worker against Redis and PostgreSQL runs a task end to end (issue "Foundation")."""

import datetime
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from accounts.tasks import sessions_cleanup_task

# serialized_rollback: its flush must not re-run post_migrate, or later serialized tests collide on content types.
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def worker_queue():
    """A worker process on its own queue, connected to the test database and the real broker."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "revitalization",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield queue
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        print(output.decode(errors="replace"))  # noqa: T201 - shown by pytest only when the test fails


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
