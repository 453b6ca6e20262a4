"""Jobs: work that runs as a task (large imports, uploads) while its caller polls
`/api/v1/jobs/{id}/`.

An app names a kind of job and registers its handler from its `AppConfig.ready()`
(`register_handler("certificates.import", run_import_job)`): explicit, in one place per app, and
done before any request is served or any task runs, in the web process and in the worker alike.
A service starts a job with `create_job`, which enqueues `core.tasks.run_job` once the job's row
is committed; `run_job` calls the handler with the job and a `progress` callable and records how
the job ended.

Progress is written on a database connection of the job's own, in autocommit. A handler's work
is usually all or none, one transaction (an import compares every row with the stored ones and
inserts them under one lock), and anything it wrote to the job's row inside that transaction
would stay invisible to readers until the end. Parsing in chunks outside the transaction
would not help either: for an import, the comparison inside it is nearly all the time. So
`progress(rows_done)` updates the job's row from the second connection and commits at once,
whatever the handler's own connection is in the middle of; the handler keeps its one
transaction, its locks and its all-or-none outcome. The second connection is opened at the
first report and closed when the handler returns.
"""

import logging
import math
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from core import roles
from core.errors import DomainError, InvalidInput, InvalidRows
from core.messages import Message
from core.models import Job

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]
Handler = Callable[[Job, Progress], dict[str, Any]]
Row = TypeVar("Row")

JOB_FAILED = Message(
    gettext_noop("The job stopped on an unexpected error; the registry's log has the details.")
)
# A handler reports about this many times over its rows (`reporting`): often enough to watch,
# few enough writes to cost nothing beside the work.
PROGRESS_STEPS = 100
# A running job holds the advisory lock JOB_LOCK_BASE + its id: one key per job, far above the
# small keys of the registry's other advisory locks.
JOB_LOCK_BASE = 2**62

_handlers: dict[str, Handler] = {}


def register_handler(kind: str, handler: Handler) -> None:
    """Run jobs of `kind` with `handler(job, progress) -> result`, the result a JSON object.

    The handler raises `InvalidRows` (or another `DomainError`) to fail the job with those
    errors; it calls `progress(rows_done)` as it goes (`reporting` paces the calls).
    """
    known = _handlers.setdefault(kind, handler)
    if known is not handler:
        raise ImproperlyConfigured(f"Jobs of kind {kind!r} are already run by {known!r}.")


@transaction.atomic
def create_job(*, kind: str, actor: Any, payload: dict[str, Any], rows_total: int) -> Job:
    """A queued job of `kind` started by `actor`, run by a task once this transaction commits
    (so that the worker finds the row). The caller has checked that `actor` may start it."""
    if kind not in _handlers:
        raise ImproperlyConfigured(f"No handler runs jobs of kind {kind!r}.")
    job = Job.objects.create(
        kind=kind,
        started_by=actor,
        organization_id=actor.organization_id,
        payload=payload,
        rows_total=rows_total,
    )
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from core.tasks import run_job as task  # core.tasks runs the jobs of this module

    if task.app.conf.task_always_eager:
        # In process, as .delay() would run it here, but without taking a producer from the
        # broker's pool, which .delay() does even when eager and which keeps the broker URL it
        # was made with.
        task.apply(args=(job_id,))
    else:
        task.delay(job_id)


