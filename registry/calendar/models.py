"""Published working-day schedules that operators enter for years the calendar library lacks."""

from django.conf import settings
from django.db import models

from core.models import TimeStampedModel


class CalendarYear(TimeStampedModel):
    """A year whose official schedule (State Council notice) an operator entered as data."""

    year = models.PositiveSmallIntegerField(unique=True)
    source = models.CharField(max_length=500)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return f"working-day schedule {self.year}"


class CalendarDay(models.Model):
    """A day of an entered year that differs from the weekday rule: a public holiday on a
    weekday (`working=False`), or a make-up working day on a weekend (`working=True`)."""

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.PROTECT, related_name="days")
    date = models.DateField(unique=True)
    working = models.BooleanField()
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'working day' if self.working else 'holiday'} {self.name}".strip()
