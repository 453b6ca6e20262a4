"""A real Celery worker process, on Redis, against the test database in PostgreSQL."""

import os
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from core.models import AuditCheck
from core.tasks import verify_log
from tests.conftest import make_organization
from tests.core.test_health import REDIS_URL, broker

WORKER_START_SECONDS = 60


def database_environment() -> dict[str, str]:
    """What points a process at the database this test runs on (pytest-django renamed it to
    test_...): DATABASE_URL's server, or the embedded one, whose data folder the child finds
    as this process did."""
    db = connection.settings_dict
    if not os.environ.get("DATABASE_URL"):
        return {"EMBEDDED_POSTGRES_DATABASE": db["NAME"]}
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return {"DATABASE_URL": f"postgres://{credentials}@{host}/{db['NAME']}"}


@pytest.fixture
def worker(tmp_path):
    """Start `celery worker` on a queue of its own and stop it after the test."""
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        **database_environment(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "solo",
                "--queues",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield queue, log_path
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_runs_the_audit_check_and_writes_to_postgresql(worker):
    queue, log_path = worker
    make_organization("operator")

    with broker(REDIS_URL):
        verify_log.apply_async(queue=queue)

    deadline = time.monotonic() + WORKER_START_SECONDS
    while not AuditCheck.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    check = AuditCheck.objects.first()
    assert check is not None, log_path.read_text()
    assert (check.ok, check.entries, check.first_broken) == (True, 1, None)
    assert "succeeded" in log_path.read_text()
