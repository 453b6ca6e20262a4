"""Large uploads run as jobs (`core.jobs`): the request that sends more rows than
COMPUTE_UPLOAD_TASK_ROWS answers at once with the job, and a task records the rows, all or none,
through the same `upload_readings` as a small upload, reporting the rows it has recorded."""

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from django.conf import settings

from accounts.models import User
from compute import rules
from compute.models import DataCentre
from compute.services.uploads import NO_ROWS, upload_readings
from core import jobs
from core.errors import AccessDenied, InvalidRows, NotFound
from core.models import Job

UPLOAD_JOB = "compute.readings_upload"


def runs_as_job(rows: Sequence[Mapping[str, Any]]) -> bool:
    """More rows than COMPUTE_UPLOAD_TASK_ROWS are recorded by a task, not within the request."""
    return len(rows) > settings.COMPUTE_UPLOAD_TASK_ROWS


def start_upload_job(
    *, actor: User, data_centre: DataCentre, rows: Sequence[Mapping[str, Any]]
) -> Job:
    """A queued job that records `rows` as readings of the data centre (`run_upload_job`). Who
    may and an empty upload are refused here, at once; the rows' cells are the job's."""
    if not rules.can_record_readings(actor, data_centre):
        raise AccessDenied()
    if not rows:
        raise InvalidRows([{"row": 0, "column": "rows", "message": NO_ROWS}])
    return jobs.create_job(
        kind=UPLOAD_JOB,
        actor=actor,
        payload={"data_centre": data_centre.pk, "rows": list(rows)},
        rows_total=len(rows),
    )


def run_upload_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """The job's handler: upload its rows as the user who started it, who must still be allowed
    to (`upload_readings` checks again, when the job runs); the result is what a small upload
    answers."""
    data_centre = DataCentre.objects.filter(pk=job.payload["data_centre"]).first()
    if data_centre is None:
        raise NotFound()
    result = upload_readings(
        actor=job.started_by, data_centre=data_centre, rows=job.payload["rows"], progress=progress
    )
    return asdict(result)