def run_job(*, job_id: int) -> Job | None:
    """Run the job with its kind's handler and record how it ended: `succeeded` with the
    handler's result and every row done, or `failed` with the errors of the `InvalidRows` (or
    other domain error) it raised; any other exception is logged and fails the job with
    `JOB_FAILED`. No exception leaves it `running`.

    Safe to run twice, as Celery may (it redelivers the task of a worker that died,
    CELERY_TASK_ACKS_LATE): a session advisory lock lets one run at a time, a finished job is
    left as it is, and a job found `running` with its lock free was left by a worker that died,
    whose work rolled back with its connection, so it is run again from the start.

    Called outside a transaction, as the task does: the handler's work commits before the job
    is marked succeeded. None if there is no such job.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s::bigint)", [JOB_LOCK_BASE + job_id])
        (locked,) = cursor.fetchone()
    if not locked:
        logger.info("Job %s is running in another process.", job_id)
        return Job.objects.filter(pk=job_id).first()
    try:
        job = _claim(job_id)
        if job is None:
            return Job.objects.filter(pk=job_id).first()
        return _finish(job, _outcome(job))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s::bigint)", [JOB_LOCK_BASE + job_id])


def _claim(job_id: int) -> Job | None:
    """The job, moved to `running`, if its state allows it; the caller holds its lock."""
    sources = [state for state, targets in Job.TRANSITIONS.items() if Job.State.RUNNING in targets]
    claimed = Job.objects.filter(pk=job_id, state__in=sources).update(
        state=Job.State.RUNNING, rows_done=0, updated_at=timezone.now()
    )
    if not claimed:
        return None
    return Job.objects.select_related("started_by").get(pk=job_id)


def _outcome(job: Job) -> dict[str, Any]:
    """The fields of the job's end: what its handler returned, or why it failed."""
    progress = ProgressWriter(job.pk)
    try:
        handler = _handlers.get(job.kind)
        if handler is None:
            raise LookupError(f"No handler runs jobs of kind {job.kind!r}.")
        result = handler(job, progress)
    except InvalidRows as error:
        return _failed(error.errors["rows"] or [{"message": error.message}])
    except InvalidInput as error:
        return _failed(
            [
                {"column": field, "message": message}
                for field, messages in error.errors.items()
                for message in messages
            ]
        )
    except DomainError as error:
        return _failed([{"message": error.message}])
    except Exception:
        logger.exception("Job %s (%s) failed.", job.pk, job.kind)
        return _failed([{"message": JOB_FAILED}])
    finally:
        progress.close()
    return {"state": Job.State.SUCCEEDED, "result": result, "rows_done": F("rows_total")}


def _failed(errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"state": Job.State.FAILED, "errors": errors}


def _finish(job: Job, outcome: dict[str, Any]) -> Job:
    """Record the job's end; a result the database refuses (not JSON, say) fails it instead."""
    running = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING)
    try:
        with transaction.atomic():
            running.update(**outcome, updated_at=timezone.now())
    except (DatabaseError, TypeError, ValueError):
        logger.exception("Job %s (%s): its outcome could not be stored.", job.pk, job.kind)
        running.update(**_failed([{"message": JOB_FAILED}]), updated_at=timezone.now())
    job.refresh_from_db()
    return job


class ProgressWriter:
    """`progress(rows_done)` of a running job, committed at once from a connection of its own
    (see the module's docstring), so that readers see it while the handler's transaction is
    still open. The count is kept within `0..rows_total`.

    The row is updated only if no other transaction holds it (`SKIP LOCKED`): a job run inside
    a caller's open transaction (a test's, say) has its row locked or not yet committed there,
    and a report must neither wait for that transaction, which is this very thread's, nor fail.
    Progress is a courtesy: a report the database refuses is logged, and the work goes on.
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._connection = None
        self._broken = False

    def __call__(self, rows_done: int) -> None:
        if self._broken:
            return
        table = connection.ops.quote_name(Job._meta.db_table)
        sql = (
            f"UPDATE {table} SET rows_done = GREATEST(0, LEAST(%s, rows_total)), "  # noqa: S608
            f"updated_at = %s WHERE id = (SELECT id FROM {table} WHERE id = %s AND state = %s "
            "FOR UPDATE SKIP LOCKED)"
        )
        try:
            if self._connection is None:
                self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
            with self._connection.cursor() as cursor:
                cursor.execute(
                    sql, [rows_done, timezone.now(), self.job_id, Job.State.RUNNING.value]
                )
        except DatabaseError:
            logger.warning("Job %s: progress not written.", self.job_id, exc_info=True)
            self._broken = True

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def reporting(rows: Sequence[Row], progress: Progress | None) -> Iterator[Row]:
    """Each of `rows`, reporting to `progress` how many the caller is done with every
    hundredth of them (`PROGRESS_STEPS`) and once at the end: a row counts as done when the
    caller asks for the next one."""
    if progress is None:
        yield from rows
        return
    step = max(1, math.ceil(len(rows) / PROGRESS_STEPS))
    for index, row in enumerate(rows):
        if index and index % step == 0:
            progress(index)
        yield row
    progress(len(rows))


def jobs_visible_to(user: Any) -> QuerySet[Job]:
    """The jobs the user may read: those the user started; every job for operators and
    regulators. API.md's rule: a colleague of the starter reads none of them."""
    if roles.can_read_everything(user):
        return Job.objects.all()
    return Job.objects.filter(started_by_id=user.pk)
