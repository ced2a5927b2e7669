"""Redis down (core.dispatch): starting background work saves the job and answers at once, saying it is queued and
will start by itself — never a 500 after the publish retries; the outbox job sends what was never sent, exactly
once; a workflow step whose e-mail copy cannot be sent still happens."""

import datetime
import io

import openpyxl
import pytest
from celery import Celery
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.roles import Role
from core.dispatch import QUEUED, send
from households.choices import ImportJobStatus
from households.imports.services import imports_resend_unsent
from households.models import ImportJob
from households.tasks import household_import_task
from notifications.models import Notification
from notifications.services import notify
from sweeps.choices import RunStatus
from sweeps.models import SweepRun
from sweeps.services import sweep_start
from tests.factories import UserFactory, VillageFactory
from tests.worlds.sweeps import World


def _broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def _workbook() -> bytes:
    workbook = openpyxl.Workbook()
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # sent at the real commit, in the request
def test_an_import_started_with_the_broker_down_is_queued_and_sent_once_later(client, monkeypatch):
    village = VillageFactory()
    client.force_login(UserFactory(roles=[Role.VILLAGE_WORKER], area=village))
    monkeypatch.setattr(household_import_task, "apply_async", _broker_down)

    response = client.post(
        reverse("households:household-import-upload"),
        {"file": SimpleUploadedFile("农户.xlsx", _workbook()), "area": village.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert QUEUED in response.content.decode()
    job = ImportJob.objects.get()
    assert (job.status, job.sent_at) == (ImportJobStatus.UPLOADED, None)

    assert imports_resend_unsent() == 0  # a minute's grace: the request itself may still be sending
    ImportJob.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    assert imports_resend_unsent() == 0  # still down: released for the next run
    assert ImportJob.objects.get().sent_at is None

    sent = []
    monkeypatch.setattr(household_import_task, "apply_async", lambda args, **kwargs: sent.append(args))
    assert imports_resend_unsent() == 1
    assert imports_resend_unsent() == 0  # exactly once
    assert sent == [(job.pk,)]
    assert ImportJob.objects.get().sent_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sweep_started_with_the_broker_down_stays_pending_for_its_resume_job(monkeypatch):
    world = World()
    monkeypatch.setattr("sweeps.services.runs.sweep_dispatch", lambda **kwargs: _broker_down())
    run = sweep_start(county=world.county, kind="centralized", actor=world.county_reviewer)
    assert SweepRun.objects.get(pk=run.pk).status == RunStatus.PENDING


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_step_whose_email_copy_cannot_be_sent_still_happens(settings, monkeypatch):
    from notifications.tasks import notification_email_task

    settings.NOTIFICATION_EMAIL = True
    monkeypatch.setattr(notification_email_task, "apply_async", _broker_down)
    village = VillageFactory()
    person = UserFactory(roles=[Role.VILLAGE_WORKER], area=village)
    notify(recipients=[person], topic="entry", title="待入户核实", url="/", area_code=village.code)
    assert Notification.objects.filter(recipient=person).count() == 1


def test_an_unreachable_redis_is_caught_not_raised():
    """A real broker that refuses the connection (nothing listens on port 1): kombu's error is caught."""
    app = Celery("unreachable", broker="redis://127.0.0.1:1/0")
    app.conf.broker_transport_options = {"socket_connect_timeout": 1}
    app.conf.broker_connection_timeout = 1

    @app.task(name="unreachable.noop")
    def noop() -> None:
        return None

    assert send(noop) is False
