"""The kernel's endpoints: the health check for load balancers, the transparency log and its
check, and jobs."""

import base64

from celery import current_app as celery_app
from django.db import connection, transaction
from django.http import Http404, HttpRequest, JsonResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import RetrieveAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import roles, tasks, transparency
from core.audit import canonical_bytes
from core.errors import InvalidInput
from core.jobs import jobs_visible_to
from core.models import AuditCheck, AuditEntry
from core.permissions import CanReadEverything
from core.serializers import (
    AuditVerificationSerializer,
    ConsistencyProofSerializer,
    InclusionProofSerializer,
    JobSerializer,
    LogEntrySerializer,
    TransparencyKeySerializer,
    TreeHeadSerializer,
)

NOT_A_NUMBER = "A whole number is required."
TOO_SMALL = "Must be at least {minimum}."
BEYOND_HEAD = "Beyond the latest signed tree head ({size} entries)."
INDEX_OUTSIDE_TREE = "Must be smaller than tree_size."
FIRST_AFTER_SECOND = "Must not be greater than second."


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
    """The last recorded check of the transparency log against the audit entries (operators,
    regulators); each call starts a new check as a task, whose outcome the next call answers.
    (Without a broker the task runs in-process before the answer is read.)"""

    permission_classes = [IsAuthenticated, CanReadEverything]

    @extend_schema(responses=AuditVerificationSerializer)
    def get(self, request: Request) -> Response:
        transaction.on_commit(_start_log_check)
        check = AuditCheck.objects.order_by("-created_at", "-id").first()
        data = {
            "ok": check.ok if check else None,
            "entries": check.entries if check else None,
            "first_broken": check.first_broken if check else None,
            "problem": check.problem if check else None,
            "checked_at": check.created_at if check else None,
        }
        return Response(AuditVerificationSerializer(data).data)


def _start_log_check() -> None:
    if tasks.verify_log.app.conf.task_always_eager:
        # In process, without .delay(): it would take a producer from the broker's pool even
        # when eager, and the pool keeps the broker URL it was made with (`core.jobs._enqueue`).
        tasks.verify_log.apply()
    else:
        tasks.verify_log.delay()


def _number(request: Request, name: str, minimum: int) -> int:
    raw = request.query_params.get(name, "")
    if not raw.isascii() or not raw.isdigit():
        raise InvalidInput({name: NOT_A_NUMBER})
    value = int(raw)
    if value < minimum:
        raise InvalidInput({name: TOO_SMALL.format(minimum=minimum)})
    return value


def _within_head(name: str, size: int) -> None:
    head = transparency.latest_head()
    head_size = head.tree_size if head else 0
    if size > head_size:
        raise InvalidInput({name: BEYOND_HEAD.format(size=head_size)})


def _hex(hashes: list[bytes]) -> list[str]:
    return [value.hex() for value in hashes]


class TransparencyKeyView(APIView):
    """The transparency log's public key, to check its signed tree heads. Public."""

    permission_classes = [AllowAny]

    @extend_schema(responses=TransparencyKeySerializer)
    def get(self, request: Request) -> Response:
        key = base64.b64encode(transparency.public_key()).decode()
        return Response({"algorithm": "Ed25519", "public_key": key})


class TreeHeadView(APIView):
    """The latest signed tree head (404 before the first entry is sealed). Public."""

    permission_classes = [AllowAny]

    @extend_schema(responses=TreeHeadSerializer)
    def get(self, request: Request) -> Response:
        head = transparency.latest_head()
        if head is None:
            raise Http404
        return Response(
            {
                "tree_size": head.tree_size,
                "root_hash": bytes(head.root_hash).hex(),
                "timestamp": head.timestamp,
                "signature": base64.b64encode(bytes(head.signature)).decode(),
            }
        )


class LogEntryView(APIView):
    """A sealed entry's leaf hash (public) and its canonical bytes, for operators and
    regulators, or for anyone when the object it records is public."""

    permission_classes = [AllowAny]

    @extend_schema(responses=LogEntrySerializer)
    def get(self, request: Request, index: int) -> Response:
        head = transparency.latest_head()
        if head is None or index >= head.tree_size:
            raise Http404
        entry = AuditEntry.objects.filter(leaf_index=index).first()
        leaf = transparency.leaf(index)
        if entry is None or leaf is None:
            raise Http404
        data = {"index": index, "leaf_hash": leaf.hex()}
        if roles.can_read_everything(request.user) or transparency.is_public_record(entry):
            data["entry"] = base64.b64encode(canonical_bytes(entry)).decode()
        return Response(data)


class InclusionProofView(APIView):
    """The audit path of one entry in a tree the log has signed. Public."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("index", int), OpenApiParameter("tree_size", int)],
        responses=InclusionProofSerializer,
    )
    def get(self, request: Request) -> Response:
        index = _number(request, "index", 0)
        size = _number(request, "tree_size", 1)
        _within_head("tree_size", size)
        if index >= size:
            raise InvalidInput({"index": INDEX_OUTSIDE_TREE})
        path = transparency.inclusion_proof(index, size)
        return Response({"index": index, "tree_size": size, "audit_path": _hex(path)})


class ConsistencyProofView(APIView):
    """The proof that an earlier signed tree is a prefix of a later one. Public."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("first", int), OpenApiParameter("second", int)],
        responses=ConsistencyProofSerializer,
    )
    def get(self, request: Request) -> Response:
        first = _number(request, "first", 1)
        second = _number(request, "second", 1)
        _within_head("second", second)
        if first > second:
            raise InvalidInput({"first": FIRST_AFTER_SECOND})
        proof = transparency.consistency_proof(first, second)
        return Response({"first": first, "second": second, "proof": _hex(proof)})


class JobView(RetrieveAPIView):
    """A job (a large import, an upload): its state, the rows done so far while it runs, and its
    result or errors once it ends. The user who started it, operators and regulators read it;
    to anyone else it does not exist (404)."""

    serializer_class = JobSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return jobs_visible_to(self.request.user)
