import logging

from celery import shared_task
from django.db import OperationalError

from households.models import ImportJob

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def household_import_task(job_id: int) -> str:
    """Validate or commit one Excel import, of households or of income (whichever its status asks for)."""
    # Imported here: the service schedules this task on commit, so the task imports the service late.
    from households.imports.services import import_job_fail, import_job_run

    job = ImportJob.objects.select_related("created_by", "area").get(pk=job_id)
    try:
        status = import_job_run(job=job)
    except Exception:
        # Not a retry: the page must stop waiting, and the error goes to the log and to Celery as usual.
        import_job_fail(job_id=job_id, message="导入时发生系统错误，未保存任何数据；请联系系统管理员")
        raise
    logger.info("%s import %s (%s): %s, %s rows", job.kind, job_id, job.original_name, status, job.total_rows)
    return status


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def facts_refresh_area_task(area_id: int, on: str) -> int:
    """The facts of one township's households for a day (the nightly refresh fans out one task per township)."""
    import datetime

    from geo.models import AdminArea
    from households.facts import facts_refresh_area

    refresh = facts_refresh_area(AdminArea.objects.get(pk=area_id), on=datetime.date.fromisoformat(on))
    logger.info("facts of %s: %d households, %d changed", area_id, refresh.households, refresh.changed)
    return refresh.changed


@shared_task
def facts_refresh_all_task() -> int:
    """Nightly: every township's facts as of today (date-dependent facts — ages, windows, flags ending — move on)."""
    from households.facts import facts_dispatch_all

    return facts_dispatch_all()


@shared_task
def imports_resend_unsent_task() -> int:
    """Every minute: import steps whose task the broker never received (core.dispatch)."""
    from households.imports.services import imports_resend_unsent

    return imports_resend_unsent()
