"""Entered calendar years in the operator's admin: read-only; operators enter them by the API."""

from django.contrib import admin

from core.admin_site import ReadOnlyAdmin
from registry.calendar.models import CalendarYear


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "source", "entered_by", "created_at"]
