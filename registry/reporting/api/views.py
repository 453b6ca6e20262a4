"""The regulators' totals, public like the rest of the registry's aggregate figures."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import CSVRenderer, parsed
from registry.reporting.api.serializers import TotalsQuerySerializer, TotalsRowSerializer
from registry.reporting.selectors import credit_totals


class CreditTotalsView(APIView):
    """Credits issued, active, frozen, retired and cancelled, per vintage, methodology, sector,
    province or project; `?format=csv` for a spreadsheet."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[
            TotalsQuerySerializer,
            OpenApiParameter("format", enum=["json", "csv"], description="csv for a spreadsheet"),
        ],
        responses=TotalsRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = parsed(TotalsQuerySerializer, request, request.query_params)
        return Response(credit_totals(**query))
