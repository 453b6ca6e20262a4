"""Read queries for projects, reports, issuances and holdings, scoped to the caller."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.roles import can_read_everything
from registry.projects.models import Document, MonitoringReport, Project

# What reached publicity is public for good, whatever happens to it later (withdrawn,
# rejected); what never did (a draft, or a draft withdrawn as such) never is.
# `submit` is the one way out of draft, and it sets `submitted_on`, which nothing clears.
REACHED_PUBLICITY = Q(submitted_on__isnull=False)


def projects_visible_to(user: Any) -> QuerySet[Project]:
    """Public from publicity on; a project that never reached it (a draft, or one withdrawn
    as a draft) to its company, the engaged verifier, operators and regulators. Anything else
    is a 404, so a draft's existence never leaks."""
    projects = Project.objects.select_related("methodology", "proponent", "verifier")
    if can_read_everything(user):
        return projects
    if not getattr(user, "is_authenticated", False):
        return projects.filter(REACHED_PUBLICITY)
    mine = Q(proponent_id=user.organization_id) | Q(verifier_id=user.organization_id)
    return projects.filter(REACHED_PUBLICITY | mine)


def reports_visible_to(user: Any) -> QuerySet[MonitoringReport]:
    """Public after submission; a report never submitted (a draft, or one withdrawn as a
    draft) to the project's company, the engaged verifier, operators and regulators."""
    reports = MonitoringReport.objects.select_related("project", "verifier", "project__methodology")
    if can_read_everything(user):
        return reports
    if not getattr(user, "is_authenticated", False):
        return reports.filter(REACHED_PUBLICITY)
    mine = Q(project__proponent_id=user.organization_id) | Q(verifier_id=user.organization_id)
    return reports.filter(REACHED_PUBLICITY | mine)


# Documents the public reads: the design (design document, monitoring plan) and the monitoring
# report from their object's publicity on (that is what publicity is for), each opinion's
# signed report once the opinion is given. Supporting evidence stays with the parties.
PUBLIC_DOCUMENTS = (
    Q(
        report__isnull=True,
        kind__in=["design_document", "monitoring_plan"],
        project__submitted_on__isnull=False,
    )
    | Q(report__isnull=True, kind="validation_report", project__validation_opinion__gt="")
    | Q(report__isnull=False, kind="monitoring_report", report__submitted_on__isnull=False)
    | Q(report__isnull=False, kind="verification_report", report__verification_opinion__gt="")
)


def documents_visible_to(user: Any) -> QuerySet[Document]:
    """Operators and regulators read every document; the parties (the project's company, the
    verifier engaged on the object) the documents of their objects; anyone else the public
    ones (`PUBLIC_DOCUMENTS`). Any other is a 404: a draft's documents never leak."""
    documents = Document.objects.select_related("project", "report")
    if can_read_everything(user):
        return documents
    if not getattr(user, "is_authenticated", False):
        return documents.filter(PUBLIC_DOCUMENTS)
    organization = user.organization_id
    parties = (
        Q(project__proponent_id=organization)
        | Q(report__isnull=True, project__verifier_id=organization)
        | Q(report__verifier_id=organization)
    )
    return documents.filter(PUBLIC_DOCUMENTS | parties)


def overdue_reviews(queryset: QuerySet, today=None) -> QuerySet:
    """Items in operator review past their review deadline."""
    today = today or timezone.localdate()
    return queryset.filter(
        status__in=["registration_review", "issuance_review"], review_due_on__lt=today
    )
