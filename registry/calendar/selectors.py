"""Read queries for the entered calendar years."""

from django.db.models import Prefetch, QuerySet

from registry.calendar.models import CalendarDay, CalendarYear


def calendar_years() -> QuerySet[CalendarYear]:
    """The entered years with their exceptional days, for the public list (a selector)."""
    return CalendarYear.objects.prefetch_related(
        Prefetch("days", queryset=CalendarDay.objects.order_by("date"))
    ).order_by("year")
