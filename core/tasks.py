"""The kernel's tasks: periodic checks (scheduled in CELERY_BEAT_SCHEDULE) and the jobs that
requests start (`core.jobs`)."""

from celery import shared_task

from core import jobs
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


@shared_task(name="core.tasks.run_job")
def run_job(job_id: int) -> str | None:
    """Run a queued job (`core.jobs.run_job`); returns the state it ended in. Safe to run twice:
    a job already running elsewhere or finished is left as it is."""
    job = jobs.run_job(job_id=job_id)
    return job.state if job is not None else None
