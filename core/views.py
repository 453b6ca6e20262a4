"""The kernel's endpoints: the health check for load balancers, the audit chain's check, and
jobs."""

from dataclasses import asdict

from celery import current_app as celery_app
from django.db import connection
from django.http import HttpRequest, JsonResponse
from drf_spectacular.utils import extend_schema
from rest_framework.generics import RetrieveAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.audit import verify_chain
from core.jobs import jobs_visible_to
from core.permissions import CanReadEverything
from core.serializers import AuditVerificationSerializer, JobSerializer


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


class AuditVerifyView(APIView):
    """Recompute the audit hash chain and name the first broken entry (operators, regulators)."""

    permission_classes = [IsAuthenticated, CanReadEverything]

    @extend_schema(responses=AuditVerificationSerializer)
    def get(self, request: Request) -> Response:
        return Response(AuditVerificationSerializer(asdict(verify_chain())).data)


class JobView(RetrieveAPIView):
    """A job (a large import, an upload): its state, the rows done so far while it runs, and its
    result or errors once it ends. The user who started it, operators and regulators read it;
    to anyone else it does not exist (404)."""

    serializer_class = JobSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return jobs_visible_to(self.request.user)
