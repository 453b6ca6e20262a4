"""Large imports run as jobs (`core.jobs`): the request that sends more rows than
GEC_IMPORT_TASK_ROWS answers at once with the job, and a task imports the rows, all or none,
through the same `import_certificates` as a small import, reporting the rows it has compared."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings

from accounts.models import User
from certificates import rules
from certificates.services.imports import NO_ROWS, import_certificates
from core import jobs
from core.errors import AccessDenied, InvalidRows
from core.models import Job

IMPORT_JOB = "certificates.import"


def runs_as_job(rows: Sequence[Mapping[str, Any]]) -> bool:
    """More rows than GEC_IMPORT_TASK_ROWS are imported by a task, not within the request."""
    return len(rows) > settings.GEC_IMPORT_TASK_ROWS


def start_import_job(*, actor: User, rows: Sequence[Mapping[str, Any]]) -> Job:
    """A queued job that imports `rows` (`run_import_job`). What needs no database is refused
    here, at once; the rows' cells and their comparison with the stored ones are the job's."""
    if not rules.can_import(actor):
        raise AccessDenied()
    if not rows:
        raise InvalidRows([{"row": 0, "column": "rows", "message": NO_ROWS}])
    return jobs.create_job(
        kind=IMPORT_JOB, actor=actor, payload={"rows": list(rows)}, rows_total=len(rows)
    )


def run_import_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """The job's handler: import its rows as the user who started it; the result is what a
    small import answers."""
    result = import_certificates(actor=job.started_by, rows=job.payload["rows"], progress=progress)
    return {
        "batch": result.batch.pk,
        "imported": result.imported,
        "skipped": result.skipped,
        "blocks": result.blocks,
    }
