"""The regulators' totals, public like the rest of the registry's aggregate figures."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.provinces import Province
from core.api import CSVRenderer
from core.sectors import Sector
from registry.stats import GROUPINGS, credit_totals


class TotalsQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=list(GROUPINGS))
    vintage = serializers.IntegerField(required=False, min_value=1900, max_value=2200)
    province = serializers.ChoiceField(choices=Province.choices, required=False)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)


class TotalsRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="the group: a vintage year, methodology code-version, "
        "sector, province, or project id"
    )
    label = serializers.CharField()
    issued = serializers.IntegerField(help_text="active + frozen + retired + cancelled")
    active = serializers.IntegerField()
    frozen = serializers.IntegerField()
    retired = serializers.IntegerField()
    cancelled = serializers.IntegerField()


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
        query = TotalsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(credit_totals(**query.validated_data))
