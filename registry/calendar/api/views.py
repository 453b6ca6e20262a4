"""The working-day calendar API: the entered years (public), entering one (operators), and the
public working-day arithmetic the registry itself uses for its deadlines."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import parsed
from core.errors import InvalidInput
from core.permissions import IsOperator
from registry.calendar.api.serializers import (
    CalendarYearInputSerializer,
    CalendarYearSerializer,
    WorkingDaysQuerySerializer,
    WorkingDaysSerializer,
)
from registry.calendar.selectors import calendar_years
from registry.calendar.services import enter_calendar_year
from registry.calendar.working_days import BeyondCalendar, add_working_days


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
        data = parsed(CalendarYearInputSerializer, request)
        calendar_year = enter_calendar_year(actor=request.user, **data)
        calendar_year = self.get_queryset().get(pk=calendar_year.pk)
        return Response(CalendarYearSerializer(calendar_year).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[WorkingDaysQuerySerializer], responses=WorkingDaysSerializer)
    @action(detail=False, methods=["get"], url_path="working-days", pagination_class=None)
    def working_days(self, request: Request) -> Response:
        """The end of a period of `days` working days starting on `start`, as the registry
        computes its publicity and review deadlines."""
        query = parsed(WorkingDaysQuerySerializer, request, request.query_params)
        start, days = query["start"], query["days"]
        try:
            deadline = add_working_days(start, days)
        except BeyondCalendar as error:
            raise InvalidInput({"start": error.message}) from error
        body = {
            "start": start,
            "days": days,
            "ends_on": deadline.date,
            "provisional": deadline.provisional,
        }
        return Response(WorkingDaysSerializer(body).data)
