"""Row locks, taken in one global order: project, then monitoring report, then account, then
block, each by primary key. Every service that locks more than one kind of row goes through
these helpers in that order, so two transactions never wait on each other in a cycle."""

from registry.models import MonitoringReport, Project


def lock_project(pk: int) -> Project:
    return Project.objects.select_for_update().get(pk=pk)


def lock_report(pk: int) -> MonitoringReport:
    """Caller holds the lock of the report's project if it needs one (project comes first)."""
    return MonitoringReport.objects.select_for_update().get(pk=pk)
