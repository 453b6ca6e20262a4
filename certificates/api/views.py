"""The green certificate API: the caller's certificates, the operator's import, and claims
(public records)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates import selectors
from certificates.api.filters import CertificateBlockFilter
from certificates.api.serializers import (
    CertificateBlockSerializer,
    CertificateClaimSerializer,
    CertificateTotalsQuerySerializer,
    CertificateTotalsRowSerializer,
    ClaimInputSerializer,
    ImportInputSerializer,
    ImportRefusalSerializer,
    ImportResultSerializer,
)
from certificates.services.claims import claim_certificates
from certificates.services.import_jobs import runs_as_job, start_import_job
from certificates.services.imports import import_certificates
from certificates.stats import certificate_totals
from core.api import IDEMPOTENCY_KEY, CSVRenderer, answer_once, parsed
from core.parsers import CSVParser, DepthLimitedJSONParser
from core.permissions import IsOperator
from core.serializers import JobSerializer


class CertificateBlockViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Green certificate blocks held by the caller's organisation (all, for operators and
    regulators)."""

    serializer_class = CertificateBlockSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = CertificateBlockFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.blocks_visible_to(self.request.user)


class ImportView(APIView):
    """The operator imports rows of the national GEC system's export, as `text/csv` (a header,
    then one row per line) or JSON `{rows: [...]}`: all rows or none. A bad row is a 400 naming
    each bad cell: `{"rows": [{"row": 3, "column": "province", "message": "..."}]}`. More rows
    than GEC_IMPORT_TASK_ROWS are imported by a job: a 202 with the job and its URL (also in
    `Location`), whose `errors` name the bad cells if it fails."""

    permission_classes = [IsAuthenticated, IsOperator]
    parser_classes = [DepthLimitedJSONParser, CSVParser]

    @extend_schema(
        request={"application/json": ImportInputSerializer, "text/csv": OpenApiTypes.STR},
        responses={
            201: ImportResultSerializer,
            202: OpenApiResponse(
                JobSerializer,
                description="More rows than GEC_IMPORT_TASK_ROWS: the job that imports them, "
                "polled at its `url` (also the `Location` header).",
            ),
            400: ImportRefusalSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        rows = parsed(ImportInputSerializer, request)["rows"]
        if runs_as_job(rows):
            job = start_import_job(actor=request.user, rows=rows)
            data = JobSerializer(job, context={"request": request}).data
            return Response(
                data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]}
            )
        result = import_certificates(actor=request.user, rows=rows)
        return Response(ImportResultSerializer(result).data, status=status.HTTP_201_CREATED)


class ClaimViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Claims of green certificates: public records; the holder claims with `POST`."""

    serializer_class = CertificateClaimSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.claims()

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        request=ClaimInputSerializer,
        responses={201: CertificateClaimSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request: Request) -> Response:
        def claim():
            data = parsed(ClaimInputSerializer, request)
            # Another holder's block is as unknown as a missing one.
            block = get_object_or_404(
                selectors.blocks_visible_to(request.user).select_related(None),
                pk=data.pop("block"),
            )
            record = claim_certificates(actor=request.user, block=block, **data)
            return status.HTTP_201_CREATED, CertificateClaimSerializer(record).data

        return answer_once(request, "green-certificates/claims", claim)


class CertificateTotalsView(APIView):
    """Green certificates per state, generation type or province, with their split by state;
    public like the credit totals; `?format=csv` for a spreadsheet."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[
            CertificateTotalsQuerySerializer,
            OpenApiParameter("format", enum=["json", "csv"], description="csv for a spreadsheet"),
        ],
        responses=CertificateTotalsRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = parsed(CertificateTotalsQuerySerializer, request, request.query_params)
        return Response(certificate_totals(**query))
