"""What a verifier is engaged on: the projects that name it as their validator and the
monitoring reports that name it as their verifier (`Project.verifier`,
`MonitoringReport.verifier`), read through the registry's selectors, so that another body's
engagement is a 404 here even where the public may read the object."""

from typing import Any

from django.db.models import QuerySet

from registry.projects import selectors
from registry.projects.models import Document, MonitoringReport, Project
from registry.projects.services.documents import OPINION_PENDING


def engaged_projects(user: Any) -> QuerySet[Project]:
    return selectors.projects_visible_to(user).filter(verifier_id=user.organization_id)


def engaged_reports(user: Any) -> QuerySet[MonitoringReport]:
    return selectors.reports_visible_to(user).filter(verifier_id=user.organization_id)


def projects_awaiting_opinion(user: Any) -> QuerySet[Project]:
    """Engaged projects whose validation opinion is pending (in publicity or validation),
    the one whose publicity ended first at the top: it has waited longest."""
    return (
        engaged_projects(user)
        .filter(status__in=OPINION_PENDING["project"])
        .order_by("publicity_ends_on", "pk")
    )


def reports_awaiting_opinion(user: Any) -> QuerySet[MonitoringReport]:
    """Engaged reports whose verification opinion is pending, longest waiting first."""
    pending = OPINION_PENDING["monitoring report"]
    return engaged_reports(user).filter(status__in=pending).order_by("publicity_ends_on", "pk")


def documents_of(user: Any, obj: Project | MonitoringReport) -> QuerySet[Document]:
    """The object's documents the user may read, superseded ones too."""
    documents = selectors.documents_visible_to(user)
    if isinstance(obj, Project):
        return documents.filter(project=obj, report__isnull=True).select_related("uploaded_by")
    return documents.filter(report=obj).select_related("uploaded_by")
