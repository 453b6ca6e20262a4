"""Service endpoints that are not part of the versioned API."""

from django.db import connection
from django.http import HttpRequest, JsonResponse

from config.celery import app as celery_app


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means the database does not answer
        return False


def _broker_state() -> str:
    if celery_app.conf.task_always_eager:
        return "in-process"
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=3)
    except Exception:  # any failure means the broker does not answer
        return "unavailable"
    return "ok"


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the task broker answer (tasks in-process count as answering)."""
    database = "ok" if _database_answers() else "unavailable"
    broker = _broker_state()
    healthy = database == "ok" and broker != "unavailable"
    return JsonResponse({"database": database, "broker": broker}, status=200 if healthy else 503)
