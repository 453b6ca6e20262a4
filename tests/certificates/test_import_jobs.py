"""Large imports run as jobs: the request answers 202 with the job, the job imports every row or
none, its progress is seen while the import's transaction is open, and a real worker runs it."""

import time

import pytest
from django.db import connection

from certificates.models import CertificateBlock, CertificateImport, CertificateRange
from certificates.services import imports
from certificates.services.import_jobs import start_import_job
from config.celery import app as celery_app
from core import jobs
from core.errors import AccessDenied
from core.models import Job
from tests.certificates.conftest import credit_code, row
from tests.conftest import client_for, make_user
from tests.core.test_celery_worker import WORKER_START_SECONDS, worker  # noqa: F401
from tests.core.test_health import REDIS_URL, broker
from tests.core.test_jobs import outside

URL = "/api/v1/green-certificates/import/"


@pytest.fixture
def large(settings):
    """Imports of more than three rows run as jobs."""
    settings.GEC_IMPORT_TASK_ROWS = 3


def rows_of(holder, count: int, start: int = 1) -> list[dict]:
    """`count` rows of ten certificates each, from serial `start` on."""
    return [row(holder, start + 10 * n, start + 10 * n + 9) for n in range(count)]


def test_a_large_import_answers_202_with_its_job_and_the_job_imports_every_row(
    clients, users, holders, large, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["operator"].post(
            URL, {"rows": rows_of(holders["holder"], 4)}, format="json"
        )

    assert response.status_code == 202, response.json()
    job = Job.objects.get()
    body = response.json()
    assert body["url"] == f"http://testserver/api/v1/jobs/{job.pk}/"
    assert response.headers["Location"] == body["url"]
    assert {key: body[key] for key in ("id", "kind", "state", "rows_done", "rows_total")} == {
        "id": job.pk,
        "kind": "certificates.import",
        "state": "queued",
        "rows_done": 0,
        "rows_total": 4,
    }
    assert body["errors"] == []

    polled = clients["operator"].get(body["url"]).json()
    batch = CertificateImport.objects.get()
    assert (polled["state"], polled["rows_done"], polled["rows_total"]) == ("succeeded", 4, 4)
    assert polled["result"] == {"batch": batch.pk, "imported": 4, "skipped": 0, "blocks": 4}
    assert polled["errors"] == []
    assert list(CertificateBlock.objects.order_by("serial_first").values_list(
        "serial_first", "serial_last", "holder", "state")) == [
        (1, 10, holders["holder"].pk, "active"),
        (11, 20, holders["holder"].pk, "active"),
        (21, 30, holders["holder"].pk, "active"),
        (31, 40, holders["holder"].pk, "active"),
    ]  # fmt: skip
    assert batch.imported_by == users["operator"]


def test_an_import_up_to_the_threshold_is_imported_within_the_request(clients, holders, large):
    response = clients["operator"].post(URL, {"rows": rows_of(holders["holder"], 3)}, format="json")

    assert response.status_code == 201
    assert response.json()["imported"] == 3
    assert not Job.objects.exists()


def test_a_large_csv_import_runs_as_a_job_too(
    clients, holders, large, django_capture_on_commit_callbacks
):
    header = ",".join(imports.COLUMNS)
    lines = [",".join(r[c] for c in imports.COLUMNS) for r in rows_of(holders["other"], 5)]
    body = "\n".join([header, *lines]) + "\n"

    with django_capture_on_commit_callbacks(execute=True):
        response = clients["operator"].post(URL, body.encode(), content_type="text/csv")

    assert response.status_code == 202
    job = Job.objects.get()
    assert (job.state, job.result["imported"]) == ("succeeded", 5)
    assert CertificateBlock.objects.filter(holder=holders["other"]).count() == 5


def test_a_bad_large_import_fails_naming_every_bad_row_and_writes_nothing(
    clients, holders, large, django_capture_on_commit_callbacks
):
    sent = rows_of(holders["holder"], 6)
    sent[1]["province"] = "Atlantis"
    sent[3]["generation_month"] = "2024-13"
    sent[3]["tradable"] = "maybe"
    sent[5]["holder"] = credit_code()  # nobody's

    with django_capture_on_commit_callbacks(execute=True):
        response = clients["operator"].post(URL, {"rows": sent}, format="json")

    assert response.status_code == 202
    polled = clients["operator"].get(response.headers["Location"]).json()
    assert (polled["state"], polled["result"]) == ("failed", None)
    assert polled["errors"] == [
        {"row": 2, "column": "province", "message": imports.UNKNOWN_PROVINCE},
        {"row": 4, "column": "generation_month", "message": imports.NOT_A_MONTH},
        {"row": 4, "column": "tradable", "message": imports.NOT_A_FLAG},
        {"row": 6, "column": "holder", "message": imports.UNKNOWN_HOLDER},
    ]
    assert not CertificateRange.objects.exists()
    assert not CertificateBlock.objects.exists()
    assert not CertificateImport.objects.exists()


def test_a_large_import_contradicting_stored_rows_fails_and_writes_none_of_its_rows(
    clients, users, holders, large, django_capture_on_commit_callbacks
):
    imports.import_certificates(actor=users["operator"], rows=[row(holders["other"], 25, 25)])
    sent = rows_of(holders["holder"], 5)  # its third row, serials 21-30, overlaps 25

    with django_capture_on_commit_callbacks(execute=True):
        response = clients["operator"].post(URL, {"rows": sent}, format="json")

    polled = clients["operator"].get(response.headers["Location"]).json()
    assert polled["state"] == "failed"
    assert polled["errors"] == [
        {"row": 3, "column": "serial_first", "message": imports.OVERLAPS_STORED.format(
            first=21, last=30, other_first=25, other_last=25)},
    ]  # fmt: skip
    assert list(CertificateRange.objects.values_list("serial_first", flat=True)) == [25]


def test_only_the_operator_starts_an_import_job(users, holders):
    with pytest.raises(AccessDenied):
        start_import_job(actor=users["regulator"], rows=rows_of(holders["holder"], 5))

    assert not Job.objects.exists()


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 401), ("proponent", 403)])
def test_a_large_import_by_anyone_else_is_refused_before_any_job(
    clients, holders, large, role, expected
):
    response = clients[role].post(URL, {"rows": rows_of(holders["holder"], 5)}, format="json")

    assert response.status_code == expected
    assert not Job.objects.exists()


