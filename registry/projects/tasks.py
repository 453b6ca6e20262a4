"""Time-driven steps of the lifecycle. Schedules are declared in CELERY_BEAT_SCHEDULE."""

from celery import shared_task
from django.utils import timezone

from registry.projects.models import MonitoringReport, Project
from registry.projects.services.projects import close_project_publicity
from registry.projects.services.reports import close_report_publicity


@shared_task(name="projects.close_publicity_periods")
def close_publicity_periods() -> int:
    """Move every project and report whose publicity period has ended; returns how many moved.

    Safe to run twice or concurrently: each close locks its row and does nothing to an item
    that has already moved on.
    """
    today = timezone.localdate()
    moved = 0
    projects = Project.objects.filter(status=Project.Status.PUBLICITY, publicity_ends_on__lte=today)
    for project_id in projects.values_list("pk", flat=True):
        moved += close_project_publicity(project_id=project_id)
    reports = MonitoringReport.objects.filter(
        status=MonitoringReport.Status.PUBLICITY, publicity_ends_on__lte=today
    )
    for report_id in reports.values_list("pk", flat=True):
        moved += close_report_publicity(report_id=report_id)
    return moved
