"""Periodic checks of the kernel. Schedules are declared in CELERY_BEAT_SCHEDULE."""

from celery import shared_task

from core.audit import verify_chain
from core.models import AuditCheck


@shared_task(name="core.tasks.verify_audit_chain")
def verify_audit_chain() -> int:
    """Recompute the audit chain and record the outcome; returns the AuditCheck id.

    Safe to run any number of times: it only reads the chain and adds one observation.
    """
    result = verify_chain()
    check = AuditCheck.objects.create(
        ok=result.ok, entries=result.entries, first_broken=result.first_broken
    )
    return check.pk
