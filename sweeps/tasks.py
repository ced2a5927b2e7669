"""Celery adapters of the sweeps (STYLE rule 15): ids in, one service call, one log line. Chunks are acknowledged
late, so a killed worker's chunk is delivered again; a chunk is idempotent, and ``sweeps_resume_stalled_task``
sends again whatever a lost message left unfinished."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True, reject_on_worker_lost=True
)
def sweep_chunk_task(chunk_id: int) -> int:
    """One township of a run."""
    # Imported here: services import tasks to schedule them on commit, so tasks import services late.
    import time

    from sweeps.models import SweepChunk
    from sweeps.services import sweep_chunk_failed, sweep_run_chunk

    chunk = SweepChunk.objects.select_related("township").get(pk=chunk_id)
    pause = settings.SWEEP_CHUNK_PAUSE_SECONDS
    if pause:  # fault-injection tests kill the worker while a chunk runs
        time.sleep(pause)
    try:
        counts = sweep_run_chunk(chunk=chunk)
    except OperationalError:
        raise
    except Exception as exc:
        sweep_chunk_failed(chunk=chunk, error=repr(exc))
        raise
    new = sum(c["new"] for c in counts.values())
    logger.info("sweep chunk %s (%s): %d new problems", chunk.pk, chunk.township.code, new)
    return new


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sweeps_routine_task() -> int:
    """The routine sweep of every county (django-celery-beat, monthly by default)."""
    from sweeps.services import sweeps_routine_start

    started = sweeps_routine_start()
    logger.info("routine sweeps started: %d", len(started))
    return len(started)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sweeps_resume_stalled_task() -> int:
    """Resume runs left unfinished for more than 15 minutes (a worker died and its message was lost)."""
    from sweeps.services import sweeps_resume_stalled

    sent = sweeps_resume_stalled(older_than=datetime.timedelta(minutes=15))
    logger.info("stalled sweep chunks sent again: %d", sent)
    return sent


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def problems_escalate_task() -> int:
    """Daily: overdue problems go to the level above, then to the county (SPEC §7.5 escalation)."""
    from django.utils import timezone

    from sweeps.services import problems_escalate

    told = problems_escalate(today=timezone.localdate())
    logger.info("overdue problems escalated: %d", told)
    return told


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def screening_reminders_task() -> int:
    """Daily: remind departments whose quarterly screening list is due (SPEC §6.2)."""
    from django.utils import timezone

    from sweeps.services import screening_reminders

    told = screening_reminders(today=timezone.localdate())
    logger.info("screening reminders sent: %d", told)
    return told


@shared_task(acks_late=True)
def screening_batch_task(batch_id: int) -> str:
    """Read and import one uploaded screening list (SPEC §6.3), all or nothing."""
    from sweeps.models import ScreeningBatch
    from sweeps.services import screening_batch_fail, screening_batch_run

    batch = ScreeningBatch.objects.select_related("area").get(pk=batch_id)
    try:
        status = screening_batch_run(batch=batch)
    except Exception:
        # Not a retry: the page must stop waiting; the error goes to the log and to Celery as usual.
        screening_batch_fail(batch_id=batch_id, message="导入时发生系统错误，未导入任何数据；请联系系统管理员")
        raise
    logger.info("screening batch %s (%s %s): %s", batch_id, batch.department, batch.period, status)
    return status


@shared_task
def screening_resend_unsent_task() -> int:
    """Every minute: screening lists whose task the broker never received (core.dispatch)."""
    from sweeps.services import screening_resend_unsent

    return screening_resend_unsent()
