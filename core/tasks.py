"""The kernel's tasks: periodic checks (scheduled in CELERY_BEAT_SCHEDULE) and the jobs that
requests start (`core.jobs`)."""

from celery import shared_task

from core import jobs, transparency
from core.models import AuditCheck


@shared_task(name="core.seal")
def seal() -> int | None:
    """Seal the audit entries committed since the last seal into the transparency log; returns
    the new tree size, if any. Safe to run any number of times, at once too: one sealer runs at
    a time (an advisory lock), and one with nothing to seal signs nothing."""
    head = transparency.seal()
    return head.tree_size if head is not None else None


@shared_task(name="core.verify_log")
def verify_log() -> int:
    """Check the stored transparency log against the audit entries and record the outcome;
    returns the AuditCheck id. Safe to run any number of times: it only reads the log and adds
    one observation."""
    result = transparency.verify_log()
    check = AuditCheck.objects.create(
        ok=result.ok,
        entries=result.entries,
        first_broken=result.first_broken,
        problem=result.problem,
    )
    return check.pk


@shared_task(name="core.tasks.run_job")
def run_job(job_id: int) -> str | None:
    """Run a queued job (`core.jobs.run_job`); returns the state it ended in. Safe to run twice:
    a job already running elsewhere or finished is left as it is."""
    job = jobs.run_job(job_id=job_id)
    return job.state if job is not None else None
