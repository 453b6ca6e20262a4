"""Row locks, taken in one global order: project, then monitoring report, then (in
`registry.ledger.locks`) accounts, block, serial counter, each by primary key. Every service that
locks more than one kind of row goes through these helpers in that order, so two transactions
never wait on each other in a cycle."""

from registry.projects.models import MonitoringReport, Project


def lock_project(pk: int) -> Project:
    return Project.objects.select_for_update().get(pk=pk)


def lock_report(pk: int) -> MonitoringReport:
    """Caller holds the lock of the report's project if it needs one (project comes first)."""
    return MonitoringReport.objects.select_for_update().get(pk=pk)


def lock(obj: Project | MonitoringReport) -> Project | MonitoringReport:
    """The object's row, locked and read again."""
    return lock_project(obj.pk) if isinstance(obj, Project) else lock_report(obj.pk)
