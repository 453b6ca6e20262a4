"""The working-day calendar API: the entered years (public), entering one (operators), and the
public working-day arithmetic the registry itself uses for its deadlines."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.rules import is_operator
from core.api import allowed_if
from registry.models import CalendarYear
from registry.services.calendar import enter_calendar_year
from registry.working_days import add_working_days, calendar_years

IsOperator = allowed_if(is_operator, "IsOperator")

# A cap on the public arithmetic, so that one query cannot walk the calendar for minutes;
# ten years of working days is far beyond any period of the registry.
MAX_WORKING_DAYS = 2500


class CalendarDateSerializer(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")


class CalendarYearSerializer(serializers.ModelSerializer):
    """An entered year: the weekday holidays and the weekend make-up working days, as entered."""

    holidays = serializers.SerializerMethodField()
    working_days = serializers.SerializerMethodField()
    entered_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = CalendarYear
        fields = ["year", "source", "entered_at", "holidays", "working_days"]
        read_only_fields = fields

    @extend_schema_field(CalendarDateSerializer(many=True))
    def get_holidays(self, obj: CalendarYear) -> list[dict]:
        return [{"date": day.date, "name": day.name} for day in obj.days.all() if not day.working]

    @extend_schema_field(CalendarDateSerializer(many=True))
    def get_working_days(self, obj: CalendarYear) -> list[dict]:
        return [{"date": day.date, "name": day.name} for day in obj.days.all() if day.working]


class CalendarYearInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1, max_value=9999)
    source = serializers.CharField(max_length=500)
    holidays = CalendarDateSerializer(many=True)
    working_days = CalendarDateSerializer(many=True, required=False, default=list)


class WorkingDaysQuerySerializer(serializers.Serializer):
    start = serializers.DateField(help_text="The day the period starts; it is not counted.")
    days = serializers.IntegerField(
        min_value=0, max_value=MAX_WORKING_DAYS, help_text="The length of the period."
    )


class WorkingDaysSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    ends_on = serializers.DateField(
        help_text="The days-th working day after start: the item may move on from this date on."
    )
    provisional = serializers.BooleanField(
        help_text="A day of a year whose schedule nobody has entered was counted on weekdays only."
    )


class CalendarYearViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Years whose official working-day schedule an operator entered; operators enter new ones."""

    serializer_class = CalendarYearSerializer
    lookup_field = "year"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return calendar_years()

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), IsOperator()]
        return [AllowAny()]

    @extend_schema(parameters=[OpenApiParameter("year", int, OpenApiParameter.PATH)])
    def retrieve(self, request: Request, year: str) -> Response:
        return super().retrieve(request, year=year)

    @extend_schema(request=CalendarYearInputSerializer, responses={201: CalendarYearSerializer})
    def create(self, request: Request) -> Response:
        data = CalendarYearInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        calendar_year = enter_calendar_year(actor=request.user, **data.validated_data)
        calendar_year = self.get_queryset().get(pk=calendar_year.pk)
        return Response(CalendarYearSerializer(calendar_year).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[WorkingDaysQuerySerializer], responses=WorkingDaysSerializer)
    @action(detail=False, methods=["get"], url_path="working-days", pagination_class=None)
    def working_days(self, request: Request) -> Response:
        """The end of a period of `days` working days starting on `start`, as the registry
        computes its publicity and review deadlines."""
        query = WorkingDaysQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, days = query.validated_data["start"], query.validated_data["days"]
        deadline = add_working_days(start, days)
        body = {
            "start": start,
            "days": days,
            "ends_on": deadline.date,
            "provisional": deadline.provisional,
        }
        return Response(WorkingDaysSerializer(body).data)
