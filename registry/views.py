"""Registry API views."""

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.rules import can_read_everything
from core.api import allowed_if
from core.audit import verify_chain
from registry.serializers import AuditVerificationSerializer

CanReadEverything = allowed_if(can_read_everything, "CanReadEverything")


class AuditVerifyView(APIView):
    """Recompute the audit hash chain and name the first broken entry (operators, regulators)."""

    permission_classes = [IsAuthenticated, CanReadEverything]

    @extend_schema(responses=AuditVerificationSerializer)
    def get(self, request: Request) -> Response:
        return Response(AuditVerificationSerializer(asdict(verify_chain())).data)
