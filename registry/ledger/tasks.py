"""Periodic checks of the ledger. Schedules are declared in CELERY_BEAT_SCHEDULE."""

from celery import shared_task

from registry.ledger.reconciliation import record_reconciliation


@shared_task(name="ledger.reconcile")
def reconcile_ledger() -> int:
    """Prove that every issuance's blocks partition its serial range and record the outcome;
    returns the ReconciliationRun id.

    Safe to run any number of times: it only reads the ledger and adds one observation.
    """
    return record_reconciliation().pk
