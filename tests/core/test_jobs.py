"""Jobs (core.jobs): a handler per kind, how a job ends, progress that readers see while the
work's transaction is still open, and who may read a job."""

import logging

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from core import jobs
from core.errors import Conflict, InvalidRows
from core.models import AuditCheck, Job
from tests.conftest import client_for, make_organization, make_user

KIND = "tests.count"


def other_connection() -> psycopg.Connection:
    """A fresh connection of its own, as another reader (or the API) has: it sees only what is
    committed."""
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    )


def outside(sql: str, params: tuple = ()) -> list[tuple]:
    """`sql` as another reader sees it (`other_connection`)."""
    with other_connection() as other:
        return other.execute(sql, params).fetchall()


@pytest.fixture
def register(monkeypatch):
    """`register(kind, handler)` for this test only: the apps' handlers stay as they are."""
    monkeypatch.setattr(jobs, "_handlers", dict(jobs._handlers))
    return jobs.register_handler


def start(user, register, handler, *, rows_total: int = 3) -> Job:
    register(KIND, handler)
    return jobs.create_job(kind=KIND, actor=user, payload={"n": rows_total}, rows_total=rows_total)


def test_a_job_starts_queued_for_its_starter_and_organisation(users, register):
    job = start(users["proponent"], register, lambda job, progress: {})

    job.refresh_from_db()
    assert (job.state, job.rows_done, job.rows_total, job.errors, job.result) == (
        "queued",
        0,
        3,
        [],
        None,
    )
    assert job.started_by == users["proponent"]
    assert job.organization == users["proponent"].organization


def test_a_kind_without_a_handler_cannot_be_started(users):
    with pytest.raises(ImproperlyConfigured):
        jobs.create_job(kind="tests.nobody", actor=users["operator"], payload={}, rows_total=1)

    assert not Job.objects.exists()


def test_a_kind_has_one_handler(register):
    def first(job, progress):
        return {}

    register(KIND, first)
    register(KIND, first)  # the same again, as a second ready() would

    with pytest.raises(ImproperlyConfigured):
        register(KIND, lambda job, progress: {})


def test_a_job_that_returns_succeeds_with_its_result_and_every_row_done(users, register):
    job = start(users["proponent"], register, lambda job, progress: {"counted": job.payload["n"]})

    finished = jobs.run_job(job_id=job.pk)

    assert (finished.state, finished.rows_done, finished.rows_total) == ("succeeded", 3, 3)
    assert finished.result == {"counted": 3}
    assert finished.errors == []


def test_a_job_refused_with_invalid_rows_fails_with_every_problem(users, register):
    problems = [
        {"row": 1, "column": "province", "message": "Not a province."},
        {"row": 3, "column": "holder", "message": "No such holder."},
    ]

    def refuse(job, progress):
        progress(2)
        raise InvalidRows(problems)

    job = start(users["proponent"], register, refuse)

    finished = jobs.run_job(job_id=job.pk)

    assert finished.state == "failed"
    assert finished.errors == problems
    assert finished.result is None


def test_a_job_refused_with_another_domain_error_fails_with_its_message(users, register):
    def conflict(job, progress):
        raise Conflict("The rows changed under the job.")

    job = start(users["proponent"], register, conflict)

    finished = jobs.run_job(job_id=job.pk)

    assert (finished.state, finished.errors) == (
        "failed",
        [{"message": "The rows changed under the job."}],
    )


def test_an_unexpected_error_fails_the_job_with_a_generic_message_and_is_logged(
    users, register, caplog
):
    def crash(job, progress):
        raise RuntimeError("secret detail of the crash")

    job = start(users["proponent"], register, crash)

    with caplog.at_level(logging.ERROR, logger="core.jobs"):
        finished = jobs.run_job(job_id=job.pk)

    assert finished.state == "failed"
    assert finished.errors == [{"message": jobs.JOB_FAILED}]
    assert "secret detail" not in str(finished.errors)
    assert any(record.exc_info and "secret detail" in record.exc_text for record in caplog.records)


def test_a_result_the_database_cannot_store_fails_the_job(users, register):
    job = start(users["proponent"], register, lambda job, progress: {"when": object()})

    finished = jobs.run_job(job_id=job.pk)

    assert (finished.state, finished.errors) == ("failed", [{"message": jobs.JOB_FAILED}])


def test_a_finished_job_is_not_run_again(users, register):
    calls = []

    def count(job, progress):
        calls.append(job.pk)
        return {"run": len(calls)}

    job = start(users["proponent"], register, count)
    jobs.run_job(job_id=job.pk)

    again = jobs.run_job(job_id=job.pk)

    assert calls == [job.pk]
    assert (again.state, again.result) == ("succeeded", {"run": 1})


def test_a_job_left_running_by_a_dead_worker_is_run_again(users, register):
    outcomes = iter([SystemExit, {"second": True}])

    def die_once(job, progress):
        progress(2)
        outcome = next(outcomes)
        if outcome is SystemExit:
            raise SystemExit  # the worker process ends in the middle of the job
        return outcome

    job = start(users["proponent"], register, die_once)
    with pytest.raises(SystemExit):
        jobs.run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "running"

    finished = jobs.run_job(job_id=job.pk)

    assert (finished.state, finished.result) == ("succeeded", {"second": True})


