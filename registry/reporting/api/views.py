"""The regulators' totals, public like the rest of the registry's aggregate figures."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from core.api import CSVRenderer, parsed
from registry.reporting.api.serializers import TotalsQuerySerializer, TotalsRowSerializer
from registry.reporting.selectors import PROJECT_PAGE_SIZE, credit_totals, project_totals_csv

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


class CreditTotalsView(APIView):
    """Credits issued, active, frozen, retired and cancelled, per vintage, methodology, sector,
    province or project; `?format=csv` for a spreadsheet.

    By project, the JSON list holds a page of `PROJECT_PAGE_SIZE` projects in id order, and
    where more follow, a `Link: <...&after=<last id>>; rel="next"` header names the next page;
    the list keeps its shape. The CSV holds every project, written by the database."""

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
        by_project = query["group_by"] == "project"
        if by_project and request.accepted_renderer.format == "csv":
            filters = {name: query.get(name) for name in ("vintage", "province", "sector")}
            return HttpResponse(project_totals_csv(**filters), content_type=CSV_CONTENT_TYPE)
        if not by_project:
            return Response(credit_totals(**query))
        rows = credit_totals(**query, limit=PROJECT_PAGE_SIZE + 1)
        response = Response(rows[:PROJECT_PAGE_SIZE])
        if len(rows) > PROJECT_PAGE_SIZE:
            after = rows[PROJECT_PAGE_SIZE - 1]["key"]
            url = replace_query_param(request.build_absolute_uri(), "after", after)
            response["Link"] = f'<{url}>; rel="next"'
        return response
