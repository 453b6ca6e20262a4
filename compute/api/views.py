"""The compute accounting API: a company's data centres, their readings and yearly figures.
Private to the owner, operators and regulators; another organisation's data centre is a 404."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from compute import rules, selectors
from compute.api.filters import DataCentreFilter
from compute.api.serializers import (
    DataCentreDetailSerializer,
    DataCentreInputSerializer,
    DataCentreSerializer,
    ReadingInputSerializer,
    ReadingSerializer,
    ReadingUploadInputSerializer,
    ReadingUploadRefusalSerializer,
    ReadingUploadResultSerializer,
    YearFiguresSerializer,
    YearsQuerySerializer,
)
from compute.models import Reading
from compute.services.data_centres import register_data_centre
from compute.services.readings import record_reading
from compute.services.upload_jobs import runs_as_job, start_upload_job
from compute.services.uploads import upload_readings
from core.api import parsed
from core.errors import AccessDenied
from core.parsers import CSVParser, DepthLimitedJSONParser
from core.permissions import IsProponent
from core.serializers import JobSerializer


def _readings(readings: list[Reading]) -> list[dict]:
    """The readings as answered, with the certificate claims each counts."""
    context = {"claims": selectors.claims_of(readings)}
    return ReadingSerializer(readings, many=True, context=context).data


class DataCentreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Data centres: companies register theirs; the owner's members, operators and regulators
    read them, their readings and their yearly figures."""

    serializer_class = DataCentreSerializer
    filterset_class = DataCentreFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.data_centres_visible_to(self.request.user)

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), IsProponent()]
        return [IsAuthenticated()]

    @extend_schema(request=DataCentreInputSerializer, responses={201: DataCentreDetailSerializer})
    def create(self, request: Request) -> Response:
        data_centre = register_data_centre(
            actor=request.user, **parsed(DataCentreInputSerializer, request)
        )
        answer = DataCentreDetailSerializer(data_centre, context={"figures": None})
        return Response(answer.data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[YearsQuerySerializer], responses=DataCentreDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        """The data centre with the figures of its latest year with readings, or of `?year=`."""
        data_centre = self.get_object()
        year = parsed(YearsQuerySerializer, request, request.query_params).get("year")
        figures = (
            selectors.latest_yearly_figures(data_centre)
            if year is None
            else selectors.yearly_figures(data_centre, year)
        )
        return Response(DataCentreDetailSerializer(data_centre, context={"figures": figures}).data)

    @extend_schema(methods=["GET"], responses=ReadingSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=ReadingInputSerializer,
        responses={201: ReadingSerializer, 200: ReadingSerializer},
        description=(
            "Record a reading over [period_start, period_end), within one calendar year, and "
            "claim `certificates` of the owner for it in the same transaction (all or none): "
            "201. A reading of exactly the period of a current one corrects it (201; the old "
            "one stays in the history, superseded); the same values again change nothing "
            "(200, the current reading). A period overlapping a current reading otherwise is a "
            "400 on period_start."
        ),
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None)
    def readings(self, request: Request, pk: str) -> Response:
        """The data centre's readings, superseded ones included (`current: false`), the newest
        period first; its owner records them with `POST`."""
        data_centre = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.readings_of(data_centre))
            return self.get_paginated_response(_readings(page))
        recorded = record_reading(
            actor=request.user, data_centre=data_centre, **parsed(ReadingInputSerializer, request)
        )
        return Response(
            _readings([recorded.reading])[0],
            status=status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK,
        )

    @extend_schema(
        request={"application/json": ReadingUploadInputSerializer, "text/csv": OpenApiTypes.STR},
        responses={
            201: ReadingUploadResultSerializer,
            200: OpenApiResponse(
                ReadingUploadResultSerializer,
                description="Every row repeats the current reading of its period: nothing written.",
            ),
            202: OpenApiResponse(
                JobSerializer,
                description="More rows than COMPUTE_UPLOAD_TASK_ROWS: the job that records "
                "them, polled at its `url` (also the `Location` header).",
            ),
            400: ReadingUploadRefusalSerializer,
        },
        description=(
            "The owner uploads readings, one row a period, as `text/csv` (a header, then one "
            "row per line) or JSON `{rows: [...]}`, with the columns of a posted reading "
            "(certificates aside): all rows or none, each recorded as if posted alone (new: "
            "201; the same period with other values corrects it; the same values change "
            "nothing, and an upload that changes nothing is a 200). A bad row is a 400 naming "
            'each bad cell: `{"rows": [{"row": 3, "column": "it_energy_kwh", "message": '
            '"..."}]}`, rows numbered from 1, the first after the header. More rows than '
            "COMPUTE_UPLOAD_TASK_ROWS are recorded by a job: a 202 with the job, whose "
            "`errors` name the bad cells if it fails."
        ),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="readings/upload",
        parser_classes=[DepthLimitedJSONParser, CSVParser],
        filterset_class=None,
    )
    def readings_upload(self, request: Request, pk: str) -> Response:
        """Readings uploaded as a table: synchronously, or by a job when large."""
        data_centre = self.get_object()
        # Refused before the body is read, as the service would refuse it.
        if not rules.can_record_readings(request.user, data_centre):
            raise AccessDenied()
        rows = parsed(ReadingUploadInputSerializer, request)["rows"]
        if runs_as_job(rows):
            job = start_upload_job(actor=request.user, data_centre=data_centre, rows=rows)
            data = JobSerializer(job, context={"request": request}).data
            return Response(
                data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]}
            )
        result = upload_readings(actor=request.user, data_centre=data_centre, rows=rows)
        changed = result.created or result.corrected
        return Response(
            ReadingUploadResultSerializer(result).data,
            status=status.HTTP_201_CREATED if changed else status.HTTP_200_OK,
        )

    @extend_schema(responses=YearFiguresSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def years(self, request: Request, pk: str) -> Response:
        """The figures of every year with current readings, the latest first."""
        data_centre = self.get_object()
        figures = [
            selectors.yearly_figures(data_centre, year) for year in selectors.years_of(data_centre)
        ]
        return Response(YearFiguresSerializer(figures, many=True).data)
