from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "registry.calendar"
    label = "calendar"
    verbose_name = "Working-day calendar"
