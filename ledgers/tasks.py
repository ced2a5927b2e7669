"""Celery adapters of the ledgers (STYLE rule 15)."""

import logging

from celery import shared_task
from django.db import OperationalError

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3, acks_late=True)
def ledger_export_task(export_id: int) -> int:
    from ledgers.models import LedgerExport
    from ledgers.services import export_run

    export = export_run(export=LedgerExport.objects.select_related("owner", "area").get(pk=export_id))
    return export.done


@shared_task
def ledger_exports_expire_task() -> int:
    from ledgers.services import exports_expire

    expired = exports_expire()
    logger.info("ledger exports expired: %d", expired)
    return expired


@shared_task(acks_late=True)
def area_counts_refresh_task() -> int:
    """Every ``AREA_COUNTS_EVERY_MINUTES``: recount every area from the household facts."""
    from ledgers.counts import area_counts_refresh

    counted = area_counts_refresh()
    logger.info("area counts: %d areas", counted)
    return counted


@shared_task
def exports_resend_unsent_task() -> int:
    """Every minute: exports whose task the broker never received (core.dispatch)."""
    from ledgers.services import exports_resend_unsent

    return exports_resend_unsent()


@shared_task(acks_late=True)
def reconcile_task(record_id: int) -> str:
    """Compare one uploaded national-system extract with the registry (账账相符)."""
    from ledgers.models import Reconciliation
    from ledgers.reconcile import reconciliation_fail, reconciliation_run

    record = Reconciliation.objects.select_related("area").get(pk=record_id)
    try:
        status = reconciliation_run(record=record)
    except Exception:
        # Not a retry: the page must stop waiting; the error goes to the log and to Celery as usual.
        reconciliation_fail(record_id=record_id, message="核对时发生系统错误，未生成核对结果；请联系系统管理员")
        raise
    logger.info("reconciliation %s (%s): %s", record_id, record.area_id, status)
    return status


@shared_task
def reconciliations_resend_unsent_task() -> int:
    """Every minute: reconciliations whose task the broker never received (core.dispatch)."""
    from ledgers.reconcile import reconciliations_resend_unsent

    return reconciliations_resend_unsent()
