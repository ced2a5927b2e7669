import logging

from celery import shared_task

from households.models import ImportJob

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def household_import_task(job_id: int) -> str:
    """Validate or commit one household Excel import (whichever its status asks for)."""
    # Imported here: the service schedules this task on commit, so the task imports the service late.
    from households.imports.services import import_job_fail, import_job_run

    job = ImportJob.objects.select_related("created_by", "area").get(pk=job_id)
    try:
        status = import_job_run(job=job)
    except Exception:
        # Not a retry: the page must stop waiting, and the error goes to the log and to Celery as usual.
        import_job_fail(job_id=job_id, message="导入时发生系统错误，未保存任何数据；请联系系统管理员")
        raise
    logger.info("household import %s (%s): %s, %s rows", job_id, job.original_name, status, job.total_rows)
    return status