def test_a_job_another_process_runs_is_left_to_it(users, register):
    calls = []
    job = start(users["proponent"], register, lambda job, progress: calls.append(job) or {})
    with other_connection() as other:
        other.execute("SELECT pg_advisory_lock(%s::bigint)", (jobs.JOB_LOCK_BASE + job.pk,))

        seen = jobs.run_job(job_id=job.pk)

    assert calls == []
    assert seen.state == "queued"


def test_an_unknown_job_is_nothing_to_run(db):
    assert jobs.run_job(job_id=987654) is None


def test_reporting_paces_progress_over_the_rows():
    reports = []

    rows = list(jobs.reporting(range(250), reports.append))

    assert rows == list(range(250))
    # 250 rows in about a hundred steps: every third row, then the end.
    assert reports == [*range(3, 250, 3), 250]


def test_reporting_without_progress_only_yields_the_rows():
    assert list(jobs.reporting([1, 2], None)) == [1, 2]


# --- Progress, seen from another connection ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_by_other_readers_while_the_jobs_transaction_is_open(users, register):
    def count_in_one_transaction(job, progress):
        seen = []
        with transaction.atomic():
            # The job's own work, not committed until the handler's transaction ends.
            AuditCheck.objects.create(ok=True, entries=0)
            for done in (1, 2, 3):
                progress(done)
                [(rows_done,)] = outside("SELECT rows_done FROM core_job WHERE id = %s", (job.pk,))
                [(checks,)] = outside("SELECT count(*) FROM core_auditcheck")
                seen.append((rows_done, checks))
        return {"seen": seen}

    job = start(users["proponent"], register, count_in_one_transaction)

    finished = jobs.run_job(job_id=job.pk)

    # Each report committed at once; the handler's own write only at its end.
    assert finished.result == {"seen": [[1, 0], [2, 0], [3, 0]]}
    assert finished.state == "succeeded"
    assert AuditCheck.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_progress_stays_within_the_rows_of_the_job(users, register):
    def overshoot(job, progress):
        progress(7)
        [(rows_done,)] = outside("SELECT rows_done FROM core_job WHERE id = %s", (job.pk,))
        return {"seen": rows_done}

    job = start(users["proponent"], register, overshoot, rows_total=5)

    assert jobs.run_job(job_id=job.pk).result == {"seen": 5}


@pytest.mark.django_db(transaction=True)
def test_a_job_is_running_while_its_handler_works(users, register):
    def look(job, progress):
        [(state,)] = outside("SELECT state FROM core_job WHERE id = %s", (job.pk,))
        return {"state": state}

    job = start(users["proponent"], register, look)

    assert jobs.run_job(job_id=job.pk).result == {"state": "running"}


# --- GET /api/v1/jobs/{id}/ --------------------------------------------------------------------


def url(job: Job) -> str:
    return f"/api/v1/jobs/{job.pk}/"


@pytest.fixture
def started(users, register) -> Job:
    """A job the proponent started, finished with a result."""
    job = start(users["proponent"], register, lambda job, progress: {"counted": 3})
    return jobs.run_job(job_id=job.pk)


@pytest.mark.parametrize("role", ["proponent", "operator", "regulator"])
def test_the_starter_operators_and_regulators_read_a_job(clients, started, role):
    response = clients[role].get(url(started))

    assert response.status_code == 200
    body = response.json()
    assert body["url"] == f"http://testserver/api/v1/jobs/{started.pk}/"
    assert {key: body[key] for key in body if key not in {"created_at", "updated_at", "url"}} == {
        "id": started.pk,
        "kind": KIND,
        "state": "succeeded",
        "rows_done": 3,
        "rows_total": 3,
        "errors": [],
        "result": {"counted": 3},
    }


def test_a_verifier_finds_no_job(clients, started):
    assert clients["verifier"].get(url(started)).status_code == 404


def test_another_company_finds_no_job(started):
    stranger = make_user(make_organization("proponent"))

    assert client_for(stranger).get(url(started)).status_code == 404


def test_a_colleague_of_the_starter_finds_no_job(users, started):
    colleague = make_user(users["proponent"].organization)

    assert client_for(colleague).get(url(started)).status_code == 404


def test_an_anonymous_caller_must_sign_in(clients, started):
    assert clients["anonymous"].get(url(started)).status_code == 401


def test_a_failed_job_names_its_errors(clients, users, register):
    def refuse(job, progress):
        raise InvalidRows([{"row": 2, "column": "tradable", "message": "Write true or false."}])

    job = start(users["proponent"], register, refuse)
    jobs.run_job(job_id=job.pk)

    body = clients["proponent"].get(url(job)).json()

    assert (body["state"], body["result"]) == ("failed", None)
    assert body["errors"] == [{"row": 2, "column": "tradable", "message": "Write true or false."}]