# --- Who reads an import's job -----------------------------------------------------------------


@pytest.fixture
def import_job(users, holders) -> Job:
    """A queued import job the operator started (nothing commits, so no task runs it)."""
    return start_import_job(actor=users["operator"], rows=rows_of(holders["holder"], 5))


@pytest.mark.parametrize("reader", ["starter", "another operator", "regulator"])
def test_the_starter_other_operators_and_regulators_read_an_import_job(users, import_job, reader):
    user = {
        "starter": users["operator"],
        "another operator": make_user(users["operator"].organization),
        "regulator": users["regulator"],
    }[reader]

    response = client_for(user).get(f"/api/v1/jobs/{import_job.pk}/")

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["rows_total"]) == ("queued", 5)


@pytest.mark.parametrize(
    ("reader", "expected"),
    [("holder", 404), ("another company", 404), ("verifier", 404), ("anonymous", 401)],
)
def test_nobody_else_reads_an_import_job(users, holders, import_job, reader, expected):
    user = {
        "holder": users["proponent"],
        "another company": holders["other_user"],
        "verifier": users["verifier"],
        "anonymous": None,
    }[reader]

    assert client_for(user).get(f"/api/v1/jobs/{import_job.pk}/").status_code == expected


# --- Progress, while the import's transaction is open --------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_import_jobs_progress_is_seen_while_its_rows_are_not_yet(
    clients, holders, large, monkeypatch
):
    seen = []
    report = jobs.ProgressWriter.__call__

    def report_and_look(self, rows_done):
        report(self, rows_done)
        [(stored_done,)] = outside("SELECT rows_done FROM core_job WHERE id = %s", (self.job_id,))
        [(ranges,)] = outside("SELECT count(*) FROM certificates_certificaterange")
        seen.append((rows_done, stored_done, ranges, connection.in_atomic_block))

    monkeypatch.setattr(jobs.ProgressWriter, "__call__", report_and_look)

    # No broker in tests: the job runs in process, within the request, once its row commits.
    response = clients["operator"].post(
        URL, {"rows": rows_of(holders["holder"], 250)}, format="json"
    )

    assert response.status_code == 202
    # Every report is committed and seen at once, from inside the import's transaction, whose
    # rows nobody else sees yet; a report about every third row, then all 250.
    assert [done for done, *_ in seen] == [*range(3, 250, 3), 250]
    assert all(stored == done for done, stored, _, _ in seen)
    assert all(ranges == 0 and in_transaction for _, _, ranges, in_transaction in seen)
    job = Job.objects.get()
    assert (job.state, job.rows_done, job.result["imported"]) == ("succeeded", 250, 250)
    assert CertificateRange.objects.count() == 250


# --- A real worker ----------------------------------------------------------------------------


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_runs_a_large_import(clients, holders, large, worker):  # noqa: F811
    queue, log_path = worker
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue  # where the worker listens
    try:
        with broker(REDIS_URL):
            response = clients["operator"].post(
                URL, {"rows": rows_of(holders["holder"], 8)}, format="json"
            )
    finally:
        celery_app.conf.task_default_queue = default_queue

    assert response.status_code == 202
    assert response.json()["state"] == "queued"
    job = Job.objects.get()
    deadline = time.monotonic() + WORKER_START_SECONDS
    while job.state in {"queued", "running"} and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.state == "succeeded", log_path.read_text()
    assert (job.rows_done, job.result["imported"], job.result["blocks"]) == (8, 8, 8)
    assert CertificateBlock.objects.filter(holder=holders["holder"]).count() == 8
    assert "succeeded" in log_path.read_text()
