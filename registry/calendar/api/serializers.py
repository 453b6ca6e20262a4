"""Input and output shapes of the calendar API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.calendar.models import CalendarYear

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
