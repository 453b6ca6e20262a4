"""Periodic work on green certificates. Schedules are declared in CELERY_BEAT_SCHEDULE."""

from celery import shared_task
from django.utils import timezone

from certificates.reconciliation import record_reconciliation
from certificates.services.expiry import expire_certificates


@shared_task(name="certificates.expire")
def expire_certificates_task() -> int:
    """Mark the certificates past their validity expired (today in the registry's zone);
    returns how many blocks it marked. Safe to run twice: the second run finds none."""
    return expire_certificates(today=timezone.localdate())


@shared_task(name="certificates.reconcile")
def reconcile_certificates() -> int:
    """Prove that the blocks of every imported row partition its serial range and record the
    outcome; returns the ReconciliationRun id. Only reads the blocks: safe to run any time."""
    return record_reconciliation().pk
