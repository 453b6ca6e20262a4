"""Read queries for projects, reports, issuances and holdings, scoped to the caller."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.roles import can_read_everything
from registry.projects.models import MonitoringReport, Project

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


def overdue_reviews(queryset: QuerySet, today=None) -> QuerySet:
    """Items in operator review past their review deadline."""
    today = today or timezone.localdate()
    return queryset.filter(
        status__in=["registration_review", "issuance_review"], review_due_on__lt=today
    )
