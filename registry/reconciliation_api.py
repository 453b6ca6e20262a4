"""The ledger reconciliation endpoint: regulators and operators read the last proof that every
issuance's blocks partition its serial range, or run one now."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.models import ReconciliationRun
from registry.reconciliation import PROBLEM_KINDS, last_reconciliation, record_reconciliation
from registry.views import CanReadEverything

NO_RECONCILIATION_YET = "No reconciliation has run yet."


class ReconciliationProblemSerializer(serializers.Serializer):
    """One problem: `first`/`last` for a gap, overlap, outside block or blockless issuance;
    `issued`/`in_blocks` for a sum that doesn't match."""

    issuance = serializers.IntegerField()
    problem = serializers.ChoiceField(choices=PROBLEM_KINDS)
    first = serializers.IntegerField(required=False)
    last = serializers.IntegerField(required=False)
    issued = serializers.IntegerField(required=False)
    in_blocks = serializers.IntegerField(required=False)


class ReconciliationRunSerializer(serializers.ModelSerializer):
    problems = ReconciliationProblemSerializer(many=True, read_only=True)

    class Meta:
        model = ReconciliationRun
        fields = [
            "id",
            "created_at",
            "ok",
            "issuances_checked",
            "blocks_checked",
            "problem_count",
            "problems",
        ]
        read_only_fields = fields


class NoReconciliationSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ReconciliationView(APIView):
    """The last ledger reconciliation (GET), or a new one run now (POST): operators and
    regulators. Runs are also recorded periodically by `registry.tasks.reconcile_ledger`."""

    permission_classes = [IsAuthenticated, CanReadEverything]

    @extend_schema(responses={200: ReconciliationRunSerializer, 404: NoReconciliationSerializer})
    def get(self, request: Request) -> Response:
        run = last_reconciliation()
        if run is None:
            raise NotFound(NO_RECONCILIATION_YET)
        return Response(ReconciliationRunSerializer(run).data)

    @extend_schema(request=None, responses={201: ReconciliationRunSerializer})
    def post(self, request: Request) -> Response:
        run = record_reconciliation()
        return Response(ReconciliationRunSerializer(run).data, status=status.HTTP_201_CREATED)
