"""`GET /api/v1/stats/data-centres/`: a year's data-centre figures by province, grid region or
tier, public like the other totals, with the small groups withheld from the public
(`compute.stats`); JSON, or `?format=csv`."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compute.api.serializers import Rounded, energy, ratio, tonnes
from compute.stats import GROUPINGS, data_centre_totals
from core.api import CSVRenderer, parsed

# The response header that counts the groups withheld from the caller.
WITHHELD_HEADER = "Withheld-Groups"
YEAR_HEADER = "Data-Year"


class DataCentreTotalsQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=list(GROUPINGS))
    year = serializers.IntegerField(
        required=False,
        min_value=1900,
        max_value=2200,
        help_text="The year of the readings' period_start; by default the latest year with "
        "readings.",
    )


class DataCentreTotalsRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="a province, a grid region, or a tier (grade)")
    label = serializers.CharField()
    year = serializers.IntegerField()
    data_centres = serializers.IntegerField(help_text="data centres with readings in the year")
    total_energy_kwh = energy()
    it_energy_kwh = energy()
    pue = Rounded(3, help_text="Σ total / Σ IT energy over the group (ISO/IEC 30134-2).")
    renewable_share = ratio(help_text="Σ green / Σ total energy over the group (REF).")
    location_based_tco2e = tonnes()
    market_based_tco2e = tonnes()
    energy_for_assessment_kwh = energy(help_text="Total minus renewable electricity.")


class DataCentreTotalsView(APIView):
    """A year's data-centre figures per province, grid region or tier (the tier of each data
    centre's yearly PUE): sums, and PUE and renewable share weighted by energy; `?format=csv`
    for a spreadsheet."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[
            DataCentreTotalsQuerySerializer,
            OpenApiParameter("format", enum=["json", "csv"], description="csv for a spreadsheet"),
            OpenApiParameter(
                WITHHELD_HEADER,
                int,
                location=OpenApiParameter.HEADER,
                response=True,
                description="How many groups were withheld from the caller (0 for operators "
                "and regulators).",
            ),
            OpenApiParameter(
                YEAR_HEADER,
                int,
                location=OpenApiParameter.HEADER,
                response=True,
                description="The year answered; absent where no reading is stored.",
            ),
        ],
        responses=OpenApiResponse(
            DataCentreTotalsRowSerializer(many=True),
            description=(
                "Groups of fewer than COMPUTE_PUBLIC_MIN_GROUP (3) data centres are withheld "
                "from everyone but operators and regulators: left out of the list, and counted "
                f"in the `{WITHHELD_HEADER}` header. `{YEAR_HEADER}` names the year answered "
                "(absent where no reading is stored)."
            ),
        ),
    )
    def get(self, request: Request) -> Response:
        query = parsed(DataCentreTotalsQuerySerializer, request, request.query_params)
        totals = data_centre_totals(user=request.user, **query)
        headers = {WITHHELD_HEADER: str(totals.withheld)}
        if totals.year is not None:
            headers[YEAR_HEADER] = str(totals.year)
        rows = DataCentreTotalsRowSerializer(totals.rows, many=True).data
        return Response(rows, headers=headers)
