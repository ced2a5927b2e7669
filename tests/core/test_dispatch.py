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
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError

from accounts.roles import Role
from core.dispatch import QUEUED, send
from households.choices import ImportJobStatus
from households.imports.services import imports_resend_unsent
from households.models import ImportJob
from households.tasks import household_import_task
from ledgers.models import Reconciliation, ReconciliationStatus
from ledgers.reconcile import reconciliations_resend_unsent
from ledgers.tasks import reconcile_task
from notifications.models import Notification
from notifications.services import notify
from sweeps.choices import BatchStatus, RunStatus
from sweeps.models import ScreeningBatch, SweepRun
from sweeps.services import screening_resend_unsent, sweep_start
from sweeps.tasks import screening_batch_task
from tests.factories import UserFactory, VillageFactory
from tests.worlds.sweeps import TODAY, World


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


def _sent_once_by_the_outbox(model, task, resend, monkeypatch, *, created: str, beat: str) -> None:
    """The outbox (a beat job every minute) leaves the row for a minute, keeps it while the broker is still down,
    then sends it once."""
    job = PeriodicTask.objects.get(task=beat)
    assert (job.enabled, job.interval.every, job.interval.period) == (True, 1, "minutes")
    (row,) = model.objects.all()
    assert resend() == 0  # a minute's grace: the request itself may still be sending
    model.objects.update(**{created: timezone.now() - datetime.timedelta(minutes=2)})
    assert resend() == 0  # still down: released for the next run
    assert model.objects.get().sent_at is None

    sent = []
    monkeypatch.setattr(task, "apply_async", lambda args, **kwargs: sent.append(args))
    assert resend() == 1
    assert resend() == 0  # exactly once
    assert sent == [(row.pk,)]
    assert model.objects.get().sent_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_screening_list_uploaded_with_the_broker_down_is_queued_and_sent_once_later(client, monkeypatch, today):
    today.set(TODAY)
    world = World()
    client.force_login(UserFactory(roles=[Role.DEPARTMENT_SCREENER], area=world.county, department="health"))
    monkeypatch.setattr(screening_batch_task, "apply_async", _broker_down)

    response = client.post(
        reverse("sweeps:batch-upload"),
        {"period": "2026-Q3", "file": SimpleUploadedFile("卫健筛查.xlsx", _workbook())},
        follow=True,
    )

    assert response.status_code == 200
    assert QUEUED in response.content.decode()
    assert 'data-testid="batch-progress"' in response.content.decode()
    batch = ScreeningBatch.objects.get()
    assert (batch.status, batch.sent_at) == (BatchStatus.QUEUED, None)
    _sent_once_by_the_outbox(
        ScreeningBatch, screening_batch_task, screening_resend_unsent, monkeypatch,
        created="uploaded_at", beat="sweeps.tasks.screening_resend_unsent_task",
    )  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reconciliation_started_with_the_broker_down_is_queued_and_sent_once_later(client, monkeypatch):
    world = World()
    client.force_login(world.county_reviewer)
    monkeypatch.setattr(reconcile_task, "apply_async", _broker_down)

    response = client.post(
        reverse("ledgers:reconcile"),
        {"area": world.county.code, "file": SimpleUploadedFile("全国系统.xlsx", _workbook())},
        follow=True,
    )

    assert response.status_code == 200
    assert QUEUED in response.content.decode()
    assert 'data-testid="reconcile-progress"' in response.content.decode()
    record = Reconciliation.objects.get()
    assert (record.status, record.sent_at) == (ReconciliationStatus.QUEUED, None)
    _sent_once_by_the_outbox(
        Reconciliation, reconcile_task, reconciliations_resend_unsent, monkeypatch,
        created="created_at", beat="ledgers.tasks.reconciliations_resend_unsent_task",
    )  # fmt: skip


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
