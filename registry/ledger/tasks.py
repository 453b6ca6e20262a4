"""Periodic checks of the ledger. Schedules are declared in CELERY_BEAT_SCHEDULE."""

from celery import shared_task
from django.db import connection

from registry.ledger.reconciliation import record_reconciliation

# The advisory lock one reconciliation holds while it runs: a second one asked for meanwhile
# (a periodic run, a regulator's POST) finds it taken and leaves, the first's answer coming.
RECONCILE_LOCK = int.from_bytes(b"LEDGRECN")  # pg_try_advisory_lock's bigint key


@shared_task(name="ledger.reconcile")
def reconcile_ledger() -> int | None:
    """Prove that every issuance's blocks partition its serial range and that the kept totals
    are the blocks' sums, and record the outcome; returns the ReconciliationRun id, or None
    when another run was under way.

    Safe to run any number of times: it only reads the ledger and adds one observation.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [RECONCILE_LOCK])
        (locked,) = cursor.fetchone()
    if not locked:
        return None
    try:
        return record_reconciliation().pk
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RECONCILE_LOCK])
