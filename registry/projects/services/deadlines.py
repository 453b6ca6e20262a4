"""The lifecycle's provisional deadlines, made exact when an operator enters the working-day
schedule of their year (registered in `registry.calendar.services.YEAR_ENTERED`)."""

from datetime import date

from django.conf import settings
from django.db.models import Q

from registry.calendar.services import Change
from registry.calendar.working_days import WorkingDayCalendar
from registry.projects.models import MonitoringReport, Project

# The deadlines that may be provisional, per model in lock order (projects before reports):
# (status while the period runs, start field, end field, provisional flag, setting).
_DEADLINES: tuple[tuple[type[Project | MonitoringReport], tuple[tuple[str, ...], ...]], ...] = (
    (
        Project,
        (
            (
                Project.Status.PUBLICITY,
                "submitted_on",
                "publicity_ends_on",
                "publicity_end_provisional",
                "PROJECT_PUBLICITY_WORKING_DAYS",
            ),
            (
                Project.Status.REGISTRATION_REVIEW,
                "validated_on",
                "review_due_on",
                "review_due_provisional",
                "REGISTRATION_REVIEW_WORKING_DAYS",
            ),
        ),
    ),
    (
        MonitoringReport,
        (
            (
                MonitoringReport.Status.PUBLICITY,
                "submitted_on",
                "publicity_ends_on",
                "publicity_end_provisional",
                "CLAIM_PUBLICITY_WORKING_DAYS",
            ),
            (
                MonitoringReport.Status.ISSUANCE_REVIEW,
                "verified_on",
                "review_due_on",
                "review_due_provisional",
                "ISSUANCE_REVIEW_WORKING_DAYS",
            ),
        ),
    ),
)


def recompute_provisional_deadlines(year: int) -> list[Change]:
    """Recompute the provisional deadlines that `year` decides; return what changed.

    Only items still in the period are touched: a period that has been closed already is
    history, and its deadline stays as it was applied, provisional flag included.

    A provisional period that ends before the year, or starts after it, never counted a day of
    it, so entering the year cannot change it. Rows are locked in the global order (all
    projects, then all reports, each by primary key) because the lifecycle services move them
    concurrently; PostgreSQL rechecks the filter on a row that changed while we waited for it.
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    calendar = WorkingDayCalendar()
    changes: list[Change] = []
    for model, deadlines in _DEADLINES:
        running = Q()
        for status, start_field, end_field, flag_field, _setting in deadlines:
            running |= Q(
                status=status,
                **{flag_field: True, f"{start_field}__lte": last, f"{end_field}__gte": first},
            )
        changed: list[Project | MonitoringReport] = []
        fields: set[str] = set()
        for obj in model.objects.select_for_update().filter(running).order_by("pk"):
            for status, start_field, end_field, flag_field, setting in deadlines:
                if obj.status != status or not getattr(obj, flag_field):
                    continue
                start = getattr(obj, start_field)
                compute = (
                    calendar.publicity_over_on
                    if end_field == "publicity_ends_on"
                    else calendar.add_working_days
                )
                deadline = compute(start, getattr(settings, setting))
                before = {end_field: getattr(obj, end_field), flag_field: True}
                after = {end_field: deadline.date, flag_field: deadline.provisional}
                if before == after:
                    continue
                setattr(obj, end_field, deadline.date)
                setattr(obj, flag_field, deadline.provisional)
                changed.append(obj)
                fields.update(after)
                changes.append((obj, before, after))
        if changed:
            model.objects.bulk_update(changed, sorted(fields))
    return changes
